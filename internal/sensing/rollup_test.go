package sensing_test

import (
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/storetest"
)

// rollupStations are the stations of TestRollupsEveryLevel: two in 洪桥街道
// (one of them in a village of it), one in 北京街道, one registered at 越秀
// itself (no town), all in 越秀 440104; one in 员村街道 of 天河 440106.
var rollupStations = map[string]region.Code{
	"RU-HQ-1": "440104001", "RU-HQ-2": "440104001007", "RU-BJ-1": "440104003",
	"RU-YX-1": "440104", "RU-YC-1": "440106002",
}

// rollupCodes are the regions checked: every level those stations count in.
var rollupCodes = []region.Code{"44", "4401", "440104", "440106", "440104001", "440104003", "440106002"}

type sentReading struct {
	station string
	at      int64
	v       float64
}

type figure struct {
	n      int64
	sum    float64
	lo, hi float64
}

type figureKey struct {
	region region.Code
	bucket int64
}

// expected sums the sent readings by region and bucket of grain g, straight
// from the readings.
func expected(sent []sentReading, g sensing.Grain, codes []region.Code) map[figureKey]figure {
	out := map[figureKey]figure{}
	for _, r := range sent {
		for _, c := range codes {
			if !region.Within(rollupStations[r.station], c) {
				continue
			}
			k := figureKey{c, r.at - r.at%int64(g)}
			f, ok := out[k]
			if !ok {
				f = figure{lo: r.v, hi: r.v}
			}
			f.n++
			f.sum += r.v
			f.lo, f.hi = min(f.lo, r.v), max(f.hi, r.v)
			out[k] = f
		}
	}
	return out
}

// checkRollups compares the store's minute and hour roll-ups of codes with
// buckets in [from, to) with the sums of the readings; minutes of the
// stored levels before prunedBefore must be gone (pruned).
func checkRollups(t *testing.T, e *env, st sensing.Store, sent []sentReading, codes []region.Code, from, to, prunedBefore int64) {
	t.Helper()
	for _, g := range []sensing.Grain{sensing.Minute, sensing.Hour} {
		want := expected(sent, g, codes)
		rs, err := st.Rollups(e.ctx, g, pm25, codes, from, to)
		if err != nil {
			t.Fatal(err)
		}
		got := map[figureKey]figure{}
		for _, r := range rs {
			got[figureKey{r.Region, r.Bucket}] = figure{r.N, r.Sum, r.Lo, r.Hi}
		}
		for k, w := range want {
			if k.bucket < from || k.bucket >= to {
				delete(want, k)
				continue
			}
			if g == sensing.Minute && k.bucket < prunedBefore && region.LevelOf(k.region) <= sensing.StoredLevel {
				if _, ok := got[k]; ok {
					t.Errorf("minute %v: kept after pruning", k)
				}
				delete(want, k)
				continue
			}
			if got[k] != w {
				t.Errorf("%d s roll-up %v: got %+v, want %+v (from the readings)", g, k, got[k], w)
			}
		}
		for k, f := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%d s roll-up %v: %+v without readings", g, k, f)
			}
		}
	}
}

const pm25 = 5 // metric ID of pm25

