package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/storetest"
)

// alertDesk drives a node's indicators for a test: readings in, outbox
// delivered (the node runs no dispatcher of its own), alerts looked up.
type alertDesk struct {
	t  *testing.T
	n  *apptest.Node
	at int64
}

// read stores one reading now-ish and delivers the outbox.
func (d *alertDesk) read(station, metric string, v float64) {
	d.t.Helper()
	ctx := context.Background()
	d.at++
	rep, err := d.n.App.Sensing.IngestAs(ctx, audit.System("test"), []sensing.Input{{Line: 1, Station: station, Metric: metric,
		Time: sensing.Time(d.at), Value: &v}}, nil)
	if err != nil || rep.Accepted != 1 {
		d.t.Fatalf("reading %s %s %.0f: %+v %v", station, metric, v, rep, err)
	}
	d.deliver()
}

func (d *alertDesk) deliver() {
	d.t.Helper()
	if _, err := d.n.App.Jobs.RunOnce(context.Background()); err != nil {
		d.t.Fatal(err)
	}
}

// alert returns the open alert of a station's metric.
func (d *alertDesk) alert(station, metric string) *sensing.Alert {
	d.t.Helper()
	list, err := d.n.App.Sensing.Alerts(context.Background(), d.n.Caller(d.t, "duty"), nil, 200)
	if err != nil {
		d.t.Fatal(err)
	}
	for i := range list {
		if list[i].Station == station && list[i].Metric == metric && list[i].State != sensing.Closed {
			return &list[i]
		}
	}
	d.t.Fatalf("no open %s alert at %s", metric, station)
	return nil
}

// alertEvent returns the event an alert opened; nil if none.
func (d *alertDesk) alertEvent(a *sensing.Alert) *governance.Event {
	d.t.Helper()
	e, err := d.n.App.Governance.AlertEvent(context.Background(), string(a.ID))
	if err != nil {
		return nil
	}
	return e
}

