package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// problem is an RFC 9457 problem document.
type problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

func TestAPIScenarios(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			token := n.Token(t, "officer")
			tests := []struct {
				name       string
				path       string
				token      string
				lang       string
				wantStatus int
				wantType   string
				check      func(t *testing.T, body string)
			}{
				{"region needs a token", "/api/v1/regions/440106", "", "", 401, "application/problem+json", func(t *testing.T, b string) {
					wantProblem(t, b, 401, "请先登录。")
				}},
				{"bad token", "/api/v1/regions/440106", "dg_nope", "", 401, "application/problem+json", func(t *testing.T, b string) {
					wantProblem(t, b, 401, "接口令牌无效或已过期。")
				}},
				{"region by code", "/api/v1/regions/440106", token, "", 200, "application/json", func(t *testing.T, b string) {
					var r struct{ Code, Name, FullName, Level, Parent string }
					mustJSON(t, b, &r)
					if r.Name != "天河区" || r.Level != "county" || r.Parent != "4401" || !strings.Contains(b, `"full_name":"广东省广州市天河区"`) {
						t.Errorf("region 440106 = %s", b)
					}
				}},
				{"zero-padded code", "/api/v1/regions/440100", token, "", 200, "application/json", func(t *testing.T, b string) {
					if !strings.Contains(b, `"code":"4401"`) || !strings.Contains(b, `"name":"广州市"`) {
						t.Errorf("440100 should resolve to 广州市 4401: %s", b)
					}
				}},
				{"unknown region", "/api/v1/regions/999999", token, "", 404, "application/problem+json", func(t *testing.T, b string) {
					wantProblem(t, b, 404, "找不到该行政区划代码。")
				}},
				{"unknown region in English", "/api/v1/regions/999999", token, "en-US,en;q=0.9", 404, "application/problem+json", func(t *testing.T, b string) {
					wantProblem(t, b, 404, "No region has this code.")
				}},
				{"malformed region", "/api/v1/regions/abc", token, "", 404, "application/problem+json", func(t *testing.T, b string) {
					wantProblem(t, b, 404, "找不到该行政区划代码。")
				}},
				{"children skip the pseudo-county", "/api/v1/regions/4419/children", token, "", 200, "application/json", func(t *testing.T, b string) {
					var r struct {
						Items []struct{ Code, Level string }
					}
					mustJSON(t, b, &r)
					if len(r.Items) < 30 || r.Items[0].Level != "town" {
						t.Errorf("东莞's children should be its towns, got %d items: %.200s", len(r.Items), b)
					}
				}},
				{"search by name", "/api/v1/regions?q=" + url.QueryEscape("天河"), token, "", 200, "application/json", func(t *testing.T, b string) {
					if !strings.Contains(b, `"code":"440106"`) {
						t.Errorf("search 天河 misses 440106: %.300s", b)
					}
				}},
				{"empty search lists provinces", "/api/v1/regions", token, "", 200, "application/json", func(t *testing.T, b string) {
					var r struct{ Items []struct{ Code string } }
					mustJSON(t, b, &r)
					if len(r.Items) != 31 {
						t.Errorf("provinces: got %d, want 31", len(r.Items))
					}
				}},
				{"who am I", "/api/v1/me", token, "", 200, "application/json", func(t *testing.T, b string) {
					if !strings.Contains(b, `"role":"case_officer"`) || !strings.Contains(b, `"face":"workbench"`) {
						t.Errorf("me: %s", b)
					}
				}},
				{"unknown API path", "/api/v1/nothing", token, "", 404, "application/problem+json", nil},
				{"openapi document", "/api/openapi.json", "", "", 200, "application/", func(t *testing.T, b string) {
					var doc struct {
						OpenAPI string         `json:"openapi"`
						Paths   map[string]any `json:"paths"`
					}
					mustJSON(t, b, &doc)
					if !strings.HasPrefix(doc.OpenAPI, "3.1") {
						t.Errorf("openapi version %q", doc.OpenAPI)
					}
					for _, p := range []string{"/api/v1/regions/{code}", "/api/v1/regions/{code}/children", "/api/v1/regions", "/api/v1/me"} {
						if doc.Paths[p] == nil {
							t.Errorf("openapi lacks %s", p)
						}
					}
				}},
				{"healthz", "/healthz", "", "", 200, "text/plain", nil},
				{"readyz", "/readyz", "", "", 200, "application/json", func(t *testing.T, b string) {
					if !strings.Contains(b, `"ready"`) {
						t.Errorf("readyz: %s", b)
					}
				}},
			}
			c := n.Client(t)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					h := []string{}
					if tt.token != "" {
						h = append(h, "Authorization", "Bearer "+tt.token)
					}
					if tt.lang != "" {
						h = append(h, "Accept-Language", tt.lang)
					}
					r := c.Get(tt.path, h...)
					if r.StatusCode != tt.wantStatus {
						t.Fatalf("status %d, want %d: %.300s", r.StatusCode, tt.wantStatus, r.Body)
					}
					if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
						t.Errorf("content type %q, want %q", ct, tt.wantType)
					}
					if tt.check != nil {
						tt.check(t, r.Body)
					}
				})
			}
			// Requests are counted by route pattern.
			m := c.Get("/metrics")
			if !strings.Contains(m.Body, `digigov_http_requests_total{code="200",method="GET",route="GET /api/v1/regions/{code}"}`) ||
				!strings.Contains(m.Body, "go_sql_open_connections") {
				t.Errorf("metrics lack the route counter or pool stats")
			}
		})
	}
}

