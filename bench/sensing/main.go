// Command sensing measures the indicators' ingestion and the cockpit's
// province summary on SQLite.
//
//	go run ./bench/sensing ingest  [-n 1000000] [-stations 2000]
//	    ingestion (JSON lines parsed, checked, stored with roll-ups and
//	    rules, 10,000 lines per call, TxReadings per transaction) against
//	    the raw batched insert of the same readings into the same table in
//	    a scratch database opened the same way, in the same run.
//	go run ./bench/sensing summary [-n 10000000] [-stations 2000] [-calls 500]
//	    fills a database with n readings through the ingestion path (a
//	    reading a minute per station, ending now), then times the cockpit's
//	    summary of the province (44) for the leader.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: sensing ingest|summary [flags]")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	n := fs.Int("n", 1_000_000, "readings")
	nst := fs.Int("stations", 2000, "stations")
	calls := fs.Int("calls", 500, "summary calls")
	dir := fs.String("dir", "", "data directory (default: a temporary one, removed)")
	rounds := fs.Int("rounds", 3, "ingest: rounds of raw insert and ingestion")
	fs.Parse(os.Args[2:])
	if *dir == "" {
		d, err := os.MkdirTemp("", "bench-sensing-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	ctx := context.Background()
	if p := os.Getenv("BENCH_CPUPROFILE"); p != "" {
		f, _ := os.Create(p)
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if os.Args[1] == "ingest" {
		benchIngest(ctx, *dir, *nst, *n, *rounds)
		return
	}
	a := openNode(ctx, *dir)
	defer a.Close()
	stations := makeStations(ctx, a, *nst)
	switch os.Args[1] {
	case "summary":
		fill(ctx, a, stations, *n)
		benchSummary(ctx, a, *calls)
	default:
		log.Fatalf("unknown mode %q", os.Args[1])
	}
}

func openNode(ctx context.Context, dir string) *app.App {
	cfg := &config.Config{DataDir: dir, DB: filepath.Join(dir, "digigov.db"), NodeKeyFile: filepath.Join(dir, "node.key"),
		LogFormat: "text", LogLevel: "error"}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "bench")
	if err != nil {
		log.Fatal(err)
	}
	return a
}

type station struct {
	code   string
	metric sensing.Metric
}

// makeStations registers n stations over Guangdong's towns, each with one
// metric (the nine in turn), unless they exist.
func makeStations(ctx context.Context, a *app.App, n int) []station {
	towns := a.Regions.Descendants("44", region.Town)
	actor := audit.System("bench")
	out := make([]station, n)
	for i := range out {
		out[i] = station{code: fmt.Sprintf("B-%05d", i), metric: sensing.Metrics[i%len(sensing.Metrics)]}
		t := towns[i*7%len(towns)]
		_, err := a.Sensing.CreateStationAs(ctx, actor, sensing.NewStation{Code: out[i].code, Name: "基准站 " + t.Name,
			Region: string(t.Code), Lat: 23 + float64(i%100)/100, Lon: 113 + float64(i%70)/100})
		if err != nil && !strings.Contains(err.Error(), "exists") {
			log.Fatalf("station %d: %v", i, err)
		}
	}
	return out
}

// value is station i's reading of m at minute t: half its blue threshold,
// drifting by 2% over a few hours, as calm weather looks (no alerts).
func value(m sensing.Metric, i, t int) float64 {
	return math.Round(m.Default[0]*50*(1+0.02*math.Sin(float64(i)+float64(t)/240))) / 100
}

// lines writes the JSON lines of readings k … k+count-1: reading k is
// station k%len(stations) at minute k/len(stations) after start, with a
// value that drifts below the thresholds.
func lines(buf *bytes.Buffer, stations []station, start int64, k, count int) {
	buf.Reset()
	for j := k; j < k+count; j++ {
		st := stations[j%len(stations)]
		at := start + int64(j/len(stations))*60
		m := st.metric
		v := value(m, j%len(stations), j/len(stations))
		buf.WriteString(`{"station":"`)
		buf.WriteString(st.code)
		buf.WriteString(`","metric":"`)
		buf.WriteString(m.Code)
		buf.WriteString(`","ts":`)
		buf.WriteString(strconv.FormatInt(at, 10))
		buf.WriteString(`,"value":`)
		buf.WriteString(strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64))
		buf.WriteString("}\n")
	}
}

