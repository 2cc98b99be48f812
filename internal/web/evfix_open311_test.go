package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// open311Post posts form (with extra headers) and returns the status and
// the created request's ID ("" for an error body).
func open311Post(t *testing.T, n *apptest.Node, form url.Values, header map[string]string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", n.URL+"/open311/v2/requests.json", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []struct {
		ID string `json:"service_request_id"`
	}
	var raw json.RawMessage
	json.NewDecoder(resp.Body).Decode(&raw)
	if json.Unmarshal(raw, &list) == nil && len(list) == 1 {
		return resp.StatusCode, list[0].ID, string(raw)
	}
	return resp.StatusCode, "", string(raw)
}

// open311AddressID reads a request's address_id (its region code).
func open311AddressID(t *testing.T, n *apptest.Node, id string) string {
	t.Helper()
	b := open311Do(t, n, open311Call{method: "GET", path: "/open311/v2/requests/" + id + ".json", status: 200})
	var list []struct {
		AddressID string `json:"address_id"`
	}
	if err := json.Unmarshal(b, &list); err != nil || len(list) != 1 {
		t.Fatalf("request %s: %s", id, b)
	}
	return list[0].AddressID
}

// TestOpen311DeviceAndRetry: device_id names the phone, not the request —
// two problems from one phone are two requests; a retry carries a request
// token and gets the first request back.
func TestOpen311DeviceAndRetry(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			key := n.Token(t, "grid")
			form := func(desc string) url.Values {
				return url.Values{"api_key": {key}, "service_code": {"0104"}, "lat": {"23.1335"}, "long": {"113.3301"},
					"attribute[region]": {"440106006002"}, "device_id": {"phone-7f3a"}, "description": {desc}}
			}
			st1, id1, b1 := open311Post(t, n, form("楼顶新装大型广告牌，未见审批公示"), nil)
			st2, id2, b2 := open311Post(t, n, form("小区门口井盖缺失，夜间有人险些踩空"), nil)
			if st1 != 201 || st2 != 201 || id1 == "" || id2 == "" || id1 == id2 {
				t.Fatalf("two problems from one phone: %d %s / %d %s", st1, b1, st2, b2)
			}
			var devices int
			if err := n.App.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM open311_devices WHERE device_id = ?`, "phone-7f3a").Scan(&devices); err != nil || devices != 2 {
				t.Fatalf("device_id kept for %d events (%v), want 2", devices, err)
			}
			// A retry with the same token: the first request, not a new one.
			tok := form("路灯不亮已有一周，夜间行人看不清路")
			tok.Set("attribute[request_token]", "3f0c9a52-5b8e-4d4e-9d55-1c2b7a1e0001")
			st3, id3, b3 := open311Post(t, n, tok, nil)
			st4, id4, b4 := open311Post(t, n, tok, nil)
			if st3 != 201 || st4 != 200 || id3 == "" || id4 != id3 {
				t.Fatalf("retry with a request token: %d %s / %d %s", st3, b3, st4, b4)
			}
			// The same through the Idempotency-Key header.
			h := map[string]string{"Idempotency-Key": "3f0c9a52-5b8e-4d4e-9d55-1c2b7a1e0002"}
			st5, id5, _ := open311Post(t, n, form("人行道地砖松动，雨天踩上去溅水"), h)
			st6, id6, _ := open311Post(t, n, form("人行道地砖松动，雨天踩上去溅水"), h)
			if st5 != 201 || st6 != 200 || id6 != id5 || id5 == id3 {
				t.Fatalf("retry with Idempotency-Key: %d %s / %d %s", st5, id5, st6, id6)
			}
			// Another account's token of the same text is its own request.
			other := tok
			other.Set("api_key", n.Token(t, "citizen"))
			if st, id, b := open311Post(t, n, other, nil); st != 201 || id == id3 {
				t.Fatalf("another account with the same token: %d %s", st, b)
			}
			var events int
			n.App.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM gov_events WHERE source = 'open311'`).Scan(&events)
			if events != 5 {
				t.Fatalf("%d Open311 events, want 5", events)
			}
			long := form("路灯不亮已有一周，夜间行人看不清路")
			long.Set("attribute[request_token]", strings.Repeat("x", 61))
			if st, _, b := open311Post(t, n, long, nil); st != 400 || !strings.Contains(b, "60") {
				t.Fatalf("a token too long: %d %s", st, b)
			}
		})
	}
}

// TestOpen311LocateByPoint: a request with only a point is filed in the
// county the point lies in (from the cockpit's map geometry); outside
// Guangdong it is refused in the spec's error shape; without a point the
// key's account's scope is the region.
func TestOpen311LocateByPoint(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			citizen := n.Token(t, "citizen")
			at := func(lat, long string) url.Values {
				return url.Values{"api_key": {citizen}, "service_code": {"0104"}, "lat": {lat}, "long": {long},
					"description": {"路边违规设置的大型广告牌，存在倒塌隐患"}}
			}
			for _, c := range []struct {
				name, lat, long, want string
			}{
				{"广州 天河 (体育中心)", "23.1246", "113.3612", "440106"},
				{"深圳 福田 (市民中心)", "22.5431", "114.0579", "440304"},
				{"广州 越秀 (北京路)", "23.1255", "113.2690", "440104"},
				{"东莞 (no county level): the city", "23.0207", "113.7518", "4419"},
			} {
				st, id, b := open311Post(t, n, at(c.lat, c.long), nil)
				if st != 201 {
					t.Fatalf("%s: %d %s", c.name, st, b)
				}
				if got := open311AddressID(t, n, id); got != c.want {
					t.Errorf("%s: region %s, want %s", c.name, got, c.want)
				}
			}
			// 北京 天安门: not ours.
			open311Do(t, n, open311Call{method: "POST", path: "/open311/v2/requests.json", form: at("39.9087", "116.3975"),
				status: 400, check: wantErrors(400, false, "广东")})
			open311Do(t, n, open311Call{method: "POST", path: "/open311/v2/requests.xml", form: at("39.9087", "116.3975"),
				status: 400, root: "errors", check: wantErrors(400, true, "广东")})
			// An address without a point: the grid worker's key reports in
			// the worker's own 石牌街道.
			addr := url.Values{"api_key": {n.Token(t, "grid")}, "service_code": {"0104"}, "address_string": {"石牌东路 88 号"},
				"description": {"楼顶新装大型广告牌，未见审批公示"}}
			st, id, b := open311Post(t, n, addr, nil)
			if st != 201 {
				t.Fatalf("address only, grid key: %d %s", st, b)
			}
			if got := open311AddressID(t, n, id); got != "440106006" {
				t.Errorf("address only: region %s, want the key's scope 440106006", got)
			}
			// The definition no longer requires the region.
			open311Do(t, n, open311Call{method: "GET", path: "/open311/v2/services/0104.json", status: 200, check: func(t *testing.T, b []byte) {
				var d struct {
					Attributes []struct {
						Code     string `json:"code"`
						Required bool   `json:"required"`
					} `json:"attributes"`
				}
				json.Unmarshal(b, &d)
				seen := map[string]bool{}
				for _, a := range d.Attributes {
					seen[a.Code] = true
					if a.Required {
						t.Errorf("attribute %s required", a.Code)
					}
				}
				if !seen["region"] || !seen["request_token"] {
					t.Errorf("attributes: %s", b)
				}
			}})
		})
	}
}