// declareFrom declares an incident from an alert on the list page's form,
// as the sensing desk's link leads a duty officer to, and returns its
// command page's path.
func declareFrom(t *testing.T, c *apptest.Client, a *sensing.Alert, title string) string {
	t.Helper()
	c.Get("/workbench/emergency?alert=" + string(a.ID))
	r := c.Post("/workbench/emergency", url.Values{"title": {title}, "type": {"natural_disaster"}, "grade": {"3"},
		"source_alert": {string(a.ID)}, "summary": {title + "，现场情况核实中"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("declare from alert %s: %d %q", a.ID, r.StatusCode, r.Doc.Find(".field-error, .alert").Text())
	}
	return r.Header.Get("Location")
}

// An incident declared from an alert is linked to the event the alert
// opened, in both orders: the red rain alert at 天河 opened its event
// before the officer declared (linked when declared, by the officer); the
// air alert was yellow when declared and opened its event when it rose to
// orange (linked then, by 感知预警联动). Both pages show the link, the
// timeline says so, the audit log has it.
func TestIncidentFromAlertLinksItsEvent(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			d := &alertDesk{t: t, n: n, at: time.Now().Unix()}
			duty := signedIn(t, n, "duty")

			// The demo's rain alert at 五山 is orange; delivering the outbox
			// opens its event; 90 mm/h makes it red.
			d.deliver()
			d.read("GZ-TH-RAIN-01", "rainfall", 90)
			rain := d.alert("GZ-TH-RAIN-01", "rainfall")
			ev := d.alertEvent(rain)
			if rain.Level != sensing.Red || ev == nil {
				t.Fatalf("rain alert %s, event %v: want a red alert with its event", rain.Level, ev)
			}
			board := declareFrom(t, duty, rain, "天河区五山暴雨内涝")
			page := duty.Get(board)
			if li := page.Doc.Find(`#linked-event-list li[data-event="` + string(ev.ID) + `"]`); !strings.Contains(li.Text(), ev.Number) {
				t.Fatalf("the command page does not list the alert's event %s: %q", ev.Number, page.Doc.Find("#linked-events").Text())
			}
			if e := page.Doc.Find("#timeline-list li.entry-alert_event_linked"); !strings.Contains(e.Text(), ev.Number) ||
				!strings.Contains(e.Text(), "何伟") {
				t.Errorf("timeline: %q, want the link by the officer", page.Doc.Find("#timeline-list").Text())
			}
			incID := strings.TrimPrefix(board, "/workbench/emergency/")
			evPage := duty.Get("/events/" + string(ev.ID))
			if evPage.Doc.Find(`#incident-links li[data-incident="`+incID+`"]`).Length() != 1 {
				t.Errorf("the event page does not show the incident: %q", evPage.Doc.Find("#incidents").Text())
			}

			// The air alert is yellow: no event yet, nothing linked.
			d.read("GZ-TH-AQ-01", "aqi", 160)
			air := d.alert("GZ-TH-AQ-01", "aqi")
			if d.alertEvent(air) != nil {
				t.Fatal("a yellow alert opened an event")
			}
			airBoard := declareFrom(t, duty, air, "天河体育中心空气重污染")
			if got := duty.Get(airBoard).Doc.Find("#linked-event-list li").Length(); got != 0 {
				t.Fatalf("linked before the alert opened an event: %d", got)
			}
			d.read("GZ-TH-AQ-01", "aqi", 210) // orange: the event opens, and is linked
			airEv := d.alertEvent(air)
			if airEv == nil {
				t.Fatal("the orange air alert opened no event")
			}
			page = duty.Get(airBoard)
			if !strings.Contains(page.Doc.Find(`#linked-event-list li[data-event="`+string(airEv.ID)+`"]`).Text(), airEv.Number) {
				t.Fatalf("the event opened after declaring is not linked: %q", page.Doc.Find("#linked-events").Text())
			}
			if e := page.Doc.Find("#timeline-list li.entry-alert_event_linked"); !strings.Contains(e.Text(), "感知预警联动") {
				t.Errorf("timeline: %q, want the link by 感知预警联动", page.Doc.Find("#timeline-list").Text())
			}
			// Stored as a code, the link's actor reads in English on an English page.
			duty.Post("/prefs", url.Values{"lang": {"en"}})
			en := duty.Get(airBoard).Doc.Find("#timeline-list li.entry-alert_event_linked").Text()
			if !strings.Contains(en, "Sensor alert link") || strings.Contains(en, "感知预警联动") || strings.Contains(en, "sensor_link") {
				t.Errorf("English timeline: %q, want the link by Sensor alert link", en)
			}
			duty.Post("/prefs", url.Values{"lang": {"zh-CN"}})
			d.read("GZ-TH-AQ-01", "aqi", 320) // red: no second event, no second link
			if got := duty.Get(airBoard).Doc.Find("#linked-event-list li").Length(); got != 1 {
				t.Errorf("after the rise to red: %d links, want 1", got)
			}

			es, err := n.App.Audit.Entries(context.Background(), audit.Filter{Action: "emergency.event_linked", Limit: 10})
			if err != nil || len(es) != 2 {
				t.Fatalf("audit: %d entries, %v; want 2", len(es), err)
			}
			byActor := map[string]string{}
			for _, e := range es {
				if !strings.Contains(string(e.Detail), `"how":"source_alert"`) {
					t.Errorf("audit detail %s lacks how", e.Detail)
				}
				byActor[e.TargetID] = e.ActorName
			}
			if byActor[incID] != "何伟" || byActor[strings.TrimPrefix(airBoard, "/workbench/emergency/")] != governance.SystemSensorLink {
				t.Errorf("audit actors: %v", byActor)
			}
		})
	}
}

