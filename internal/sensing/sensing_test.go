package sensing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/storetest"
)

type env struct {
	t   *testing.T
	n   *apptest.Node
	ctx context.Context
}

func start(t *testing.T, e storetest.Engine) *env {
	return &env{t: t, n: apptest.Start(t, e), ctx: context.Background()}
}

// post sends JSON lines with a token and decodes the report.
func (e *env) post(token, body string) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.n.URL+"/api/v1/sensing/readings", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	r := e.n.Client(e.t).Do(req)
	var out map[string]any
	json.Unmarshal([]byte(r.Body), &out)
	return r.StatusCode, out
}

// get fetches an API path with a token and decodes the JSON answer.
func (e *env) get(token, path string, into any) int {
	e.t.Helper()
	r := e.n.Client(e.t).Get(path, "Authorization", "Bearer "+token)
	if into != nil && r.StatusCode == 200 {
		if err := json.Unmarshal([]byte(r.Body), into); err != nil {
			e.t.Fatalf("%s: %v in %s", path, err, r.Body)
		}
	}
	return r.StatusCode
}

// ingest stores readings as a trusted source; it fails the test on any
// rejection.
func (e *env) ingest(lines ...sensing.Input) *sensing.Report {
	e.t.Helper()
	for i := range lines {
		lines[i].Line = i + 1
	}
	rep, err := e.n.App.Sensing.IngestAs(e.ctx, audit.System("test"), lines, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(rep.Rejected) > 0 {
		e.t.Fatalf("rejected: %+v", rep.Rejected)
	}
	return rep
}

func in(station, metric string, at int64, v float64) sensing.Input {
	return sensing.Input{Station: station, Metric: metric, Time: sensing.Time(at), Value: &v}
}

func TestIngestGoodAndBadLines(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			duty := e.n.Token(t, "duty") // 广州 4401
			now := time.Now().Unix()
			body := strings.Join([]string{
				fmt.Sprintf(`{"station":"GZ-TH-AQ-01","metric":"aqi","ts":%d,"value":61}`, now+60),                                               // 1 good
				fmt.Sprintf(`{"station":"NO-SUCH","metric":"aqi","ts":%d,"value":61}`, now),                                                      // 2 unknown station
				fmt.Sprintf(`{"station":"GZ-TH-AQ-01","metric":"ozone","ts":%d,"value":61}`, now),                                                // 3 unknown metric
				`{"station":"GZ-TH-AQ-01","metric":"aqi","value":`,                                                                               // 4 malformed
				fmt.Sprintf(`{"station":"SZ-FT-AQ-01","metric":"aqi","ts":%d,"value":61}`, now),                                                  // 5 深圳: outside 广州
				fmt.Sprintf(`{"station":"GZ-TH-AQ-01","metric":"pm25","ts":"%s","value":33.5}`, time.Unix(now+60, 0).UTC().Format(time.RFC3339)), // 6 good, RFC 3339
				``, // 7 blank: skipped
				fmt.Sprintf(`{"station":"GZ-TH-AQ-01","metric":"aqi","ts":%d,"value":-5}`, now),          // 8 out of range
				fmt.Sprintf(`{"station":"GZ-TH-AQ-01","metric":"aqi","ts":%d,"value":61}`, now-40*86400), // 9 too old
				fmt.Sprintf(`{"station":"GZ-TH-AQ-01","metric":"aqi","ts":%d,"value":62}`, now+60),       // 10 duplicate of 1
				fmt.Sprintf(`{"station":"GZ-TH-AQ-01","metric":"aqi","ts":%d000,"value":63}`, now+90),    // 11 good, milliseconds
			}, "\n")
			code, rep := e.post(duty, body)
			if code != 200 {
				t.Fatalf("status %d: %v", code, rep)
			}
			if rep["accepted"] != 3.0 {
				t.Errorf("accepted %v, want 3", rep["accepted"])
			}
			var got []string
			for _, x := range rep["rejected"].([]any) {
				m := x.(map[string]any)
				got = append(got, fmt.Sprintf("%v %v", m["line"], m["reason"]))
				if m["message"] == "" || m["message"] == m["reason"] {
					t.Errorf("line %v: no translated message", m["line"])
				}
			}
			want := []string{"2 sensing.station_unknown", "3 sensing.metric_unknown", "4 sensing.line_malformed",
				"5 sensing.station_unknown", "8 sensing.value_out_of_range", "9 sensing.time_out_of_range", "10 sensing.duplicate"}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("rejected lines (-want +got):\n%s", d)
			}
			// The good lines are stored, the duplicate did not overwrite.
			var rs []map[string]float64
			e.get(duty, fmt.Sprintf("/api/v1/sensing/stations/GZ-TH-AQ-01/readings?metric=aqi&from=%d&to=%d", now+30, now+120), &rs)
			var ours []float64 // the demo's own readings may fall in the range too
			for _, r := range rs {
				if v := r["value"]; v >= 61 && v <= 63 && float64(int(v)) == v {
					ours = append(ours, v)
				}
			}
			if d := cmp.Diff([]float64{61, 63}, ours); d != "" {
				t.Errorf("stored aqi readings (-want +got):\n%s", d)
			}
			// Sending the batch again stores nothing twice.
			_, rep = e.post(duty, body)
			if rep["accepted"] != 0.0 {
				t.Errorf("second send accepted %v, want 0", rep["accepted"])
			}
			// No token, no ingestion; a leader's token cannot ingest.
			if code, _ := e.post("dg_nope", body); code != 401 {
				t.Errorf("bad token: %d, want 401", code)
			}
			if code, _ := e.post(e.n.Token(t, "leader"), body); code != 403 {
				t.Errorf("leader: %d, want 403", code)
			}
			// Too many lines is refused whole, with a sentence.
			big := strings.Repeat("\n", sensing.MaxBatchLines+1)
			if code, rep := e.post(duty, big); code != 400 || !strings.Contains(fmt.Sprint(rep["detail"]), "50000") {
				t.Errorf("oversized batch: %d %v", code, rep)
			}
		})
	}
}

