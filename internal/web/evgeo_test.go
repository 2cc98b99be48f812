package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestEventPointMustLieInRegion: the API and the report form refuse a
// point outside the report's region with 422 and a message on the
// coordinates; bad latitude and longitude are both named.
func TestEventPointMustLieInRegion(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			n := apptest.Start(t, engine)
			a := &eventAPI{t: t, n: n, tokens: map[string]string{}}
			body := func(region string, lat, lng float64) map[string]any {
				return map[string]any{"source": "hotline", "category": "0401", "description": "来电反映夜间施工噪声扰民",
					"region": region, "lat": lat, "long": lng}
			}
			// The audit's case: 天河区 with a point in 北京.
			bad := a.call("hotline", "POST", "/api/v1/events", body("440106", 39.9, 116.4), 422)
			if s := problemFields(bad); s["lat"] != "坐标不在本省范围内：请核对经纬度。" || len(s) != 1 {
				t.Fatalf("天河区 at 北京: %v", bad)
			}
			// A point in 海珠区 for a community of 天河区.
			bad = a.call("hotline", "POST", "/api/v1/events", body("440106006002", 23.09, 113.32), 422)
			if s := problemFields(bad); !strings.HasPrefix(s["lat"], "坐标不在所选地区内") {
				t.Fatalf("天河区 at 海珠区: %v", bad)
			}
			// Both coordinates wrong: both named.
			bad = a.call("hotline", "POST", "/api/v1/events", body("440106", 91, 500), 422)
			if s := problemFields(bad); s["lat"] == "" || s["long"] == "" {
				t.Fatalf("lat 91 long 500: %v", bad)
			}
			// In its region: filed and routed as before.
			ok := a.call("hotline", "POST", "/api/v1/events", body("440106006002", 23.1335, 113.3301), 201)
			if ev, _ := ok["event"].(map[string]any); ev["region"] != "440106006002" {
				t.Fatalf("report in its region: %v", ok)
			}

			// The form: a 天河区 report pinned in 深圳 comes back with the message by the coordinates, in English too.
			hot := signedIn(t, n, "hotline")
			form := url.Values{"category": {"0401"}, "description": {"来电反映夜间施工噪声扰民"}, "region": {"440106"},
				"lat": {"22.54"}, "long": {"114.06"}, "reporter_name": {"王先生"}, "phone": {"13900001111"}}
			r := hot.Post("/events/new", form)
			if r.StatusCode != 422 || !strings.Contains(r.Doc.Find("#e-lat").Text(), "坐标不在所选地区内") {
				t.Fatalf("form with a point outside its region: %d %q", r.StatusCode, r.Doc.Find("#e-lat").Text())
			}
			form.Set("lat", "北纬")
			form.Set("long", "东经")
			r = hot.Post("/events/new", form)
			if r.StatusCode != 422 || r.Doc.Find("#e-lat").Length() != 1 || r.Doc.Find("#e-long").Length() != 1 {
				t.Fatalf("form with both coordinates unreadable: %d lat %d long %d", r.StatusCode,
					r.Doc.Find("#e-lat").Length(), r.Doc.Find("#e-long").Length())
			}
			form.Set("lat", "39.9")
			form.Set("long", "116.4")
			hot.Post("/prefs", url.Values{"lang": {"en"}})
			r = hot.Post("/events/new", form)
			if r.StatusCode != 422 || !strings.Contains(r.Doc.Find("#e-lat").Text(), "outside the province") {
				t.Fatalf("English form with a point in 北京: %d %q", r.StatusCode, r.Doc.Find("#e-lat").Text())
			}
		})
	}
}

// problemFields maps an RFC 9457 problem's errors by location.
func problemFields(p map[string]any) map[string]string {
	out := map[string]string{}
	list, _ := p["errors"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		loc, _ := m["location"].(string)
		msg, _ := m["message"].(string)
		out[loc] = msg
	}
	return out
}

