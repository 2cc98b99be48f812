package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/store/storetest"
)

// licUseItem is an item of 广州's 人社局 whose 居民身份证 and 社会保障卡 an
// electronic licence can stand in for (免提交), and whose 学位证书 none can.
const licUseItem = "TST-0017"

type licOption struct {
	Material string
	Licenses []struct{ ID, Type, Number, Issuer string }
}

type licCase struct {
	ID, Number string
	Version    int
	Materials  []struct {
		Field, Name string
		License     *struct{ ID, Type, Number, Issuer string }
	}
	Events []struct{ Action, Comment string }
}

type licProblem struct {
	Errors []struct{ Location, Message string }
}

func (p licProblem) at(loc string) string {
	for _, e := range p.Errors {
		if e.Location == loc {
			return e.Message
		}
	}
	return ""
}

type licGrant struct {
	ID, Purpose, Authority, Number string
	CaseID                         string `json:"case_id"`
	Active                         bool
}

// startLicUse starts a node with licUseItem and returns the demo citizen's
// 居民身份证 and 社会保障卡 licence IDs, as the options API offers them.
func startLicUse(t *testing.T, e storetest.Engine) (n *licenseNode, residentID, cardID string) {
	t.Helper()
	n = startLicense(t, e)
	it := apptest.TestItem(licUseItem, catalog.LevelCity, catalog.ScopeProvince)
	it.Materials = []catalog.Material{
		{Name: "居民身份证", Required: true, Form: "original", LicenseTypes: []string{"resident_id"}},
		{Name: "社会保障卡", Required: true, Form: "original", LicenseTypes: []string{"social_security_card"}},
		{Name: "学位证书", Form: "copy", Copies: 1},
	}
	it.Channels = append(it.Channels, catalog.ChannelCounter)
	if _, err := n.App.Catalog.ImportAs(context.Background(), audit.System("test"), []catalog.Item{it}); err != nil {
		t.Fatal(err)
	}
	var opts struct{ Items []licOption }
	if code := n.api(http.MethodGet, "/api/v1/services/"+licUseItem+"/licenses", "citizen", "", &opts); code != http.StatusOK {
		t.Fatalf("options: %d", code)
	}
	if len(opts.Items) != 2 || opts.Items[0].Material != "居民身份证" || len(opts.Items[0].Licenses) != 1 ||
		opts.Items[1].Material != "社会保障卡" || len(opts.Items[1].Licenses) != 1 {
		t.Fatalf("the citizen's options: %+v", opts.Items)
	}
	return n, opts.Items[0].Licenses[0].ID, opts.Items[1].Licenses[0].ID
}

// applyBody is an application for licUseItem with the given licence
// choices (material → licence ID).
func applyBody(choices map[string]string) string {
	var lics []map[string]string
	for m, id := range choices {
		lics = append(lics, map[string]string{"material": m, "license_id": id})
	}
	b, _ := json.Marshal(map[string]any{"item_code": licUseItem, "decide_in": "440106",
		"form": map[string]string{"reason": "申领", "phone": "13800138000"}, "licenses": lics})
	return string(b)
}

func (n *licenseNode) myCases(user string) int {
	n.t.Helper()
	var out struct{ Items []licCase }
	if code := n.api(http.MethodGet, "/api/v1/cases", user, "", &out); code != http.StatusOK {
		n.t.Fatalf("my cases: %d", code)
	}
	return len(out.Items)
}

func (n *licenseNode) grants(user string) []licGrant {
	n.t.Helper()
	var out struct{ Items []licGrant }
	if code := n.api(http.MethodGet, "/api/v1/licenses/grants", user, "", &out); code != http.StatusOK {
		n.t.Fatalf("grants: %d", code)
	}
	return out.Items
}