func TestRollups(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			now := time.Now().Unix()
			h := now - now%3600 - 4*3600 // an hour four hours ago: the demo readings cover the last two
			// 天河 (two stations, one in 五山街道) and 越秀 in 广州, 福田 in 深圳.
			e.ingest(in("GZ-TH-AQ-01", "aqi", h+10, 40), in("GZ-TH-AQ-01", "aqi", h+50, 60), // same minute
				in("GZ-TH-AQ-01", "aqi", h+70, 100), // next minute
				in("SZ-FT-AQ-01", "aqi", h+20, 80),
				in("GZ-TH-RAIN-01", "rainfall", h+30, 12), in("GZ-NS-RAIN-01", "rainfall", h+40, 30))
			st := e.n.App.Store
			check := func(g sensing.Grain, metric int, c region.Code, bucket int64, n int64, sum, lo, hi float64) {
				t.Helper()
				rs, err := st.Rollups(e.ctx, g, metric, []region.Code{c}, bucket, bucket+1)
				if err != nil {
					t.Fatal(err)
				}
				if len(rs) != 1 || rs[0].N != n || rs[0].Sum != sum || rs[0].Lo != lo || rs[0].Hi != hi {
					t.Errorf("%d s roll-up of %s at %d: %+v, want n=%d sum=%g lo=%g hi=%g", g, c, bucket, rs, n, sum, lo, hi)
				}
			}
			aqi, rain := 4, 1
			check(sensing.Minute, aqi, "4401", h, 2, 100, 40, 60)
			check(sensing.Minute, aqi, "4401", h+60, 1, 100, 100, 100)
			check(sensing.Minute, aqi, "440106", h, 2, 100, 40, 60) // counties too (rollup_test.go: every level)
			check(sensing.Hour, aqi, "440106", h, 3, 200, 40, 100)
			check(sensing.Hour, aqi, "4401", h, 3, 200, 40, 100)
			check(sensing.Hour, aqi, "4403", h, 1, 80, 80, 80)
			check(sensing.Hour, aqi, "44", h, 4, 280, 40, 100)
			check(sensing.Hour, rain, "440106001", h, 1, 12, 12, 12) // town level
			check(sensing.Hour, rain, "4401", h, 2, 42, 12, 30)
			// A later batch adds into the same buckets.
			e.ingest(in("GZ-TH-AQ-01", "aqi", h+20, 10))
			check(sensing.Hour, aqi, "44", h, 5, 290, 10, 100)
			// The region's value follows the metric's rule: AQI is a mean,
			// rainfall the worst station, fire alarms a sum.
			r := sensing.Rollup{N: 5, Sum: 290, Lo: 10, Hi: 100}
			if r.Value(sensing.AggMean) != 58 || r.Value(sensing.AggMax) != 100 || r.Value(sensing.AggSum) != 290 {
				t.Error("roll-up values by aggregation are wrong")
			}
		})
	}
}