func wantProblem(t *testing.T, body string, status int, detail string) {
	t.Helper()
	var p problem
	mustJSON(t, body, &p)
	if p.Status != status || p.Detail != detail {
		t.Errorf("problem = %+v, want status %d detail %q", p, status, detail)
	}
}

func mustJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("not JSON: %v: %.200s", err, body)
	}
}

// TestFacesByRole: each role lands on its face and cannot open the others.
func TestFacesByRole(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	tests := []struct {
		user      string
		landing   string
		forbidden []string
	}{
		{"citizen", "/portal", []string{"/workbench", "/cockpit", "/workbench/persons", "/workbench/audit"}},
		{"enterprise", "/portal", []string{"/workbench", "/cockpit"}},
		{"officer", "/workbench", []string{"/cockpit", "/workbench/audit"}},
		{"counter", "/workbench", []string{"/cockpit", "/workbench/audit"}},
		{"grid", "/workbench", []string{"/cockpit", "/workbench/persons"}},
		{"leader", "/cockpit", []string{"/workbench/persons"}},
		{"duty", "/workbench", []string{"/workbench/persons"}},
		{"admin", "/workbench", []string{"/cockpit"}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c := n.Client(t)
			c.Get("/login")
			r := c.Post("/login", url.Values{"username": {tt.user}, "password": {app.DemoPassword}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != tt.landing {
				t.Fatalf("login: %d → %q, want 303 → %q", r.StatusCode, r.Header.Get("Location"), tt.landing)
			}
			if p := c.Get(tt.landing); p.StatusCode != 200 {
				t.Errorf("%s: status %d", tt.landing, p.StatusCode)
			}
			for _, path := range tt.forbidden {
				if p := c.Get(path); p.StatusCode != http.StatusForbidden {
					t.Errorf("%s as %s: status %d, want 403", path, tt.user, p.StatusCode)
				}
			}
		})
	}
	t.Run("anonymous is sent to sign in", func(t *testing.T) {
		r := n.Client(t).Get("/workbench")
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=/workbench" {
			t.Errorf("got %d → %q", r.StatusCode, r.Header.Get("Location"))
		}
	})
}

func TestLogin(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	failure := func(c *apptest.Client, user, pw string) string {
		t.Helper()
		c.Get("/login")
		r := c.Post("/login", url.Values{"username": {user}, "password": {pw}})
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("login %s/%s: status %d, want 401", user, pw, r.StatusCode)
		}
		return strings.TrimSpace(r.Doc.Find("#login-error").Text())
	}
	c := n.Client(t)
	unknown := failure(c, "nobody", "whatever1")
	wrong := failure(c, "citizen", "wrongpass1")
	if unknown != wrong || !strings.Contains(unknown, "用户名或密码错误") {
		t.Errorf("unknown user said %q, wrong password said %q: must be the same sentence", unknown, wrong)
	}
	if v, _ := c.Get("/login").Doc.Find("#username").Attr("value"); v != "" {
		t.Errorf("fresh login form prefilled %q", v)
	}

	t.Run("locks after five failures", func(t *testing.T) {
		c := n.Client(t)
		for i := 0; i < 5; i++ {
			failure(c, "elder", "wrongpass1")
		}
		failure(c, "elder", app.DemoPassword) // locked: the right password fails too
	})
	t.Run("form without CSRF token is refused", func(t *testing.T) {
		c := n.Client(t)
		r := c.Post("/login", url.Values{"username": {"citizen"}, "password": {app.DemoPassword}, "csrf": {"forged"}})
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "页面已过期") {
			t.Errorf("forged CSRF: status %d", r.StatusCode)
		}
	})
	t.Run("body over the limit is 413", func(t *testing.T) {
		c := n.Client(t)
		r := c.Post("/login", url.Values{"username": {strings.Repeat("x", 2<<20)}})
		if r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("huge body: status %d, want 413", r.StatusCode)
		}
	})
	t.Run("sign out ends the session", func(t *testing.T) {
		c := n.Client(t)
		c.Login("officer", app.DemoPassword)
		if r := c.Post("/logout", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.StatusCode)
		}
		if r := c.Get("/workbench"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("after sign-out /workbench: %d, want redirect to sign in", r.StatusCode)
		}
	})
}

