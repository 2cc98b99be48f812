package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/store/storetest"
)

func TestSocialCardPointOfUse(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	cit := n.Client(t)
	cit.Login("citizen", app.DemoPassword)
	code := map[string]string{}
	for _, l := range n.listMine("citizen") {
		cit.Get("/wallet/" + l.ID)
		p := cit.Post("/wallet/"+l.ID+"/present", nil)
		code[l.Number[:2]] = p.Doc.Find("#present-code").Text()
	}
	if code["SB"] == "" || code["SF"] == "" {
		t.Fatalf("codes: %v", code)
	}
	desk := n.Client(t)
	desk.Login("counter", app.DemoPassword)
	desk.Get("/workbench/social-card")
	if r := desk.Post("/workbench/social-card", url.Values{"scenario": {"pharmacy"}, "place": {""}, "code": {code["SB"]}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("no place: %d", r.StatusCode)
	}
	r := desk.Post("/workbench/social-card", url.Values{"scenario": {"pharmacy"}, "place": {"天河区大参林药店"}, "code": {code["SB"]}})
	if r.Doc.Find("#use-recorded").Length() != 1 || r.Doc.Find("#verdict-holder").Text() != "张明" {
		t.Fatalf("valid card: %d %q", r.StatusCode, r.Doc.Find("#verdict-sentence").Text())
	}
	r = desk.Post("/workbench/social-card", url.Values{"scenario": {"pharmacy"}, "place": {"天河区大参林药店"}, "code": {code["SF"]}})
	if r.Doc.Find("#use-recorded").Length() != 0 || !strings.Contains(r.Doc.Find("#verdict-sentence").Text(), "不是电子社保卡") {
		t.Errorf("an ID card's code at the pharmacy: %q", r.Doc.Find("#verdict-sentence").Text())
	}
	uses := cit.Get("/wallet/uses").Doc.Find("#uses").Text()
	if !strings.Contains(uses, "药店购药") || !strings.Contains(uses, "天河区大参林药店") || !strings.Contains(uses, "黄志强") {
		t.Errorf("holder's use log: %q", uses)
	}
	// The recorded use is audited (once: the ID card's code recorded nothing).
	if es, err := n.App.Audit.Entries(context.Background(), audit.Filter{Action: "license.used_at_point", Limit: 10}); err != nil ||
		len(es) != 1 || !strings.Contains(es[0].Detail, "天河区大参林药店") || es[0].ActorName != "黄志强" {
		t.Errorf("point-of-use audit: %v %+v", err, es)
	}
	if r := cit.Get("/workbench/social-card"); r.StatusCode != http.StatusForbidden {
		t.Errorf("citizen at the point of use page: %d", r.StatusCode)
	}
}
