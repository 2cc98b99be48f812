package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/store/storetest"
)

// A public alert is refused (422, the field named in Chinese on the page
// and in the API's errors) when its text carries an ID number or a
// personal mobile number; an agency landline and 12345 are fine. What is
// published names the issuing body (the officer's organisation) as CAP
// senderName and on the page's byline, never the officer, whose name stays
// in the audit log.
func TestPublicAlertPersonalData(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			duty := signedIn(t, n, "duty")
			r := duty.Post("/workbench/emergency", url.Values{"title": {"天河路内涝"}, "type": {"natural_disaster"}, "grade": {"3"},
				"region": {"440106"}, "address": {"天河路"}, "summary": {"暴雨导致多处内涝"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("declare: %d", r.StatusCode)
			}
			board := r.Header.Get("Location")
			version := func() string {
				v, _ := duty.Get(board).Doc.Find(`#command input[name="version"]`).First().Attr("value")
				return v
			}

			// The page: each field with a number is marked, in Chinese; the
			// text typed stays in the form to correct; nothing is published.
			r = duty.Post(board+"/alert", url.Values{"version": {version()}, "headline": {"天河区暴雨内涝预警"},
				"description": {"如需帮助请联系李四 139 1234 5678"}, "instruction": {"遗失证件 440106199001011234 请到派出所认领"}})
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("alert with a mobile number: status %d", r.StatusCode)
			}
			if got := r.Doc.Find("#e-description").Text(); !strings.Contains(got, "手机号码") {
				t.Errorf("description error %q", got)
			}
			if got := r.Doc.Find("#e-instruction").Text(); !strings.Contains(got, "身份证号码") {
				t.Errorf("instruction error %q", got)
			}
			if !strings.Contains(r.Doc.Find("#f-description").Text(), "139 1234 5678") {
				t.Errorf("the typed description is not kept to correct: %q", r.Doc.Find("#f-description").Text())
			}
			anon := n.Client(t)
			if strings.Contains(anon.Get("/alerts").Body, "天河区暴雨内涝预警") {
				t.Fatal("a refused alert was published")
			}

			// The API: 422 naming the field, in English when asked.
			tok := n.Token(t, "duty")
			id := board[strings.LastIndex(board, "/")+1:]
			req, _ := http.NewRequest("POST", n.URL+"/api/v1/emergency/incidents/"+id+"/alerts",
				strings.NewReader(`{"version":`+version()+`,"headline":"预警","description":"请拨打 13912345678","description_en":"x","headline_en":"Call 13912345678"}`))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept-Language", "en")
			ar := anon.Do(req)
			if ar.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(ar.Body, "description") || !strings.Contains(ar.Body, "headline_en") ||
				!strings.Contains(ar.Body, "personal mobile number") {
				t.Errorf("API alert with a mobile number: %d %s", ar.StatusCode, ar.Body)
			}

			// A landline and 12345 are the agency's: published.
			r = duty.Post(board+"/alert", url.Values{"version": {version()}, "headline": {"天河区暴雨内涝预警"},
				"description": {"天河路一带积水严重，值班电话 020-83334567"}, "instruction": {"请绕行，求助请拨 12345"}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("alert: %d %s", r.StatusCode, r.Doc.Find(".field-error").Text())
			}
			pub := anon.Get("/alerts")
			card := pub.Doc.Find(`#public-alerts li:contains("天河区暴雨内涝预警")`)
			if card.Length() != 1 || !strings.Contains(card.Text(), "广州市应急管理局") || strings.Contains(pub.Body, "何伟") {
				t.Errorf("byline: %q", card.Find(".hint").Text())
			}
			href, _ := card.Find(`a[href$=".xml"]`).Attr("href")
			capx := anon.Get(href)
			var m struct {
				Info []struct {
					SenderName  string `xml:"senderName"`
					Description string `xml:"description"`
				} `xml:"info"`
			}
			if err := xml.Unmarshal([]byte(capx.Body), &m); err != nil || len(m.Info) == 0 || m.Info[0].SenderName != "广州市应急管理局" ||
				!strings.Contains(m.Info[0].Description, "020-83334567") || strings.Contains(capx.Body, "何伟") {
				t.Errorf("CAP: %v %s", err, capx.Body)
			}
			if feed := anon.Get("/alerts/feed.xml"); strings.Contains(feed.Body, "何伟") {
				t.Errorf("feed names the officer: %s", feed.Body)
			}
			var list []map[string]any
			json.Unmarshal([]byte(anon.Get("/api/v1/emergency/alerts").Body), &list)
			if strings.Contains(jsonText(list), "何伟") {
				t.Errorf("public alerts JSON names the officer: %v", list)
			}
			// The officer is in the audit log.
			es, err := n.App.Audit.Entries(context.Background(), audit.Filter{RegionWithin: []string{"44"}, Action: "emergency.alert_issued", Limit: 10})
			if err != nil || len(es) == 0 || es[0].ActorName != "何伟" {
				t.Errorf("audit: %v %+v", err, es)
			}
		})
	}
}
