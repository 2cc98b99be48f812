package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// eventAPI calls the JSON API as a demo account.
type eventAPI struct {
	t      *testing.T
	n      *apptest.Node
	tokens map[string]string
}

func (a *eventAPI) call(user, method, path string, body any, want int) map[string]any {
	a.t.Helper()
	if a.tokens[user] == "" {
		a.tokens[user] = a.n.Token(a.t, user)
	}
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, a.n.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+a.tokens[user])
	req.Header.Set("Content-Type", "application/json")
	resp := a.n.Client(a.t).Do(req)
	if resp.StatusCode != want {
		a.t.Fatalf("%s %s %s: status %d, want %d: %s", user, method, path, resp.StatusCode, want, resp.Body)
	}
	var out map[string]any
	if strings.HasPrefix(strings.TrimSpace(resp.Body), "{") {
		json.Unmarshal([]byte(resp.Body), &out)
	}
	return out
}

func TestEventAPI(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	a := &eventAPI{t: t, n: n, tokens: map[string]string{}}

	// Categories are public.
	resp := n.Client(t).Get("/api/v1/event-categories")
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, "市容环境") || !strings.Contains(resp.Body, `"limit_hours":4`) {
		t.Fatalf("categories: %d %.200s", resp.StatusCode, resp.Body)
	}

	// A grid worker reports; the routing rule dispatches 暴露垃圾 to the town.
	out := a.call("grid", "POST", "/api/v1/events", map[string]any{"source": "grid", "category": "0101",
		"description": "华标社区垃圾桶满溢，周边散落垃圾", "region": "440106006009", "phone": "13800001234"}, 201)
	ev := out["event"].(map[string]any)
	if out["auto_routed"] != true || ev["state"] != "dispatched" || ev["lead"].(map[string]any)["name"] != "石牌街道综合行政执法办公室" ||
		ev["phone"] != "138****1234" || ev["deadline"] == nil {
		t.Fatalf("auto-routed report: %v", out)
	}
	id := ev["id"].(string)

	// Bad input: every field at once, 422, nothing written.
	bad := a.call("grid", "POST", "/api/v1/events", map[string]any{"category": "01", "description": "短", "region": "440104"}, 422)
	if errs, _ := bad["errors"].([]any); len(errs) < 3 {
		t.Fatalf("422 problem: %v", bad)
	}

	// Outside the scope: 404, for reading and for acting.
	a.call("counter_sz", "GET", "/api/v1/events/"+id, nil, 404)
	a.call("counter_sz", "POST", "/api/v1/events/"+id+"/steps", map[string]any{"action": "take", "version": 3}, 404)

	// The town's officer takes it; a stale version conflicts; the wrong step names the allowed ones.
	got := a.call("sp_officer", "GET", "/api/v1/events/"+id, nil, 200)
	v := int(got["version"].(float64))
	if allowed := got["allowed"].([]any); len(allowed) == 0 || allowed[0] != "take" {
		t.Fatalf("allowed for the officer: %v", got["allowed"])
	}
	a.call("sp_officer", "POST", "/api/v1/events/"+id+"/steps", map[string]any{"action": "take", "version": v}, 200)
	stale := a.call("sp_officer", "POST", "/api/v1/events/"+id+"/steps", map[string]any{"action": "reply", "version": v, "comment": "已清运"}, 409)
	if !strings.Contains(stale["detail"].(string), "他人更新") {
		t.Fatalf("stale version: %v", stale)
	}
	wrong := a.call("dispatch", "POST", "/api/v1/events/"+id+"/steps", map[string]any{"action": "close", "version": v + 1}, 409)
	if d := wrong["detail"].(string); !strings.Contains(d, "处置中") || !strings.Contains(d, "回复") {
		t.Fatalf("wrong step: %v", wrong)
	}
	a.call("sp_officer", "POST", "/api/v1/events/"+id+"/steps", map[string]any{"action": "reply", "version": v + 1}, 422)
	a.call("sp_officer", "POST", "/api/v1/events/"+id+"/steps", map[string]any{"action": "reply", "version": v + 1, "comment": "已清运并消毒"}, 200)
	a.call("grid", "POST", "/api/v1/events/"+id+"/steps", map[string]any{"action": "verify", "version": v + 2}, 200)
	done := a.call("dispatch", "POST", "/api/v1/events/"+id+"/steps", map[string]any{"action": "close", "version": v + 3}, 200)
	if done["state"] != "closed" || len(done["steps"].([]any)) != 7 {
		t.Fatalf("closed: %v", done)
	}

	// Lists: the worker's own, the dispatcher's overdue queue, a citizen's empty list.
	mine := a.callList("grid", "/api/v1/events?mine=true")
	if len(mine) < 2 {
		t.Fatalf("grid's reports: %d", len(mine))
	}
	if l := a.callList("citizen", "/api/v1/events"); len(l) != 1 { // the demo's portal report
		t.Fatalf("citizen's list: %d", len(l))
	}

	// Rules: dispatchers keep them in their scope.
	rule := a.call("dispatch", "POST", "/api/v1/event-rules", map[string]any{"category": "02", "region": "440106",
		"department": "urban_management", "level": 3, "auto": true}, 201)
	a.call("dispatch", "POST", "/api/v1/event-rules", map[string]any{"category": "02", "region": "4403",
		"department": "urban_management", "level": 3, "auto": true}, 422)
	a.call("grid", "POST", "/api/v1/event-rules", map[string]any{"category": "02", "region": "440106006",
		"department": "urban_management", "level": 3}, 403)
	a.call("dispatch", "DELETE", "/api/v1/event-rules/"+rule["id"].(string), nil, 204)
	a.call("dispatch", "DELETE", "/api/v1/event-rules/"+rule["id"].(string), nil, 404)

	sum := a.call("leader", "GET", "/api/v1/event-summary?region=44", nil, 200)
	if sum["today"].(float64) < 4 || sum["today_closed"].(float64) < 1 {
		t.Fatalf("summary: %v", sum)
	}
	// The cockpit's 30-day closure rate, from the same count the cockpit
	// shows (governance.Closure30): today's reports are among the last 30
	// days', and the rate is closed over reported.
	c30, err := a.n.App.Governance.Closure30(context.Background(), "44")
	if err != nil {
		t.Fatal(err)
	}
	rep, closed, rate := sum["reported_30"].(float64), sum["closed_30"].(float64), sum["closure_rate_30"].(float64)
	if int(rep) != c30.Reported || int(closed) != c30.Closed || rep < sum["today"].(float64) || closed < 1 ||
		math.Abs(rate-closed/rep) > 1e-9 || math.Abs(rate-c30.Rate()) > 1e-9 {
		t.Fatalf("30-day closure: %v, the cockpit's %+v", sum, c30)
	}
	// Without a region: the caller's first scope, named in the answer.
	if def := a.call("leader", "GET", "/api/v1/event-summary", nil, 200); def["region"] != "44" || def["reported_30"] != sum["reported_30"] {
		t.Fatalf("default summary: %v, want the leader's province", def)
	}
	a.call("duty", "GET", "/api/v1/event-summary?region=4403", nil, 404)
}

func (a *eventAPI) callList(user, path string) []any {
	a.t.Helper()
	if a.tokens[user] == "" {
		a.tokens[user] = a.n.Token(a.t, user)
	}
	req, _ := http.NewRequest("GET", a.n.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+a.tokens[user])
	resp := a.n.Client(a.t).Do(req)
	if resp.StatusCode != 200 {
		a.t.Fatalf("%s %s: %d %s", user, path, resp.StatusCode, resp.Body)
	}
	var out []any
	if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
		a.t.Fatal(err)
	}
	return out
}