// TestSensingUnitsInReadersLanguage: the cockpit, the duty desk, the rule
// and station forms and the cockpit's map labels show the metrics' units
// through the message catalog: 人/m², 起, 例 in Chinese, persons/m², alarms,
// cases in English.
func TestSensingUnitsInReadersLanguage(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	want := map[string][2]string{"crowd_density": {"人/m²", "persons/m²"}, "fire_alarms": {"起", "alarms"},
		"infections": {"例", "cases"}, "rainfall": {"mm/h", "mm/h"}}
	for _, c := range []struct{ user, path, tiles string }{
		{"leader", "/cockpit", "#cockpit-indicators"}, {"duty", "/workbench/sensing", "#desk-indicators"},
	} {
		cl := signedIn(t, n, c.user)
		for i, lang := range []string{"zh-CN", "en"} {
			cl.Post("/prefs", url.Values{"lang": {lang}})
			r := cl.Get(c.path)
			if r.StatusCode != 200 {
				t.Fatalf("%s %s: %d", c.path, lang, r.StatusCode)
			}
			for metric, units := range want {
				if got := r.Doc.Find(c.tiles + ` li[data-metric="` + metric + `"] .unit`).Text(); got != units[i] {
					t.Errorf("%s in %s: unit of %s %q, want %q", c.path, lang, metric, got, units[i])
				}
			}
			if lang == "en" {
				if labels, _ := r.Doc.Find("[data-labels]").Attr("data-labels"); c.path == "/cockpit" && !strings.Contains(labels, "persons/m²") {
					t.Errorf("English cockpit map labels: %.300s", labels)
				}
				if txt := r.Doc.Find("body").Text(); strings.Contains(txt, "人/m²") || strings.Contains(txt, "(起") {
					t.Errorf("English %s shows a Chinese unit", c.path)
				}
			}
		}
	}
	duty := signedIn(t, n, "duty")
	duty.Post("/prefs", url.Values{"lang": {"en"}})
	for _, p := range []string{"/workbench/sensing/rules", "/workbench/sensing/stations"} {
		r := duty.Get(p)
		if r.StatusCode != 200 || !strings.Contains(r.Body, "(persons/m²)") || strings.Contains(r.Doc.Find("body").Text(), "人/m²") {
			t.Errorf("English %s: %d, want the unit persons/m² only", p, r.StatusCode)
		}
	}
}

// TestWorkbenchLinksDepartmentTasks: a department officer's workbench
// links to the department's emergency tasks, with how many are open; a
// grid worker (who handles events for no department) and a case officer
// see no such link.
func TestWorkbenchLinksDepartmentTasks(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			cg := signedIn(t, n, "cg_officer")
			tool := cg.Get("/workbench").Doc.Find(`#tool-emergency-tasks[href="/workbench/emergency-tasks"]`)
			if tool.Length() != 1 || tool.Find("#tool-emergency-tasks-open").Length() != 0 {
				t.Fatalf("workbench without tasks: link %d, %q", tool.Length(), tool.Text())
			}
			duty := n.Caller(t, "duty")
			inc, err := n.App.Emergency.Declare(context.Background(), duty, emergency.DeclareInput{Title: "天河路段内涝", Type: emergency.NaturalDisaster,
				Grade: 3, Region: "440106", Address: "天河路", Summary: "暴雨导致天河路多处积水", Lat: 23.13, Lon: 113.32})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := n.App.Emergency.AddTask(context.Background(), duty, inc.ID, emergency.TaskInput{
				OrgID: orgID(t, n, "广州市天河区城市管理和综合执法局"), Title: "清理天河路排水口杂物", Hours: 4}); err != nil {
				t.Fatal(err)
			}
			tool = cg.Get("/workbench").Doc.Find("#tool-emergency-tasks")
			if got := tool.Find("#tool-emergency-tasks-open").Text(); got != "1 项应急任务待办理" {
				t.Errorf("workbench with a task: %q", tool.Text())
			}
			cg.Post("/prefs", url.Values{"lang": {"en"}})
			if got := cg.Get("/workbench").Doc.Find("#tool-emergency-tasks-open").Text(); got != "1 emergency tasks to do" {
				t.Errorf("English workbench with a task: %q", got)
			}
			// The link shows exactly to those whom the list answers.
			for _, user := range []string{"grid", "officer", "duty", "dispatch"} {
				c := signedIn(t, n, user)
				shown := c.Get("/workbench").Doc.Find("#tool-emergency-tasks").Length() == 1
				if list := c.Get("/workbench/emergency-tasks"); shown != (list.StatusCode == 200) {
					t.Errorf("%s: link shown %v, list answers %d", user, shown, list.StatusCode)
				}
				if user == "officer" && shown {
					t.Errorf("the case officer sees the department tasks link")
				}
			}
		})
	}
}

