package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestBundleLicencesPageAndAPI: the 一件事 form offers the applicant's
// 居民身份证 (免提交); ticking it grants it to every case of the bundle;
// a licence no item accepts is refused through the API and nothing is saved.
func TestBundleLicencesPageAndAPI(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	ctx := context.Background()
	citizen := n.Caller(t, "citizen")
	wallet, err := n.App.Licenses.Wallet(ctx, citizen)
	if err != nil {
		t.Fatal(err)
	}
	var idCard, ssCard ids.ID
	for _, l := range wallet {
		switch l.Type {
		case "resident_id":
			idCard = l.ID
		case "social_security_card":
			ssCard = l.ID
		}
	}
	if idCard == "" || ssCard == "" {
		t.Fatalf("demo wallet: %+v", wallet)
	}

	// API: the 社会保障卡 stands in for nothing in 身后一件事.
	c := n.c
	c.Login("citizen", app.DemoPassword)
	r := c.Get("/bundles/BD-DEATH/apply")
	if r.StatusCode != 200 || r.Doc.Find(`#bundle-licenses input[value="`+string(idCard)+`"]`).Length() != 1 ||
		r.Doc.Find(`#bundle-licenses input[value="`+string(ssCard)+`"]`).Length() != 0 {
		t.Fatalf("bundle form offers: %d %q", r.StatusCode, r.Doc.Find("#bundle-licenses").Text())
	}
	me, _ := r.Doc.Find(`#f-id_number`).Attr("value")
	body := `{"decide_in":"440106","form":{"deceased_name":"张老伯","deceased_id_number":"` + deathForm(me).Get("deceased_id_number") +
		`","date_of_death":"` + deathForm(me).Get("date_of_death") + `","applicant_name":"张明","id_number":"` + me +
		`","relationship":"子女","phone":"13800138000","funeral_home":"广州市殡仪馆"},"licenses":["` + string(ssCard) + `"]}`
	var problem map[string]any
	if code := n.api(http.MethodPost, "/api/v1/bundles/BD-DEATH/apply", "citizen", body, &problem); code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(problem), "licenses") {
		t.Fatalf("API bundle with a 社会保障卡: %d %v", code, problem)
	}
	if gs, _ := n.App.Licenses.Grants(ctx, citizen); len(gs) != 0 {
		t.Fatalf("refused bundle granted %d", len(gs))
	}
	if mine, _ := n.App.Cases.Mine(ctx, citizen, 10); len(mine) != 0 {
		t.Fatalf("refused bundle saved %d cases", len(mine))
	}

	// Page: a made-up licence is refused on the form, the tick kept.
	f := deathForm(me)
	f["licenses"] = []string{string(ids.New())}
	r = c.Post("/bundles/BD-DEATH/apply", f)
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-licenses").Length() != 1 {
		t.Fatalf("bundle form with an unknown licence: %d %q", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	f["licenses"] = []string{string(idCard)}
	r = c.Post("/bundles/BD-DEATH/apply", f)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("bundle apply with the 居民身份证: %d %q", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	mine, err := n.App.Cases.Mine(ctx, citizen, 10)
	if err != nil || len(mine) != 3 {
		t.Fatalf("cases: %v %d", err, len(mine))
	}
	gs, err := n.App.Licenses.Grants(ctx, citizen)
	if err != nil {
		t.Fatal(err)
	}
	byCase := map[ids.ID]bool{}
	for _, g := range gs {
		if g.LicenseID == idCard {
			byCase[g.CaseID] = true
		}
	}
	for _, cs := range mine {
		if !byCase[cs.ID] {
			t.Errorf("case %s (%s) has no grant of the 居民身份证", cs.Number, cs.ItemCode)
		}
	}
	if r := c.Get("/cases/" + string(mine[0].ID)); !strings.Contains(r.Body, "居民身份证") {
		t.Errorf("case page does not name the licence")
	}
}
