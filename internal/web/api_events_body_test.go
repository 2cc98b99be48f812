package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// bodyTestAPI registers the report body twice on one API: /huma as a
// plain Body (Huma validates and decodes), /fast as report-event does;
// both answer with the body they decoded.
func bodyTestAPI(t testing.TB) http.Handler {
	t.Helper()
	mux := http.NewServeMux()
	api := humago.New(mux, huma.DefaultConfig("body test", "1"))
	type humaInput struct{ Body govEventReportRequest }
	type echo struct{ Body govEventReportRequest }
	huma.Register(api, huma.Operation{OperationID: "huma", Method: http.MethodPost, Path: "/huma"},
		func(_ context.Context, in *humaInput) (*echo, error) { return &echo{in.Body}, nil })
	huma.Register(api, eventReportOperation(api, huma.Operation{OperationID: "fast", Method: http.MethodPost, Path: "/fast"}),
		func(_ context.Context, in *govEventReportInput) (*echo, error) { return &echo{in.body}, nil })
	fixEventReportDoc(api, "/fast")
	return mux
}

// answer posts body to path and returns the status, content type and
// body of the answer.
func answer(h http.Handler, path, contentType string, body []byte) (int, string, string) {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	if contentType != "-" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Header().Get("Content-Type"), sortedErrors(w.Body.String())
}

// sortedErrors puts a problem's errors in a fixed order: Huma lists the
// unexpected properties of an object in map order, which varies from run
// to run, and then even their locations vary (its path buffer keeps the
// name of the property before: body.a.b for b). Those locations are
// dropped.
func sortedErrors(body string) string {
	var p map[string]any
	if json.Unmarshal([]byte(body), &p) != nil {
		return body
	}
	list, ok := p["errors"].([]any)
	if !ok {
		return body
	}
	for _, e := range list {
		if m, ok := e.(map[string]any); ok && m["message"] == "unexpected property" {
			delete(m, "location")
		}
	}
	sort.Slice(list, func(i, j int) bool { return fmt.Sprint(list[i]) < fmt.Sprint(list[j]) })
	b, _ := json.Marshal(p)
	return string(b)
}