// TestOpen311DeviceShownToStaff: the device_id of an Open311 request shows
// on the event page and in the API for staff who read the event, and
// nowhere for the citizen who sent it or the public.
func TestOpen311DeviceShownToStaff(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			form := url.Values{"api_key": {n.Token(t, "citizen")}, "service_code": {"0104"}, "lat": {"23.1335"}, "long": {"113.3301"},
				"attribute[region]": {"440106006002"}, "device_id": {"phone-7f3a"}, "description": {"楼顶新装大型广告牌，未见审批公示"}}
			st, id, b := open311Post(t, n, form, nil)
			if st != 201 || id == "" {
				t.Fatalf("open311 request: %d %s", st, b)
			}
			a := &eventAPI{t: t, n: n, tokens: map[string]string{}}
			staff := signedIn(t, n, "dispatch")
			if got := staff.Get("/events/" + id).Doc.Find("#event-device").Text(); got != "phone-7f3a" {
				t.Errorf("staff event page: device %q", got)
			}
			if got := a.call("dispatch", "GET", "/api/v1/events/"+id, nil, 200); got["device_id"] != "phone-7f3a" {
				t.Errorf("staff API: device_id %v", got["device_id"])
			}
			cit := signedIn(t, n, "citizen")
			if r := cit.Get("/events/" + id); r.StatusCode != 200 || strings.Contains(r.Body, "phone-7f3a") {
				t.Errorf("the reporter's event page: %d, shows the device: %v", r.StatusCode, strings.Contains(r.Body, "phone-7f3a"))
			}
			if got := a.call("citizen", "GET", "/api/v1/events/"+id, nil, 200); got["device_id"] != nil {
				t.Errorf("the reporter's API: device_id %v", got["device_id"])
			}
			if b := n.Client(t).Get("/open311/v2/requests/" + id + ".json"); b.StatusCode != 200 || strings.Contains(b.Body, "phone-7f3a") {
				t.Errorf("public Open311: %d %s", b.StatusCode, b.Body)
			}
			// A report not through Open311 has no device row.
			other := a.call("hotline", "POST", "/api/v1/events", map[string]any{"source": "hotline", "category": "0401",
				"description": "来电反映夜间施工噪声扰民", "region": "440106006002"}, 201)
			ev, _ := other["event"].(map[string]any)
			if got := staff.Get("/events/" + ev["id"].(string)).Doc.Find("#event-device").Length(); got != 0 {
				t.Errorf("a hotline ticket shows a device")
			}
		})
	}
}

