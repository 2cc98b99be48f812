package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/store/storetest"
)

// runJobs lets the dispatcher turn outbox events into inbox notifications.
func runJobs(t *testing.T, n *apptest.Node) {
	t.Helper()
	if _, err := n.App.Jobs.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestOpenDataApplicationRevokedAndNotified: the publishing body's CDO is
// told of a new application, the applicant of its approval, of a refusal
// with its reason and of a revocation with its reason; after the
// revocation the applicant's downloads and rows calls are refused with a
// sentence that says so. Another body's CDO can neither revoke nor is told.
func TestOpenDataApplicationRevokedAndNotified(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			ctx := context.Background()
			citizen, cdo, other := n.Client(t), n.Client(t), n.Client(t)
			citizen.Login("citizen", "digigov2026")
			cdo.Login("cdo_gz", "digigov2026")
			other.Login("cdo_sz", "digigov2026")
			citizen.Get(conditionalDataset)
			r := citizen.Post(conditionalDataset+"/apply", url.Values{"purpose": {"研究本市技能人才供需"}, "intended_use": {"课题报告"},
				"days": {"30"}, "contact": {"13912345678"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("apply: %d", r.StatusCode)
			}
			appPath := r.Header.Get("Location")
			runJobs(t, n)
			if got := inboxTitles(t, n, "cdo_gz"); len(got) != 1 || !strings.Contains(got[0], "有新的开放数据使用申请") ||
				!strings.Contains(got[0], "广州市企业招聘岗位需求明细") || !strings.HasSuffix(got[0], appPath) {
				t.Fatalf("CDO's inbox after the application: %q", got)
			}
			if got := inboxTitles(t, n, "cdo_sz"); len(got) != 0 {
				t.Fatalf("another body's CDO told: %q", got)
			}
			if got := inboxTitles(t, n, "citizen"); len(got) != 0 {
				t.Fatalf("applicant told of their own application: %q", got)
			}

			cdo.Get(appPath)
			if page := cdo.Get(appPath); page.Doc.Find("#revoke-form").Length() != 0 {
				t.Fatal("a pending application offers revocation")
			}
			if r := cdo.Post(appPath+"/revoke", url.Values{"reason": {"x"}}); r.StatusCode != http.StatusConflict {
				t.Fatalf("revoking a pending application: %d", r.StatusCode)
			}
			if r := cdo.Post(appPath+"/approve", url.Values{"note": {"同意"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve: %d", r.StatusCode)
			}
			runJobs(t, n)
			if got := inboxTitles(t, n, "citizen"); len(got) != 1 || !strings.Contains(got[0], "已批准") {
				t.Fatalf("applicant's inbox after approval: %q", got)
			}
			d, err := n.App.OpenData.Dataset(ctx, "4401-hrss-0003")
			if err != nil {
				t.Fatal(err)
			}
			csvPath := conditionalDataset + "/resources/" + string(d.Resources[0].ID) + "/download"
			rowsPath := "/api/v1/opendata/datasets/4401-hrss-0003/rows"
			if r := citizen.Get(csvPath); r.StatusCode != 200 {
				t.Fatalf("download after approval: %d", r.StatusCode)
			}

			// Another body's CDO cannot revoke it; a revocation needs a reason.
			if r := other.Post(appPath+"/revoke", url.Values{"reason": {"越权"}}); r.StatusCode != http.StatusNotFound {
				t.Fatalf("another body's CDO revokes: %d", r.StatusCode)
			}
			page := cdo.Get(appPath)
			if page.Doc.Find("#revoke-form").Length() != 1 {
				t.Fatal("no revocation form on an approved application")
			}
			if r := cdo.Post(appPath+"/revoke", url.Values{"reason": {"  "}}); r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
				t.Fatalf("revoking without a reason: %d", r.StatusCode)
			}
			if r := cdo.Post(appPath+"/revoke", url.Values{"reason": {"发现转售数据，违反使用条件"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d %s", r.StatusCode, r.Doc.Find("main").Text())
			}
			if r := cdo.Post(appPath+"/revoke", url.Values{"reason": {"再次"}}); r.StatusCode != http.StatusConflict {
				t.Fatalf("revoking twice: %d", r.StatusCode)
			}
			view := citizen.Get(appPath)
			if view.Doc.Find("#application-state").Text() != "已撤销" || view.Doc.Find("#revoke-reason").Text() != "发现转售数据，违反使用条件" {
				t.Fatalf("application page after revocation: %q %q", view.Doc.Find("#application-state").Text(), view.Doc.Find("#revoke-reason").Text())
			}
			if r := citizen.Get(csvPath); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Doc.Find("main").Text(), "已被发布单位首席数据官撤销") {
				t.Fatalf("download after revocation: %d %s", r.StatusCode, r.Doc.Find("main").Text())
			}
			if st, body := getJSON(t, citizen, rowsPath); st != http.StatusForbidden || !strings.Contains(string(dataJSON(body)), "发现转售数据") {
				t.Fatalf("rows API after revocation: %d %v", st, body)
			}
			runJobs(t, n)
			if got := inboxTitles(t, n, "citizen"); len(got) != 2 || !strings.Contains(got[0], "已被撤销") || !strings.Contains(got[0], "理由：发现转售数据，违反使用条件") {
				t.Fatalf("applicant's inbox after revocation: %q", got)
			}
			entries, err := n.App.Store.AuditEntries(ctx, audit.Filter{Action: "opendata.access_revoked", Limit: 10})
			if err != nil || len(entries) != 1 {
				t.Fatalf("audit of the revocation: %v %d", err, len(entries))
			}

			// A refusal tells the applicant with its reason.
			citizen.Get(conditionalDataset)
			r = citizen.Post(conditionalDataset+"/apply", url.Values{"purpose": {"再次申请"}, "intended_use": {"课题报告"},
				"days": {"10"}, "contact": {"13912345678"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("apply again after revocation: %d", r.StatusCode)
			}
			second := r.Header.Get("Location")
			cdo.Get(second)
			if r := cdo.Post(second+"/refuse", url.Values{"reason": {"用途与条件不符"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("refuse: %d", r.StatusCode)
			}
			runJobs(t, n)
			if got := inboxTitles(t, n, "citizen"); len(got) != 3 || !strings.Contains(got[0], "未获批准") || !strings.Contains(got[0], "理由：用途与条件不符") {
				t.Fatalf("applicant's inbox after refusal: %q", got)
			}
		})
	}
}
