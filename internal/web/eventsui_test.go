package web_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/storetest"
)

// uploadEventPhoto posts a small PNG to /api/v1/event-photos as user and
// returns the answer (sha256 and receipt).
func (a *eventAPI) uploadEventPhoto(user string, seed uint8) map[string]any {
	a.t.Helper()
	if a.tokens[user] == "" {
		a.tokens[user] = a.n.Token(a.t, user)
	}
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: seed, B: 200, A: 255})
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "scene.png")
	png.Encode(fw, img)
	mw.Close()
	req, _ := http.NewRequest("POST", a.n.URL+"/api/v1/event-photos", &body)
	req.Header.Set("Authorization", "Bearer "+a.tokens[user])
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp := a.n.Client(a.t).Do(req)
	if resp.StatusCode != 201 {
		a.t.Fatalf("upload: %d %s", resp.StatusCode, resp.Body)
	}
	var out map[string]any
	json.Unmarshal([]byte(resp.Body), &out)
	if len(out["sha256"].(string)) != 64 || out["receipt"] == "" {
		a.t.Fatalf("upload answer: %v", out)
	}
	return out
}

// A photo's hash alone attaches nothing through the API: the receipt of
// the same account must come with it.
func TestEventPhotoReceiptsAPI(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			a := &eventAPI{t: t, n: n, tokens: map[string]string{}}
			p := a.uploadEventPhoto("grid", 7)
			report := func(user string, photos []map[string]any, want int) map[string]any {
				return a.call(user, "POST", "/api/v1/events", map[string]any{"source": "grid", "category": "0101",
					"description": "华标社区垃圾桶满溢，周边散落垃圾", "region": "440106006009", "photos": photos}, want)
			}
			bad := report("hotline", []map[string]any{p}, 422)
			if b, _ := json.Marshal(bad); !bytes.Contains(b, []byte("photos")) {
				t.Errorf("someone else's photo: %s", b)
			}
			report("grid", []map[string]any{{"sha256": p["sha256"], "receipt": "x"}}, 422)
			out := report("grid", []map[string]any{p}, 201)
			if ph := out["event"].(map[string]any)["photos"].([]any); len(ph) != 1 || ph[0] != p["sha256"] {
				t.Errorf("event photos: %v", ph)
			}
		})
	}
}

// staffAt opens a staff account with role over scope at the organisation
// named org, and returns its caller.
func staffAt(t *testing.T, n *apptest.Node, username string, role identity.Role, org string, scope region.Code) *identity.Caller {
	t.Helper()
	ctx := context.Background()
	orgs, err := n.App.Identity.Organizations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.Name == org {
			if _, err := n.App.Identity.CreateStaffAs(ctx, audit.System("test"), identity.NewStaff{Username: username, Name: username,
				Password: app.DemoPassword, OrgID: o.ID, Grants: []identity.Grant{{Role: role, Scope: scope}}}); err != nil {
				t.Fatal(err)
			}
			return n.Caller(t, username)
		}
	}
	t.Fatalf("no organisation %s", org)
	return nil
}

