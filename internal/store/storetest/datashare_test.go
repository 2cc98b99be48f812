package storetest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestDataShareStore checks the catalog, requests, grants and the message
// log on both engines: codes unique, rows replaced whole and read in
// order, a request decided once, credentials unique (many grants without
// one), log appends chained in order across batches.
func TestDataShareStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			r := &datashare.Resource{ID: ids.New(), Code: "T/1", Name: "测试", Classification: datashare.Basic, SchemaVersion: 1,
				Fields: []datashare.Field{{Name: "a", Type: datashare.TypeString, Sensitivity: datashare.Public}}, UpdateFrequency: "daily",
				Format: "table", ShareClass: datashare.ShareConditional, ShareConditions: "c", OpenClass: datashare.OpenNone,
				ProviderID: ids.New(), Provider: "机关", Region: "4401", CDOID: ids.New(), CDOName: "甲", CreatedAt: t0, UpdatedAt: t0}
			if err := s.CreateResource(ctx, r); err != nil {
				t.Fatal(err)
			}
			dup := *r
			dup.ID = ids.New()
			if err := s.CreateResource(ctx, &dup); !errs.Is(err, errs.Conflict) {
				t.Fatalf("duplicate code: %v", err)
			}
			var rows []datashare.Row
			for i := range 450 {
				rows = append(rows, datashare.Row{"a": fmt.Sprint(i)})
			}
			if err := d.Transact(ctx, func(ctx context.Context) error { return s.ReplaceRows(ctx, r.ID, rows) }); err != nil {
				t.Fatal(err)
			}
			if err := d.Transact(ctx, func(ctx context.Context) error { return s.ReplaceRows(ctx, r.ID, rows[:300]) }); err != nil {
				t.Fatal(err)
			}
			got, err := s.Rows(ctx, r.ID, 295, 10)
			if err != nil || len(got) != 5 || got[0]["a"] != "295" {
				t.Fatalf("rows after replacement: %v %v", got, err)
			}

			q := &datashare.Request{ID: ids.New(), ResourceID: r.ID, ResourceCode: r.Code, ProviderID: r.ProviderID, Region: r.Region,
				ConsumerID: ids.New(), Fields: []string{"a"}, Days: 30, State: datashare.Pending, Due: t0.Add(240 * time.Hour), CreatedAt: t0}
			if err := s.CreateRequest(ctx, q); err != nil {
				t.Fatal(err)
			}
			q.State, q.DecidedAt, q.GrantedFields = datashare.Approved, t0, []string{"a"}
			if err := s.DecideRequest(ctx, q); err != nil {
				t.Fatal(err)
			}
			if err := s.DecideRequest(ctx, q); !errs.Is(err, errs.Conflict) {
				t.Fatalf("second decision: %v", err)
			}
			for i := range 2 { // two grants without a credential: NULLs do not collide
				g := &datashare.Grant{ID: ids.New(), RequestID: q.ID, ResourceID: r.ID, Fields: []string{"a"}, ExpiresAt: t0, State: datashare.Awaiting, CreatedAt: t0}
				if i == 1 {
					q2 := *q
					q2.ID = ids.New()
					q2.State = datashare.Pending
					s.CreateRequest(ctx, &q2)
					g.RequestID = q2.ID
				}
				if err := s.CreateGrant(ctx, g); err != nil {
					t.Fatal(err)
				}
				g.SecretHash, g.State = fmt.Sprint("hash", i), datashare.Delivered
				if err := s.UpdateGrant(ctx, g); err != nil {
					t.Fatal(err)
				}
			}
			if g, err := s.GrantBySecret(ctx, "hash1"); err != nil || g.State != datashare.Delivered {
				t.Fatalf("grant by secret: %v %v", g, err)
			}
			if _, err := s.GrantBySecret(ctx, "nope"); !errs.Is(err, errs.NotFound) {
				t.Fatalf("unknown secret: %v", err)
			}
			sat, err := s.Satisfaction(ctx)
			if err != nil || len(sat) != 1 || sat[0].Requests != 2 || sat[0].Decided != 1 || sat[0].Satisfied != 0 {
				t.Fatalf("satisfaction before delivery is recorded: %+v %v", sat, err)
			}

			seal := func(e *datashare.LogEntry) { e.Hash = e.ComputeHash() }
			for batch := 1; batch <= 3; batch++ {
				var list []*datashare.LogEntry
				for range batch * 40 { // 40, 80, 120: every chunk size is used
					list = append(list, &datashare.LogEntry{ID: ids.New(), At: t0, ProviderID: r.ProviderID, ResourceCode: r.Code, Outcome: datashare.OutcomeOK, Status: 200})
				}
				if err := d.Transact(ctx, func(ctx context.Context) error { return s.AppendExchange(ctx, list, seal) }); err != nil {
					t.Fatal(err)
				}
			}
			prev, n := datashare.GenesisHash, int64(0)
			err = s.ExchangeChain(ctx, 0, func(e *datashare.LogEntry) error {
				n++
				if e.Seq != n || e.PrevHash != prev || e.ComputeHash() != e.Hash {
					return fmt.Errorf("entry %d breaks the chain", e.Seq)
				}
				prev = e.Hash
				return nil
			})
			if err != nil || n != 240 {
				t.Fatalf("chain of %d: %v", n, err)
			}
			if l, _ := s.ExchangeEntries(ctx, datashare.LogFilter{OrgIDs: []ids.ID{r.ProviderID}, Limit: 5}); len(l) != 5 || l[0].Seq != 240 {
				t.Fatalf("newest entries: %d", len(l))
			}
			if c, err := s.CountExchange(ctx, datashare.LogFilter{OrgIDs: []ids.ID{r.ProviderID}}); err != nil || c != 240 {
				t.Fatalf("count: %d %v", c, err)
			}
			walked := 0
			s.ExchangeChain(ctx, 200, func(e *datashare.LogEntry) error { walked++; return nil })
			if walked != 40 {
				t.Fatalf("chain after 200 walked %d", walked)
			}
		})
	}
}

