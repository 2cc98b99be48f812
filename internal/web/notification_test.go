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
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/store/storetest"
)

// inboxNode is a node where the citizen applied for an item whose name
// carries markup, an officer accepted, and the dispatcher ran: the
// citizen has two notifications.
type inboxNode struct {
	*apptest.Node
	t    *testing.T
	ctx  context.Context
	kase *cases.Case
}

const markupName = `<script>alert(1)</script>测试事项`

func startInbox(t *testing.T, e storetest.Engine) *inboxNode {
	n := apptest.Start(t, e)
	ctx := context.Background()
	it := catalog.Item{
		Code: "TST-0009", Name: markupName, Type: catalog.TypePublic, Department: "hrss", Level: catalog.LevelCity,
		Materials:    []catalog.Material{{Name: "居民身份证", Required: true, Form: "original"}},
		Form:         []catalog.Field{{Name: "reason", Label: "申请事由", Kind: catalog.FieldText, Required: true, MaxLength: 20}},
		PromisedDays: 5, StatutoryDays: 20, Fee: "不收费", OnlineDepth: 4, Scopes: []catalog.Scope{catalog.ScopeProvince},
		Channels: []catalog.Channel{catalog.ChannelOnline}, Targets: []catalog.Target{catalog.TargetPerson},
		Steps: []catalog.Step{{Stage: catalog.StageAccept, Role: identity.RoleCaseOfficer},
			{Stage: catalog.StageDecide, Role: identity.RoleDepartmentHead}},
		Result: "测试结果",
	}
	if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{it}); err != nil {
		t.Fatal(err)
	}
	in := &inboxNode{Node: n, t: t, ctx: ctx}
	c, err := n.App.Cases.Apply(ctx, in.caller("citizen"), cases.Application{ItemCode: it.Code, DecideIn: "440106",
		Form: map[string]string{"reason": "换领"}})
	if err != nil {
		t.Fatal(err)
	}
	if in.kase, err = n.App.Cases.Act(ctx, in.caller("officer"), c.ID, c.Version, cases.ActAccept, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := n.App.Jobs.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	return in
}

func (n *inboxNode) caller(username string) *identity.Caller {
	n.t.Helper()
	c, err := n.App.Identity.CallerByAPIToken(n.ctx, n.Token(n.t, username))
	if err != nil {
		n.t.Fatal(err)
	}
	return c
}