func TestRegistration(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	c := n.Client(t)
	c.Get("/register")
	form := func(kv ...string) url.Values {
		v := url.Values{"kind": {"person"}, "name": {"王小明"}, "id_number": {"440106199001011235"},
			"phone": {"13800138001"}, "username": {"wxm"}, "password": {"abc12345"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	tests := []struct {
		name, field, value, want string
	}{
		{"short ID", "id_number", "4401061990", "公民身份号码应为 18 位。"},
		{"bad birth date", "id_number", "440106199002301234", "公民身份号码中的出生日期不正确。"},
		{"bad check digit", "id_number", "440106199001011236", "公民身份号码校验位不正确，请核对每一位。"},
		{"bad phone", "phone", "1380013800", "请填写 11 位中国大陆手机号码。"},
		{"weak password", "password", "abcdefgh", "密码须同时包含字母和数字。"},
		{"markup in a field is escaped", "name", "<b>x</b>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := form(tt.field, tt.value)
			if tt.want == "" {
				f.Set("id_number", "1") // keep the form invalid so it comes back
			}
			r := c.Post("/register", f)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.StatusCode)
			}
			if tt.want != "" {
				if got := strings.TrimSpace(r.Doc.Find("#e-" + tt.field).Text()); got != tt.want {
					t.Errorf("error under %s = %q, want %q", tt.field, got, tt.want)
				}
				if v, _ := r.Doc.Find("#f-" + tt.field).Attr("aria-invalid"); v != "true" {
					t.Errorf("%s not marked invalid", tt.field)
				}
			} else {
				if v, _ := r.Doc.Find("#f-name").Attr("value"); v != "<b>x</b>" {
					t.Errorf("name refilled as %q", v)
				}
				if r.Doc.Find("form b").Length() != 0 || !strings.Contains(r.Body, "&lt;b&gt;x&lt;/b&gt;") {
					t.Errorf("markup from a field was not escaped")
				}
			}
			if v, _ := r.Doc.Find("#f-password").Attr("value"); v != "" {
				t.Errorf("password refilled")
			}
		})
	}
	// The correct ID number of the same person: 440106199001011235 has a
	// valid check digit.
	r := c.Post("/register", form())
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid registration: status %d: %s", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	r = c.Post("/register", form("username", "wxm2"))
	if got := strings.TrimSpace(r.Doc.Find("#e-id_number").Text()); got != "该公民身份号码已注册账户，请直接登录。" {
		t.Errorf("second account for the same ID number: error %q", got)
	}
	t.Run("enterprise with a bad USCC", func(t *testing.T) {
		f := url.Values{"kind": {"enterprise"}, "enterprise_name": {"广州测试有限公司"}, "uscc": {"91440106MA5D0K7X00"},
			"agent_name": {"陈一"}, "agent_id_number": {"440106199001011235"}, "phone": {"13800138002"},
			"username": {"gzcs"}, "password": {"abc12345"}}
		r := c.Post("/register", f)
		if got := strings.TrimSpace(r.Doc.Find("#e-uscc").Text()); !strings.HasPrefix(got, "统一社会信用代码") {
			t.Errorf("USCC error %q", got)
		}
	})
}

// TestPreferencesFollowThePerson: a choice made before signing in is kept
// on the account, and comes back on another device.
func TestPreferencesFollowThePerson(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	c := n.Client(t)
	c.Get("/login?next=/workbench")
	if r := c.Post("/prefs", url.Values{"elderly": {"1"}, "next": {"/login?next=/workbench"}}); r.Header.Get("Location") != "/login?next=/workbench" {
		t.Errorf("toggle went back to %q, want the page with its query", r.Header.Get("Location"))
	}
	if r := c.Get("/login"); !r.Doc.Find("html").HasClass("elderly") {
		t.Fatalf("elderly mode not on after the toggle")
	}
	c.Login("officer", app.DemoPassword)
	other := n.Client(t) // another device: no cookies
	other.Login("officer", app.DemoPassword)
	if r := other.Get("/workbench"); !r.Doc.Find("html").HasClass("elderly") {
		t.Errorf("elderly mode chosen before signing in was not kept on the account")
	}
	other.Post("/prefs", url.Values{"lang": {"en"}, "next": {"/workbench"}})
	r := other.Get("/workbench")
	if lang, _ := r.Doc.Find("html").Attr("lang"); lang != "en" || !strings.Contains(r.Doc.Find("h1").Text(), "Staff workbench") {
		t.Errorf("after choosing English: lang %q, heading %q", lang, r.Doc.Find("h1").Text())
	}
}