// TestOpenDataStore: revisions only grow and name the changed datasets;
// datasets come with their organisation and resources.
func TestOpenDataStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			o := &opendata.Org{ID: ids.New(), Name: "4401-x", Title: "机关", CreatedAt: t0}
			err := d.Transact(ctx, func(ctx context.Context) error {
				if err := s.CreatePortalOrg(ctx, o); err != nil {
					return err
				}
				for i := range 3 {
					rev, err := s.NextOpenDataRev(ctx)
					if err != nil {
						return err
					}
					ds := &opendata.Dataset{ID: ids.New(), Name: fmt.Sprint("ds-", i), Title: "数据", OrgID: o.ID, State: "active",
						Rev: rev, CreatedAt: t0, ModifiedAt: t0}
					ds.Resources = []opendata.Resource{{ID: ids.New(), DatasetID: ds.ID, Format: opendata.CSV, Content: "a\n1\n", CreatedAt: t0}}
					if err := s.CreateDataset(ctx, ds); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if head, _ := s.OpenDataRev(ctx); head != 3 {
				t.Fatalf("head %d", head)
			}
			since, err := s.DatasetsSince(ctx, 1, 10)
			if err != nil || len(since) != 2 || since[0].Name != "ds-1" || since[0].Org.Name != "4401-x" || len(since[0].Resources) != 1 {
				t.Fatalf("since 1: %+v %v", since, err)
			}
			if _, err := s.Dataset(ctx, "ds-9"); !errs.Is(err, errs.NotFound) {
				t.Fatalf("unknown dataset: %v", err)
			}
			x, err := s.DatasetResource(ctx, since[0].Resources[0].ID)
			if err != nil || x.Content != "a\n1\n" {
				t.Fatalf("resource content: %v %v", x, err)
			}
			if err := s.EnsureGroups(ctx, opendata.Themes); err != nil {
				t.Fatal(err)
			}
			if err := s.EnsureGroups(ctx, opendata.Themes); err != nil {
				t.Fatal(err) // idempotent
			}
		})
	}
}