var reportBodies = []string{
	`{"source":"hotline","category":"0401","description":"来电反映：夜间噪声、路灯或交通设施问题，请尽快处理","region":"440106006002","address":"天河区石牌街道","lat":23.123456,"long":113.254321,"reporter_name":"王先生","phone":"13900001111","urgency":"normal"}`,
	` { "category" : "0101" , "description":"路面破损","region":"440104", "on_spot": true, "on_spot_note": "已处理" } `,
	`{"category":"0101","description":"x","region":"44","lat":-0,"long":-0.5,"on_spot":false,"external_id":"","address":""}`,
	`{"category":"0101","description":"x","region":"44","lat":0.1000000000000000055511151231257827,"long":123456789012345678901234567890}`,
	`{}`, `{"category":"0101"}`, `{"category":"0101","description":"x"}`,
	`{"category":"01011","description":"x","region":"44"}`,
	`{"category":"0101","description":"x","region":"4401060060021"}`,
	`{"category":"0101","description":"` + strings.Repeat("长", 4000) + `","region":"44"}`,
	`{"category":"0101","description":"` + strings.Repeat("长", 4001) + `","region":"44"}`,
	`{"category":"0101","description":"x","region":"44","source":"portal"}`,
	`{"category":"0101","description":"x","region":"44","source":"Hotline"}`,
	`{"category":"0101","description":"x","region":"44","urgency":"high"}`,
	`{"category":"0101","description":"x","region":"44","Category":"0102"}`,
	`{"category":"0101","description":"x","region":"44","category":"0102"}`,
	`{"category":"0101","description":"x","region":"44","unknown":1}`,
	`{"category":"0101","description":"x","region":"44","$schema":"https://example.com/x.json"}`,
	`{"category":"0101","description":"x","region":"44","lat":"23.1"}`,
	`{"category":"0101","description":"x","region":"44","lat":null}`,
	`{"category":"0101","description":"x","region":"44","lat":1e5}`,
	`{"category":"0101","description":"x","region":"44","lat":01}`,
	`{"category":"0101","description":"x","region":"44","lat":1.}`,
	`{"category":"0101","description":"x","region":"44","lat":1e400}`,
	`{"category":"0101","description":"x","region":"44","on_spot":"true"}`,
	`{"category":"0101","description":"x","region":"44","on_spot":tru}`,
	`{"category":"0101","description":"\u4e2d\n文","region":"44"}`,
	"{\"category\":\"0101\",\"description\":\"raw\ttab\",\"region\":\"44\"}",
	"{\"category\":\"0101\",\"description\":\"bad \xff utf-8\",\"region\":\"44\"}",
	`{"category":"0101","description":"x","region":"44","photos":[]}`,
	`{"category":"0101","description":"x","region":"44","photos":null}`,
	`{"category":"0101","description":"x","region":"44","photos":[{"sha256":"` + strings.Repeat("a", 64) + `","receipt":"r"}]}`,
	`{"category":"0101","description":"x","region":"44","photos":[{"sha256":"nothex","receipt":"r"}]}`,
	`{"category":"0101","description":"x","region":"44","address":{"street":"x"}}`,
	`{"category":101,"description":"x","region":"44"}`,
	`{"category":"0101","description":"x","region":"44"} trailing`,
	`{"category":"0101","description":"x","region":"44"}{}`,
	`{"category":"0101","description":"x","region":"44",}`,
	`{"category":"0101" "description":"x","region":"44"}`,
	`[]`, `null`, `"x"`, ``, `{`, `{"category":"0101","description":"x","region":"44"`,
}

// TestEventReportBodyLikeHuma: for each body and content type, the fast
// decoding answers exactly as Huma's own validation and decoding do:
// status, content type and the whole problem (or the decoded body).
func TestEventReportBodyLikeHuma(t *testing.T) {
	h := bodyTestAPI(t)
	for _, ct := range []string{"application/json", "-", "application/json; charset=utf-8", "text/plain", "application/merge-patch+json"} {
		for _, body := range reportBodies {
			hs, hct, hb := answer(h, "/huma", ct, []byte(body))
			fs, fct, fb := answer(h, "/fast", ct, []byte(body))
			if hs != fs || hct != fct || hb != fb {
				t.Errorf("%s %.80q:\nhuma %d %s %s\nfast %d %s %s", ct, body, hs, hct, hb, fs, fct, fb)
			}
		}
	}
	// The usual body is what the fast path reads itself.
	var out govEventReportRequest
	if !parseEventReportFast([]byte(reportBodies[0]), &out) || out.Lat == nil || *out.Lat != 23.123456 || out.Reporter != "王先生" {
		t.Errorf("the usual body was not read by the fast path: %+v", out)
	}
}

// FuzzEventReportBody: whatever the fast path accepts, encoding/json
// decodes the same way and Huma's validation accepts; and the operation
// answers any body as Huma would.
func FuzzEventReportBody(f *testing.F) {
	for _, b := range reportBodies {
		f.Add([]byte(b))
	}
	h := bodyTestAPI(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast govEventReportRequest
		if parseEventReportFast(body, &fast) {
			var std govEventReportRequest
			if err := json.Unmarshal(body, &std); err != nil || !reflect.DeepEqual(fast, std) {
				t.Fatalf("fast path read %q as %+v; encoding/json: %+v, %v", body, fast, std, err)
			}
		}
		hs, _, hb := answer(h, "/huma", "application/json", body)
		fs, _, fb := answer(h, "/fast", "application/json", body)
		if hs != fs || hb != fb {
			t.Fatalf("%q:\nhuma %d %s\nfast %d %s", body, hs, hb, fs, fb)
		}
	})
}
