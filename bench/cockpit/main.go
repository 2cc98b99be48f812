// Command cockpit times the cockpit's whole province summary — the
// indicators (sensing.Service.Summary) and the events figures
// (governance CockpitSummary and the 30-day closure rate) together, as the
// page and the live stream compute them — over a database of n readings
// and m events, with each half alone as the baseline in the same run; then
// it connects SSE clients to /cockpit/live in several groups (regions ×
// metrics), sends a reading and times until every client has the update.
//
//	go run ./bench/cockpit [-readings 10000000] [-events 1000000] [-rounds 200] [-clients 200]
//
// Readings go through the ingestion path (as bench/sensing), events are
// written through the store in batches (as bench/eventsummary).
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
)

func main() {
	nr := flag.Int("readings", 10_000_000, "readings to ingest")
	ne := flag.Int("events", 1_000_000, "events to generate")
	nst := flag.Int("stations", 2000, "stations")
	rounds := flag.Int("rounds", 200, "summaries to time per measure")
	clients := flag.Int("clients", 200, "SSE clients, spread over the groups")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bench-cockpit-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	cfg := &config.Config{DataDir: dir, DB: filepath.Join(dir, "digigov.db"), NodeKeyFile: filepath.Join(dir, "node.key"),
		LogFormat: "text", LogLevel: "error", MaxBodyBytes: 1 << 20}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "bench")
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	if _, err := a.SeedDemo(ctx); err != nil {
		log.Fatal(err)
	}
	t0 := time.Now()
	stations := makeStations(ctx, a, *nst)
	ingest(ctx, a, stations, *nr)
	fmt.Printf("ingested %d readings from %d stations in %s\n", *nr, *nst, time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	if err := generate(ctx, a, *ne); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("generated %d events in %s\n", *ne, time.Since(t0).Round(time.Millisecond))

	leader := callerOf(ctx, a, "leader")
	metric := sensing.Metrics[0].Code
	sens := measure("sensing summary alone (44)", *rounds, func() error {
		_, err := a.Sensing.Summary(ctx, leader, "44", metric)
		return err
	})
	evs := measure("events figures alone (44)", *rounds, func() error {
		if _, err := a.Governance.CockpitSummary(ctx, leader, "44"); err != nil {
			return err
		}
		_, err := a.Governance.Closure30(ctx, "44")
		return err
	})
	both := measure("whole province summary (sensing + events)", *rounds, func() error {
		if _, err := a.Sensing.Summary(ctx, leader, "44", metric); err != nil {
			return err
		}
		if _, err := a.Governance.CockpitSummary(ctx, leader, "44"); err != nil {
			return err
		}
		_, err := a.Governance.Closure30(ctx, "44")
		return err
	})
	fmt.Printf("p99 whole / (sensing + events alone): %.2f\n", float64(both)/float64(sens+evs))

	sse(ctx, a, *clients, stations)
}

// sse connects clients to groups (3 regions × 2 metrics), then sends a
// fire-alarm reading and times each client's receipt of the next update.
func sse(ctx context.Context, a *app.App, clients int, stations []station) {
	h, err := a.Handler()
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	tok, _ := a.Identity.IssueAPIToken(ctx, audit.System("bench"), userID(ctx, a, "leader"), "bench")
	groups := []string{}
	for _, r := range []string{"44", "4401", "440106"} { // each contains the station that sends the reading
		for _, m := range sensing.Metrics[:2] {
			groups = append(groups, "/cockpit/live?region="+r+"&metric="+m.Code)
		}
	}
	updates := make(chan time.Time, clients*4)
	joins := make([]time.Duration, clients)
	var ready sync.WaitGroup
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i := 0; i < clients; i++ {
		ready.Add(1)
		go func(i int) {
			req, _ := http.NewRequestWithContext(cctx, "GET", srv.URL+groups[i%len(groups)], nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			t := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				log.Fatal(err)
			}
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 1<<20), 1<<22)
			first := true
			for sc.Scan() {
				if !strings.HasPrefix(sc.Text(), "data: ") {
					continue
				}
				if first {
					joins[i], first = time.Since(t), false
					ready.Done()
					continue
				}
				updates <- time.Now()
			}
		}(i)
	}
	ready.Wait()
	slices.Sort(joins)
	fmt.Printf("SSE: %d clients in %d groups joined: p50 %s, p99 %s\n", clients, len(groups),
		joins[len(joins)/2].Round(time.Microsecond), joins[len(joins)*99/100].Round(time.Microsecond))
	// A reading from a station in 440106, within every group's region.
	var buf bytes.Buffer
	st := stations[0]
	fmt.Fprintf(&buf, `{"station":%q,"metric":%q,"ts":%d,"value":%g}`+"\n", st.code, st.metric.Code, time.Now().Unix(), st.metric.Default[3]*2)
	in, bad, _ := sensing.ParseLines(&buf, sensing.MaxBatchLines)
	sent := time.Now()
	if _, err := a.Sensing.IngestAs(ctx, audit.System("bench"), in, bad); err != nil {
		log.Fatal(err)
	}
	var lat []time.Duration
	timeout := time.After(15 * time.Second)
	for len(lat) < clients {
		select {
		case at := <-updates:
			lat = append(lat, at.Sub(sent))
		case <-timeout:
			fmt.Printf("SSE: %d of %d clients updated within 15 s\n", len(lat), clients)
			return
		}
	}
	slices.Sort(lat)
	fmt.Printf("SSE: update delivered to %d clients: p50 %s, p99 %s, max %s\n", len(lat), lat[len(lat)/2].Round(time.Millisecond),
		lat[len(lat)*99/100].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
}

