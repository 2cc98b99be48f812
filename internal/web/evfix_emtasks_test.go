package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

// orgID finds a demo organisation by name.
func orgID(t *testing.T, n *apptest.Node, name string) ids.ID {
	t.Helper()
	orgs, err := n.App.Identity.Organizations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no organisation %s", name)
	return ""
}

// follow follows a 303 after a form.
func follow(t *testing.T, c *apptest.Client, r *apptest.Response) *apptest.Response {
	t.Helper()
	if r.StatusCode != 303 {
		t.Fatalf("form answered %d, want 303: %.300s", r.StatusCode, r.Body)
	}
	return c.Get(r.Header.Get("Location"))
}

func deliverAll(t *testing.T, n *apptest.Node) {
	t.Helper()
	for {
		k, err := n.App.Jobs.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			return
		}
	}
}

func emInbox(t *testing.T, n *apptest.Node, user string) []string {
	t.Helper()
	list, err := n.App.Notify.List(context.Background(), n.Caller(t, user), notify.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range list { // emergency tasks' notices only
		if strings.HasPrefix(x.Title, "notify.emtask.") {
			out = append(out, x.Title+" "+x.Link)
		}
	}
	return out
}

// TestEmergencyTasksReachDepartments: a task the duty officer gives 天河区
// 城管局 reaches its event officer — a notice in the inbox, the task on
// "my department's emergency tasks" with the incident's basics (not the
// command page), progress and completion from there, audited — while
// another department sees nothing; an overdue task is told once.
func TestEmergencyTasksReachDepartments(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			ctx := context.Background()
			duty := n.Caller(t, "duty")
			deliverAll(t, n) // the demo's own outbox
			if before := emInbox(t, n, "cg_officer"); len(before) != 0 {
				t.Fatalf("task notices before any task: %v", before)
			}
			inc, err := n.App.Emergency.Declare(ctx, duty, emergency.DeclareInput{Title: "天河路段内涝", Type: emergency.NaturalDisaster,
				Grade: 3, Region: "440106", Address: "天河路", Summary: "暴雨导致天河路多处积水", Lat: 23.13, Lon: 113.32})
			if err != nil {
				t.Fatal(err)
			}
			task, err := n.App.Emergency.AddTask(ctx, duty, inc.ID, emergency.TaskInput{
				OrgID: orgID(t, n, "广州市天河区城市管理和综合执法局"), Title: "清理天河路排水口杂物", Hours: 4})
			if err != nil {
				t.Fatal(err)
			}
			deliverAll(t, n)
			news := emInbox(t, n, "cg_officer")
			if len(news) != 1 || news[0] != "notify.emtask.assigned.title /workbench/emergency-tasks/"+string(task.ID) {
				t.Fatalf("the department's notices: %v", news)
			}

			cg := signedIn(t, n, "cg_officer")
			list := cg.Get("/workbench/emergency-tasks")
			card := list.Doc.Find(`#org-task-list [data-task="` + string(task.ID) + `"]`)
			if list.StatusCode != 200 || !strings.Contains(card.Text(), "清理天河路排水口杂物") || !strings.Contains(card.Text(), "天河路段内涝") {
				t.Fatalf("my department's tasks: %d %q", list.StatusCode, list.Doc.Find("#org-tasks").Text())
			}
			if r := cg.Get("/workbench/emergency/" + string(inc.ID)); r.StatusCode != 404 {
				t.Errorf("the officer reads the command page: %d", r.StatusCode)
			}
			page := cg.Get("/workbench/emergency-tasks/" + string(task.ID))
			if page.StatusCode != 200 || !strings.Contains(page.Doc.Find("#task-incident").Text(), "暴雨导致天河路多处积水") {
				t.Fatalf("the task page: %d", page.StatusCode)
			}
			// Bad progress comes back explained; good progress is saved and audited.
			if r := cg.Post("/workbench/emergency-tasks/"+string(task.ID)+"/progress", url.Values{"version": {"1"}, "progress": {"150"}}); r.StatusCode != 422 ||
				r.Doc == nil || r.Doc.Find("#progress-error").Text() == "" {
				t.Errorf("progress 150: %d %.300s", r.StatusCode, r.Body)
			}
			r := follow(t, cg, cg.Post("/workbench/emergency-tasks/"+string(task.ID)+"/progress", url.Values{"version": {"1"}, "progress": {"60"}, "note": {"已清理3处"}}))
			if r.StatusCode != 200 || r.Doc.Find("#task-percent").Text() != "60%" {
				t.Fatalf("progress: %d %q", r.StatusCode, r.Doc.Find("#task-percent").Text())
			}
			var audited int
			n.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'emergency.task_progress' AND actor_id = ?`,
				n.Caller(t, "cg_officer").UserID).Scan(&audited)
			if audited != 1 {
				t.Errorf("progress audited %d times", audited)
			}
			// The API: the list with the incident's basics, and completion.
			tok := n.Token(t, "cg_officer")
			api := cg.Get("/api/v1/emergency/org-tasks", "Authorization", "Bearer "+tok)
			var got []struct {
				ID       string `json:"id"`
				Progress int    `json:"progress"`
				Version  int    `json:"version"`
				Incident struct {
					Title string `json:"title"`
				} `json:"incident"`
			}
			if err := json.Unmarshal([]byte(api.Body), &got); err != nil || len(got) != 1 || got[0].Progress != 60 || got[0].Incident.Title != "天河路段内涝" {
				t.Fatalf("API list: %d %s", api.StatusCode, api.Body)
			}
			r = follow(t, cg, cg.Post("/workbench/emergency-tasks/"+string(task.ID)+"/progress", url.Values{"version": {"2"}, "complete": {"1"}, "note": {"全部清理完毕"}}))
			if r.StatusCode != 200 || r.Doc.Find("#task-state").Text() != "已完成" || r.Doc.Find("#task-progress-form").Length() != 0 {
				t.Fatalf("complete: %d %q", r.StatusCode, r.Doc.Find("#task-state").Text())
			}
			// Another department: nothing.
			lin := signedIn(t, n, "sp_officer")
			if r := lin.Get("/workbench/emergency-tasks/" + string(task.ID)); r.StatusCode != 404 {
				t.Errorf("another department reads the task: %d", r.StatusCode)
			}

			// Overdue: told once.
			late, err := n.App.Emergency.AddTask(ctx, duty, inc.ID, emergency.TaskInput{
				OrgID: orgID(t, n, "广州市天河区城市管理和综合执法局"), Title: "设置积水警示牌", Hours: 1})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := n.App.DB.Exec(ctx, `UPDATE emergency_tasks SET due = ? WHERE id = ?`, time.Now().Add(-time.Minute).UTC(), late.ID); err != nil {
				t.Fatal(err)
			}
			deliverAll(t, n)
			for i, want := range []int{1, 0} {
				if k, err := n.App.Emergency.RunOverdueTasks(ctx, 100); err != nil || k != want {
					t.Fatalf("overdue round %d: %d %v, want %d", i, k, err, want)
				}
			}
			deliverAll(t, n)
			if news := emInbox(t, n, "cg_officer"); len(news) != 3 || !strings.HasPrefix(news[0], "notify.emtask.overdue.title") {
				t.Errorf("overdue notices: %v", news)
			}
		})
	}
}
