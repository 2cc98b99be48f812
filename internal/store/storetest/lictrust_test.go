package storetest_test

import (
	"context"
	"testing"

	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestTrustedKeysWithdrawn: withdrawing a source's keys (by name or node,
// sparing those kept) marks them, leaves them findable with the mark, drops
// them from the list, and importing one again trusts it anew.
func TestTrustedKeysWithdrawn(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s := sqlstore.New(storetest.Open(t, e))
			add := func(kid, source, node string) {
				t.Helper()
				if err := s.AddTrustedKey(ctx, &license.TrustedKey{KID: kid, JWK: seal.JWK{Kid: kid, Org: "湖南省市场监督管理局"},
					Source: source, Node: node, ImportedAt: t0, ImportedBy: "管理员"}); err != nil {
					t.Fatal(err)
				}
			}
			add("a1", "湖南", "https://hn.example")
			add("a2", "湖南", "https://hn.example")
			add("b1", "江西", "https://jx.example")
			// Renamed source, same node: found by the node.
			if n, err := s.WithdrawTrustedKeys(ctx, "湖南省人民政府", "https://hn.example", []string{"a2"}, t0, "管理员"); err != nil || n != 1 {
				t.Fatalf("withdraw keeping a2: %d %v", n, err)
			}
			k, err := s.TrustedKey(ctx, "a1")
			if err != nil || !k.RemovedAt.Equal(t0) || k.RemovedBy != "管理员" || k.Node != "https://hn.example" {
				t.Fatalf("withdrawn key: %+v %v", k, err)
			}
			if k, _ := s.TrustedKey(ctx, "a2"); !k.RemovedAt.IsZero() {
				t.Errorf("kept key withdrawn: %+v", k)
			}
			list, err := s.TrustedKeys(ctx)
			if err != nil || len(list) != 2 {
				t.Fatalf("listed: %d %v", len(list), err)
			}
			if n, _ := s.WithdrawTrustedKeys(ctx, "江西", "", nil, t0, "管理员"); n != 1 {
				t.Errorf("remove 江西: %d", n)
			}
			if n, _ := s.WithdrawTrustedKeys(ctx, "江西", "", nil, t0, "管理员"); n != 0 {
				t.Errorf("remove 江西 twice: %d", n)
			}
			add("a1", "湖南", "https://hn.example") // trusted again
			if k, _ := s.TrustedKey(ctx, "a1"); !k.RemovedAt.IsZero() || k.RemovedBy != "" {
				t.Errorf("re-imported key still withdrawn: %+v", k)
			}
			if _, err := s.TrustedKey(ctx, "zz"); !errs.Is(err, errs.NotFound) {
				t.Errorf("unknown key: %v", err)
			}
		})
	}
}
