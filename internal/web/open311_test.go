package web_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
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

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// open311Call is one request to the Open311 face, with what the spec
// wants back.
type open311Call struct {
	name   string
	method string
	path   string
	form   url.Values
	status int
	root   string // XML root element, or "" for JSON
	check  func(t *testing.T, body []byte)
}

func open311Do(t *testing.T, n *apptest.Node, c open311Call) []byte {
	t.Helper()
	var body io.Reader
	if c.form != nil {
		body = strings.NewReader(c.form.Encode())
	}
	req, _ := http.NewRequest(c.method, n.URL+c.path, body)
	if c.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != c.status {
		t.Fatalf("%s %s: status %d, want %d: %s", c.method, c.path, resp.StatusCode, c.status, b)
	}
	ct := resp.Header.Get("Content-Type")
	if c.root != "" {
		if ct != "text/xml; charset=utf-8" || !bytes.HasPrefix(b, []byte(`<?xml version="1.0" encoding="utf-8"?>`)) {
			t.Fatalf("XML answer with type %q and start %.60q", ct, b)
		}
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			tok, err := d.Token()
			if err != nil {
				t.Fatalf("no root element in %s: %v", b, err)
			}
			if se, ok := tok.(xml.StartElement); ok {
				if se.Name.Local != c.root {
					t.Fatalf("XML root %s, want %s", se.Name.Local, c.root)
				}
				break
			}
		}
	} else if ct != "application/json; charset=utf-8" || !json.Valid(b) {
		t.Fatalf("JSON answer with type %q: %s", ct, b)
	}
	if c.check != nil {
		c.check(t, b)
	}
	return b
}

type o311Error struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// wantErrors checks the spec's error body: an array of {code, description}
// (XML: errors/error), each with the HTTP status as its code.
func wantErrors(code int, xmlBody bool, contains string) func(t *testing.T, b []byte) {
	return func(t *testing.T, b []byte) {
		t.Helper()
		var list []o311Error
		if xmlBody {
			var x struct {
				Errors []o311Error `xml:"error"`
			}
			if err := xml.Unmarshal(b, &x); err != nil {
				t.Fatal(err)
			}
			list = x.Errors
		} else if err := json.Unmarshal(b, &list); err != nil {
			t.Fatalf("error body is not an array of {code, description}: %s", b)
		}
		if len(list) == 0 {
			t.Fatalf("no errors in %s", b)
		}
		found := false
		for _, e := range list {
			if e.Code != code || e.Description == "" {
				t.Errorf("error %+v, want code %d with a description", e, code)
			}
			found = found || strings.Contains(e.Description, contains)
		}
		if !found {
			t.Errorf("no error mentions %q: %s", contains, b)
		}
	}
}

