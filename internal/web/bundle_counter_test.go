package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestCounterBundleWithLicences is 窗口代办 of a bundled matter: 黄志强 at
// 天河区's counter applies for 身后一件事 on 张明's behalf, with his consent,
// and ticks "use the applicant's e-licence" for the materials his licences
// satisfy. A material he holds no licence for is refused under its own
// tick, with everything kept and nothing saved; a missing consent too; the
// corrected form submits the three cases, each granting its authority the
// licences it takes, in the same transaction.
func TestCounterBundleWithLicences(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	ctx := context.Background()
	citizen := n.Caller(t, "citizen")

	// 张明's ID number, as he shows it at the counter.
	cc := n.Client(t)
	cc.Login("citizen", app.DemoPassword)
	me, _ := cc.Get("/bundles/BD-DEATH/apply").Doc.Find("#f-id_number").Attr("value")
	if len(me) != 18 {
		t.Fatalf("the citizen's ID number: %q", me)
	}
	if cc.Get("/bundles/BD-DEATH").Doc.Find("#bundle-counter-link").Length() != 0 {
		t.Errorf("a citizen is offered 窗口代办")
	}
	if r := cc.Get("/bundles/BD-DEATH/apply?counter=1"); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
		t.Errorf("a citizen opens the counter form: %d", r.StatusCode)
	}

	c := n.Client(t)
	c.Login("counter", app.DemoPassword)
	if r := c.Get("/bundles/BD-DEATH"); r.Doc.Find(`#bundle-counter-link[href="/bundles/BD-DEATH/apply?counter=1"]`).Length() != 1 {
		t.Fatalf("the bundle page offers counter staff no 窗口代办 link")
	}
	r := c.Get("/bundles/BD-DEATH/apply?counter=1")
	if r.StatusCode != http.StatusOK || r.Doc.Find("#bundle-counter #f-applicant").Length() != 1 || r.Doc.Find("#bundle-counter #f-consent").Length() != 1 {
		t.Fatalf("counter bundle form: %d\n%s", r.StatusCode, r.Body)
	}
	// One tick per material a licence can satisfy, each name once.
	ticks := map[string]string{} // material → checkbox name
	r.Doc.Find("#license-choices .field").Each(func(_ int, f *goquery.Selection) {
		name, _ := f.Find(`input[type=checkbox][value=auto]`).Attr("name")
		ticks[strings.TrimSpace(f.Find("p.label strong").Text())] = name
	})
	for _, m := range []string{"居民死亡医学证明（推断）书", "申领人居民身份证", "申领人与死者的亲属关系证明", "居民户口簿"} {
		if ticks[m] != cases.LicenseField(m) {
			t.Fatalf("the counter form offers no e-licence tick for %s: %v", m, ticks)
		}
	}
	if got := r.Doc.Find("#license-choices p.hint").Text(); !strings.Contains(got, "申请人同意") {
		t.Errorf("the counter's licence hint = %q", got)
	}

	// A death certificate he does not hold: refused under that tick.
	f := deathForm(me)
	f.Set("counter", "1")
	f.Set("applicant", me)
	f.Set("consent", "本人到场书面同意，签字确认")
	f.Set(cases.LicenseField("申领人居民身份证"), "auto")
	f.Set(cases.LicenseField("居民死亡医学证明（推断）书"), "auto")
	r = c.Post("/bundles/BD-DEATH/apply", f)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a licence he does not hold: %d, want 422 (Location %q)", r.StatusCode, r.Header.Get("Location"))
	}
	deathTick := r.Doc.Find(`#license-choices .field:has(input[name="` + cases.LicenseField("居民死亡医学证明（推断）书") + `"])`)
	if got := deathTick.Find(".field-error").Text(); got != "申请人没有可代替此材料的有效电子证照。" {
		t.Errorf("the error under the death certificate's tick = %q; all errors: %q", got, r.Doc.Find(".field-error").Text())
	}
	if n := r.Doc.Find(".field-error").Length(); n != 1 {
		t.Errorf("%d errors, want only the death certificate's: %q", n, r.Doc.Find(".field-error").Text())
	}
	if _, ok := r.Doc.Find(`input[name="` + cases.LicenseField("申领人居民身份证") + `"]`).Attr("checked"); !ok {
		t.Errorf("the 居民身份证 tick was not kept")
	}
	if v, _ := r.Doc.Find("#f-consent").Attr("value"); v != "本人到场书面同意，签字确认" {
		t.Errorf("the consent was not kept: %q", v)
	}
	nothingSaved := func(after string) {
		t.Helper()
		if mine, _ := n.App.Cases.Mine(ctx, citizen, 10); len(mine) != 0 {
			t.Fatalf("%s: %d cases saved", after, len(mine))
		}
		if gs, _ := n.App.Licenses.Grants(ctx, citizen); len(gs) != 0 {
			t.Fatalf("%s: %d grants saved", after, len(gs))
		}
	}
	nothingSaved("a licence he does not hold")

	// No consent: refused, nothing saved.
	f.Del(cases.LicenseField("居民死亡医学证明（推断）书"))
	f.Set("consent", " ")
	r = c.Post("/bundles/BD-DEATH/apply", f)
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc == nil || r.Doc.Find("#e-consent").Length() != 1 {
		t.Fatalf("no consent: %d, want 422 with the error under the consent:\n%s", r.StatusCode, r.Body)
	}
	nothingSaved("no consent")

	// Corrected: three cases, by the counter, for 张明, with the licences.
	f.Set("consent", "本人到场书面同意，签字确认")
	f.Set(cases.LicenseField("申领人与死者的亲属关系证明"), "auto")
	r = c.Post("/bundles/BD-DEATH/apply", f)
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/cases/") {
		t.Fatalf("counter bundle: %d, want 303 to the case:\n%s", r.StatusCode, r.Body)
	}
	mine, err := n.App.Cases.Mine(ctx, citizen, 10)
	if err != nil || len(mine) != 3 {
		t.Fatalf("张明's cases: %v %d", err, len(mine))
	}
	wallet, _ := n.App.Licenses.Wallet(ctx, citizen)
	held := map[string]ids.ID{}
	for _, l := range wallet {
		held[l.Type] = l.ID
	}
	gs, err := n.App.Licenses.Grants(ctx, citizen)
	if err != nil {
		t.Fatal(err)
	}
	granted := map[ids.ID]map[ids.ID]bool{}
	for _, g := range gs {
		if g.PurposeCode != license.PurposeCounter || len(g.PurposeArgs) != 2 || !strings.HasPrefix(g.PurposeArgs[0], "本人到场书面同意") {
			t.Errorf("grant %s rests on %s %q, want the consent recorded at the counter", g.ID, g.PurposeCode, g.PurposeArgs)
		}
		if granted[g.CaseID] == nil {
			granted[g.CaseID] = map[ids.ID]bool{}
		}
		granted[g.CaseID][g.LicenseID] = true
	}
	for _, cs := range mine {
		if cs.Channel != cases.ChannelCounter || cs.ProxyID == "" || cs.BundleID != mine[0].BundleID || !strings.Contains(cs.Consent, "书面同意") {
			t.Errorf("case %s: channel %s, proxy %q, bundle %s, consent %q", cs.ItemCode, cs.Channel, cs.ProxyID, cs.BundleID, cs.Consent)
		}
		want := map[string]bool{}
		switch cs.ItemCode {
		case "HRSS-0009": // 申领人居民身份证, and the 结婚证 as 亲属关系证明
			want = map[string]bool{"resident_id": true, "marriage_cert": true}
		}
		for typ := range want {
			if !granted[cs.ID][held[typ]] {
				t.Errorf("case %s: no grant of his %s", cs.ItemCode, typ)
			}
		}
		if cs.ItemCode != "HRSS-0009" && len(granted[cs.ID]) != 0 {
			t.Errorf("case %s grants %d licences, want none (no material of it was ticked)", cs.ItemCode, len(granted[cs.ID]))
		}
	}
	// The staff land on the first case; the 丧葬补助金 case's submission
	// names the consent and the licences.
	if r := c.Get(r.Header.Get("Location")); r.StatusCode != http.StatusOK {
		t.Errorf("the counter opens the first case: %d", r.StatusCode)
	}
	for _, cs := range mine {
		if cs.ItemCode != "HRSS-0009" {
			continue
		}
		tl := c.Get("/cases/" + string(cs.ID)).Doc.Find("#timeline").Text()
		if !strings.Contains(tl, "代办：本人到场书面同意") || !strings.Contains(tl, "免提交，使用电子证照") {
			t.Errorf("the case's timeline = %q, want the consent and the e-licences", tl)
		}
	}
}
