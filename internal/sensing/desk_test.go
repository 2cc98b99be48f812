package sensing_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/storetest"
)

func TestDutyDesk(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	c := e.n.Client(t)
	c.Login("duty", "digigov2026")
	if r := c.Get("/workbench"); r.Doc.Find(`#tool-sensing`).Length() != 1 {
		t.Error("the workbench has no link to the duty desk")
	}
	r := c.Get("/workbench/sensing")
	if r.StatusCode != 200 {
		t.Fatalf("desk: %d", r.StatusCode)
	}
	// The demo storms over 天河 and 南沙 are on the desk; 英德 (清远) is not 广州's.
	rows := r.Doc.Find(`#desk-alerts tbody tr`)
	if rows.Length() == 0 || !strings.Contains(rows.Text(), "天河区五山雨量站") || strings.Contains(rows.Text(), "英德") {
		t.Fatalf("desk alerts: %q", rows.Text())
	}
	id, _ := rows.First().Attr("data-alert")
	if r := c.Post("/workbench/sensing/alerts/"+id+"/acknowledge", url.Values{}); r.StatusCode != 303 {
		t.Fatalf("acknowledge: %d", r.StatusCode)
	}
	// Acknowledging twice shows the page again with a sentence, not a 500.
	c.Get("/workbench/sensing")
	if r := c.Post("/workbench/sensing/alerts/"+id+"/acknowledge", url.Values{}); r.StatusCode != 409 ||
		!strings.Contains(r.Doc.Find("#desk-error").Text(), "只有待处置的预警才能签收") {
		t.Errorf("second acknowledge: %d %q", r.StatusCode, r.Doc.Find("#desk-error").Text())
	}
	c.Get("/workbench/sensing")
	if r := c.Post("/workbench/sensing/alerts/"+id+"/close", url.Values{"note": {"<b>已处置</b>"}}); r.StatusCode != 303 {
		t.Fatalf("close: %d", r.StatusCode)
	}
	a, err := e.n.App.Sensing.Alert(e.ctx, e.n.Caller(t, "duty"), sensingID(id))
	if err != nil || a.State != sensing.Closed || a.AckBy != "何伟" || a.Note != "<b>已处置</b>" {
		t.Errorf("closed alert: %+v %v", a, err)
	}
	if r := c.Get("/workbench/sensing"); r.Doc.Find(`tr[data-alert="`+id+`"]`).Length() != 0 {
		t.Error("a closed alert is still on the desk")
	}
	// The leader reads the cockpit but keeps no desk.
	l := e.n.Client(t)
	l.Login("leader", "digigov2026")
	if r := l.Get("/workbench/sensing"); r.StatusCode != 403 {
		t.Errorf("leader desk: %d", r.StatusCode)
	}
}

func sensingID(s string) ids.ID { return ids.ID(s) }