// TestApplyWithELicense: the applicant satisfies two materials with their
// e-licences instead of copies; bad choices are refused field by field, in
// Chinese, and nothing is saved; the officer sees both licences verified
// on the case; the holder sees the reads, revokes one grant (the authority
// no longer reads it), and sees the officer read it again under a legal
// basis.
func TestApplyWithELicense(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n, resident, card := startLicUse(t, e)
			var biz string
			for _, l := range n.listMine("enterprise") {
				biz = l.ID
			}
			// The 社会保障卡 suspended by 广州市人社局 cannot stand in while suspended.
			if code := n.api(http.MethodPost, "/api/v1/licenses/"+card+"/suspend", "officer", `{"reason":"挂失"}`, nil); code != http.StatusOK {
				t.Fatalf("suspend: %d", code)
			}
			before := n.myCases("citizen")
			for name, tc := range map[string]struct {
				choices   map[string]string
				loc, want string
			}{
				"someone else's":   {map[string]string{"居民身份证": biz}, "license:居民身份证", "不属于申请人"},
				"unknown":          {map[string]string{"居民身份证": "0190c3a0-0000-7000-8000-000000000000"}, "license:居民身份证", "不属于申请人"},
				"wrong type":       {map[string]string{"居民身份证": card}, "license:居民身份证", "不能代替此材料"},
				"suspended":        {map[string]string{"社会保障卡": card}, "license:社会保障卡", "目前无效"},
				"material without": {map[string]string{"学位证书": resident}, "license:学位证书", "不能用电子证照代替"},
			} {
				var p licProblem
				if code := n.api(http.MethodPost, "/api/v1/cases", "citizen", applyBody(tc.choices), &p); code != http.StatusUnprocessableEntity ||
					!strings.Contains(p.at(tc.loc), tc.want) {
					t.Errorf("%s licence: %d %+v, want 422 with %q at %s", name, code, p, tc.want, tc.loc)
				}
			}
			if after := n.myCases("citizen"); after != before {
				t.Errorf("refused applications were saved: %d cases, were %d", after, before)
			}
			if got := n.grants("citizen"); len(got) != 0 {
				t.Errorf("refused applications left grants: %+v", got)
			}
			if code := n.api(http.MethodPost, "/api/v1/licenses/"+card+"/reinstate", "officer", `{"reason":"找回"}`, nil); code != http.StatusOK {
				t.Fatalf("reinstate: %d", code)
			}

			var c licCase
			if code := n.api(http.MethodPost, "/api/v1/cases", "citizen", applyBody(map[string]string{"居民身份证": resident, "社会保障卡": card}), &c); code != http.StatusCreated {
				t.Fatalf("apply: %d", code)
			}
			byLicence := map[string]string{}
			for _, m := range c.Materials {
				if m.License != nil {
					byLicence[m.Name] = m.License.ID
				}
			}
			if byLicence["居民身份证"] != resident || byLicence["社会保障卡"] != card {
				t.Errorf("the case's materials: %+v", c.Materials)
			}
			var full licCase
			n.api(http.MethodGet, "/api/v1/cases/"+c.ID, "citizen", "", &full)
			if len(full.Events) == 0 || !strings.Contains(full.Events[0].Comment, "免提交") {
				t.Errorf("the timeline does not say 免提交: %+v", full.Events)
			}
			gs := n.grants("citizen")
			if len(gs) != 2 || gs[0].CaseID != c.ID || !gs[0].Active || !strings.Contains(gs[0].Authority, "人力资源和社会保障局") {
				t.Fatalf("grants: %+v", gs)
			}

			// The officer opens the case: both licences verified now.
			off := n.Client(t)
			off.Login("officer", app.DemoPassword)
			page := off.Get("/cases/" + c.ID)
			if page.StatusCode != http.StatusOK || page.Doc.Find("#case-licenses .verdict-valid").Length() != 2 ||
				!strings.Contains(page.Doc.Find("#case-licenses .verdict-sentence").First().Text(), "证照有效") ||
				page.Doc.Find("#case-materials li.license-material").Length() != 2 {
				t.Fatalf("officer's case page: %d %q", page.StatusCode, page.Doc.Find("#case-licenses").Text())
			}
			cit := n.Client(t)
			cit.Login("citizen", app.DemoPassword)
			mine := cit.Get("/cases/" + c.ID)
			if mine.Doc.Find("#case-materials li.license-material").Length() != 2 || mine.Doc.Find("#case-licenses").Length() != 0 {
				t.Errorf("the applicant's case page: %q", mine.Doc.Find("#case-materials").Text())
			}
			if got := cit.Get("/wallet/uses").Doc.Find("#uses").Text(); !strings.Contains(got, "林晓燕") || !strings.Contains(got, "办件用证") {
				t.Errorf("the holder does not see the officer's read: %q", got)
			}

			// The holder revokes the 居民身份证's grant: the authority reads only the card.
			var residentGrant string
			for _, g := range gs {
				if g.Number != "" && strings.HasPrefix(g.Number, "SB") {
					continue
				}
				residentGrant = g.ID
			}
			elder := n.Client(t)
			elder.Login("elder", app.DemoPassword)
			if r := elder.Post("/wallet/grants/"+residentGrant+"/revoke", nil); r.StatusCode != http.StatusNotFound {
				t.Errorf("another citizen revokes the grant: %d", r.StatusCode)
			}
			if r := cit.Post("/wallet/grants/"+residentGrant+"/revoke", nil); r.StatusCode != http.StatusOK || r.Doc.Find("#uses-flash").Length() != 1 ||
				r.Doc.Find("#grant-"+residentGrant+" button").Length() != 0 {
				t.Fatalf("revoke: %d", r.StatusCode)
			}
			if r := cit.Post("/wallet/grants/"+residentGrant+"/revoke", nil); r.StatusCode != http.StatusConflict || !strings.Contains(r.Doc.Find("#uses-error").Text(), "已撤回") {
				t.Errorf("revoke again: %d", r.StatusCode)
			}
			if es, err := n.App.Audit.Entries(context.Background(), audit.Filter{Action: "license.grant_revoked", Limit: 5}); err != nil || len(es) != 1 {
				t.Errorf("revocation audited: %v %d entries", err, len(es))
			}
			var read struct {
				Items []struct {
					License      struct{ ID string }
					GrantID      string `json:"grant_id"`
					Basis        *struct{ Law, Article, Reason, By string }
					Verification struct{ Verdict string }
				}
			}
			if code := n.api(http.MethodGet, "/api/v1/cases/"+c.ID+"/licenses", "officer", "", &read); code != http.StatusOK ||
				len(read.Items) != 1 || read.Items[0].License.ID != card || read.Items[0].Verification.Verdict != "valid" {
				t.Fatalf("after the revocation the officer reads: %d %+v", code, read.Items)
			}

			// Without the grant, only under a recorded legal basis.
			basis := func(b map[string]string) (int, licProblem) {
				body, _ := json.Marshal(b)
				var p licProblem
				code := n.api(http.MethodPost, "/api/v1/cases/"+c.ID+"/licenses/basis", "officer", string(body), &p)
				return code, p
			}
			if code, p := basis(map[string]string{"type": "resident_id", "law": " ", "article": "第四十五条", "reason": "核实身份"}); code != http.StatusUnprocessableEntity || p.at("law") == "" {
				t.Errorf("a basis without its law: %d %+v", code, p)
			}
			if code, p := basis(map[string]string{"type": "marriage_cert", "law": "《社会保险法》", "article": "第四十五条", "reason": "核实身份"}); code != http.StatusUnprocessableEntity || p.at("type") == "" {
				t.Errorf("a type the item does not accept: %d %+v", code, p)
			}
			var counterErr licProblem
			if code := n.api(http.MethodPost, "/api/v1/cases/"+c.ID+"/licenses/basis", "counter_sz",
				`{"type":"resident_id","law":"《社会保险法》","article":"第四十五条","reason":"核实身份"}`, &counterErr); code != http.StatusNotFound {
				t.Errorf("staff out of reach record a basis: %d", code)
			}
			if code := n.api(http.MethodGet, "/api/v1/cases/"+c.ID+"/licenses", "citizen", "", nil); code != http.StatusNotFound {
				t.Errorf("a citizen reads the case's licences as staff: %d", code)
			}
			if code := n.api(http.MethodPost, "/api/v1/cases/"+c.ID+"/licenses/basis", "officer",
				`{"type":"resident_id","law":"《中华人民共和国社会保险法》","article":"第四十五条","reason":"核实失业人员身份"}`, &read); code != http.StatusOK ||
				len(read.Items) != 1 || read.Items[0].License.ID != resident || read.Items[0].Basis == nil || read.Items[0].Basis.By != "林晓燕" {
				t.Fatalf("read under a basis: %d %+v", code, read.Items)
			}
			lp := off.Get("/workbench/cases/" + c.ID + "/licenses")
			if lp.Doc.Find("section.verdict").Length() != 2 || !strings.Contains(lp.Doc.Find("#granted-"+resident+" .read-under").Text(), "第四十五条") {
				t.Errorf("the officer's licence page: %q", lp.Doc.Find("main").Text())
			}
			uses := cit.Get("/wallet/uses").Doc.Find("#uses tr.use-legal_basis")
			if uses.Length() == 0 || !strings.Contains(uses.First().Text(), "社会保险法》第四十五条") || !strings.Contains(uses.First().Text(), "核实失业人员身份") {
				t.Errorf("the holder does not see the basis: %q", uses.Text())
			}
			if es, _ := n.App.Audit.Entries(context.Background(), audit.Filter{Action: "license.read_for_case", Limit: 50}); len(es) < 4 {
				t.Errorf("licence reads audited: %d entries", len(es))
			}
		})
	}
}

