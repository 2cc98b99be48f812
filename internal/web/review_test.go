package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestMalformedFormBodies: a body that is not a form never gives a 500:
// a broken URL-encoded body loses only its broken pairs, and a broken
// multipart body answers 400.
func TestMalformedFormBodies(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	c := n.Client(t)
	c.Login("counter", app.DemoPassword)
	csrf, _ := c.Get("/workbench").Doc.Find(`input[name="csrf"]`).First().Attr("value")
	post := func(path, ctype, body string) int {
		req, _ := http.NewRequest(http.MethodPost, n.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("X-CSRF-Token", csrf)
		return c.Do(req).StatusCode
	}
	for _, path := range []string{"/prefs", "/workbench/persons", "/appointments", "/cases/x/act", "/login"} {
		if code := post(path, "application/x-www-form-urlencoded", "a=%%%&b=1"); code >= 500 {
			t.Errorf("%s with a broken URL-encoded body: %d", path, code)
		}
		if code := post(path, "multipart/form-data; boundary=xyz", "--abc\r\nbroken"); code != http.StatusBadRequest {
			t.Errorf("%s with a broken multipart body: %d, want 400", path, code)
		}
	}
	if strings.Contains(n.Log.String(), `"level":"ERROR"`) {
		t.Errorf("a malformed body was logged as a server error")
	}
}

// TestAuditPageShowsRegions: the audit log page renders entries that carry
// a region (the region's name), for an administrator of the province.
func TestAuditPageShowsRegions(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	if err := n.App.Audit.Record(context.Background(), audit.System("test"), "user.created",
		audit.Target{Type: "user", ID: "u1", Region: "440106"}, nil); err != nil {
		t.Fatal(err)
	}
	c := n.Client(t)
	c.Login("admin", app.DemoPassword)
	r := c.Get("/workbench/audit?verify=1")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Doc.Find("#audit-entries").Text(), "广东省广州市天河区") {
		t.Fatalf("audit page: %d", r.StatusCode)
	}
	if r.Doc.Find("#verify-result.ok").Length() != 1 {
		t.Errorf("the chain is not reported whole")
	}
}

// TestAPIStepRecordsNoExtraRead: an officer's step through the API is
// audited as that step, not also as a read of the applicant's data.
func TestAPIStepRecordsNoExtraRead(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	idn := idNumberOf(t, n, "citizen").Clear()
	cs, err := n.App.Cases.Apply(ctx, n.Caller(t, "citizen"), casesApplication("HRSS-0011", idn))
	if err != nil {
		t.Fatal(err)
	}
	token := n.Token(t, "officer")
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/api/v1/cases/"+string(cs.ID)+"/actions",
		strings.NewReader(`{"action":"accept","version":`+strconv.Itoa(cs.Version)+`}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if r := n.Client(t).Do(req); r.StatusCode != http.StatusOK {
		t.Fatalf("accept through the API: %d %s", r.StatusCode, r.Body)
	}
	reads, err := n.App.Audit.Entries(ctx, audit.Filter{Action: "case.read", Limit: 10})
	if err != nil || len(reads) != 0 {
		t.Errorf("the step also recorded %d reads (%v)", len(reads), err)
	}
}

func casesApplication(item, idn string) cases.Application {
	return cases.Application{ItemCode: item, DecideIn: "440106", Form: map[string]string{
		"applicant_name": "张明", "id_number": idn, "period_start": "2025-01-01", "period_end": "2025-12-31"}}
}