type o311Request struct {
	ID          string   `json:"service_request_id" xml:"service_request_id"`
	Status      string   `json:"status" xml:"status"`
	StatusNotes string   `json:"status_notes" xml:"status_notes"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Agency      string   `json:"agency_responsible" xml:"agency_responsible"`
	Notice      string   `json:"service_notice" xml:"service_notice"`
	Requested   string   `json:"requested_datetime" xml:"requested_datetime"`
	Updated     string   `json:"updated_datetime" xml:"updated_datetime"`
	Expected    string   `json:"expected_datetime" xml:"expected_datetime"`
	Lat         *float64 `json:"lat" xml:"lat"`
	Token       string   `json:"token" xml:"token"`
	Phone       string   `json:"phone" xml:"phone"`
	Media       string   `json:"media_url" xml:"media_url"`
}

func requestsOf(t *testing.T, b []byte, xmlBody bool) []o311Request {
	t.Helper()
	var list []o311Request
	if xmlBody {
		var x struct {
			Requests []o311Request `xml:"request"`
		}
		if err := xml.Unmarshal(b, &x); err != nil {
			t.Fatal(err)
		}
		return x.Requests
	}
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatalf("not an array of requests: %s", b)
	}
	return list
}

func TestOpen311Conformance(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { open311Conformance(t, apptest.Start(t, e)) })
	}
}

func open311Conformance(t *testing.T, n *apptest.Node) {
	key := n.Token(t, "grid") // a grid worker's system key: event.report over 石牌街道
	good := func() url.Values {
		return url.Values{"api_key": {key}, "service_code": {"0104"}, "lat": {"23.1335"}, "long": {"113.3301"},
			"address_string": {"石牌东路 88 号"}, "attribute[region]": {"440106006002"}, "first_name": {"小明"}, "last_name": {"王"},
			"phone": {"13812345678"}, "description": {"楼顶新装大型广告牌，未见审批公示"}}
	}
	var created []string
	for _, f := range []string{"json", "xml"} {
		x := f == "xml"
		root := func(r string) string {
			if x {
				return r
			}
			return ""
		}
		calls := []open311Call{
			{name: "services", method: "GET", path: "/open311/v2/services." + f, status: 200, root: root("services"), check: func(t *testing.T, b []byte) {
				if !bytes.Contains(b, []byte("0101")) || !bytes.Contains(b, []byte("暴露垃圾")) || bytes.Contains(b, []byte("0701")) {
					t.Errorf("services list: %s", b)
				}
			}},
			{name: "service definition", method: "GET", path: "/open311/v2/services/0104." + f, status: 200, root: root("service_definition"), check: func(t *testing.T, b []byte) {
				if !bytes.Contains(b, []byte(`region`)) || !bytes.Contains(b, []byte(`singlevaluelist`)) {
					t.Errorf("definition: %s", b)
				}
			}},
			{name: "unknown service definition", method: "GET", path: "/open311/v2/services/9999." + f, status: 404, root: root("errors"), check: wantErrors(404, x, "9999")},
			{name: "a private service is not listed", method: "GET", path: "/open311/v2/services/0701." + f, status: 404, root: root("errors"), check: wantErrors(404, x, "0701")},
			{name: "create", method: "POST", path: "/open311/v2/requests." + f, form: good(), status: 201, root: root("service_requests"), check: func(t *testing.T, b []byte) {
				list := requestsOf(t, b, x)
				if len(list) != 1 || list[0].ID == "" || list[0].Token != "" || !strings.Contains(list[0].Notice, "SJ") {
					t.Fatalf("created: %s", b)
				}
				created = append(created, list[0].ID)
			}},
			{name: "no api_key", method: "POST", path: "/open311/v2/requests." + f, form: func() url.Values { v := good(); v.Del("api_key"); return v }(),
				status: 403, root: root("errors"), check: wantErrors(403, x, "api_key")},
			{name: "wrong api_key", method: "POST", path: "/open311/v2/requests." + f, form: func() url.Values { v := good(); v.Set("api_key", "nope"); return v }(),
				status: 403, root: root("errors"), check: wantErrors(403, x, "api_key")},
			{name: "no service_code", method: "POST", path: "/open311/v2/requests." + f, form: func() url.Values { v := good(); v.Del("service_code"); return v }(),
				status: 400, root: root("errors"), check: wantErrors(400, x, "service_code")},
			{name: "unknown service_code", method: "POST", path: "/open311/v2/requests." + f, form: func() url.Values { v := good(); v.Set("service_code", "0999"); return v }(),
				status: 404, root: root("errors"), check: wantErrors(404, x, "0999")},
			{name: "no location", method: "POST", path: "/open311/v2/requests." + f, form: func() url.Values {
				v := good()
				v.Del("lat")
				v.Del("long")
				v.Del("address_string")
				return v
			}(), status: 400, root: root("errors"), check: wantErrors(400, x, "lat")},
			{name: "latitude not a number", method: "POST", path: "/open311/v2/requests." + f, form: func() url.Values { v := good(); v.Set("lat", "north"); return v }(),
				status: 400, root: root("errors"), check: wantErrors(400, x, "lat")},
			{name: "invalid fields, every one reported", method: "POST", path: "/open311/v2/requests." + f, form: func() url.Values {
				v := good()
				v.Set("description", "短")
				v.Set("attribute[region]", "123")
				v.Set("lat", "99")
				return v
			}(), status: 400, root: root("errors"), check: func(t *testing.T, b []byte) {
				wantErrors(400, x, "description")(t, b)
				wantErrors(400, x, "attribute[region]")(t, b)
				wantErrors(400, x, "lat")(t, b)
			}},
			{name: "list", method: "GET", path: "/open311/v2/requests." + f, status: 200, root: root("service_requests"), check: func(t *testing.T, b []byte) {
				list := requestsOf(t, b, x)
				if len(list) < 2 {
					t.Fatalf("list: %s", b)
				}
				for _, r := range list {
					if r.Status != "open" && r.Status != "closed" || r.Requested == "" || r.Phone != "" {
						t.Errorf("request %+v", r)
					}
					if _, err := time.Parse(time.RFC3339, r.Requested); err != nil {
						t.Errorf("requested_datetime %q: %v", r.Requested, err)
					}
				}
				if bytes.Contains(b, []byte("13812345678")) || bytes.Contains(b, []byte("5678")) || bytes.Contains(b, []byte("王小明")) {
					t.Errorf("personal data on the public list: %s", b)
				}
			}},
			{name: "list by service_code and status", method: "GET", path: "/open311/v2/requests." + f + "?service_code=0104&status=open", status: 200, root: root("service_requests"), check: func(t *testing.T, b []byte) {
				for _, r := range requestsOf(t, b, x) {
					if r.ServiceCode != "0104" || r.Status != "open" {
						t.Errorf("filtered list has %+v", r)
					}
				}
			}},
			{name: "closed only", method: "GET", path: "/open311/v2/requests." + f + "?status=closed", status: 200, root: root("service_requests"), check: func(t *testing.T, b []byte) {
				if list := requestsOf(t, b, x); len(list) != 0 {
					t.Errorf("closed requests: %d", len(list))
				}
			}},
			{name: "bad status", method: "GET", path: "/open311/v2/requests." + f + "?status=pending", status: 400, root: root("errors"), check: wantErrors(400, x, "status")},
			{name: "bad date", method: "GET", path: "/open311/v2/requests." + f + "?start_date=yesterday", status: 400, root: root("errors"), check: wantErrors(400, x, "W3C")},
			{name: "span over 90 days", method: "GET", path: "/open311/v2/requests." + f + "?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", status: 400, root: root("errors"), check: wantErrors(400, x, "90")},
			{name: "a window in the past is empty", method: "GET", path: "/open311/v2/requests." + f + "?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z", status: 200, root: root("service_requests"), check: func(t *testing.T, b []byte) {
				if list := requestsOf(t, b, x); len(list) != 0 {
					t.Errorf("2020: %d requests", len(list))
				}
			}},
			{name: "page and page_size", method: "GET", path: "/open311/v2/requests." + f + "?page_size=1&page=2", status: 200, root: root("service_requests"), check: func(t *testing.T, b []byte) {
				if list := requestsOf(t, b, x); len(list) != 1 {
					t.Errorf("page 2 of size 1: %d requests", len(list))
				}
			}},
			{name: "page beyond any offset", method: "GET", path: "/open311/v2/requests." + f + "?page=9223372036854775807", status: 400, root: root("errors"), check: wantErrors(400, x, "page")},
			{name: "page_size too large", method: "GET", path: "/open311/v2/requests." + f + "?page_size=5000", status: 400, root: root("errors"), check: wantErrors(400, x, "page_size")},
			{name: "updated_after in the future", method: "GET", path: "/open311/v2/requests." + f + "?updated_after=" + url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339)), status: 200, root: root("service_requests"), check: func(t *testing.T, b []byte) {
				if list := requestsOf(t, b, x); len(list) != 0 {
					t.Errorf("updated in the future: %d", len(list))
				}
			}},
			{name: "unknown request", method: "GET", path: "/open311/v2/requests/0190f0c4-0000-7000-8000-000000000000." + f, status: 404, root: root("errors"), check: wantErrors(404, x, "0190f0c4")},
			{name: "unknown token", method: "GET", path: "/open311/v2/tokens/nothing." + f, status: 404, root: root("errors"), check: wantErrors(404, x, "nothing")},
			{name: "unknown method", method: "GET", path: "/open311/v2/widgets." + f, status: 404, root: root("errors"), check: wantErrors(404, x, "Open311")},
		}
		for _, c := range calls {
			t.Run(f+"/"+c.name, func(t *testing.T) { open311Do(t, n, c) })
		}
	}
	if len(created) != 2 {
		t.Fatalf("created %d requests", len(created))
	}
	for _, f := range []string{"json", "xml"} {
		x := f == "xml"
		root := "service_requests"
		if !x {
			root = ""
		}
		t.Run(f+"/one request, a token, and a list by ID", func(t *testing.T) {
			b := open311Do(t, n, open311Call{method: "GET", path: "/open311/v2/requests/" + created[0] + "." + f, status: 200, root: root})
			list := requestsOf(t, b, x)
			if len(list) != 1 || list[0].ID != created[0] || list[0].Status != "open" || list[0].StatusNotes == "" || list[0].ServiceName != "违规户外广告" || list[0].Lat == nil {
				t.Fatalf("request: %s", b)
			}
			b = open311Do(t, n, open311Call{method: "GET", path: "/open311/v2/tokens/" + created[1] + "." + f, status: 200, root: root})
			if list := requestsOf(t, b, x); len(list) != 1 || list[0].ID != created[1] || list[0].Token != created[1] {
				t.Fatalf("token: %s", b)
			}
			b = open311Do(t, n, open311Call{method: "GET", path: "/open311/v2/requests." + f + "?service_request_id=" + created[0] + "," + created[1] + "&status=closed", status: 200, root: root})
			if list := requestsOf(t, b, x); len(list) != 2 {
				t.Fatalf("by ID (which overrides status): %s", b)
			}
		})
	}
	t.Run("no format", func(t *testing.T) {
		open311Do(t, n, open311Call{method: "GET", path: "/open311/v2/services", status: 400, root: "errors", check: wantErrors(400, true, ".json")})
	})
	t.Run("errors in English", func(t *testing.T) {
		req, _ := http.NewRequest("GET", n.URL+"/open311/v2/services/9999.json", nil)
		req.Header.Set("Accept-Language", "en")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		wantErrors(404, false, "No service with code 9999")(t, b)
	})
	t.Run("a photo as multipart media", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range good() {
			mw.WriteField(k, v[0])
		}
		fw, _ := mw.CreateFormFile("media", "photo.png")
		img := image.NewRGBA(image.Rect(0, 0, 4, 4))
		img.Set(1, 1, color.RGBA{R: 200, A: 255})
		png.Encode(fw, img)
		fw, _ = mw.CreateFormFile("media", "notes.txt")
		_ = fw
		mw.Close()
		req, _ := http.NewRequest("POST", n.URL+"/open311/v2/requests.json", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Fatalf("an empty text file as media: %d %s", resp.StatusCode, b)
		}
		wantErrors(400, false, "media")(t, b)
	})
}