func userID(ctx context.Context, a *app.App, username string) ids.ID {
	u, err := a.Identity.UserByUsername(ctx, username)
	if err != nil {
		log.Fatal(err)
	}
	return u.ID
}

func callerOf(ctx context.Context, a *app.App, username string) *identity.Caller {
	tok, err := a.Identity.IssueAPIToken(ctx, audit.System("bench"), userID(ctx, a, username), "bench")
	if err != nil {
		log.Fatal(err)
	}
	c, err := a.Identity.CallerByAPIToken(ctx, tok)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

// measure runs f rounds times and prints and returns its p99.
func measure(what string, rounds int, f func() error) time.Duration {
	d := make([]time.Duration, rounds)
	for i := range d {
		t := time.Now()
		if err := f(); err != nil {
			log.Fatalf("%s: %v", what, err)
		}
		d[i] = time.Since(t)
	}
	slices.Sort(d)
	p := func(q float64) time.Duration { return d[int(q*float64(len(d)-1))].Round(10 * time.Microsecond) }
	fmt.Printf("%s: p50 %s, p99 %s, max %s\n", what, p(.5), p(.99), d[len(d)-1].Round(10*time.Microsecond))
	return p(.99)
}

type station struct {
	code   string
	metric sensing.Metric
}

// makeStations registers n stations over Guangdong's towns (440106's first).
func makeStations(ctx context.Context, a *app.App, n int) []station {
	towns := append(a.Regions.Descendants("440106", region.Town), a.Regions.Descendants("44", region.Town)...)
	out := make([]station, n)
	for i := range out {
		out[i] = station{code: fmt.Sprintf("C-%05d", i), metric: sensing.Metrics[i%len(sensing.Metrics)]}
		t := towns[i*7%len(towns)]
		if i == 0 {
			t = towns[0]
		}
		if _, err := a.Sensing.CreateStationAs(ctx, audit.System("bench"), sensing.NewStation{Code: out[i].code, Name: "基准站 " + t.Name,
			Region: string(t.Code), Lat: 23, Lon: 113}); err != nil {
			log.Fatalf("station %d: %v", i, err)
		}
	}
	return out
}

// ingest runs the ingestion path over n calm readings ending now.
func ingest(ctx context.Context, a *app.App, stations []station, n int) {
	minutes := (n + len(stations) - 1) / len(stations)
	start := time.Now().Unix() - int64(minutes+1)*60
	start -= start % 60
	var buf bytes.Buffer
	for k := 0; k < n; k += 10_000 {
		buf.Reset()
		for j := k; j < min(k+10_000, n); j++ {
			st := stations[j%len(stations)]
			v := math.Round(st.metric.Default[0]*50) / 100
			buf.WriteString(`{"station":"` + st.code + `","metric":"` + st.metric.Code + `","ts":` +
				strconv.FormatInt(start+int64(j/len(stations))*60, 10) + `,"value":` + strconv.FormatFloat(v, 'f', -1, 64) + "}\n")
		}
		in, bad, err := sensing.ParseLines(&buf, sensing.MaxBatchLines)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := a.Sensing.IngestAs(ctx, audit.System("bench"), in, bad); err != nil {
			log.Fatal(err)
		}
	}
}

// generate writes n events over the last 365 days in every village of 广东
// (as bench/eventsummary): 95% closed, 60% of those rated.
func generate(ctx context.Context, a *app.App, n int) error {
	villages := a.Regions.Descendants("44", region.Village)
	leaves := governance.Leaves()
	rnd := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC().Truncate(time.Microsecond)
	for done := 0; done < n; {
		batch := min(1000, n-done)
		err := a.DB.Transact(ctx, func(ctx context.Context) error {
			for i := 0; i < batch; i++ {
				v := villages[rnd.IntN(len(villages))]
				c := leaves[rnd.IntN(len(leaves))]
				created := now.Add(-time.Duration(rnd.Int64N(int64(365 * 24 * time.Hour))))
				e := &governance.Event{ID: ids.New(), Number: fmt.Sprintf("SJC%09d", done+i), Version: 1, Source: governance.SourceGrid,
					Category: c.Code, Description: "生成的事件", Location: governance.Location{Region: v.Code}, Urgency: governance.Normal,
					State: governance.Closed, Level: c.Level, Department: c.Department, CreatedAt: created, UpdatedAt: created}
				if rnd.IntN(100) < 5 {
					e.State, e.Deadline = governance.Handling, created.Add(time.Duration(rnd.IntN(240))*time.Hour)
				} else {
					e.ClosedAt = created.Add(time.Duration(rnd.IntN(72)+1) * time.Hour)
					if rnd.IntN(100) < 60 {
						e.Rating, e.RatedAt = 1+rnd.IntN(5), e.ClosedAt.Add(time.Hour)
					}
				}
				if err := a.Store.CreateEvent(ctx, e, nil, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += batch
	}
	return nil
}
