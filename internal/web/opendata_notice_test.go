package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/store/storetest"
)

// inboxTitles lists the titles of a demo account's notifications, newest first.
func inboxTitles(t *testing.T, n *apptest.Node, username string) []string {
	t.Helper()
	list, err := n.App.Notify.List(context.Background(), n.Caller(t, username), notify.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range list {
		title, body := x.Render(i18n.MustLoad(), "zh-CN")
		out = append(out, title+"|"+body+"|"+x.Link)
	}
	return out
}

// TestDataRequestFollowersNotified: the followers of a public data
// request are told, in their inbox, when someone else comments on it and
// when it is fulfilled with a dataset — once each, never of their own step.
func TestDataRequestFollowersNotified(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			ctx := context.Background()
			citizen, ent, cdo := n.Client(t), n.Client(t), n.Client(t)
			citizen.Login("citizen", "digigov2026")
			ent.Login("enterprise", "digigov2026")
			cdo.Login("cdo", "digigov2026")
			r := citizen.Post("/opendata/requests", url.Values{"title": {"全省充电桩分布"}, "description": {"希望开放公共充电桩的位置与数量"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("file: %d", r.StatusCode)
			}
			link := r.Header.Get("Location")
			ent.Get(link)
			if r := ent.Post(link+"/follow", url.Values{"follow": {"1"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("follow: %d", r.StatusCode)
			}
			if r := ent.Post(link+"/comments", url.Values{"comment": {"我们也需要，用于选址"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("comment: %d", r.StatusCode)
			}
			if _, err := n.App.Jobs.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			got := inboxTitles(t, n, "citizen")
			if len(got) != 1 || !strings.Contains(got[0], "有新评论") || !strings.Contains(got[0], "陈晓丽 评论了数据需求“全省充电桩分布”") ||
				!strings.HasSuffix(got[0], link) {
				t.Fatalf("the requester's inbox after a comment: %v", got)
			}
			if got := inboxTitles(t, n, "enterprise"); len(got) != 0 {
				t.Fatalf("the commenter is told of their own comment: %v", got)
			}

			cdo.Get(link)
			if r := cdo.Post(link+"/close", url.Values{"dataset": {"gd-data-0001"}, "note": {"已开放"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("close: %d %s", r.StatusCode, r.Body)
			}
			if _, err := n.App.Jobs.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := n.App.Jobs.RunOnce(ctx); err != nil { // nothing left: nobody is told twice
				t.Fatal(err)
			}
			for _, who := range []string{"citizen", "enterprise"} {
				got := inboxTitles(t, n, who)
				if len(got) == 0 || !strings.Contains(got[0], "已满足") || !strings.Contains(got[0], "gd-data-0001") {
					t.Fatalf("%s's inbox after fulfilment: %v", who, got)
				}
			}
			if got := inboxTitles(t, n, "citizen"); len(got) != 2 {
				t.Fatalf("the requester has %d notifications, want 2: %v", len(got), got)
			}
			if !strings.Contains(n.Log.String(), "您关注的数据需求已满足") {
				t.Fatal("the fulfilment was not handed to the sender")
			}
		})
	}
}

// TestSatisfactionMeasure: 需求满足率 (approved and delivered / decided) by
// body and overall, on the CDOs' page and the cockpit's measures, read
// against the plan's 99%.
func TestSatisfactionMeasure(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			ctx := context.Background()
			leader := n.Client(t)
			leader.Login("leader", "digigov2026")
			if got := leader.Get("/cockpit").Doc.Find("#data-satisfaction-rate").Text(); got != "—" {
				t.Fatalf("nothing decided yet: %q", got)
			}
			// The demo's pending request: approved but not delivered counts as decided, not satisfied.
			gz := n.Caller(t, "cdo_gz")
			inbox, err := n.App.DataShare.Inbox(ctx, gz, datashare.Pending)
			if err != nil || len(inbox) != 1 {
				t.Fatalf("inbox: %v %v", inbox, err)
			}
			if _, _, err := n.App.DataShare.Approve(ctx, gz, inbox[0].ID, datashare.ApproveInput{}); err != nil {
				t.Fatal(err)
			}
			page := leader.Get("/cockpit")
			if got := page.Doc.Find("#data-satisfaction-rate").Text(); got != "0.0%" || page.Doc.Find("#data-satisfaction-met").Text() != "未达标" {
				t.Fatalf("approved, not delivered: %q %q", got, page.Doc.Find("#data-satisfaction-met").Text())
			}
			if _, _, err := n.App.DataShare.Deliver(ctx, n.Caller(t, "cdo"), inbox[0].ID); err != nil {
				t.Fatal(err)
			}
			page = leader.Get("/cockpit")
			if got := page.Doc.Find("#data-satisfaction-rate").Text(); got != "100.0%" || page.Doc.Find("#data-satisfaction-met").Text() != "已达标" {
				t.Fatalf("delivered: %q %q", got, page.Doc.Find("#data-satisfaction-met").Text())
			}
			// A refusal: 1 of 2, below target, on the CDOs' page too.
			res := resourceByCode(t, n, "4401-HRSS/0001")
			q, err := n.App.DataShare.Ask(ctx, n.Caller(t, "cdo_sz"), datashare.RequestInput{ResourceID: res.ID, Purpose: "核验",
				LegalBasis: "依法", Fields: []string{"insurance"}, Days: 10})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := n.App.DataShare.Refuse(ctx, gz, q.ID, "超出共享条件"); err != nil {
				t.Fatal(err)
			}
			c := n.Client(t)
			c.Login("cdo_sz", "digigov2026")
			sat := c.Get("/workbench/data/satisfaction")
			if got := sat.Doc.Find("#overall strong").Text(); got != "50.0%" || sat.Doc.Find("#target-met").Text() != "未达标" ||
				!strings.Contains(sat.Doc.Find("#target").Text(), "99.0%") {
				t.Fatalf("CDOs' page: %q %q", got, sat.Doc.Find("#target").Text())
			}
			if got := sat.Doc.Find("#by-provider tbody tr").First().Text(); !strings.Contains(got, "广州市人力资源和社会保障局") || !strings.Contains(got, "50.0%") {
				t.Fatalf("by body: %q", got)
			}
		})
	}
}
