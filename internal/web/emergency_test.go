package web_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestEmergencyPages runs the duty officer's day on the pages: the demo
// typhoon is listed, bad declarations come back with Chinese messages, a
// declared incident gets a commander, a task and an alert, and the public
// page (no sign-in) shows the alert with its CAP XML.
func TestEmergencyPages(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	duty := signedIn(t, n, "duty")

	list := duty.Get("/workbench/emergency")
	if list.StatusCode != 200 || !strings.Contains(list.Doc.Find("#incident-list").Text(), "台风“海鸥”影响广州") {
		t.Fatalf("list: %d, demo typhoon missing", list.StatusCode)
	}
	if list.Doc.Find("#declare form").Length() != 1 {
		t.Error("the duty officer sees no declare form")
	}
	// The demo typhoon's command page maps the incident and its deployments.
	typhoonHref, _ := list.Doc.Find(`#incident-list a:contains("台风")`).Attr("href")
	pts, _ := duty.Get(typhoonHref).Doc.Find("#incident-map").Attr("data-points")
	var points []struct{ Name, Kind string }
	if err := json.Unmarshal([]byte(pts), &points); err != nil || len(points) != 4 || points[0].Kind != "incident" || points[1].Kind != "shelter" {
		t.Errorf("typhoon map points: %v %+v", err, points)
	}
	// From the sensing desk's link, the form carries the alert.
	const alertID = "0193a0c0-0000-7000-8000-000000000001"
	if v, _ := duty.Get("/workbench/emergency?alert=" + alertID).Doc.Find(`input[name="source_alert"]`).Attr("value"); v != alertID {
		t.Errorf("declare form from an alert: source_alert %q", v)
	}

	// Bad input: every field explained in Chinese, 422, nothing declared.
	bad := duty.Post("/workbench/emergency", url.Values{"title": {""}, "type": {"meteor"}, "grade": {"七"}, "lat": {"北纬"}, "summary": {""}})
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad declaration: status %d", bad.StatusCode)
	}
	if bad.Doc.Find(".field-error").Length() < 5 || !strings.Contains(bad.Doc.Find("#e-lat").Text(), "经纬度") ||
		!strings.Contains(bad.Doc.Find("#e-title").Text(), "必填") {
		t.Errorf("bad declaration errors: %q", bad.Doc.Find(".field-error").Text())
	}
	bad = duty.Post("/workbench/emergency", url.Values{"title": {"x"}, "type": {"accident"}, "grade": {"5"}, "region": {"440106"}, "summary": {""}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Doc.Find("#e-summary").Text(), "必填") ||
		!strings.Contains(bad.Doc.Find("#e-grade").Text(), "请从选项中选择") {
		t.Errorf("grade 5 / no summary: status %d", bad.StatusCode)
	}

	// Declare, with markup in the title: it comes back escaped.
	r := duty.Post("/workbench/emergency", url.Values{"title": {`<b>内涝</b>天河`}, "type": {"natural_disaster"}, "grade": {"3"},
		"region": {"440106"}, "address": {"天河路"}, "lat": {"23.13"}, "lon": {"113.32"}, "summary": {"暴雨导致多处内涝"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("declare: status %d %s", r.StatusCode, r.Body)
	}
	board := r.Header.Get("Location")
	page := duty.Get(board)
	if page.StatusCode != 200 || page.Doc.Find("#incident-title b").Length() != 0 || !strings.Contains(page.Doc.Find("#incident-title").Text(), "<b>内涝</b>天河") {
		t.Fatalf("board: %d, title %q", page.StatusCode, page.Doc.Find("#incident-title").Text())
	}
	version := func(p *apptest.Response) string {
		v, _ := p.Doc.Find(`#command input[name="version"]`).First().Attr("value")
		return v
	}
	// A stale version is refused with a message, not a 500.
	r = duty.Post(board+"/respond", url.Values{"version": {"99"}})
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.Doc.Find("#board-error").Text(), "刷新") {
		t.Errorf("stale respond: %d %q", r.StatusCode, r.Doc.Find("#board-error").Text())
	}
	if r = duty.Post(board+"/command", url.Values{"version": {version(page)}, "commander": {"何伟"}, "operations": {"陈志刚"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("command: %d", r.StatusCode)
	}
	page = duty.Get(board)
	if r = duty.Post(board+"/respond", url.Values{"version": {version(page)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("respond: %d", r.StatusCode)
	}
	page = duty.Get(board)
	if !strings.Contains(page.Doc.Find("#incident-state").Text(), "响应中") {
		t.Errorf("state after respond: %q", page.Doc.Find("#incident-state").Text())
	}
	org, _ := page.Doc.Find(`#f-org option[value!=""]`).First().Attr("value")
	if r = duty.Post(board+"/task", url.Values{"org": {org}, "title": {"排查积水点"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Doc.Find("#task-form .field-error").Text(), "时限") {
		t.Errorf("task without deadline: %d %q", r.StatusCode, r.Doc.Find("#task-form .field-error").Text())
	}
	if r = duty.Post(board+"/task", url.Values{"org": {org}, "title": {"排查积水点"}, "hours": {"4"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("task: %d %s", r.StatusCode, r.Body)
	}
	page = duty.Get(board)
	if page.Doc.Find("#task-list tbody tr").Length() != 1 {
		t.Errorf("tasks listed: %d", page.Doc.Find("#task-list tbody tr").Length())
	}
	r = duty.Post(board+"/alert", url.Values{"version": {version(page)}, "headline": {"天河区暴雨内涝预警"}, "description": {"天河路一带积水严重"},
		"instruction": {"请绕行"}, "response_type": {"Avoid"}, "hours": {"12"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("alert: %d %s", r.StatusCode, r.Doc.Find(".field-error").Text())
	}

	// The public page, without signing in.
	anon := n.Client(t)
	pub := anon.Get("/alerts")
	card := pub.Doc.Find(`#public-alerts li:contains("天河区暴雨内涝预警")`)
	if pub.StatusCode != 200 || card.Length() != 1 {
		t.Fatalf("public page: %d, alert card %d", pub.StatusCode, card.Length())
	}
	if !strings.Contains(card.Find(".alert-instruction").Text(), "请绕行") || !strings.Contains(card.Text(), "Ⅲ级") {
		t.Errorf("alert card: %q", card.Text())
	}
	href, _ := card.Find(`a[href$=".xml"]`).Attr("href")
	capx := anon.Get(href)
	if capx.StatusCode != 200 || !strings.HasPrefix(capx.Header.Get("Content-Type"), "application/cap+xml") {
		t.Fatalf("CAP: %d %s", capx.StatusCode, capx.Header.Get("Content-Type"))
	}
	var m struct {
		XMLName xml.Name
		MsgType string `xml:"msgType"`
		Info    []struct {
			Web string `xml:"web"`
		} `xml:"info"`
	}
	if err := xml.Unmarshal([]byte(capx.Body), &m); err != nil || m.XMLName.Space != "urn:oasis:names:tc:emergency:cap:1.2" || m.MsgType != "Alert" ||
		!strings.Contains(m.Info[0].Web, "/alerts#a-") {
		t.Errorf("CAP document: %v %+v", err, m)
	}
	feed := anon.Get("/alerts/feed.xml")
	if feed.StatusCode != 200 || !strings.Contains(feed.Body, href) || !strings.Contains(feed.Body, `xmlns="http://www.w3.org/2005/Atom"`) {
		t.Errorf("feed: %d %s", feed.StatusCode, feed.Body)
	}
	for _, path := range []string{"/alerts/nope.xml", "/alerts/00000000-0000-7000-8000-000000000000.xml", "/alerts/x"} {
		if r := anon.Get(path); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, r.StatusCode)
		}
	}
	if anon.Get("/workbench/emergency").StatusCode == 200 {
		t.Error("the workbench page answers anonymous callers")
	}

	// Closing needs the after-action report.
	page = duty.Get(board)
	if r = duty.Post(board+"/close", url.Values{"version": {version(page)}, "report": {" "}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Doc.Find("#e-report").Text(), "必填") {
		t.Errorf("close without report: %d", r.StatusCode)
	}
	if r = duty.Post(board+"/close", url.Values{"version": {version(page)}, "report": {"积水已排除，无伤亡。"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", r.StatusCode)
	}
	page = duty.Get(board)
	if !strings.Contains(page.Doc.Find("#after-action").Text(), "积水已排除") || page.Doc.Find("#alert-form").Length() != 0 {
		t.Error("closed incident: no report shown, or still commandable")
	}
	pub = anon.Get("/alerts")
	if pub.Doc.Find(`#public-alerts li:contains("天河区暴雨内涝预警")`).Length() != 0 || pub.Doc.Find("#cleared-alerts li").Length() == 0 {
		t.Error("after closing, the alert is still in force or no all-clear is shown")
	}

	// The leader sees the list, without the declare form.
	leader := signedIn(t, n, "leader")
	if l := leader.Get("/workbench/emergency"); l.StatusCode != 200 || l.Doc.Find("#declare").Length() != 0 {
		t.Errorf("leader list: %d, declare form %d", l.StatusCode, l.Doc.Find("#declare").Length())
	}
	if b := leader.Get(board); b.StatusCode != 200 || b.Doc.Find("#command form").Length() != 0 {
		t.Errorf("leader board: %d", b.StatusCode)
	}
	// A citizen gets no emergency pages.
	if c := signedIn(t, n, "citizen").Get(board); c.StatusCode != http.StatusForbidden && c.StatusCode != http.StatusNotFound {
		t.Errorf("citizen on the board: %d", c.StatusCode)
	}
}

// TestEmergencyAPI checks the API's answers: created, problems with
// Chinese messages for bad input, 404 outside the region, 409 for a stale
// version, and the public alerts without a token.
func TestEmergencyAPI(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	c := n.Client(t)
	duty := n.Token(t, "duty")
	call := func(method, path, token, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, n.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", "zh-CN")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		r := c.Do(req)
		var out map[string]any
		json.Unmarshal([]byte(r.Body), &out)
		return r.StatusCode, out
	}
	code, out := call("POST", "/api/v1/emergency/incidents", duty, `{"title":"","type":"natural_disaster","grade":2,"region":"440115","summary":""}`)
	if code != 422 || !strings.Contains(out["detail"].(string)+jsonText(out), "填") {
		t.Errorf("bad declare: %d %v", code, out)
	}
	code, out = call("POST", "/api/v1/emergency/incidents", duty, `{"title":"深圳事件","type":"accident","grade":3,"region":"440304","summary":"x"}`)
	if code != 404 {
		t.Errorf("declare in 深圳 by 广州's duty officer: %d %v", code, out)
	}
	code, out = call("POST", "/api/v1/emergency/incidents", duty, `{"title":"危化品泄漏","type":"accident","grade":3,"region":"440112","summary":"黄埔区某厂储罐泄漏","lat":23.1,"lon":113.45}`)
	if code != 201 {
		t.Fatalf("declare: %d %v", code, out)
	}
	id := out["id"].(string)
	if code, out = call("PUT", "/api/v1/emergency/incidents/"+id+"/command", duty, `{"version":1,"command":{"commander":"何伟"}}`); code != 200 {
		t.Fatalf("command: %d %v", code, out)
	}
	if code, out = call("POST", "/api/v1/emergency/incidents/"+id+"/respond", duty, `{"version":1}`); code != 409 {
		t.Errorf("stale respond: %d %v", code, out)
	}
	if code, out = call("POST", "/api/v1/emergency/incidents/"+id+"/alerts", duty, `{"version":2,"headline":"危化品泄漏预警","description":"请关闭门窗","response_type":"Shelter"}`); code != 201 || out["msg_type"] != "Alert" {
		t.Fatalf("alert: %d %v", code, out)
	}
	if code, out = call("GET", "/api/v1/emergency/incidents/"+id, duty, ""); code != 200 || len(out["timeline"].([]any)) != 3 {
		t.Errorf("board: %d %v", code, out)
	}
	if code, _ = call("GET", "/api/v1/emergency/incidents/"+id, n.Token(t, "leader"), ""); code != 200 {
		t.Errorf("leader reads: %d", code)
	}
	if code, _ = call("GET", "/api/v1/emergency/incidents/"+id, n.Token(t, "counter_sz"), ""); code != 403 && code != 404 {
		t.Errorf("深圳 counter reads: %d", code)
	}
	var pub []map[string]any
	r := c.Get("/api/v1/emergency/alerts")
	json.Unmarshal([]byte(r.Body), &pub)
	found := false
	for _, a := range pub {
		found = found || a["headline"] == "危化品泄漏预警"
	}
	if r.StatusCode != 200 || !found {
		t.Errorf("public alerts: %d %s", r.StatusCode, r.Body)
	}
	if code, out = call("POST", "/api/v1/emergency/resources", duty, `{"kind":"boat","name":"x","region":"440106","lat":0,"lon":0,"quantity":1}`); code != 422 {
		t.Errorf("bad resource: %d %v", code, out)
	}
}

func jsonText(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestCockpitIncidents checks the cockpit's count of active incidents: the
// demo typhoon for 广东 and 广州, none for 深圳.
func TestCockpitIncidents(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	leader := signedIn(t, n, "leader")
	for region, want := range map[string]string{"": "1", "4401": "1", "4403": "0"} {
		p := leader.Get("/cockpit?region=" + region)
		if got := strings.TrimSpace(p.Doc.Find("#cockpit-incidents .num").Text()); p.StatusCode != 200 || got != want {
			t.Errorf("cockpit %q: status %d, active incidents %q, want %s", region, p.StatusCode, got, want)
		}
	}
}