const callLines = 10_000 // lines per ingestion call: one HTTP request's worth

// workers is how many callers ingest at once, as concurrent HTTP requests
// would: one parses and checks its batch while another's is written.
const workers = 2

// ingestAll runs the ingestion path over n readings ending now, in calls
// of callLines taken in time order by workers goroutines, and returns the
// rate over the wall time.
func ingestAll(ctx context.Context, a *app.App, stations []station, n int, progress bool) float64 {
	actor := audit.System("bench")
	minutes := (n + len(stations) - 1) / len(stations)
	start := time.Now().Unix() - int64(minutes)*60
	start -= start % 60
	next := make(chan int)
	go func() {
		for k := 0; k < n; k += callLines {
			next <- k
		}
		close(next)
	}()
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for k := range next {
				lines(&buf, stations, start, k, min(callLines, n-k))
				in, bad, err := sensing.ParseLines(&buf, sensing.MaxBatchLines)
				if err != nil {
					log.Fatal(err)
				}
				rep, err := a.Sensing.IngestAs(ctx, actor, in, bad)
				if err != nil {
					log.Fatal(err)
				}
				if len(rep.Rejected) > 0 {
					log.Fatalf("line %d rejected: %s", rep.Rejected[0].Line, rep.Rejected[0].Reason)
				}
				if progress && k%1_000_000 == 0 && k > 0 {
					fmt.Fprintf(os.Stderr, "  %d readings, %.0f/s\n", k, float64(k)/time.Since(t0).Seconds())
				}
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(t0).Seconds()
}

// rawInsert stores the same readings with plain multi-row INSERTs into the
// same table shape, TxReadings rows per transaction, 256 rows per
// statement: the ceiling of the storage path alone.
func rawInsert(ctx context.Context, dir string, stations []station, n int) float64 {
	path := filepath.Join(dir, fmt.Sprintf("raw-%d.db", time.Now().UnixNano()))
	defer os.Remove(path)
	d, err := db.Open(ctx, path)
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Exec(ctx, `CREATE TABLE sensing_readings (station_id INTEGER NOT NULL, metric_id INTEGER NOT NULL,
		ts INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (station_id, metric_id, ts)) WITHOUT ROWID`); err != nil {
		log.Fatal(err)
	}
	const chunk = 256
	q := `INSERT INTO sensing_readings (station_id, metric_id, ts, value) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", chunk), ", ")
	start := time.Now().Unix() - int64(n/len(stations))*60
	args := make([]any, 0, 4*chunk)
	t0 := time.Now()
	for k := 0; k < n; k += sensing.TxReadings {
		end := min(k+sensing.TxReadings, n)
		err := d.Transact(ctx, func(ctx context.Context) error {
			for j := k; j+chunk <= end; j += chunk {
				args = args[:0]
				for x := j; x < j+chunk; x++ {
					st := stations[x%len(stations)]
					args = append(args, int64(x%len(stations)+1), st.metric.ID, start+int64(x/len(stations))*60,
						value(st.metric, x%len(stations), x/len(stations)))
				}
				if _, err := d.Exec(ctx, q, args...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	return float64(n-n%chunk) / time.Since(t0).Seconds()
}

// benchIngest alternates the raw insert and the ingestion, each into a
// fresh database, rounds times, so that the machine's changing load falls
// on both; it reports each round and the medians.
func benchIngest(ctx context.Context, dir string, nst, n, rounds int) {
	fmt.Printf("readings %d per round, stations %d, %d lines per call, %d readings per transaction\n", n, nst, callLines, sensing.TxReadings)
	var raws, gots []float64
	for r := 0; r < rounds; r++ {
		sub := filepath.Join(dir, fmt.Sprintf("round-%d", r))
		a := openNode(ctx, sub)
		stations := makeStations(ctx, a, nst)
		raw := rawInsert(ctx, sub, stations, n)
		got := ingestAll(ctx, a, stations, n, false)
		// The closed hours' minutes folded into hour roll-ups, as the
		// node's job does each minute: part of keeping the roll-ups up.
		t0 := time.Now()
		hours, err := a.Sensing.FoldRollups(ctx)
		if err != nil {
			log.Fatal(err)
		}
		fold := time.Since(t0)
		withFold := float64(n) / (float64(n)/got + fold.Seconds())
		a.Close()
		os.RemoveAll(sub)
		raws, gots = append(raws, raw), append(gots, withFold)
		fmt.Printf("round %d: raw batched insert %7.0f/s, ingestion %7.0f/s, ratio %.2f; fold of %d closed hours %s: with it %7.0f/s, ratio %.2f\n",
			r+1, raw, got, got/raw, hours, fold.Round(time.Millisecond), withFold, withFold/raw)
	}
	slices.Sort(raws)
	slices.Sort(gots)
	mr, mg := raws[len(raws)/2], gots[len(gots)/2]
	fmt.Printf("median: raw batched insert %.0f readings/s, ingestion (parse, check, store, roll-ups, rules, hours folded) %.0f readings/s, ratio %.2f\n", mr, mg, mg/mr)
}

func fill(ctx context.Context, a *app.App, stations []station, n int) {
	var have int64
	a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sensing_readings`).Scan(&have)
	if have >= int64(n) {
		fmt.Printf("database holds %d readings already\n", have)
		return
	}
	t0 := time.Now()
	rate := ingestAll(ctx, a, stations, n, true)
	if _, err := a.Sensing.FoldRollups(ctx); err != nil {
		log.Fatal(err)
	}
	pruned, err := a.Sensing.PruneRollups(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("filled %d readings in %s (%.0f/s through ingestion); pruned %d minute roll-ups older than 48 h\n",
		n, time.Since(t0).Round(time.Second), rate, pruned)
}

func benchSummary(ctx context.Context, a *app.App, calls int) {
	var readings, rollups, minutes int64
	a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sensing_readings`).Scan(&readings)
	a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sensing_rollups`).Scan(&rollups)
	a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM sensing_minutes`).Scan(&minutes)
	leader := &identity.Caller{UserID: "bench", Name: "bench", Kind: identity.KindStaff,
		Grants: []identity.Grant{{Role: identity.RoleLeader, Scope: "44"}}}
	fmt.Printf("database: %d readings, %d hour roll-ups, %d minute roll-ups\n", readings, rollups, minutes)
	// The province (its cities' stored minutes), a county (its towns
	// summed from readings) and a town (itself summed from readings): the
	// county and town of bench station 0.
	town := a.Regions.Descendants("44", region.Town)[0].Code
	county := a.Regions.Chain(town)[2].Code
	for _, c := range []region.Code{"44", county, town} {
		var ds []time.Duration
		for i := 0; i < calls; i++ {
			m := sensing.Metrics[i%len(sensing.Metrics)].Code
			t := time.Now()
			s, err := a.Sensing.Summary(ctx, leader, c, m)
			if err != nil {
				log.Fatal(err)
			}
			ds = append(ds, time.Since(t))
			if i == 0 && c == "44" && len(s.Areas) != 21 {
				log.Fatalf("summary has %d areas", len(s.Areas))
			}
		}
		slices.Sort(ds)
		pct := func(p float64) time.Duration { return ds[int(math.Ceil(p*float64(len(ds))))-1] }
		fmt.Printf("summary of %s (%d child areas, 9 indicators, trends, alerts), %d calls: p50 %s  p99 %s  max %s\n",
			c, len(a.Regions.Children(c)), calls, pct(0.5).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond),
			ds[len(ds)-1].Round(10*time.Microsecond))
	}
}
