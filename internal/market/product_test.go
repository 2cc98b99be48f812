package market

import (
	"testing"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/platform/ids"
)

func TestParseYuan(t *testing.T) {
	for _, c := range []struct {
		in  string
		fen int64
		ok  bool
	}{
		{"12", 1200, true}, {"12.5", 1250, true}, {"0.05", 5, true}, {" 3.00 ", 300, true}, {"10000000", 1_000_000_000, true},
		{"12.345", 0, false}, {"-1", 0, false}, {"1e3", 0, false}, {"", 0, false}, {".5", 0, false}, {"100000000", 0, false}, {"１２", 0, false},
	} {
		fen, ok := ParseYuan(c.in)
		if ok != c.ok || ok && fen != c.fen {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d, %v", c.in, fen, ok, c.fen, c.ok)
		}
	}
	if got := Yuan(1205); got != "12.05" {
		t.Errorf("Yuan(1205) = %q", got)
	}
}

func TestAmount(t *testing.T) {
	for _, c := range []struct {
		price Price
		days  int
		want  int64
	}{
		{Price{Subscription, 10000}, 30, 10000}, {Price{Subscription, 10000}, 31, 20000}, {Price{Subscription, 10000}, 365, 130000},
		{Price{PerCall, 50}, 365, 0}, {Price{Free, 0}, 90, 0},
	} {
		p := &Product{Price: c.price, PeriodDays: c.days}
		if got := p.Amount(); got != c.want {
			t.Errorf("%+v for %d days: %d, want %d", c.price, c.days, got, c.want)
		}
	}
}

// TestOffer checks what a product may offer: the resources' own fields in
// their order, sensitive ones marked masked, nothing of a 不予共享 resource.
func TestOffer(t *testing.T) {
	r := &datashare.Resource{ID: ids.New(), Code: "R/1", ShareClass: datashare.ShareConditional, Fields: []datashare.Field{
		{Name: "a", Type: datashare.TypeString, Sensitivity: datashare.Public},
		{Name: "b", Type: datashare.TypeString, Sensitivity: datashare.Sensitive},
		{Name: "c", Type: datashare.TypeInteger, Sensitivity: datashare.Internal}}}
	closed := &datashare.Resource{ID: ids.New(), Code: "R/2", ShareClass: datashare.ShareNone, Fields: r.Fields}
	src, key := offer([]*datashare.Resource{r, closed}, map[ids.ID][]string{r.ID: {"c", "b"}})
	if key != "" || len(src) != 1 || len(src[0].Fields) != 2 || src[0].Fields[0].Name != "b" || !src[0].Fields[0].Masked || src[0].Fields[1].Masked {
		t.Fatalf("offer: %+v %q", src, key)
	}
	for name, fields := range map[string]map[ids.ID][]string{
		"market.fields_unknown":      {r.ID: {"a", "zz"}},
		"market.resource_not_shared": {closed.ID: {"a"}},
		"market.fields_required":     {},
	} {
		if _, key := offer([]*datashare.Resource{r, closed}, fields); key != name {
			t.Errorf("%v: %q, want %q", fields, key, name)
		}
	}
}

// TestCanonicalTerms: the contract text is stable JSON, so its hash is the
// same for the same terms and changes with any of them.
func TestCanonicalTerms(t *testing.T) {
	a := &Terms{Contract: "c1", Buyer: "甲公司", Policy: Policy{Purposes: []string{"风控"}, RetentionDays: 30}}
	b := *a
	if Hash(a.Canonical()) != Hash(b.Canonical()) {
		t.Fatal("same terms, different hashes")
	}
	b.Policy.RetentionDays = 31
	if Hash(a.Canonical()) == Hash(b.Canonical()) {
		t.Fatal("a changed retention did not change the hash")
	}
}
