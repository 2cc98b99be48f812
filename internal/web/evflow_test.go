package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/store/storetest"
)

// hotlineAnswered files a hotline ticket the operator answered at once:
// closed, waiting for its call-back.
func hotlineAnswered(t *testing.T, n *apptest.Node, i int, phone string) *governance.Event {
	t.Helper()
	e, _, err := n.App.Governance.Report(context.Background(), n.Caller(t, "hotline"), governance.Input{Source: governance.SourceHotline,
		Category: "0401", Description: fmt.Sprintf("来电咨询夜间施工噪声投诉渠道 %d", i), Region: "440106006004", ReporterName: "王先生",
		Phone: phone, Answer: "已告知可向区生态环境分局反映，并登记"})
	if err != nil || e.State != governance.Closed {
		t.Fatalf("hotline ticket: %v %v", err, e)
	}
	return e
}

// TestHotlineCallbacks: the desk lists its closed, unrated hotline tickets
// longest waiting first, 50 a page; the operator reveals a caller's full
// number once, audited; nobody else may.
func TestHotlineCallbacks(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	first := hotlineAnswered(t, n, 0, "13900001111")
	for i := 1; i < 55; i++ {
		hotlineAnswered(t, n, i, "")
	}
	hot := signedIn(t, n, "hotline")
	p1 := hot.Get("/hotline")
	rows := p1.Doc.Find("#tasks tbody tr")
	if p1.StatusCode != 200 || rows.Length() != 50 || p1.Doc.Find("#callbacks-next").Length() != 1 || p1.Doc.Find("#callbacks-prev").Length() != 0 {
		t.Fatalf("page 1: %d, %d rows", p1.StatusCode, rows.Length())
	}
	if !strings.Contains(rows.First().Text(), first.Number) {
		t.Errorf("the longest waiting is not first: %q", rows.First().Text())
	}
	p2 := hot.Get("/hotline?page=2")
	if n2 := p2.Doc.Find("#tasks tbody tr").Length(); n2 < 5 || p2.Doc.Find("#callbacks-prev").Length() != 1 {
		t.Fatalf("page 2: %d rows", n2)
	}

	// The event page masks the number and offers the audited reveal.
	page := hot.Get("/events/" + string(first.ID))
	if got := page.Doc.Find("#event-phone").Text(); !strings.Contains(got, "139****1111") || strings.Contains(page.Body, "13900001111") ||
		page.Doc.Find("#reveal-phone").Length() != 1 {
		t.Fatalf("masked phone: %q", got)
	}
	r := hot.Post("/events/"+string(first.ID)+"/reveal-phone", nil)
	if r.StatusCode != 200 || r.Doc.Find("#event-phone-full").Text() != "13900001111" || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reveal: %d %q %q", r.StatusCode, r.Doc.Find("#event-phone-full").Text(), r.Header.Get("Cache-Control"))
	}
	if again := hot.Get("/events/" + string(first.ID)); strings.Contains(again.Body, "13900001111") {
		t.Error("the full number is shown again without a reveal")
	}
	var reveals int
	var detail string
	if err := n.App.DB.QueryRow(context.Background(), `SELECT COUNT(*), MAX(detail) FROM audit_log WHERE action = 'event.phone_reveal' AND target_id = ?`,
		first.ID).Scan(&reveals, &detail); err != nil || reveals != 1 || strings.Contains(detail, "13900001111") || !strings.Contains(detail, first.Number) {
		t.Fatalf("audit of the reveal: %d %q %v", reveals, detail, err)
	}

	// A dispatcher sees the event but may not reveal; an open event has no call-back yet.
	disp := signedIn(t, n, "dispatch")
	if p := disp.Get("/events/" + string(first.ID)); p.Doc.Find("#reveal-phone").Length() != 0 {
		t.Error("the dispatcher is offered the reveal")
	}
	if r := disp.Post("/events/"+string(first.ID)+"/reveal-phone", nil); r.StatusCode != http.StatusForbidden || strings.Contains(r.Body, "13900001111") {
		t.Errorf("dispatcher reveal: %d", r.StatusCode)
	}
	open, _, err := n.App.Governance.Report(context.Background(), n.Caller(t, "hotline"), governance.Input{Source: governance.SourceHotline,
		Category: "0401", Description: "来电反映夜间施工噪声扰民", Region: "440106006004", Phone: "13900002222"})
	if err != nil {
		t.Fatal(err)
	}
	if r := hot.Post("/events/"+string(open.ID)+"/reveal-phone", nil); r.StatusCode != http.StatusConflict || strings.Contains(r.Body, "13900002222") {
		t.Errorf("reveal on an open event: %d", r.StatusCode)
	}

	// Called back and rated: off the list.
	ev := hot.Get("/events/" + string(first.ID))
	ver, _ := ev.Doc.Find(`#act-callback input[name="version"]`).Attr("value")
	if r := hot.Post("/events/"+string(first.ID)+"/act", map[string][]string{"action": {"callback"}, "version": {ver}, "rating": {"5"}}); r.StatusCode != 303 {
		t.Fatalf("callback: %d", r.StatusCode)
	}
	if p := hot.Get("/hotline"); strings.Contains(p.Doc.Find("#tasks").Text(), first.Number) {
		t.Error("a called-back ticket is still due")
	}
}

// TestOnSpotNeedsPhoto: a grid worker closing on the spot must show the
// fixed scene; with the photo the event is closed at once.
func TestOnSpotNeedsPhoto(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	grid := signedIn(t, n, "grid")
	form := grid.Get("/grid")
	fields := map[string][]string{"category": {"0101"}, "description": {"石牌东路垃圾堆放，已现场清理"}, "region": {"440106006002"},
		"on_spot": {"1"}, "on_spot_note": {"已联系保洁清运"}}
	r := grid.Post("/events/new", fields)
	if r.StatusCode != 422 || !strings.Contains(r.Doc.Find("#e-photos").Text(), "照片") {
		t.Fatalf("on the spot without a photo: %d %q", r.StatusCode, r.Doc.Find("#e-photos").Text())
	}
	r = postMultipart(t, n, grid, "/events/new", eventCSRF(t, form), fields)
	if r.StatusCode != 303 {
		t.Fatalf("on the spot with a photo: %d", r.StatusCode)
	}
	if p := grid.Get(r.Header.Get("Location")); p.Doc.Find("#event-state").AttrOr("data-state", "") != "closed" ||
		p.Doc.Find(`#history li[data-action="close_on_spot"] img`).Length() != 1 {
		t.Errorf("closed on the spot: %s", p.Doc.Find("#event-state").AttrOr("data-state", ""))
	}
}

// TestEventAPIRetry: POST /api/v1/events is idempotent per source and
// external_id: 201 when created, 200 with the same event when retried.
func TestEventAPIRetry(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	a := &eventAPI{t: t, n: n, tokens: map[string]string{}}
	body := map[string]any{"source": "api", "external_id": "CGXT-2026-000417", "category": "0104",
		"description": "城管系统转来：石牌东路楼顶广告牌未审批", "region": "440106006002"}
	first := a.call("duty", "POST", "/api/v1/events", body, http.StatusCreated)
	again := a.call("duty", "POST", "/api/v1/events", body, http.StatusOK)
	id := first["event"].(map[string]any)["id"]
	if again["existing"] != true || again["event"].(map[string]any)["id"] != id || first["existing"] != nil {
		t.Fatalf("retry: %v / %v", first, again)
	}
}
