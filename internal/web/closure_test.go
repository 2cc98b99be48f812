package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/store/storetest"
)

// The cockpit shows today's closure rate and the 30-day one, labelled
// apart: an event reported ten days ago and closed counts in the second
// only.
func TestCockpitClosureRates(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	e, _, err := n.App.Governance.Report(ctx, n.Caller(t, "hotline"), governance.Input{Source: governance.SourceHotline, Category: "0203",
		Description: "来电咨询路灯报修需要提供什么信息", Region: "440106", ReporterName: "王先生", Answer: "请提供道路名称和灯杆编号。"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.App.DB.Exec(ctx, `UPDATE gov_events SET created_at = ? WHERE id = ?`, time.Now().Add(-10*24*time.Hour).UTC(), e.ID); err != nil {
		t.Fatal(err)
	}
	c30, err := n.App.Governance.Closure30(ctx, "44")
	if err != nil || c30.Closed < 1 || c30.Reported < c30.Closed {
		t.Fatalf("30 days: %+v %v", c30, err)
	}
	c := n.Client(t)
	c.Login("leader", app.DemoPassword)
	r := c.Get("/cockpit?region=44")
	today, month := r.Doc.Find(`#cockpit-events [data-k="closure_rate"]`), r.Doc.Find(`#cockpit-events [data-k="closure_rate_30"]`)
	if today.Length() != 1 || month.Length() != 1 {
		t.Fatalf("closure rates on the cockpit: %q", r.Doc.Find("#cockpit-events").Text())
	}
	if !strings.Contains(r.Doc.Find("#cockpit-events").Text(), "今日办结率") || !strings.Contains(r.Doc.Find("#cockpit-events").Text(), "近30日办结率") {
		t.Errorf("labels: %q", r.Doc.Find("#cockpit-events").Text())
	}
	if strings.TrimSpace(month.Text()) == "0%" || strings.TrimSpace(month.Text()) == strings.TrimSpace(today.Text()) && c30.Rate() != 0 && strings.TrimSpace(today.Text()) == "0%" {
		t.Errorf("30-day rate %q (want %.0f%%), today's %q", month.Text(), 100*c30.Rate(), today.Text())
	}
}