// The duty officer links an event to an incident on its command page by
// the event's number: an unknown number and an event outside 广州 get the
// same Chinese field error and nothing is linked; the link shows on both
// pages and the timeline; a second link of it is explained; the leader,
// who reads but does not command, has no form.
func TestIncidentLinkEventByNumber(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			ctx := context.Background()
			gz, _, err := n.App.Governance.Report(ctx, n.Caller(t, "grid"), governance.Input{Source: governance.SourceGrid,
				Category: "1001", Description: "石牌东路积水齐膝，车辆无法通行", Region: "440106006002"})
			if err != nil {
				t.Fatal(err)
			}
			sz, _, err := n.App.Governance.Report(ctx, n.Caller(t, "citizen"), governance.Input{Source: governance.SourcePortal,
				Category: "1001", Description: "福田区深南大道路面塌陷", Region: "440304"})
			if err != nil {
				t.Fatal(err)
			}
			duty := signedIn(t, n, "duty")
			board := declareAt(t, duty, "440106", "天河区暴雨内涝")
			page := duty.Get(board)
			if page.Doc.Find("#link-event #f-event-number").Length() != 1 || page.Doc.Find("#linked-event-list").Length() != 0 {
				t.Fatalf("a new incident's page: no link form, or events listed: %q", page.Doc.Find("#linked-events").Text())
			}
			action, _ := page.Doc.Find("#link-event").Attr("action")

			for _, tc := range []struct{ name, number string }{
				{"unknown", "SJ20990101999999"},
				{"outside 广州", sz.Number},
				{"empty", "  "},
			} {
				r := duty.Post(action, url.Values{"event_number": {tc.number}})
				msg := r.Doc.Find("#e-event-number").Text()
				if r.StatusCode != http.StatusUnprocessableEntity || msg == "" || strings.ContainsAny(msg, "abcdefghijklmnopqrstuvwxyz") {
					t.Errorf("%s number: %d %q, want 422 with a Chinese field error", tc.name, r.StatusCode, msg)
				}
				if r.Doc.Find("#linked-event-list li").Length() != 0 {
					t.Errorf("%s number: something is linked", tc.name)
				}
			}
			if r := duty.Post(action, url.Values{"event_number": {sz.Number}}); !strings.Contains(r.Doc.Find("#e-event-number").Text(), "不在您的辖区") {
				t.Errorf("out-of-scope message: %q", r.Doc.Find("#e-event-number").Text())
			}

			r := duty.Post(action, url.Values{"event_number": {" " + gz.Number + " "}})
			if r.StatusCode != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "#linked-events") {
				t.Fatalf("link %s: %d %q", gz.Number, r.StatusCode, r.Doc.Find(".field-error").Text())
			}
			page = duty.Get(board)
			if !strings.Contains(page.Doc.Find(`#linked-event-list li[data-event="`+string(gz.ID)+`"]`).Text(), gz.Number) {
				t.Errorf("the command page does not list %s: %q", gz.Number, page.Doc.Find("#linked-events").Text())
			}
			if !strings.Contains(page.Doc.Find("#timeline-list li.entry-event_linked").Text(), gz.Number) {
				t.Errorf("timeline: %q", page.Doc.Find("#timeline-list").Text())
			}
			incID := strings.TrimPrefix(board, "/workbench/emergency/")
			if duty.Get("/events/"+string(gz.ID)).Doc.Find(`#incident-links li[data-incident="`+incID+`"]`).Length() != 1 {
				t.Error("the event page does not show the incident")
			}
			again := duty.Post(action, url.Values{"event_number": {gz.Number}})
			if again.StatusCode != http.StatusConflict || !strings.Contains(again.Doc.Find("#e-event-number").Text(), "已关联") {
				t.Errorf("second link: %d %q", again.StatusCode, again.Doc.Find("#e-event-number").Text())
			}
			links, err := n.App.Emergency.LinkedEvents(ctx, n.Caller(t, "duty"), ids.ID(incID))
			if err != nil || len(links) != 1 {
				t.Errorf("stored links: %d %v, want 1", len(links), err)
			}

			leader := signedIn(t, n, "leader")
			if lp := leader.Get(board); lp.StatusCode != 200 || lp.Doc.Find("#link-event").Length() != 0 ||
				lp.Doc.Find("#linked-event-list li").Length() != 1 {
				t.Errorf("leader's view: %d, form %d", lp.StatusCode, lp.Doc.Find("#link-event").Length())
			}
			if lr := leader.Post(action, url.Values{"event_number": {gz.Number}}); lr.StatusCode != http.StatusNotFound {
				t.Errorf("the leader links: %d, want 404", lr.StatusCode)
			}
		})
	}
}