func TestInboxPage(t *testing.T) {
	n := startInbox(t, storetest.Engines(t)[0])
	c := n.Client(t)
	c.Login("citizen", app.DemoPassword)

	home := c.Get("/portal")
	if got := strings.TrimSpace(home.Doc.Find("#inbox-link #unread-count").Text()); got != "2" {
		t.Errorf("header badge %q, want 2", got)
	}
	inbox := c.Get("/inbox")
	if inbox.StatusCode != 200 {
		t.Fatalf("/inbox: %d", inbox.StatusCode)
	}
	items := inbox.Doc.Find("#inbox > li.result")
	if items.Length() != 2 || inbox.Doc.Find("#inbox li.unread h2 strong").Length() != 2 {
		t.Fatalf("inbox shows %d items, %d bold: %.1500s", items.Length(), inbox.Doc.Find("#inbox li.unread h2 strong").Length(), inbox.Body)
	}
	first := items.First()
	if got := strings.TrimSpace(first.Find("h2").Text()); got != "申请已受理" {
		t.Errorf("newest first: %q", got)
	}
	// The item's name comes back as text, not as markup.
	if !strings.Contains(first.Find("p").First().Text(), markupName) || inbox.Doc.Find("#inbox script").Length() != 0 ||
		strings.Contains(inbox.Body, "<script>alert") {
		t.Errorf("markup in an item name was not escaped")
	}
	if inbox.Doc.Find("#read-all button").Length() != 1 {
		t.Errorf("no 全部已读 button with unread notifications")
	}

	// Opening one marks it read and goes to the case.
	href, _ := first.Find("h2 a").Attr("href")
	r := c.Get(href)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/cases/"+string(n.kase.ID) {
		t.Fatalf("open %s: %d → %q", href, r.StatusCode, r.Header.Get("Location"))
	}
	inbox = c.Get("/inbox")
	if inbox.Doc.Find("#inbox li.unread").Length() != 1 || strings.TrimSpace(inbox.Doc.Find("#unread-count").Text()) != "1" {
		t.Errorf("after opening one: %d unread, badge %q", inbox.Doc.Find("#inbox li.unread").Length(), inbox.Doc.Find("#unread-count").Text())
	}

	// 全部已读.
	r = c.Post("/inbox/read-all", url.Values{})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/inbox" {
		t.Fatalf("read all: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	inbox = c.Get("/inbox")
	if inbox.Doc.Find("#inbox li.unread").Length() != 0 || inbox.Doc.Find("#unread-count").Length() != 0 ||
		inbox.Doc.Find("#read-all").Length() != 0 {
		t.Errorf("after reading all: unread items, badge or button remain")
	}
	if r := c.Post("/inbox/read-all", url.Values{"csrf": {"forged"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("read all with a forged CSRF token: %d", r.StatusCode)
	}

	// Another person: an empty inbox, and someone else's notification is not found.
	o := n.Client(t)
	o.Login("officer", app.DemoPassword)
	inbox = o.Get("/inbox")
	if inbox.Doc.Find("#inbox li.result").Length() != 0 || inbox.Doc.Find("#unread-count").Length() != 0 {
		t.Errorf("the officer's inbox is not empty")
	}
	if r := o.Get(href); r.StatusCode != http.StatusNotFound {
		t.Errorf("the officer opening the citizen's notification: %d", r.StatusCode)
	}
	if r := n.Client(t).Get("/inbox"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("a visitor's /inbox: %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	if n.Client(t).Get("/").Doc.Find("#inbox-link").Length() != 0 {
		t.Errorf("a visitor sees the inbox link")
	}
}

func TestNotificationAPI(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startInbox(t, e)
			citizen, officer := n.Token(t, "citizen"), n.Token(t, "officer")
			c := n.Client(t)
			call := func(method, path, token, lang string) *apptest.Response {
				t.Helper()
				req, _ := http.NewRequest(method, n.URL+path, nil)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				if lang != "" {
					req.Header.Set("Accept-Language", lang)
				}
				return c.Do(req)
			}
			type item struct {
				ID, Topic, Title, Body, Key, Link string
				Args                              []string
				Urgent                            bool
				ReadAt                            string `json:"read_at"`
			}
			var list struct {
				Items  []item
				Unread int
			}
			r := call("GET", "/api/v1/notifications", citizen, "")
			if r.StatusCode != 200 {
				t.Fatalf("list: %d %s", r.StatusCode, r.Body)
			}
			mustJSON(t, r.Body, &list)
			if len(list.Items) != 2 || list.Unread != 2 {
				t.Fatalf("list: %s", r.Body)
			}
			got := list.Items[0]
			if got.Topic != "cases.accept" || got.Title != "申请已受理" || got.Key != "notify.case.accept.title" ||
				got.Link != "/cases/"+string(n.kase.ID) || len(got.Args) != 2 || got.Args[0] != n.kase.Number ||
				!strings.Contains(got.Body, markupName) || got.ReadAt != "" || strings.Contains(r.Body, `"read_at"`) {
				t.Errorf("newest notification: %+v", got)
			}
			mustJSON(t, call("GET", "/api/v1/notifications", citizen, "en").Body, &list)
			if list.Items[0].Title != "Application accepted" {
				t.Errorf("in English: %q", list.Items[0].Title)
			}

			if r := call("POST", "/api/v1/notifications/"+got.ID+"/read", officer, ""); r.StatusCode != 404 {
				t.Errorf("the officer reading the citizen's notification: %d", r.StatusCode)
			}
			if r := call("POST", "/api/v1/notifications/"+got.ID+"/read", "", ""); r.StatusCode != 401 {
				t.Errorf("anonymous: %d, want 401", r.StatusCode)
			}
			r = call("POST", "/api/v1/notifications/"+got.ID+"/read", citizen, "")
			var one item
			mustJSON(t, r.Body, &one)
			if r.StatusCode != 200 || one.ID != got.ID || one.ReadAt == "" {
				t.Errorf("read: %d %s", r.StatusCode, r.Body)
			}
			mustJSON(t, call("GET", "/api/v1/notifications?unread=true", citizen, "").Body, &list)
			if len(list.Items) != 1 || list.Unread != 1 || list.Items[0].ID == got.ID {
				t.Errorf("unread only: %+v", list)
			}
			mustJSON(t, call("GET", "/api/v1/notifications", officer, "").Body, &list)
			if len(list.Items) != 0 || list.Unread != 0 {
				t.Errorf("the officer's notifications: %+v", list)
			}
			if r := call("GET", "/api/v1/notifications", "", ""); r.StatusCode != 401 {
				t.Errorf("anonymous list: %d", r.StatusCode)
			}

			// The OpenAPI document describes both operations; /metrics has the outbox.
			doc := call("GET", "/api/openapi.json", "", "").Body
			for _, p := range []string{`"/api/v1/notifications"`, `"/api/v1/notifications/{id}/read"`} {
				if !strings.Contains(doc, p) {
					t.Errorf("openapi lacks %s", p)
				}
			}
			m := call("GET", "/metrics", "", "").Body
			for _, g := range []string{"digigov_outbox_pending 0", "digigov_outbox_failed 0", "digigov_outbox_oldest_pending_seconds 0"} {
				if !strings.Contains(m, g) {
					t.Errorf("metrics lack %q", g)
				}
			}
		})
	}
}