// TestEventRulePages: the 天河 dispatcher lists, adds, edits and deletes
// routing rules on pages; bad input comes back in Chinese; a 深圳 rule is
// neither listed nor reachable.
func TestEventRulePages(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	sz := staffAt(t, n, "rules_sz", identity.RoleDispatcher, "深圳市市场监督管理局", "4403")
	theirs, err := n.App.Governance.CreateRule(context.Background(), sz, governance.RuleInput{Category: "0801", Region: "440304",
		Department: "market_regulation", Level: 3})
	if err != nil {
		t.Fatal(err)
	}
	d := signedIn(t, n, "dispatch")
	if d.Get("/workbench").Doc.Find("#tool-event-rules").Length() != 1 {
		t.Error("no routing rules card on the workbench")
	}
	list := d.Get("/workbench/event-rules")
	if list.StatusCode != 200 || list.Doc.Find("#rule-form form").Length() != 1 {
		t.Fatalf("rules page: %d", list.StatusCode)
	}
	if list.Doc.Find(`tr[data-rule="`+string(theirs.ID)+`"]`).Length() != 0 {
		t.Error("a 深圳 rule is listed to 天河")
	}
	if r := d.Get("/workbench/event-rules/" + string(theirs.ID)); r.StatusCode != 404 {
		t.Errorf("editing a 深圳 rule: %d, want 404", r.StatusCode)
	}
	if r := d.Post("/workbench/event-rules/"+string(theirs.ID)+"/delete", nil); r.StatusCode != 404 {
		t.Errorf("deleting a 深圳 rule: %d, want 404", r.StatusCode)
	}

	bad := d.Post("/workbench/event-rules", url.Values{"category": {"99"}, "region": {"440304"}, "department": {"nobody"}, "level": {"9"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || bad.Doc.Find(".field-error").Length() < 4 ||
		!strings.Contains(bad.Doc.Find("#e-region").Text(), "管辖范围") {
		t.Fatalf("bad rule: %d %q", bad.StatusCode, bad.Doc.Find(".field-error").Text())
	}
	ok := d.Post("/workbench/event-rules", url.Values{"category": {"0102"}, "region": {"440106006"}, "department": {"urban_management"},
		"level": {"4"}, "auto": {"1"}})
	if ok.StatusCode != http.StatusSeeOther {
		t.Fatalf("add rule: %d %q", ok.StatusCode, ok.Doc.Find(".field-error").Text())
	}
	row := d.Get("/workbench/event-rules").Doc.Find(`#rule-list tr:contains("0102")`)
	id, _ := row.Attr("data-rule")
	if id == "" || !strings.Contains(row.Text(), "是") {
		t.Fatalf("new rule row: %q", row.Text())
	}
	edit := d.Get("/workbench/event-rules/" + id)
	if v, _ := edit.Doc.Find(`#f-level option[selected]`).Attr("value"); v != "4" || edit.Doc.Find(`#f-auto[checked]`).Length() != 1 {
		t.Errorf("edit form not filled: level %q", v)
	}
	if r := d.Post("/workbench/event-rules/"+id, url.Values{"category": {"0102"}, "region": {"440106006"}, "department": {"urban_management"},
		"level": {"5"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit rule: %d", r.StatusCode)
	}
	row = d.Get("/workbench/event-rules").Doc.Find(`tr[data-rule="` + id + `"]`)
	if !strings.Contains(row.Text(), "村") || !strings.Contains(row.Text(), "否") {
		t.Errorf("edited row: %q", row.Text())
	}
	if r := d.Post("/workbench/event-rules/"+id+"/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if d.Get("/workbench/event-rules").Doc.Find(`tr[data-rule="`+id+`"]`).Length() != 0 {
		t.Error("deleted rule still listed")
	}
	// The API answers the same way.
	a := &eventAPI{t: t, n: n, tokens: map[string]string{}}
	a.call("dispatch", "PUT", "/api/v1/event-rules/"+string(theirs.ID), map[string]any{"category": "0801", "region": "440106",
		"department": "market_regulation", "level": 3}, 404)
	for _, r := range a.callList("dispatch", "/api/v1/event-rules") {
		if r.(map[string]any)["id"] == string(theirs.ID) {
			t.Error("the API lists a 深圳 rule to 天河")
		}
	}
}

// liveStream opens the cockpit's stream with a bearer token and returns a
// function that waits for the next update.
func liveStream(t *testing.T, url, token string) func(time.Duration) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stream: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	updates := make(chan map[string]any, 16)
	go func() {
		defer close(updates)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "data: ") {
				var m map[string]any
				json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m)
				updates <- m
			}
		}
	}()
	return func(wait time.Duration) map[string]any {
		t.Helper()
		select {
		case m, ok := <-updates:
			if !ok {
				t.Fatal("stream ended")
			}
			return m
		case <-time.After(wait):
			t.Fatalf("no update within %s", wait)
		}
		return nil
	}
}

// The cockpit's active-incident count is on the live stream: declaring an
// incident moves it at once, without waiting for the periodic refresh.
func TestCockpitIncidentCountLive(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	next := liveStream(t, n.URL+"/cockpit/live?region=4401&metric=rainfall", n.Token(t, "duty"))
	first := next(5 * time.Second)
	before, ok := first["incidents"].(float64)
	if !ok {
		t.Fatalf("no incidents figure on the stream: %v", first["incidents"])
	}
	duty := n.Caller(t, "duty")
	sent := time.Now()
	if _, err := n.App.Emergency.Declare(context.Background(), duty, emergency.DeclareInput{Title: "燃气泄漏", Type: emergency.Accident,
		Grade: 4, Region: "440106", Summary: "天河路一处燃气管道泄漏", Lat: 23.13, Lon: 113.32}); err != nil {
		t.Fatal(err)
	}
	// The periodic refresh comes every 5 s; the change hook within the
	// 200 ms debounce. 1.5 s leaves a loaded machine some slack.
	const within = 1500 * time.Millisecond
	for {
		u := next(within)
		if got, _ := u["incidents"].(float64); got == before+1 {
			t.Logf("incident count on the stream after %s", time.Since(sent).Round(time.Millisecond))
			return
		}
		if time.Since(sent) > within {
			t.Fatalf("incidents still %v after %s", u["incidents"], time.Since(sent))
		}
	}
}

// The duty officer links an event to an incident from the event page; both
// pages show the link.
func TestEventIncidentLinkPages(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	duty := n.Caller(t, "duty")
	inc, err := n.App.Emergency.Declare(ctx, duty, emergency.DeclareInput{Title: "天河暴雨内涝", Type: emergency.NaturalDisaster,
		Grade: 3, Region: "440106", Summary: "多处路段积水"})
	if err != nil {
		t.Fatal(err)
	}
	ev, _, err := n.App.Governance.Report(ctx, n.Caller(t, "grid"), governance.Input{Source: governance.SourceGrid, Category: "1001",
		Description: "石牌东路积水齐膝，车辆无法通行", Region: "440106006002"})
	if err != nil {
		t.Fatal(err)
	}
	c := signedIn(t, n, "duty")
	page := c.Get("/events/" + string(ev.ID))
	if v, _ := page.Doc.Find(`#link-incident option[value="` + string(inc.ID) + `"]`).Attr("value"); v == "" {
		t.Fatalf("no link form with the incident: %d %q", page.StatusCode, page.Doc.Find("#incidents").Text())
	}
	if r := c.Post("/events/"+string(ev.ID)+"/incident", url.Values{"incident": {string(inc.ID)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("link: %d", r.StatusCode)
	}
	page = c.Get("/events/" + string(ev.ID))
	if page.Doc.Find(`#incident-links li[data-incident="`+string(inc.ID)+`"]`).Length() != 1 {
		t.Errorf("the event page does not show the link: %q", page.Doc.Find("#incidents").Text())
	}
	board := c.Get("/workbench/emergency/" + string(inc.ID))
	if !strings.Contains(board.Doc.Find(`#linked-event-list li[data-event="`+string(ev.ID)+`"]`).Text(), ev.Number) {
		t.Errorf("the command page does not show the event: %q", board.Doc.Find("#linked-events").Text())
	}
	// Linking twice is explained, not a 500.
	again := c.Post("/events/"+string(ev.ID)+"/incident", url.Values{"incident": {string(inc.ID)}})
	if again.StatusCode != http.StatusConflict && again.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("second link: %d", again.StatusCode)
	}
	// A citizen's view of their report shows no incidents panel.
	if n.App.Emergency != nil {
		cit := signedIn(t, n, "grid")
		if cit.Get("/events/"+string(ev.ID)).Doc.Find("#link-incident").Length() != 0 {
			t.Error("the grid worker is offered the link form")
		}
	}
}

// Drill-down: a Guangdong city has its county map (gzipped to browsers,
// plain to others), each county named as the region tree names it; a
// county, and a city without counties (东莞), show the table.
func TestCockpitCountyMaps(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	c := signedIn(t, n, "duty")
	if u, _ := c.Get("/cockpit?region=4401").Doc.Find("#cockpit").Attr("data-map-url"); u != "/cockpit/maps/4401.json" {
		t.Errorf("广州's cockpit map URL: %q", u)
	}
	if u, _ := c.Get("/cockpit?region=440106").Doc.Find("#cockpit").Attr("data-map-url"); u != "" {
		t.Errorf("天河's cockpit has a map: %q", u)
	}
	codes := []string{"4401", "4402", "4403", "4404", "4405", "4406", "4407", "4408", "4409", "4412", "4413", "4414", "4415",
		"4416", "4417", "4418", "4451", "4452", "4453"}
	for _, city := range codes {
		req, _ := http.NewRequest(http.MethodGet, n.URL+"/cockpit/maps/"+city+".json", nil)
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%s map: %v %v", city, err, resp.Status)
		}
		var geo struct {
			Features []struct {
				Properties struct{ Name string } `json:"properties"`
			} `json:"features"`
		}
		err = json.NewDecoder(resp.Body).Decode(&geo)
		resp.Body.Close()
		if err != nil || len(geo.Features) < 2 {
			t.Fatalf("%s map: %v, %d features", city, err, len(geo.Features))
		}
		names := map[string]bool{}
		for _, r := range n.App.Regions.Children(region.Code(city)) {
			names[r.Name] = true
		}
		for _, f := range geo.Features {
			if !names[f.Properties.Name] {
				t.Errorf("%s: the map's %s is not a county of the region tree", city, f.Properties.Name)
			}
		}
	}
	// Browsers get the stored gzip as it is.
	req, _ := http.NewRequest(http.MethodGet, n.URL+"/cockpit/maps/4403.json", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("gzip map: %v %v", err, resp.Header)
	} else {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if b, err := io.ReadAll(zr); err != nil || !bytes.Contains(b, []byte("福田区")) {
			t.Errorf("深圳's map unpacks to %d bytes, %v", len(b), err)
		}
		resp.Body.Close()
	}
	for _, none := range []string{"4419", "4420", "440106"} {
		if r := c.Get("/cockpit/maps/" + none + ".json"); r.StatusCode != 404 {
			t.Errorf("map of %s: %d, want 404 (the table)", none, r.StatusCode)
		}
	}
}
