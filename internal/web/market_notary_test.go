package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestMarketSealStatements checks the fallback notary (used where the
// sealed-document facility is not configured) with the real seal service:
// a statement sealed with the province bureau's seal verifies, an altered
// one or one with an altered signature does not, a body without a seal
// cannot seal, and a statement has no PDF.
func TestMarketSealStatements(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	prov := n.Caller(t, "cdo")
	notary := market.SealStatements{Seals: n.App.Seals}
	st := &market.Statement{Type: market.StatementType, Number: "GD-DAC-2026-000001", Certificate: ids.New(), AssetName: "广州市职业技能培训机构名录",
		AssetKind: market.AssetResource, AssetID: ids.New(), Holder: "广州市人力资源和社会保障局", HolderRegion: "4401", Scope: "备案机构",
		RecordCount: 12, Fields: []string{"name"}, ValuationNote: "成本法", Issuer: "广东省政务服务和数据管理局",
		IssuedAt: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)}
	d, err := notary.Seal(ctx, prov, prov.Grants[0].OrgID, st)
	if err != nil {
		t.Fatalf("seal: %v", err)
	}
	if d.Format != market.FormatStatement || d.Hash != market.Hash(st.Canonical()) || d.Seal.Signature == "" {
		t.Fatalf("sealed statement: %+v", d)
	}
	if ok, why, err := notary.Check(ctx, d); !ok || err != nil {
		t.Fatalf("a sealed statement does not verify: %s %v", why, err)
	}
	altered := *d
	altered.Document = altered.Document[:len(altered.Document)-2] + "2}"
	if ok, _, _ := notary.Check(ctx, &altered); ok {
		t.Fatal("an altered statement verifies")
	}
	resigned := *d
	sig := []byte(resigned.Seal.Signature)
	sig[len(sig)/2] ^= 1
	resigned.Seal.Signature = string(sig)
	if ok, _, _ := notary.Check(ctx, &resigned); ok {
		t.Fatal("an altered signature verifies")
	}
	if _, err := notary.PDF(ctx, d); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a statement's PDF: %v", err)
	}
	if _, err := notary.Seal(ctx, prov, ids.New(), st); err == nil {
		t.Fatal("sealed with the seal of a body that has none")
	}
}
