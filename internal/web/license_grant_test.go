package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestGrantLicenseForCase: the applicant lets the case's authority use a
// licence (免提交); the officer sees it verified; the holder sees the use.
func TestGrantLicenseForCase(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	ctx := context.Background()
	it := apptest.TestItem("TST-0009", catalog.LevelCity, catalog.ScopeProvince)
	it.Materials[0] = catalog.Material{Name: "社会保障卡", Required: true, Form: "original", LicenseTypes: []string{"social_security_card"}}
	if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{it}); err != nil {
		t.Fatal(err)
	}
	c, err := n.App.Cases.Apply(ctx, n.Caller(t, "citizen"), cases.Application{ItemCode: "TST-0009", DecideIn: "440106",
		Form: map[string]string{"reason": "申领", "phone": "13800138000"}})
	if err != nil {
		t.Fatal(err)
	}
	var card issued
	for _, l := range n.listMine("citizen") {
		if strings.HasPrefix(l.Number, "SB") {
			card = l
		}
	}
	cit := n.Client(t)
	cit.Login("citizen", app.DemoPassword)
	page := cit.Get("/wallet/" + card.ID)
	if page.Doc.Find(`#f-case option[value="`+string(c.ID)+`"]`).Length() != 1 {
		t.Fatal("the open case is not offered for the grant")
	}
	if r := cit.Post("/wallet/"+card.ID+"/grant", url.Values{"case": {"not-a-case"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("grant for an unknown case: %d", r.StatusCode)
	}
	if r := cit.Post("/wallet/"+card.ID+"/grant", url.Values{"case": {string(c.ID)}}); r.StatusCode != http.StatusOK || r.Doc.Find("#granted").Length() != 1 {
		t.Fatalf("grant: %d", r.StatusCode)
	}
	off := n.Client(t)
	off.Login("officer", app.DemoPassword)
	if off.Get("/cases/"+string(c.ID)).Doc.Find("#case-licenses-link a").Length() != 1 {
		t.Error("no link to the granted licences on the case page")
	}
	r := off.Get("/workbench/cases/" + string(c.ID) + "/licenses")
	box := r.Doc.Find("#granted-" + card.ID)
	if r.StatusCode != http.StatusOK || !strings.Contains(box.Find(".verdict-sentence").Text(), "证照有效") {
		t.Fatalf("officer's view: %d %q", r.StatusCode, box.Text())
	}
	if got := cit.Get("/wallet/uses").Doc.Find("#uses").Text(); !strings.Contains(got, "林晓燕") || !strings.Contains(got, "办件用证") {
		t.Errorf("holder's use log: %q", got)
	}
	// 用证率: the one eligible case used a licence.
	var rate struct {
		Total struct{ Eligible, Used int }
	}
	if code := n.api(http.MethodGet, "/api/v1/licenses/use-rate", "leader", "", &rate); code != http.StatusOK || rate.Total.Eligible != 1 || rate.Total.Used != 1 {
		t.Errorf("use rate: %d %+v, want 1 of 1", code, rate)
	}
	if code := n.api(http.MethodGet, "/api/v1/licenses/use-rate", "citizen", "", nil); code != http.StatusForbidden {
		t.Errorf("use rate for a citizen: %d", code)
	}
	if r := n.Client(t); true {
		r.Login("leader", app.DemoPassword)
		if p := r.Get("/workbench/licenses/use-rate"); p.StatusCode != http.StatusOK || p.Doc.Find("#use-rate-total").Length() != 1 {
			t.Errorf("use rate page: %d", p.StatusCode)
		}
	}
	// Someone who may not read the case sees nothing.
	elder := n.Client(t)
	elder.Login("elder", app.DemoPassword)
	if r := elder.Get("/workbench/cases/" + string(c.ID) + "/licenses"); r.StatusCode != http.StatusNotFound {
		t.Errorf("another citizen: %d", r.StatusCode)
	}
}
