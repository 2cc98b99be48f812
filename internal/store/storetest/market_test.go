package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestMarketStore checks the market's records on both engines: products
// found by body, theme, state and text (wildcards taken literally), every
// update conditional on the state it was decided on, orders by provider
// and by buyer, and access grants without a sharing request (several at
// once) whose calls are counted from the message log.
func TestMarketStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			org := ids.New()
			p := &market.Product{ID: ids.New(), Name: "企业登记数据服务", Description: "按月更新 100%", Theme: "economy", ProviderID: org,
				Provider: "深圳市市场监督管理局", Region: "4403", State: market.Draft, Price: market.Price{Model: market.PerCall, Fen: 5},
				Policy: market.Policy{Purposes: []string{"风控"}, Regions: []region.Code{"44"}}, CreatedAt: t0, UpdatedAt: t0}
			if err := s.CreateProduct(ctx, p); err != nil {
				t.Fatal(err)
			}
			other := *p
			other.ID, other.Name, other.Description, other.Theme, other.ProviderID, other.Provider, other.UpdatedAt = ids.New(), "交通数据", "公交", "transport", ids.New(), "广州市交通运输局", t0.Add(time.Hour)
			if err := s.CreateProduct(ctx, &other); err != nil {
				t.Fatal(err)
			}
			p.State = market.Published
			if err := s.UpdateProduct(ctx, p, market.Draft); err != nil {
				t.Fatal(err)
			}
			if err := s.UpdateProduct(ctx, p, market.Draft); !errs.Is(err, errs.Conflict) {
				t.Fatalf("second update from draft: %v", err)
			}
			for _, c := range []struct {
				name string
				q    market.ProductQuery
				want int
			}{
				{"published", market.ProductQuery{State: market.Published, Limit: 10}, 1},
				{"every state", market.ProductQuery{Limit: 10}, 2},
				{"by body", market.ProductQuery{ProviderID: org, Limit: 10}, 1},
				{"by theme", market.ProductQuery{Theme: "transport", Limit: 10}, 1},
				{"by text in provider", market.ProductQuery{Text: "市场监督", Limit: 10}, 1},
				{"percent taken literally", market.ProductQuery{Text: "100%", Limit: 10}, 1},
				{"underscore taken literally", market.ProductQuery{Text: "_", Limit: 10}, 0},
				{"offset", market.ProductQuery{Limit: 10, Offset: 1}, 1},
			} {
				got, err := s.Products(ctx, c.q)
				if err != nil || len(got) != c.want {
					t.Errorf("%s: %d products, %v; want %d", c.name, len(got), err, c.want)
				}
			}
			got, err := s.Product(ctx, p.ID)
			if err != nil || got.State != market.Published || got.Price.Fen != 5 || got.Policy.Purposes[0] != "风控" {
				t.Fatalf("product read back: %+v %v", got, err)
			}
			if _, err := s.Product(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
				t.Fatalf("unknown product: %v", err)
			}

			buyer := ids.New()
			o := &market.Order{ID: ids.New(), ProductID: p.ID, ProviderID: org, BuyerID: buyer, Region: "4403", State: market.OrderPending, CreatedAt: t0}
			if err := s.CreateOrder(ctx, o); err != nil {
				t.Fatal(err)
			}
			o.State = market.OrderAccepted
			if err := s.UpdateOrder(ctx, o, market.OrderPending); err != nil {
				t.Fatal(err)
			}
			o.State = market.OrderRefused
			if err := s.UpdateOrder(ctx, o, market.OrderPending); !errs.Is(err, errs.Conflict) {
				t.Fatalf("deciding a decided order: %v", err)
			}
			for _, f := range []market.OrderFilter{{ProviderID: org, Limit: 5}, {BuyerID: buyer, Limit: 5}} {
				list, err := s.Orders(ctx, f)
				if err != nil || len(list) != 1 || list[0].State != market.OrderAccepted {
					t.Fatalf("orders %+v: %+v %v", f, list, err)
				}
			}
			c := &market.Contract{ID: ids.New(), OrderID: o.ID, ProviderID: org, BuyerID: buyer, State: market.ContractSigned, CreatedAt: t0}
			if err := s.CreateContract(ctx, c); err != nil {
				t.Fatal(err)
			}
			dup := *c
			dup.ID = ids.New()
			if err := s.CreateContract(ctx, &dup); !errs.Is(err, errs.Conflict) {
				t.Fatalf("second contract of an order: %v", err)
			}
			c.State = market.ContractActive
			if err := s.UpdateContract(ctx, c, market.ContractSigned); err != nil {
				t.Fatal(err)
			}
			if err := s.UpdateContract(ctx, c, market.ContractSigned); !errs.Is(err, errs.Conflict) {
				t.Fatalf("confirming twice: %v", err)
			}

			cert := &market.Certificate{ID: ids.New(), HolderID: org, Region: "4403", State: market.CertRequested, CreatedAt: t0}
			if err := s.CreateCertificate(ctx, cert); err != nil {
				t.Fatal(err)
			}
			cert.State = market.CertIssued
			if err := s.UpdateCertificate(ctx, cert, market.CertRequested); err != nil {
				t.Fatal(err)
			}
			if list, err := s.Certificates(ctx, "", market.CertRequested, 10); err != nil || len(list) != 0 {
				t.Fatalf("requested certificates after issue: %v %v", list, err)
			}
			if list, err := s.Certificates(ctx, org, "", 10); err != nil || len(list) != 1 {
				t.Fatalf("holder's certificates: %v %v", list, err)
			}

			// Grants without a request: two at once, origin kept, calls counted.
			r := &datashare.Resource{ID: ids.New(), Code: "M/1", Name: "测试", Classification: datashare.Basic, SchemaVersion: 1,
				Fields: []datashare.Field{{Name: "a", Type: datashare.TypeString, Sensitivity: datashare.Public}}, UpdateFrequency: "daily",
				Format: "table", ShareClass: datashare.ShareOpen, OpenClass: datashare.OpenNone, ProviderID: org, Region: "4403", CreatedAt: t0, UpdatedAt: t0}
			if err := s.CreateResource(ctx, r); err != nil {
				t.Fatal(err)
			}
			var grants []ids.ID
			for i, h := range []string{"h1", "h2"} {
				g := &datashare.Grant{ID: ids.New(), ResourceID: r.ID, ResourceCode: r.Code, ProviderID: org, ConsumerID: buyer, Fields: []string{"a"},
					RatePerSec: 5, ExpiresAt: t0.AddDate(1, 0, 0), SecretHash: h, State: datashare.Delivered, DeliveredAt: t0,
					Origin: "market_contract:" + string(c.ID), CreatedAt: t0.Add(time.Duration(i))}
				if err := s.CreateGrant(ctx, g); err != nil {
					t.Fatalf("grant without a request: %v", err)
				}
				grants = append(grants, g.ID)
			}
			g, err := s.GrantBySecret(ctx, "h2")
			if err != nil || g.RequestID != "" || g.Origin != "market_contract:"+string(c.ID) {
				t.Fatalf("direct grant read back: %+v %v", g, err)
			}
			var entries []*datashare.LogEntry
			for i, out := range []datashare.Outcome{datashare.OutcomeOK, datashare.OutcomeOK, datashare.OutcomeRateLimited} {
				entries = append(entries, &datashare.LogEntry{ID: ids.New(), At: t0.Add(time.Duration(i)), GrantID: grants[0], ConsumerID: buyer,
					ProviderID: org, ResourceCode: r.Code, Outcome: out, Rows: 2 * (1 - i/2)})
			}
			err = d.Transact(ctx, func(ctx context.Context) error {
				return s.AppendExchange(ctx, entries, func(e *datashare.LogEntry) { e.Hash = e.ComputeHash() })
			})
			if err != nil {
				t.Fatal(err)
			}
			calls, err := s.GrantCalls(ctx, grants)
			if err != nil {
				t.Fatal(err)
			}
			if n := calls[grants[0]]; n.Served != 2 || n.Refused != 1 || n.Rows != 4 {
				t.Fatalf("calls of the first grant: %+v", n)
			}
			if n := calls[grants[1]]; n != (datashare.CallCount{}) {
				t.Fatalf("calls of the second grant: %+v", n)
			}
		})
	}
}