// TestELicenseInFormsAndDrafts: the apply page offers the applicant's
// licences; a draft remembers the choice and its submission grants; a
// forged choice comes back marked on its field; at a counter the
// applicant's licence is used only with the consent the counter records.
// 用证率 by authority and region, with the target, on the page, the API
// and the cockpit.
func TestELicenseInFormsAndDrafts(t *testing.T) {
	n, resident, card := startLicUse(t, storetest.Engines(t)[0])
	cit := n.Client(t)
	cit.Login("citizen", app.DemoPassword)
	form := cit.Get("/services/" + licUseItem + "/apply")
	if form.Doc.Find("#lic-0-"+resident).Length() != 1 || form.Doc.Find("#lic-0-none[checked]").Length() != 1 || form.Doc.Find("#lic-2").Length() != 0 {
		t.Fatalf("the form does not offer the 居民身份证: %q", form.Doc.Find("#license-choices").Text())
	}
	vals := url.Values{"reason": {"申领"}, "phone": {"13800138000"}, "decide_in": {"440106"}}
	forged := url.Values{"license:居民身份证": {"0190c3a0-0000-7000-8000-000000000000"}}
	for k, v := range vals {
		forged[k] = v
	}
	if r := cit.Post("/services/"+licUseItem+"/apply", forged); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Doc.Find("#e-lic-0").Text(), "不属于申请人") {
		t.Errorf("a forged licence: %d %q", r.StatusCode, r.Doc.Find("#e-lic-0").Text())
	}
	draft := url.Values{"draft": {"1"}, "license:居民身份证": {resident}}
	for k, v := range vals {
		draft[k] = v
	}
	r := cit.Post("/services/"+licUseItem+"/apply", draft)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the draft: %d", r.StatusCode)
	}
	id := strings.TrimPrefix(r.Header.Get("Location"), "/cases/")
	if len(n.grants("citizen")) != 0 {
		t.Error("a draft granted the licence")
	}
	resume := cit.Get("/services/" + licUseItem + "/apply?case=" + id)
	if resume.Doc.Find("#lic-0-"+resident+"[checked]").Length() != 1 {
		t.Fatalf("the resumed draft forgot the choice")
	}
	submit := url.Values{"case_id": {id}, "version": {resume.Doc.Find(`input[name="version"]`).AttrOr("value", "")},
		"license:居民身份证": {resident}}
	for k, v := range vals {
		submit[k] = v
	}
	if r := cit.Post("/services/"+licUseItem+"/apply", submit); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit the draft: %d %q", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	if gs := n.grants("citizen"); len(gs) != 1 || gs[0].CaseID != id {
		t.Fatalf("grants after the draft's submission: %+v", gs)
	}

	// Through the API: a draft keeps the choice; submitting it grants.
	var d licCase
	body := strings.Replace(applyBody(map[string]string{"居民身份证": resident}), `{"decide_in"`, `{"draft":true,"decide_in"`, 1)
	if code := n.api(http.MethodPost, "/api/v1/cases", "citizen", body, &d); code != http.StatusCreated || len(d.Materials) != 1 || d.Materials[0].License == nil {
		t.Fatalf("API draft: %d %+v", code, d)
	}
	if len(n.grants("citizen")) != 1 {
		t.Error("an API draft granted the licence")
	}
	var sub licCase
	if code := n.api(http.MethodPost, "/api/v1/cases/"+d.ID+"/actions", "citizen", `{"action":"submit","version":`+strconv.Itoa(d.Version)+`}`, &sub); code != http.StatusOK ||
		sub.Number == "" || len(sub.Materials) != 1 || sub.Materials[0].License == nil || sub.Materials[0].License.Number == "" {
		t.Fatalf("API submission of the draft: %d %+v", code, sub)
	}
	if gs := n.grants("citizen"); len(gs) != 2 || gs[0].CaseID != d.ID {
		t.Fatalf("grants after the API draft's submission: %+v", gs)
	}

	// At a counter: the applicant's licence, with their consent only.
	ctr := n.Client(t)
	ctr.Login("counter", app.DemoPassword)
	if f := ctr.Get("/services/" + licUseItem + "/apply?counter=1"); f.Doc.Find("#lic-0-auto").Length() != 1 {
		t.Fatalf("the counter form does not offer the applicant's licence")
	}
	at := url.Values{"counter": {"1"}, "applicant": {citizenID}, "license:居民身份证": {"auto"}}
	for k, v := range vals {
		at[k] = v
	}
	if r := ctr.Post("/services/"+licUseItem+"/apply", at); r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-consent").Length() != 1 {
		t.Errorf("without consent: %d", r.StatusCode)
	}
	if len(n.grants("citizen")) != 2 {
		t.Error("a refused counter application granted the licence")
	}
	at.Set("consent", "本人到场书面同意，签字确认")
	if r := ctr.Post("/services/"+licUseItem+"/apply", at); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("at the counter: %d %q", r.StatusCode, r.Doc.Find(".field-error, .alert").Text())
	}
	if gs := n.grants("citizen"); len(gs) != 3 || !strings.Contains(gs[0].Purpose, "窗口代办") || !strings.Contains(gs[0].Purpose, "本人到场书面同意") {
		t.Errorf("the counter's grant: %+v", gs)
	}

	// The officer's page form: a basis without its reason comes back marked.
	off := n.Client(t)
	off.Login("officer", app.DemoPassword)
	if r := off.Post("/workbench/cases/"+id+"/licenses/basis", url.Values{"type": {"resident_id"}, "law": {"《社会保险法》"}, "article": {"第四十五条"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		r.Doc.Find("#e-reason").Length() != 1 || r.Doc.Find("#f-law").AttrOr("value", "") != "《社会保险法》" {
		t.Errorf("a basis without its reason on the page: %d", r.StatusCode)
	}

	// The basis is shown to the holder as text, never as markup.
	if r := off.Post("/workbench/cases/"+id+"/licenses/basis", url.Values{"type": {"resident_id"}, "law": {"《社会保险法》"},
		"article": {"第四十五条"}, "reason": {"<b>核实</b>身份"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a basis on the page: %d %q", r.StatusCode, r.Doc.Find(".field-error, .alert").Text())
	}
	if u := cit.Get("/wallet/uses").Doc.Find("#uses tr.use-legal_basis"); !strings.Contains(u.Text(), "<b>核实</b>身份") || u.Find("b").Length() != 0 {
		t.Errorf("the basis's reason on the holder's page: %q", u.Text())
	}

	// 用证率: the item needs 居民身份证 and 社会保障卡; the three cases
	// covered the 居民身份证 only, so none counts as used.
	var rate struct {
		By     string
		Items  []struct{ Key, Name string }
		Total  struct{ Eligible, Used int }
		Target float64
		Met    bool `json:"target_met"`
	}
	useRate := func(want [2]int) {
		t.Helper()
		if code := n.api(http.MethodGet, "/api/v1/licenses/use-rate?by=authority", "leader", "", &rate); code != http.StatusOK ||
			[2]int{rate.Total.Eligible, rate.Total.Used} != want || rate.Target != 0.8 || len(rate.Items) != 1 ||
			!strings.Contains(rate.Items[0].Name, "人力资源") {
			t.Errorf("use rate by authority: %d %+v, want eligible/used %v", code, rate, want)
		}
	}
	useRate([2]int{3, 0})
	// The 社会保障卡 granted from the wallet for the first case covers its
	// second material: one of three.
	if r := cit.Post("/wallet/"+card+"/grant", url.Values{"case": {id}}); r.StatusCode != http.StatusOK {
		t.Fatalf("grant the card for the case: %d", r.StatusCode)
	}
	useRate([2]int{3, 1})
	// An application with both licences: two of four.
	var both licCase
	if code := n.api(http.MethodPost, "/api/v1/cases", "citizen", applyBody(map[string]string{"居民身份证": resident, "社会保障卡": card}), &both); code != http.StatusCreated {
		t.Fatalf("apply with both licences: %d %+v", code, both)
	}
	useRate([2]int{4, 2})
	// The card's grant for the first case withdrawn: that case no longer counts.
	var wallet string
	for _, g := range n.grants("citizen") {
		if g.CaseID == id && g.Active {
			wallet = g.ID // the newest grant of the case lists first: the card's
			break
		}
	}
	if code := n.api(http.MethodPost, "/api/v1/licenses/grants/"+wallet+"/revoke", "citizen", "", nil); code != http.StatusOK {
		t.Fatalf("withdraw the card's grant: %d", code)
	}
	useRate([2]int{4, 1})
	if rate.Met {
		t.Error("25 % meets the target")
	}
	if code := n.api(http.MethodGet, "/api/v1/licenses/use-rate?by=planet", "leader", "", nil); code != http.StatusUnprocessableEntity {
		t.Errorf("use rate by an unknown grouping: %d", code)
	}
	lead := n.Client(t)
	lead.Login("leader", app.DemoPassword)
	p := lead.Get("/workbench/licenses/use-rate?by=county")
	if p.StatusCode != http.StatusOK || p.Doc.Find(`#use-rate-groups a[aria-current]`).Text() != "区县" ||
		p.Doc.Find("#use-rate-target.target-missed").Length() != 1 || !strings.Contains(p.Doc.Find("#use-rate tbody").Text(), "广州市") ||
		p.Doc.Find("#use-rate-total td").Eq(1).Text() != "1" || p.Doc.Find("#use-rate-total td").Eq(2).Text() != "25.0%" ||
		!strings.Contains(p.Doc.Find("#use-rate-definition").Text(), "每一项可由电子证照替代的材料") {
		t.Errorf("use rate by county: %d %q", p.StatusCode, p.Doc.Find("main").Text())
	}
	if k := lead.Get("/cockpit").Doc.Find("#kpi-license-use"); !strings.Contains(k.Text(), "25.0%") || !strings.Contains(k.Text(), ">80.0%") ||
		!strings.Contains(k.AttrOr("title", ""), "每项") {
		t.Errorf("cockpit: %q", k.Text())
	}
}
