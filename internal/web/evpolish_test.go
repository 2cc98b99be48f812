package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/store/storetest"
)

// cjk matches Chinese characters and full-width punctuation.
var cjk = regexp.MustCompile(`[\p{Han}\x{3000}-\x{303f}\x{ff00}-\x{ffef}]`)

// An event the demo's orange rain alert opened (reported by the alert
// link, accepted and dispatched by its routing rule) and then escalated
// or supervised by the overdue timer reads in English on English pages:
// reporter, the actors and notes of its history and its description are
// written from codes through the message catalog; only the station's name
// (data) stays Chinese. The Chinese page says what it said before the
// codes: 感知预警联动, 智能分拨, 超时督办 and the Chinese description.
func TestSystemTextFollowsTheLanguage(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			d := &alertDesk{t: t, n: n, at: time.Now().Unix()}
			// 天河's rule sends waterlogging straight to its water bureau.
			if _, err := n.App.Governance.CreateRule(context.Background(), n.Caller(t, "dispatch"), governance.RuleInput{
				Category: "1002", Region: "440106", Department: "water", Level: 3, Auto: true}); err != nil {
				t.Fatal(err)
			}
			d.deliver()
			rain := d.alert("GZ-TH-RAIN-01", "rainfall")
			ev := d.alertEvent(rain)
			if ev == nil {
				t.Fatal("the demo's orange rain alert opened no event")
			}
			a := n.App
			later := governance.NewService(governance.Deps{Store: a.Store, Tx: a.DB, Audit: a.Audit, Directory: a.Identity,
				Blobs: a.Blobs, Calendar: a.Calendar, Regions: a.Regions,
				Now: func() time.Time { return time.Now().Add(40 * 24 * time.Hour) }})
			if _, err := later.RunOverdue(context.Background(), 1000); err != nil {
				t.Fatal(err)
			}
			_, steps, err := a.Governance.Get(context.Background(), n.Caller(t, "duty"), ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			var routed, timed bool
			for _, st := range steps {
				routed = routed || st.ActorName == governance.SystemRouting && st.Action == governance.ActDispatch
				timed = timed || st.ActorName == governance.SystemOverdueTimer
			}
			if !routed || !timed {
				t.Fatalf("steps %+v: want a dispatch by the routing rule and a step by the overdue timer", steps)
			}

			duty := signedIn(t, n, "duty")
			station := rain.StationName
			duty.Post("/prefs", url.Values{"lang": {"en"}})
			en := duty.Get("/events/" + string(ev.ID))
			if en.StatusCode != http.StatusOK {
				t.Fatalf("English event page: %d", en.StatusCode)
			}
			desc := en.Doc.Find("#event-description").Text()
			if !strings.HasPrefix(desc, "Orange alert: ") || !strings.Contains(desc, "Rainfall reading") ||
				!strings.Contains(desc, "above the threshold") || cjk.MatchString(strings.ReplaceAll(desc, station, "")) {
				t.Errorf("English description %q: want it in English but for the station %q", desc, station)
			}
			if got := en.Doc.Find("#event-reporter").Text(); got != "Sensor alert link" {
				t.Errorf("English reporter %q", got)
			}
			actors := en.Doc.Find("li[data-action] .actor")
			if actors.Length() < 4 {
				t.Fatalf("English history: %d actors", actors.Length())
			}
			seen := map[string]bool{}
			for i := range actors.Length() {
				s := actors.Eq(i).Text()
				seen[s] = true
				if cjk.MatchString(s) {
					t.Errorf("English history actor %q", s)
				}
			}
			if !seen["Sensor alert link"] || !seen["Automatic routing"] || !seen["Overdue timer"] {
				t.Errorf("English history actors %v", seen)
			}
			if notes := en.Doc.Find("li[data-action] .note"); notes.Length() == 0 || cjk.MatchString(notes.Text()) {
				t.Errorf("English timer notes %q", notes.Text())
			}

			duty.Post("/prefs", url.Values{"lang": {"zh-CN"}})
			zh := duty.Get("/events/" + string(ev.ID))
			if got := zh.Doc.Find("#event-description").Text(); got != ev.Description || !strings.HasPrefix(got, "橙色预警：") {
				t.Errorf("Chinese description %q, want the stored %q", got, ev.Description)
			}
			if got := zh.Doc.Find("#event-reporter").Text(); got != "感知预警联动" {
				t.Errorf("Chinese reporter %q", got)
			}
			zhActors := zh.Doc.Find("li[data-action] .actor").Text()
			for _, want := range []string{"感知预警联动", "智能分拨", "超时督办"} {
				if !strings.Contains(zhActors, want) {
					t.Errorf("Chinese history actors %q lack %s", zhActors, want)
				}
			}
		})
	}
}

// Events opened before the codes keep their Chinese description; its
// facts are read back so an English page still writes it in English.
func TestLegacyAlertDescription(t *testing.T) {
	e := &governance.Event{Source: governance.SourceSensor,
		Description: "红色预警：天河区五山雨量站 降雨量 读数 92.0mm/h，超过阈值 80.0mm/h（2026-11-20 14:05）。"}
	got, ok := governance.AlertTextOf(e, nil)
	want := governance.AlertText{Level: "red", Station: "天河区五山雨量站", Metric: "rainfall", Unit: "mm/h", Value: 92, Threshold: 80, At: "2026-11-20 14:05"}
	if !ok || got != want {
		t.Errorf("legacy description read as %+v %v, want %+v", got, ok, want)
	}
	e.Description = "路面积水严重"
	if _, ok := governance.AlertTextOf(e, nil); ok {
		t.Error("a free-text description read as an alert's")
	}
}