// declareAt declares an incident in a region on the list page and returns
// its command page's path.
func declareAt(t *testing.T, c *apptest.Client, reg, title string) string {
	t.Helper()
	c.Get("/workbench/emergency")
	r := c.Post("/workbench/emergency", url.Values{"title": {title}, "type": {"natural_disaster"}, "grade": {"3"},
		"region": {reg}, "summary": {title + "，多处路段积水"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("declare: %d %q", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	return r.Header.Get("Location")
}

// The API links an event by its number and lists an incident's events.
func TestIncidentEventsAPI(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	ev, _, err := n.App.Governance.Report(ctx, n.Caller(t, "grid"), governance.Input{Source: governance.SourceGrid,
		Category: "1001", Description: "石牌东路积水齐膝，车辆无法通行", Region: "440106006002"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := n.App.Emergency.Incidents(ctx, n.Caller(t, "duty"), nil, 10)
	if err != nil || len(list) == 0 {
		t.Fatal(err)
	}
	id := string(list[0].ID) // the demo typhoon, responding
	c := n.Client(t)
	call := func(method, token, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, n.URL+"/api/v1/emergency/incidents/"+id+"/events", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", "zh-CN")
		req.Header.Set("Authorization", "Bearer "+token)
		r := c.Do(req)
		return r.StatusCode, r.Body
	}
	duty, leader := n.Token(t, "duty"), n.Token(t, "leader")
	if code, body := call("POST", duty, `{"event_number":"SJ20990101000000"}`); code != 422 || !strings.Contains(body, "event_number") ||
		!strings.Contains(body, "辖区") {
		t.Errorf("unknown number: %d %s", code, body)
	}
	if code, body := call("POST", leader, `{"event_number":"`+ev.Number+`"}`); code != 404 {
		t.Errorf("the leader links: %d %s", code, body)
	}
	if code, body := call("POST", duty, `{"event_number":"`+ev.Number+`"}`); code != 201 || !strings.Contains(body, `"linked_by":"何伟"`) {
		t.Fatalf("link: %d %s", code, body)
	}
	if code, body := call("POST", duty, `{"event_number":"`+ev.Number+`"}`); code != 409 {
		t.Errorf("second link: %d %s", code, body)
	}
	if code, body := call("GET", leader, ""); code != 200 || !strings.Contains(body, ev.Number) {
		t.Errorf("the leader's list: %d %s", code, body)
	}
}

// A duty officer disables a station on its edit page: the list marks it,
// its readings are refused with the reason, the stored ones stay; the
// edit page shows the box ticked, and unticking enables it again.
func TestStationDisablePage(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	d := signedIn(t, n, "duty")
	edit := d.Get("/workbench/sensing/stations/GZ-TH-AQ-01")
	if edit.StatusCode != 200 || edit.Doc.Find("#f-disabled").Length() != 1 || edit.Doc.Find("#f-disabled[checked]").Length() != 0 {
		t.Fatalf("edit page: %d, disable box %d", edit.StatusCode, edit.Doc.Find("#f-disabled").Length())
	}
	form := url.Values{"name": {"天河体育中心空气监测站"}, "region": {"440106"}, "lat": {"23.137"}, "lon": {"113.324"},
		"metrics": {"aqi", "pm25"}, "disabled": {"1"}}
	if r := d.Post("/workbench/sensing/stations/GZ-TH-AQ-01", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d %q", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	list := d.Get("/workbench/sensing/stations")
	if list.Doc.Find(`tr[data-station="GZ-TH-AQ-01"] [data-disabled]`).Length() != 1 ||
		list.Doc.Find(`tr[data-station="GZ-TH-RAIN-01"] [data-disabled]`).Length() != 0 {
		t.Errorf("the list does not mark the disabled station alone")
	}
	v := 50.0
	rep, err := n.App.Sensing.Ingest(context.Background(), n.Caller(t, "duty"), []sensing.Input{{Line: 1, Station: "GZ-TH-AQ-01",
		Metric: "aqi", Time: sensing.Time(time.Now().Unix()), Value: &v}}, nil)
	if err != nil || rep.Accepted != 0 || len(rep.Rejected) != 1 || rep.Rejected[0].Reason != "sensing.station_disabled" {
		t.Errorf("a reading of the disabled station: %+v %v", rep, err)
	}
	if d.Get("/workbench/sensing/stations/GZ-TH-AQ-01").Doc.Find("#f-disabled[checked]").Length() != 1 {
		t.Error("the edit page does not show the station disabled")
	}
	form.Del("disabled")
	d.Get("/workbench/sensing/stations/GZ-TH-AQ-01")
	if r := d.Post("/workbench/sensing/stations/GZ-TH-AQ-01", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.StatusCode)
	}
	rep, err = n.App.Sensing.Ingest(context.Background(), n.Caller(t, "duty"), []sensing.Input{{Line: 1, Station: "GZ-TH-AQ-01",
		Metric: "aqi", Time: sensing.Time(time.Now().Unix()), Value: &v}}, nil)
	if err != nil || rep.Accepted != 1 {
		t.Errorf("a reading after enabling: %+v %v", rep, err)
	}
}
