package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/store/storetest"
)

func TestLicensePages(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	// The verifier page: nothing pasted, a forged text with markup, a licence.
	anon := n.Client(t)
	anon.Get("/verify")
	if r := anon.Post("/verify", url.Values{"text": {" "}}); r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-text").Length() != 1 {
		t.Errorf("empty paste: %d", r.StatusCode)
	}
	r := anon.Post("/verify", url.Values{"text": {`<script>alert(1)</script>`}, "qr": {"1"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Doc.Find("#verdict-sentence").Text(), "二维码内容不是电子证照") ||
		r.Doc.Find("#f-text").Text() != `<script>alert(1)</script>` || r.Doc.Find("main script").Length() > 0 {
		t.Errorf("markup pasted: status %d, sentence %q", r.StatusCode, r.Doc.Find("#verdict-sentence").Text())
	}
	mine := n.listMine("citizen")
	r = anon.Post("/verify", url.Values{"text": {mine[0].JWS}})
	if got := r.Doc.Find("#verdict-sentence").Text(); got != "证照有效。" || r.Doc.Find("#verdict-holder").Text() != "张明" {
		t.Errorf("demo licence on the verifier page: %q", got)
	}

	// The officer's page: the types of their department only; errors by field.
	off := n.Client(t)
	off.Login("officer", app.DemoPassword)
	p := off.Get("/workbench/licenses")
	if p.StatusCode != http.StatusOK || p.Doc.Find(".chips a").Length() != 1 || p.Doc.Find("#f-field_card_number").Length() != 1 {
		t.Fatalf("issue page: %d, %d types", p.StatusCode, p.Doc.Find(".chips a").Length())
	}
	r = off.Post("/workbench/licenses", url.Values{"type": {"social_security_card"}, "holder": {"123"}, "field_issue_place": {"广州市"}})
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-holder").Text() != "公民身份号码不正确。" || r.Doc.Find("#e-field_card_number").Length() != 1 {
		t.Errorf("bad issue form: %d holder %q", r.StatusCode, r.Doc.Find("#e-holder").Text())
	}
	r = off.Post("/workbench/licenses", url.Values{"type": {"social_security_card"}, "holder": {citizenID},
		"field_card_number": {"<b>D1</b>"}, "field_issue_place": {"广州市"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("issue from the page: %d", r.StatusCode)
	}
	d := off.Get(r.Header.Get("Location"))
	if !strings.Contains(d.Doc.Find("#licence").Text(), "<b>D1</b>") || d.Doc.Find("#licence b").Length() > 0 {
		t.Error("field markup must show as text")
	}
	if r := off.Post(r.Header.Get("Location")+"/act", url.Values{"action": {"suspend"}, "reason": {"核查"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("suspend from the page: %d", r.StatusCode)
	}
	if got := off.Get(r.Header.Get("Location")).Doc.Find("#lic-state").Text(); !strings.Contains(got, "暂扣") {
		t.Errorf("state after suspension: %q", got)
	}

	// The holder presents a licence, and sees the use on the uses page.
	cit := n.Client(t)
	cit.Login("citizen", app.DemoPassword)
	cit.Get("/wallet/" + mine[0].ID)
	cit.Post("/wallet/"+mine[0].ID+"/present", nil)
	if got := cit.Get("/wallet/uses").Doc.Find("#uses tbody tr").Text(); !strings.Contains(got, "亮证") || !strings.Contains(got, mine[0].Number) {
		t.Errorf("uses page: %q", got)
	}
}
