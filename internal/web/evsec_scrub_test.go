package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

const (
	typedMobile = "13812349876"
	typedID     = "440106199001011234"
	typedOther  = "13711112222"
)

func apiGet(t *testing.T, n *apptest.Node, token, path string) *apptest.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", n.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	r := n.Client(t).Do(req)
	if r.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, r.StatusCode, r.Body)
	}
	return r
}

func noClear(t *testing.T, what, body string, clear ...string) {
	t.Helper()
	for _, c := range clear {
		if strings.Contains(body, c) {
			t.Errorf("%s shows %s in clear", what, c)
		}
	}
}

// Phone and ID numbers typed into an event's description, its reply and
// its steps' comments are masked on the event page, in the API's event
// and list, for staff as for the reporter; the stored text is unchanged,
// and the hotline operator's audited reveal for the call-back shows it in
// clear on that answer only.
func TestEventTextsMasked(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			ctx := context.Background()
			ev, _, err := n.App.Governance.Report(ctx, n.Caller(t, "hotline"), governance.Input{Source: governance.SourceHotline,
				Category: "0401", Description: "来电人李四，电话" + typedMobile + "，身份证" + typedID + "，反映夜间施工噪声",
				Region: "440106006004", ReporterName: "李四", Phone: "13900001111",
				Answer: "已告知可联系网格员 " + typedOther + " 处理"})
			if err != nil || ev.State != governance.Closed {
				t.Fatalf("ticket: %v %v", err, ev)
			}
			path := "/events/" + string(ev.ID)

			disp := signedIn(t, n, "dispatch")
			page := disp.Get(path)
			if page.StatusCode != 200 {
				t.Fatalf("event page: %d", page.StatusCode)
			}
			noClear(t, "the event page", page.Body, typedMobile, typedID, typedOther)
			if got := page.Doc.Find("#event-description").Text(); !strings.Contains(got, "138****9876") || !strings.Contains(got, "440106********1234") {
				t.Errorf("description %q", got)
			}
			if got := page.Doc.Find("#event-reply").Text() + page.Doc.Find("ol.steps, #steps").Text(); !strings.Contains(page.Body, "137****2222") {
				t.Errorf("the answer is not shown masked: %q", got)
			}

			tok := n.Token(t, "dispatch")
			one := apiGet(t, n, tok, "/api/v1/events/"+string(ev.ID))
			noClear(t, "GET /api/v1/events/{id}", one.Body, typedMobile, typedID, typedOther)
			var body struct {
				Description string `json:"description"`
			}
			json.Unmarshal([]byte(one.Body), &body)
			if !strings.Contains(body.Description, "138****9876") {
				t.Errorf("API description %q", body.Description)
			}
			noClear(t, "GET /api/v1/events", apiGet(t, n, tok, "/api/v1/events?limit=1000").Body, typedMobile, typedID, typedOther)

			// The stored text is the original.
			stored, _, err := n.App.Governance.Get(ctx, n.Caller(t, "dispatch"), ev.ID)
			if err != nil || !strings.Contains(stored.Description, typedMobile) {
				t.Fatalf("stored description: %v %q", err, stored.Description)
			}

			// The operator who took the call sees what they typed.
			if p := signedIn(t, n, "hotline").Get(path); !strings.Contains(p.Doc.Find("#event-description").Text(), typedMobile) {
				t.Errorf("the reporting operator's own description: %q", p.Doc.Find("#event-description").Text())
			}

			// The call-back by another operator: the audited reveal shows
			// the texts in clear, once.
			gz12345 := n.Caller(t, "hotline").OrgID
			if _, err := n.App.Identity.CreateStaffAs(ctx, audit.System("test"), identity.NewStaff{Username: "hotline2", Name: "陈思远",
				Password: app.DemoPassword, OrgID: gz12345, Grants: []identity.Grant{{Role: identity.RoleHotlineOperator, Scope: "4401"}}}); err != nil {
				t.Fatal(err)
			}
			hot := signedIn(t, n, "hotline2")
			noClear(t, "another operator's event page", hot.Get(path).Body, typedMobile, typedID, typedOther)
			r := hot.Post(path+"/reveal-phone", nil)
			if r.StatusCode != 200 || r.Doc.Find("#event-phone-full").Text() != "13900001111" ||
				!strings.Contains(r.Doc.Find("#event-description").Text(), typedMobile) || !strings.Contains(r.Body, typedOther) {
				t.Fatalf("reveal: %d %q", r.StatusCode, r.Doc.Find("#event-description").Text())
			}
			noClear(t, "the page after the reveal", hot.Get(path).Body, typedMobile, typedID, typedOther)
			var detail string
			if err := n.App.DB.QueryRow(ctx, `SELECT MAX(detail) FROM audit_log WHERE action = 'event.phone_reveal' AND target_id = ?`, ev.ID).
				Scan(&detail); err != nil || !strings.Contains(detail, `"texts":true`) || strings.Contains(detail, typedMobile) {
				t.Errorf("audit of the reveal: %q %v", detail, err)
			}
			// A dispatcher's reveal is refused and shows nothing.
			if r := disp.Post(path+"/reveal-phone", nil); r.StatusCode != http.StatusForbidden || strings.Contains(r.Body, typedMobile) {
				t.Errorf("dispatcher's reveal: %d", r.StatusCode)
			}
		})
	}
}