// alerts lists the station's alerts of a rule kind, newest first.
func (e *env) alerts(station string, kind sensing.RuleKind) []sensing.Alert {
	e.t.Helper()
	as, err := e.n.App.Sensing.Alerts(e.ctx, e.n.Caller(e.t, "leader"), nil, 500)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []sensing.Alert
	for _, a := range as {
		if a.Station == station && a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

func (e *env) outbox(topic string) int {
	var n int
	e.n.App.DB.QueryRow(e.ctx, `SELECT COUNT(*) FROM outbox WHERE topic = ?`, topic).Scan(&n)
	return n
}

func TestThresholdRulesFireEachLevel(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			now := time.Now().Unix()
			const st = "ZH-XZ-RAIN-01" // 珠海: no demo alert there
			raised, escalated := e.outbox("sensing.alert.raised"), e.outbox("sensing.alert.escalated")
			// Rainfall thresholds 20/30/50/80 mm/h: each reading raises the level.
			for i, c := range []struct {
				v    float64
				want sensing.Level
			}{{5, sensing.None}, {21, sensing.Blue}, {31, sensing.Yellow}, {51, sensing.Orange}, {81, sensing.Red}, {25, sensing.Red}} {
				// After now: the demo's readings (on a five-minute grid ending when
				// the node started) can never hold the same second.
				e.ingest(in(st, "rainfall", now+1+int64(i)*60, c.v))
				as := e.alerts(st, sensing.Threshold)
				got := sensing.None
				if len(as) > 0 {
					got = as[0].Level
				}
				if got != c.want || len(as) > 1 {
					t.Fatalf("after %g mm/h: level %v (%d alerts), want %v", c.v, got, len(as), c.want)
				}
			}
			a := e.alerts(st, sensing.Threshold)[0]
			if a.State != sensing.Open || a.Value != 81 || a.Threshold != 80 || a.Region != "440402003" {
				t.Errorf("alert %+v", a)
			}
			if d := e.outbox("sensing.alert.raised") - raised; d != 1 {
				t.Errorf("raised events: %d, want 1", d)
			}
			if d := e.outbox("sensing.alert.escalated") - escalated; d != 3 {
				t.Errorf("escalated events: %d, want 3", d)
			}
			var payload string
			e.n.App.DB.QueryRow(e.ctx, `SELECT payload FROM outbox WHERE topic = 'sensing.alert.raised' AND payload LIKE ?`, "%"+st+"%").Scan(&payload)
			for _, want := range []string{`"level":"blue"`, `"metric":"rainfall"`, `"region":"440402003"`, `"alert_id":"` + string(a.ID)} {
				if !strings.Contains(payload, want) {
					t.Errorf("raised payload %s lacks %s", payload, want)
				}
			}
			if as, _ := e.n.App.Audit.Entries(e.ctx, audit.Filter{Action: "sensing.alert.escalated", Limit: 500}); len(as) < 3 {
				t.Errorf("escalations audited: %d", len(as))
			}

			// The duty officer of 广州 cannot act on 珠海's alert; an admin
			// of the province could not either (no sensing.manage).
			duty := e.n.Caller(t, "duty")
			if _, err := e.n.App.Sensing.Acknowledge(e.ctx, duty, a.ID, ""); !errs.Is(err, errs.NotFound) {
				t.Errorf("duty of 广州 acknowledging 珠海: %v", err)
			}
			// A 广州 alert: acknowledge, again (conflict), close, close again.
			e.ingest(in("GZ-TH-RAIN-01", "rainfall", now+30, 99))
			gz := e.alerts("GZ-TH-RAIN-01", sensing.Threshold)[0]
			if gz.Level != sensing.Red {
				t.Fatalf("广州 alert level %v", gz.Level)
			}
			got, err := e.n.App.Sensing.Acknowledge(e.ctx, duty, gz.ID, "已通知天河区三防办")
			if err != nil || got.State != sensing.Acknowledged || got.AckBy != "何伟" {
				t.Fatalf("acknowledge: %+v %v", got, err)
			}
			if _, err := e.n.App.Sensing.Acknowledge(e.ctx, duty, gz.ID, ""); !errs.Is(err, errs.Conflict) {
				t.Errorf("second acknowledge: %v", err)
			}
			if got, err = e.n.App.Sensing.Close(e.ctx, duty, gz.ID, "积水已排除"); err != nil || got.State != sensing.Closed {
				t.Fatalf("close: %+v %v", got, err)
			}
			if _, err := e.n.App.Sensing.Close(e.ctx, duty, gz.ID, ""); !errs.Is(err, errs.Conflict) {
				t.Errorf("second close: %v", err)
			}
			if e.outbox("sensing.alert.closed") != 1 || e.outbox("sensing.alert.acknowledged") != 1 {
				t.Error("acknowledge and close are not both published")
			}
			// A new crossing after the close raises a new alert.
			e.ingest(in("GZ-TH-RAIN-01", "rainfall", now+40, 35))
			if as := e.alerts("GZ-TH-RAIN-01", sensing.Threshold); len(as) != 2 || as[0].State == sensing.Closed && as[1].State == sensing.Closed {
				t.Errorf("after close and a new crossing: %+v", as)
			}
		})
	}
}

