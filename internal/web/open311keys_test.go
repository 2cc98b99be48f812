package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/open311"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

// A citizen issues an Open311 key on the key page, an Open311 client
// reports with it, the key is revoked and stops working; the province
// administrator sees and may revoke it, another citizen may not.
func TestOpen311Keys(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { testOpen311Keys(t, apptest.Start(t, e)) })
	}
}

func testOpen311Keys(t *testing.T, n *apptest.Node) {
	ctx := context.Background()
	c := n.Client(t)
	c.Login("citizen", app.DemoPassword)
	if r := c.Post("/account/open311-keys", url.Values{"name": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#f-name[aria-invalid]").Length() != 1 {
		t.Fatalf("a one-letter name: %d", r.StatusCode)
	}
	if r := c.Post("/account/open311-keys", url.Values{"name": {"街坊随手拍 App"}, "days": {"10000"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		r.Doc.Find("#f-days[aria-invalid]").Length() != 1 {
		t.Fatalf("a lifetime not offered: %d", r.StatusCode)
	}
	if d := c.Get("/account/open311-keys").Doc.Find("#f-days option[selected]"); d.AttrOr("value", "") != "365" {
		t.Errorf("default lifetime %q, want a year", d.AttrOr("value", ""))
	}
	r := c.Post("/account/open311-keys", url.Values{"name": {"街坊随手拍 App"}})
	key := strings.TrimSpace(r.Doc.Find("#issued-key").Text())
	if r.StatusCode != 200 || !strings.HasPrefix(key, "o311_") || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("issue: %d %q", r.StatusCode, key)
	}
	if want := time.Now().AddDate(1, 0, 0).In(shanghaiTZ).Format("2006-01-02"); !strings.Contains(r.Doc.Find("#issued-expires").Text(), want) {
		t.Errorf("issued key's expiry %q, want %s", r.Doc.Find("#issued-expires").Text(), want)
	}
	if strings.Contains(c.Get("/account/open311-keys").Body, key) {
		t.Fatal("the key is shown again")
	}
	form := url.Values{"api_key": {key}, "service_code": {"0101"}, "lat": {"23.1335"}, "long": {"113.3301"},
		"attribute[region]": {"440106006002"}, "description": {"小区门口垃圾桶满溢两天无人清运"}}
	b := open311Do(t, n, open311Call{method: "POST", path: "/open311/v2/requests.json", form: form, status: 201})
	id := requestsOf(t, b, false)[0].ID
	if e, err := n.App.Governance.PublicEvent(ctx, idOf(id)); err != nil || e.Source != "open311" || e.ReporterName != "张明" {
		t.Fatalf("the request as the key's account: %+v %v", e, err)
	}
	// Another citizen cannot revoke it; the province administrator sees it.
	other := n.Client(t)
	other.Login("elder", app.DemoPassword)
	keys, err := n.App.Open311.Keys(ctx, n.Caller(t, "citizen"))
	if err != nil || len(keys) != 1 || keys[0].LastUsedAt.IsZero() {
		t.Fatalf("keys: %+v %v", keys, err)
	}
	kid := string(keys[0].ID)
	if r := other.Post("/account/open311-keys/"+kid+"/revoke", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("another citizen revokes: %d", r.StatusCode)
	}
	admin := n.Client(t)
	admin.Login("admin", app.DemoPassword)
	if r := admin.Get("/account/open311-keys"); r.Doc.Find("#key-"+kid).Length() != 1 {
		t.Errorf("the administrator does not see the key")
	}
	if r := c.Post("/account/open311-keys/"+kid+"/revoke", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	open311Do(t, n, open311Call{method: "POST", path: "/open311/v2/requests.json", form: form, status: 403, check: wantErrors(403, false, "api_key")})
	if r := admin.Post("/account/open311-keys/"+kid+"/revoke", nil); r.StatusCode != http.StatusConflict {
		t.Errorf("revoking twice: %d", r.StatusCode)
	}
	for _, a := range []string{"open311.key_issued", "open311.key_revoked"} {
		if es, err := n.App.Audit.Entries(ctx, audit.Filter{Action: a, Limit: 5}); err != nil || len(es) != 1 {
			t.Errorf("audit %s: %d, %v", a, len(es), err)
		}
	}
	testOpen311KeyExpiry(t, n)
	var stored string
	if err := n.App.DB.QueryRow(ctx, `SELECT key_hash FROM open311_keys WHERE id = ?`, kid).Scan(&stored); err != nil || stored == key || strings.Contains(stored, key[5:]) {
		t.Errorf("stored %q for key %q", stored, key)
	}
}

func idOf(s string) ids.ID { return ids.ID(s) }

// shanghaiTZ is the zone pages show dates in.
var shanghaiTZ = time.FixedZone("CST", 8*3600)

// A key issued for 30 days 31 days ago has expired: an Open311 client
// using it gets 403 with the spec's error body saying so; the key page
// lists it as expired with its date and no revoke button.
func testOpen311KeyExpiry(t *testing.T, n *apptest.Node) {
	ctx := context.Background()
	a := n.App
	past := open311.NewService(open311.Deps{Store: a.Store, Tx: a.DB, Audit: a.Audit, Governance: a.Governance,
		CallerOf: a.Identity.CallerByUserID, Now: func() time.Time { return time.Now().AddDate(0, 0, -31) }})
	k, key, err := past.IssueKey(ctx, n.Caller(t, "citizen"), "旧版随手拍", 30)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"api_key": {key}, "service_code": {"0101"}, "lat": {"23.1335"}, "long": {"113.3301"},
		"attribute[region]": {"440106006002"}, "description": {"小区门口垃圾桶满溢两天无人清运"}}
	for f, root := range map[string]string{"json": "", "xml": "errors"} {
		open311Do(t, n, open311Call{method: "POST", path: "/open311/v2/requests." + f, form: form, status: 403, root: root,
			check: wantErrors(403, f == "xml", "已过期")})
	}
	c := n.Client(t)
	c.Login("citizen", app.DemoPassword)
	c.Post("/prefs", url.Values{"lang": {"en"}})
	row := c.Get("/account/open311-keys").Doc.Find("#key-" + string(k.ID))
	if row.Find(".state").Text() != "expired" || !strings.Contains(row.Find(".expires").Text(), k.ExpiresAt.In(shanghaiTZ).Format("2006-01-02")) ||
		row.Find("button").Length() != 0 {
		t.Errorf("expired key's row: %q", row.Text())
	}
	c.Post("/prefs", url.Values{"lang": {"zh-CN"}})
}