// An incident's summary, situation reports, task notes and after-action
// text are masked on the command board and in the API; stored as typed.
func TestIncidentTextsMasked(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			ctx := context.Background()
			tok := n.Token(t, "duty")
			call := func(method, path, body string) map[string]any {
				t.Helper()
				req, _ := http.NewRequest(method, n.URL+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tok)
				r := n.Client(t).Do(req)
				if r.StatusCode >= 300 {
					t.Fatalf("%s %s: %d %s", method, path, r.StatusCode, r.Body)
				}
				var out map[string]any
				json.Unmarshal([]byte(r.Body), &out)
				return out
			}
			out := call("POST", "/api/v1/emergency/incidents", `{"title":"危化品泄漏","type":"accident","grade":3,"region":"440112",`+
				`"summary":"报警人王五 `+typedMobile+`，身份证 `+typedID+`"}`)
			id := out["id"].(string)
			noClear(t, "the declare answer", jsonText(out), typedMobile, typedID)
			call("POST", "/api/v1/emergency/incidents/"+id+"/reports", `{"text":"现场联系人 `+typedOther+`"}`)

			board := apiGet(t, n, tok, "/api/v1/emergency/incidents/"+id)
			noClear(t, "GET /api/v1/emergency/incidents/{id}", board.Body, typedMobile, typedID, typedOther)
			if !strings.Contains(board.Body, "138****9876") || !strings.Contains(board.Body, "137****2222") {
				t.Errorf("board JSON: %s", board.Body)
			}
			noClear(t, "GET /api/v1/emergency/incidents", apiGet(t, n, tok, "/api/v1/emergency/incidents").Body, typedMobile, typedID)
			page := signedIn(t, n, "duty").Get("/workbench/emergency/" + id)
			if page.StatusCode != 200 || !strings.Contains(page.Body, "137****2222") {
				t.Fatalf("board page: %d", page.StatusCode)
			}
			noClear(t, "the board page", page.Body, typedMobile, typedID, typedOther)

			b, err := n.App.Emergency.Board(ctx, n.Caller(t, "duty"), ids.ID(id))
			if err != nil || !strings.Contains(b.Incident.Summary, typedMobile) {
				t.Errorf("stored summary: %v %q", err, b.Incident.Summary)
			}
		})
	}
}

// TestDepartmentTaskTextsMasked: a department's emergency task pages and
// API mask the numbers typed into the task's title and its incident's
// title, address and summary, as the command board does.
func TestDepartmentTaskTextsMasked(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			ctx := context.Background()
			duty := n.Caller(t, "duty")
			inc, err := n.App.Emergency.Declare(ctx, duty, emergency.DeclareInput{Title: "天河路内涝 报警人 " + typedMobile, Type: emergency.NaturalDisaster,
				Grade: 3, Region: "440106", Address: "天河路", Summary: "报警人身份证 " + typedID, Lat: 23.13, Lon: 113.32})
			if err != nil {
				t.Fatal(err)
			}
			task, err := n.App.Emergency.AddTask(ctx, duty, inc.ID, emergency.TaskInput{
				OrgID: orgID(t, n, "广州市天河区城市管理和综合执法局"), Title: "联系现场 " + typedOther + " 清理排水口", Hours: 4})
			if err != nil {
				t.Fatal(err)
			}
			cg := signedIn(t, n, "cg_officer")
			tok := n.Token(t, "cg_officer")
			for what, body := range map[string]string{
				"the list page": cg.Get("/workbench/emergency-tasks").Body,
				"the task page": cg.Get("/workbench/emergency-tasks/" + string(task.ID)).Body,
				"the list API":  apiGet(t, n, tok, "/api/v1/emergency/org-tasks").Body,
				"the task API":  apiGet(t, n, tok, "/api/v1/emergency/org-tasks/"+string(task.ID)).Body,
			} {
				if !strings.Contains(body, "清理排水口") {
					t.Errorf("%s does not show the task: %.300s", what, body)
				}
				noClear(t, what, body, typedMobile, typedID, typedOther)
			}
		})
	}
}