func TestRateOfChange(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			now := time.Now().Unix() - 4*3600 // before the demo readings, which cover the last two hours
			const st = "YF-YC-RIVER-01"       // 云浮 西江: calm in the demo data
			before := len(e.alerts(st, sensing.Rate))
			// A jump within five minutes is noise, not a rise: no rate alert.
			e.ingest(in(st, "river_level", now-20*60, 4.0), in(st, "river_level", now-17*60, 4.3))
			if n := len(e.alerts(st, sensing.Rate)); n != before {
				t.Fatalf("a rise over 3 minutes raised an alert")
			}
			// 4.0 m 20 minutes ago to 4.3 m now: 0.9 m/h, orange (0.3/0.5/0.8/1.2);
			// the level itself stays under every threshold.
			e.ingest(in(st, "river_level", now, 4.3))
			as := e.alerts(st, sensing.Rate)
			if len(as) != before+1 || as[0].Level != sensing.Orange || as[0].Value < 0.89 || as[0].Value > 0.91 {
				t.Fatalf("rate alerts %+v, want one orange at 0.9 m/h", as)
			}
			if th := e.alerts(st, sensing.Threshold); len(th) != 0 {
				t.Errorf("threshold alerts for 4.3 m: %+v", th)
			}
		})
	}
}

func TestCockpitScope(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			leader, duty := e.n.Token(t, "leader"), e.n.Token(t, "duty")
			var sum map[string]any
			if code := e.get(leader, "/api/v1/sensing/summary?metric=aqi", &sum); code != 200 {
				t.Fatalf("leader summary: %d", code)
			}
			if sum["region"] != "44" || len(sum["areas"].([]any)) != 21 {
				t.Errorf("leader sees %v with %d areas, want 44 with 21 cities", sum["region"], len(sum["areas"].([]any)))
			}
			// The duty officer of 广州 sees 广州 by default, not the province
			// nor 深圳.
			if code := e.get(duty, "/api/v1/sensing/summary", &sum); code != 200 || sum["region"] != "4401" {
				t.Errorf("duty default summary: %d %v", code, sum["region"])
			}
			for _, c := range []string{"44", "4403", "440304"} {
				if code := e.get(duty, "/api/v1/sensing/summary?region="+c, nil); code != 404 {
					t.Errorf("duty summary of %s: %d, want 404", c, code)
				}
			}
			var alerts []map[string]any
			e.get(duty, "/api/v1/sensing/alerts", &alerts)
			for _, a := range alerts {
				if !strings.HasPrefix(a["region"].(string), "4401") {
					t.Errorf("duty sees an alert of %s", a["region"])
				}
			}
			var all []map[string]any
			e.get(leader, "/api/v1/sensing/alerts", &all)
			if len(all) <= len(alerts) {
				t.Errorf("leader sees %d alerts, duty %d: the province should show more", len(all), len(alerts))
			}
			if code := e.get(duty, "/api/v1/sensing/stations/SZ-FT-AQ-01/readings?metric=aqi", nil); code != 404 {
				t.Errorf("duty reading 深圳's station: %d", code)
			}
			// Citizens see nothing of it.
			if code := e.get(e.n.Token(t, "citizen"), "/api/v1/sensing/summary", nil); code != 403 {
				t.Errorf("citizen summary: %d", code)
			}
			// The cockpit page carries the leader's province, with 广州 in the table.
			c := e.n.Client(t)
			c.Login("leader", "digigov2026")
			r := c.Get("/cockpit?metric=rainfall")
			if r.StatusCode != 200 || r.Doc.Find(`#cockpit[data-region="44"]`).Length() != 1 ||
				r.Doc.Find(`#cockpit-areas tr[data-region="4401"]`).Length() != 1 {
				t.Errorf("leader cockpit: %d", r.StatusCode)
			}
			if r := c.Get("/cockpit?region=4401&metric=rainfall"); r.Doc.Find(`#cockpit-areas tr[data-region="440106"]`).Length() != 1 {
				t.Error("drill-down to 广州 does not list 天河区")
			}
			d := e.n.Client(t)
			d.Login("duty", "digigov2026")
			if r := d.Get("/cockpit?region=44"); r.StatusCode != 404 {
				t.Errorf("duty cockpit of the province: %d, want 404", r.StatusCode)
			}
		})
	}
}