// Minute and hour roll-ups of every level a station counts in (province,
// city, county, town) equal the sums of the readings: before and after the
// hour is folded, with readings arriving late for a folded hour, on a
// second instance (a restart: nothing kept in memory), after minute
// roll-ups are pruned, and with two instances folding at once.
func TestRollupsEveryLevel(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			if m, _ := sensing.MetricByCode("pm25"); m.ID != pm25 {
				t.Fatalf("pm25 is metric %d", m.ID)
			}
			for code, c := range rollupStations {
				if _, err := e.n.App.Sensing.CreateStationAs(e.ctx, audit.System("test"), sensing.NewStation{Code: code,
					Name: "汇总测试站 " + code, Region: string(c), Lat: 23.1, Lon: 113.3, Metrics: []string{"pm25"}}); err != nil {
					t.Fatal(err)
				}
			}
			now := time.Now().Unix()
			cur := now - now%3600
			h0 := cur - 6*3600 // two hours long before the demo readings (the last two hours)
			h1 := h0 + 3600
			var sent []sentReading
			send := func(rs ...sentReading) {
				t.Helper()
				var lines []sensing.Input
				for _, r := range rs {
					lines = append(lines, in(r.station, "pm25", r.at, r.v))
				}
				e.ingest(lines...)
				sent = append(sent, rs...)
			}
			// Across minute and hour boundaries, every station.
			send(sentReading{"RU-HQ-1", h0 + 5, 10}, sentReading{"RU-HQ-1", h0 + 50, 30}, sentReading{"RU-HQ-2", h0 + 59, 20},
				sentReading{"RU-HQ-2", h0 + 60, 40}, sentReading{"RU-BJ-1", h0 + 61, 15.5}, sentReading{"RU-YX-1", h0 + 62, 70},
				sentReading{"RU-YC-1", h0 + 3599, 90}, sentReading{"RU-HQ-1", h1, 12}, sentReading{"RU-YC-1", h1, 8},
				sentReading{"RU-YX-1", h1 + 1800, 33})
			send(sentReading{"RU-HQ-1", h0 + 30, 50}, sentReading{"RU-BJ-1", h1 + 59, 4.5}) // into the same buckets
			st := e.n.App.Store
			all := rollupCodes
			// The demo's stations send pm25 in 44, 4401 and 440106 in the
			// last two hours; these regions have only the test's stations.
			clean := []region.Code{"440104", "440104001", "440104003", "440106002"}
			checkRollups(t, e, st, sent, all, h0, h1+3600, 0) // nothing folded: hours from the minutes

			// The fold writes the closed hours (the test's and the demo's), once.
			if n, err := e.n.App.Sensing.FoldRollups(e.ctx); err != nil || n < 2 {
				t.Fatalf("fold: %d hours, %v", n, err)
			}
			folded, _ := st.RollupsFolded(e.ctx)
			if folded < cur-3600 || folded%3600 != 0 {
				t.Fatalf("folded up to %d, want the last closed hour (%d or %d)", folded, cur-3600, cur)
			}
			var rows int
			e.n.App.DB.QueryRow(e.ctx, `SELECT COUNT(*) FROM sensing_rollups WHERE grain = 3600 AND bucket = ? AND region = ?`,
				h0, "440104").Scan(&rows)
			if rows != 1 {
				t.Errorf("440104's hour row of h0: %d rows", rows)
			}
			checkRollups(t, e, st, sent, all, h0, h1+3600, 0)
			if n, err := e.n.App.Sensing.FoldRollups(e.ctx); err != nil || n != 0 {
				t.Errorf("second fold: %d hours, %v", n, err)
			}
			checkRollups(t, e, st, sent, all, h0, h1+3600, 0)

			// A reading for a folded hour still counts, in its minute and
			// its hour.
			send(sentReading{"RU-YC-1", h0 + 125, 99}, sentReading{"RU-HQ-2", h1 + 10, 1})
			checkRollups(t, e, st, sent, all, h0, h1+3600, 0)

			// A restart (a second instance on the database, empty caches)
			// reads the same.
			p := e.n.Peer(t)
			checkRollups(t, e, p.App.Store, sent, all, h0, h1+3600, 0)

			// Pruning minutes keeps the hours; the minutes of hours not
			// folded yet stay whatever the cut-off.
			send(sentReading{"RU-HQ-1", now - 30, 6}, sentReading{"RU-YC-1", now - 20, 7})
			if _, err := st.PruneRollups(e.ctx, sensing.Minute, now+3600); err != nil {
				t.Fatal(err)
			}
			checkRollups(t, e, st, sent, all, h0, h1+3600, folded)
			checkRollups(t, e, st, sent, clean, h0, now+1, folded)

			// Two instances folding the current hour at once (as if the
			// clock had passed it) fold it once.
			var wg sync.WaitGroup
			for _, s := range []sensing.Store{st, p.App.Store} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.FoldRollups(e.ctx, cur+3600); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if f, _ := st.RollupsFolded(e.ctx); f != cur+3600 {
				t.Errorf("folded up to %d, want %d", f, cur+3600)
			}
			send(sentReading{"RU-BJ-1", now - 10, 2}) // late now: its hour is folded
			checkRollups(t, e, st, sent, clean, h0, now+1, folded)
		})
	}
}
