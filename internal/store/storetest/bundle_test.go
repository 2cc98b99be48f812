package storetest_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

func TestServiceBundleStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s := sqlstore.New(storetest.Open(t, e))
			rev0, _ := s.CatalogRevision(ctx)
			b := &catalog.Bundle{Code: "BD-BIRTH", Name: "出生一件事", Items: []string{"HE-0001", "HRSS-0001"},
				Map: map[string]map[string]string{"HRSS-0001": {"applicant_name": "baby_name"}}, Version: 1, UpdatedAt: t0}
			a := &catalog.Bundle{Code: "BD-A", Name: "甲", Items: []string{"X-0001", "X-0002"}, Version: 1, UpdatedAt: t0}
			for _, x := range []*catalog.Bundle{b, a} {
				if err := s.SaveServiceBundle(ctx, x); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.SaveServiceBundle(ctx, &catalog.Bundle{Code: "BD-A", Name: "重复", Version: 1, UpdatedAt: t0}); !errs.Is(err, errs.Conflict) {
				t.Errorf("same code twice: %v, want Conflict", err)
			}
			got, err := s.ServiceBundles(ctx)
			if err != nil || len(got) != 2 || got[0].Code != "BD-A" || !cmp.Equal(&got[1], b) {
				t.Fatalf("bundles in code order: %v %+v", err, got)
			}
			changed := *b
			changed.Name, changed.Version = "出生一件事（新）", 2
			if err := s.SaveServiceBundle(ctx, &changed); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveServiceBundle(ctx, &changed); !errs.Is(err, errs.Conflict) {
				t.Errorf("save from a stale version: %v, want Conflict", err)
			}
			if rev, _ := s.CatalogRevision(ctx); rev != rev0+3 {
				t.Errorf("catalog revision %d after three saves from %d", rev, rev0)
			}
		})
	}
}
