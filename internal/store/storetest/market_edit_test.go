package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestMarketEditProduct checks the version check of editing a product on
// both engines: an edit from the version stored is written, a second edit
// from that same (now stale) version is refused, and so is an edit of a
// product whose state moved.
func TestMarketEditProduct(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s := sqlstore.New(storetest.Open(t, e))
			v0 := time.Date(2026, 11, 20, 9, 30, 15, 123456000, time.UTC)
			p := &market.Product{ID: ids.New(), Name: "企业登记数据服务", Description: "按月更新", Theme: "economy", ProviderID: ids.New(),
				Provider: "深圳市市场监督管理局", Region: "4403", State: market.Draft, Price: market.Price{Model: market.Free},
				Policy: market.Policy{Purposes: []string{"风控"}, Regions: []region.Code{"44"}}, CreatedAt: v0, UpdatedAt: v0}
			if err := s.CreateProduct(ctx, p); err != nil {
				t.Fatal(err)
			}
			edited := *p
			edited.Name, edited.UpdatedAt = "企业登记数据服务（第二版）", v0.Add(time.Minute)
			if err := s.EditProduct(ctx, &edited, v0); err != nil {
				t.Fatalf("edit from the stored version: %v", err)
			}
			stale := *p
			stale.Name, stale.UpdatedAt = "覆盖", v0.Add(2*time.Minute)
			if err := s.EditProduct(ctx, &stale, v0); !errs.Is(err, errs.Conflict) {
				t.Fatalf("edit from a stale version: %v, want conflict", err)
			}
			got, err := s.Product(ctx, p.ID)
			if err != nil || got.Name != "企业登记数据服务（第二版）" || !got.UpdatedAt.Equal(edited.UpdatedAt) {
				t.Fatalf("read back: %+v %v", got, err)
			}
			got.State, got.UpdatedAt = market.Published, v0.Add(3*time.Minute)
			if err := s.UpdateProduct(ctx, got, market.Draft); err != nil {
				t.Fatal(err)
			}
			again := edited
			again.UpdatedAt = v0.Add(4 * time.Minute)
			if err := s.EditProduct(ctx, &again, v0.Add(3*time.Minute)); !errs.Is(err, errs.Conflict) {
				t.Fatalf("edit of a product published meanwhile: %v, want conflict", err)
			}
		})
	}
}