// TestEventListCursorPaging: GET /api/v1/events pages by cursor, newest
// first and by deadline, through every event exactly once, with the total
// in X-Total-Count and the next page in the Link header until the last;
// offset still works; cursor with offset is 422, a bad cursor 400; the
// OpenAPI document names the cursor.
func TestEventListCursorPaging(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			a := &eventAPI{t: t, n: n, tokens: map[string]string{}}
			for i := range 5 {
				a.call("hotline", "POST", "/api/v1/events", map[string]any{"source": "hotline", "category": []string{"0401", "0203"}[i%2],
					"description": "来电反映夜间施工噪声扰民，第" + strconv.Itoa(i) + "次", "region": "440106006002"}, 201)
			}
			tok := n.Token(t, "hotline")
			get := func(path string) (*apptest.Response, []map[string]any) {
				t.Helper()
				req, _ := http.NewRequest("GET", n.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				r := n.Client(t).Do(req)
				var list []map[string]any
				if r.StatusCode == 200 {
					if err := json.Unmarshal([]byte(r.Body), &list); err != nil {
						t.Fatalf("%s: %v %.200s", path, err, r.Body)
					}
				}
				return r, list
			}
			next := regexp.MustCompile(`^<(/api/v1/events\?[^>]+)>; rel="next"$`)
			for _, order := range []string{"created", "deadline"} {
				_, all := get("/api/v1/events?limit=1000&offset=0&order=" + order)
				if len(all) < 6 { // the demo's and these five
					t.Fatalf("%s: %d events in all", order, len(all))
				}
				path, seen, pages := "/api/v1/events?limit=2&order="+order, map[string]bool{}, 0
				var got []string
				for path != "" {
					r, list := get(path)
					if r.StatusCode != 200 || r.Header.Get("X-Total-Count") != strconv.Itoa(len(all)) {
						t.Fatalf("%s page %d: %d total %q, want %d", order, pages, r.StatusCode, r.Header.Get("X-Total-Count"), len(all))
					}
					for _, e := range list {
						id := e["id"].(string)
						if seen[id] {
							t.Fatalf("%s: %s on two pages", order, id)
						}
						seen[id] = true
						got = append(got, id)
					}
					pages++
					path = ""
					if m := next.FindStringSubmatch(r.Header.Get("Link")); m != nil {
						path = m[1]
					} else if l := r.Header.Get("Link"); l != "" {
						t.Fatalf("Link %q", l)
					}
				}
				if pages != (len(all)+1)/2 || len(got) != len(all) {
					t.Fatalf("%s: %d pages, %d events, want %d events", order, pages, len(got), len(all))
				}
				for i := range all {
					if all[i]["id"] != got[i] {
						t.Fatalf("%s: event %d is %s paged, %s in one list", order, i, got[i], all[i]["id"])
					}
				}
				if order == "created" {
					for i := 1; i < len(all); i++ {
						if all[i-1]["created_at"].(string) < all[i]["created_at"].(string) {
							t.Fatalf("not newest first: %v before %v", all[i-1]["created_at"], all[i]["created_at"])
						}
					}
				}
			}
			// offset, as before; a filtered list pages with its filter.
			if r, list := get("/api/v1/events?limit=2&offset=1"); r.StatusCode != 200 || len(list) != 2 || r.Header.Get("Link") != "" {
				t.Errorf("offset: %d, %d events, Link %q", r.StatusCode, len(list), r.Header.Get("Link"))
			}
			_, noise := get("/api/v1/events?limit=1000&offset=0&category=0203")
			r, list := get("/api/v1/events?limit=1&category=0203")
			if m := next.FindStringSubmatch(r.Header.Get("Link")); len(noise) < 2 || r.Header.Get("X-Total-Count") != strconv.Itoa(len(noise)) ||
				len(list) != 1 || m == nil || !strings.Contains(m[1], "category=0203") {
				t.Errorf("filtered: total %q, %d events, Link %q", r.Header.Get("X-Total-Count"), len(list), r.Header.Get("Link"))
			}
			if r, _ := get("/api/v1/events?cursor=bm90IGEgY3Vyc29y"); r.StatusCode != 400 {
				t.Errorf("a malformed cursor: %d, want 400", r.StatusCode)
			}
			for _, bad := range []string{"/api/v1/events?cursor=x&offset=3", "/api/v1/events?cursor=x&mine=true"} {
				if r, _ := get(bad); r.StatusCode != 422 || !strings.Contains(r.Body, "cursor") {
					t.Errorf("%s: %d, want 422 on cursor", bad, r.StatusCode)
				}
			}
			if doc := n.Client(t).Get("/api/openapi.json"); !strings.Contains(doc.Body, `"name":"cursor"`) || !strings.Contains(doc.Body, `X-Total-Count`) {
				t.Errorf("the OpenAPI document lacks the cursor or the total")
			}
		})
	}
}

// TestAlertEventDescriptionInAPI: the API gives an event opened by a
// sensor alert its description in the caller's language, one by one and
// in the list, as the event page does.
func TestAlertEventDescriptionInAPI(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	d := &alertDesk{t: t, n: n, at: time.Now().Unix()}
	d.deliver() // the demo's orange rain alert opens its event
	ev := d.alertEvent(d.alert("GZ-TH-RAIN-01", "rainfall"))
	if ev == nil {
		t.Fatal("the demo's rain alert opened no event")
	}
	tok := n.Token(t, "duty")
	get := func(path, lang string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", n.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept-Language", lang)
		r := n.Client(t).Do(req)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, r.StatusCode, r.Body)
		}
		return r.Body
	}
	var one struct {
		Description string `json:"description"`
	}
	json.Unmarshal([]byte(get("/api/v1/events/"+string(ev.ID), "en")), &one)
	if !strings.HasPrefix(one.Description, "Orange alert: ") || !strings.Contains(one.Description, "Rainfall reading") {
		t.Errorf("English API description %q", one.Description)
	}
	json.Unmarshal([]byte(get("/api/v1/events/"+string(ev.ID), "zh-CN")), &one)
	if one.Description != ev.Description {
		t.Errorf("Chinese API description %q, want the stored %q", one.Description, ev.Description)
	}
	var list []struct {
		ID          string `json:"id"`
		Description string `json:"description"`
	}
	json.Unmarshal([]byte(get("/api/v1/events?limit=1000", "en")), &list)
	found := false
	for _, e := range list {
		if e.ID == string(ev.ID) {
			found = true
			if !strings.HasPrefix(e.Description, "Orange alert: ") {
				t.Errorf("English list description %q", e.Description)
			}
		}
	}
	if !found {
		t.Errorf("the alert's event is not in the duty officer's list")
	}
}
