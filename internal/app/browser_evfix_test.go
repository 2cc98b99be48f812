package app

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/emergency"
)

// TestBrowserDepartmentEmergencyTask: the duty officer gives 天河区城管局 a
// task; its event officer, on a phone, opens 本单位应急任务 from the notice
// link, reads the incident's basics, records progress and completes it.
// The pages fit the phone and break no Content-Security-Policy.
func TestBrowserDepartmentEmergencyTask(t *testing.T) {
	chromiumPath(t)
	a, base := startSensingNode(t)
	ctx := context.Background()
	u, err := a.Identity.UserByUsername(ctx, "duty")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.Identity.IssueAPIToken(ctx, audit.System("test"), u.ID, "t")
	if err != nil {
		t.Fatal(err)
	}
	duty, err := a.Identity.CallerByAPIToken(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := a.Emergency.Declare(ctx, duty, emergency.DeclareInput{Title: "天河路段内涝", Type: emergency.NaturalDisaster, Grade: 3,
		Region: "440106", Address: "天河路", Summary: "暴雨导致天河路多处积水", Lat: 23.13, Lon: 113.32})
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := a.Identity.Organizations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var task *emergency.Task
	for _, o := range orgs {
		if o.Name == "广州市天河区城市管理和综合执法局" {
			task, err = a.Emergency.AddTask(ctx, duty, inc.ID, emergency.TaskInput{OrgID: o.ID, Title: "清理天河路排水口杂物", Hours: 4})
		}
	}
	if err != nil || task == nil {
		t.Fatalf("task: %v", err)
	}

	b := newTab(t, base)
	b.do("phone screen", chromedp.EmulateViewport(390, 844))
	b.signIn("cg_officer", DemoPassword)
	b.open("/workbench/emergency-tasks")
	if !strings.Contains(b.text("#org-task-list"), "清理天河路排水口杂物") {
		t.Fatalf("my department's tasks: %q", b.text("#org-tasks"))
	}
	if b.eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`) != "true" {
		t.Errorf("the task list is wider than a phone: %s", b.eval(`String(document.documentElement.scrollWidth)`))
	}
	b.clickAndWait(`#org-task-list a.task-link`)
	if b.text("#task-title") != "清理天河路排水口杂物" || !strings.Contains(b.text("#task-incident"), "暴雨导致天河路多处积水") {
		t.Fatalf("the task page: %q / %q", b.text("#task-title"), b.text("#task-incident"))
	}
	b.do("progress", chromedp.SetValue(chromedp.CSS("#f-progress"), "50"))
	b.typeInto("#f-note", "已清理3处排水口")
	b.clickAndWait("#progress-save")
	if got := b.text("#task-percent"); got != "50%" || !strings.Contains(b.text("#task-note"), "已清理3处") {
		t.Fatalf("after saving progress: %q %q", got, b.text("#task-note"))
	}
	b.clickAndWait("#task-complete")
	if got := b.text("#task-state"); got != "已完成" {
		t.Fatalf("after completing: state %q", got)
	}
	if b.eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`) != "true" {
		t.Errorf("the task page is wider than a phone")
	}
	b.wantNoCSPViolations("on the department's task pages")
	if got, err := a.Emergency.OrgTask(ctx, duty, task.ID); err != nil || got.State != emergency.TaskDone || got.Progress != 100 {
		t.Fatalf("the task after the officer completed it: %v %+v", err, got)
	}
}
