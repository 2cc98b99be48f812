package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestPersonLookupIsScopedAuditedAndMasked follows personal data end to
// end: staff find people only within their region, every lookup is audited,
// the person sees who looked, and the clear ID number never appears in a
// page or a log line.
func TestPersonLookupIsScopedAuditedAndMasked(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			ctx := context.Background()
			citizenID := idNumberOf(t, n, "citizen") // registered in 天河区 440106
			elderID := idNumberOf(t, n, "elder")     // registered in 越秀区 440104

			counter := n.Client(t)
			counter.Login("counter", app.DemoPassword) // counter staff over 天河区 only
			lookup := func(c *apptest.Client, id, purpose string) *apptest.Response {
				t.Helper()
				return c.Post("/workbench/persons", url.Values{"id_number": {id}, "purpose": {purpose}})
			}
			r := lookup(counter, citizenID.Clear(), "窗口代办社保卡申领")
			if r.StatusCode != http.StatusOK || r.Doc.Find("#person").Length() == 0 {
				t.Fatalf("counter staff cannot find a person of their district: %d", r.StatusCode)
			}
			if got := r.Doc.Find("#person dd").Eq(1).Text(); got != citizenID.Masked() {
				t.Errorf("ID number shown as %q, want masked %q", got, citizenID.Masked())
			}
			if strings.Contains(r.Body, citizenID.Clear()) {
				t.Errorf("clear ID number appears in the page")
			}
			if r := lookup(counter, elderID.Clear(), "窗口咨询"); r.StatusCode != http.StatusNotFound {
				t.Errorf("person outside the counter's district: status %d, want 404", r.StatusCode)
			}
			if r := lookup(counter, citizenID.Clear(), ""); r.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(r.Doc.Find("#e-purpose").Text(), "请填写查询事由") {
				t.Errorf("lookup without a purpose: status %d", r.StatusCode)
			}
			if r := lookup(counter, "440106199001011236", "x"); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("malformed ID number: status %d, want 422", r.StatusCode)
			}

			officer := n.Client(t)
			officer.Login("officer", app.DemoPassword) // case officer over all of 广州
			if r := lookup(officer, elderID.Clear(), "审批核验"); r.StatusCode != http.StatusOK {
				t.Errorf("city-wide officer cannot find a person of 越秀区: %d", r.StatusCode)
			}

			// The citizen sees who looked them up.
			citizen := n.Client(t)
			citizen.Login("citizen", app.DemoPassword)
			p := citizen.Get("/portal")
			use := p.Doc.Find("#data-use").Text()
			if !strings.Contains(use, "黄志强") || !strings.Contains(use, "查看了您的个人信息") {
				t.Errorf("data use record lacks the counter's lookup: %q", use)
			}
			if strings.Contains(use, "林晓燕") {
				t.Errorf("data use shows a lookup of someone else")
			}
			if got := p.Doc.Find("#masked-id").Text(); got != citizenID.Masked() {
				t.Errorf("portal shows ID %q, want %q", got, citizenID.Masked())
			}
			if strings.Contains(p.Body, citizenID.Clear()) {
				t.Errorf("portal shows the clear ID number")
			}

			// Nothing logged the clear numbers, and the database holds them
			// only encrypted.
			for _, id := range []identity.IDNumber{citizenID, elderID} {
				if strings.Contains(n.Log.String(), id.Clear()) {
					t.Errorf("log contains a clear ID number")
				}
			}
			var clear int
			if err := n.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM persons WHERE name = ? AND id_number_idx = ?`, "张明", citizenID.Clear()).Scan(&clear); err != nil || clear != 0 {
				t.Errorf("persons table holds the clear ID number (%d, %v)", clear, err)
			}
			res, err := n.App.Audit.Verify(ctx)
			if err != nil || !res.OK() {
				t.Errorf("audit chain after the journey: %+v %v", res, err)
			}
		})
	}
}

// idNumberOf returns the clear ID number of a demo account, as the person
// would type it.
func idNumberOf(t *testing.T, n *apptest.Node, username string) identity.IDNumber {
	t.Helper()
	ctx := context.Background()
	u, err := n.App.Identity.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	me, err := n.App.Identity.Me(ctx, &identity.Caller{UserID: u.ID, PersonID: u.PersonID, Kind: u.Kind})
	if err != nil {
		t.Fatal(err)
	}
	return me.IDNumber
}

// TestPersonLookupAPI: the same lookup for systems, with RFC 9457 errors
// that name each invalid field.
func TestPersonLookupAPI(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	token := n.Token(t, "counter")
	c := n.Client(t)
	post := func(body string) *apptest.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, n.URL+"/api/v1/persons/lookup", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		return c.Do(req)
	}
	r := post(`{"id_number": "4401061990", "purpose": " "}`)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid body: status %d: %s", r.StatusCode, r.Body)
	}
	var p problem
	mustJSON(t, r.Body, &p)
	got := map[string]string{}
	for _, e := range p.Errors {
		got[e.Location] = e.Message
	}
	if got["id_number"] != "公民身份号码应为 18 位。" || got["purpose"] != "请填写查询事由，查询将记入审计日志。" {
		t.Errorf("field errors = %v", got)
	}
	id := idNumberOf(t, n, "citizen")
	r = post(`{"id_number": "` + id.Clear() + `", "purpose": "系统核验"}`)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"id_number_masked":"`+id.Masked()+`"`) || strings.Contains(r.Body, id.Clear()) {
		t.Errorf("lookup: %d %s", r.StatusCode, r.Body)
	}
	if r := post(`{"id_number": "` + idNumberOf(t, n, "elder").Clear() + `", "purpose": "x"}`); r.StatusCode != http.StatusNotFound {
		t.Errorf("person outside the counter's district: %d", r.StatusCode)
	}
	big := `{"id_number": "` + strings.Repeat("1", 2<<20) + `"}`
	if r := post(big); r.StatusCode != http.StatusRequestEntityTooLarge || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("oversized API body: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}
