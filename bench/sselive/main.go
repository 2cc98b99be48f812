// Command sselive measures the cockpit's live stream under load: it starts
// a node with the demo data on a loopback port, connects clients (1,000 by
// default) to /cockpit/live as the province's leader, then sends a fire
// alarm reading through the HTTP API every two seconds and times how long
// each client takes to receive the update that carries it.
//
//	go run ./bench/sselive [-clients 1000] [-rounds 10]
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/config"
)

type event struct {
	client int
	value  float64
	at     time.Time
}

func main() {
	clients := flag.Int("clients", 1000, "SSE clients")
	rounds := flag.Int("rounds", 10, "updates to time")
	flag.Parse()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "bench-sselive-")
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go a.Serve(ctx, ln)
	base := "http://" + ln.Addr().String()
	token := func(username string) string {
		u, err := a.Identity.UserByUsername(ctx, username)
		if err != nil {
			log.Fatal(err)
		}
		t, err := a.Identity.IssueAPIToken(ctx, audit.System("bench"), u.ID, "bench")
		if err != nil {
			log.Fatal(err)
		}
		return t
	}
	leader, duty := token("leader"), token("duty")
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients + 10, MaxConnsPerHost: 0}}

	events := make(chan event, *clients*4)
	var ready sync.WaitGroup
	ready.Add(*clients)
	for i := 0; i < *clients; i++ {
		go listen(ctx, hc, base, leader, i, events, &ready)
	}
	done := make(chan struct{})
	go func() { ready.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		log.Fatal("clients did not all connect within 60 s")
	}
	fmt.Printf("%d clients connected to %s/cockpit/live\n", *clients, base)

	last := map[int]float64{}
	drain := func(until time.Time, sent time.Time, want float64) []time.Duration {
		var lat []time.Duration
		got := map[int]bool{}
		for len(got) < *clients {
			select {
			case ev := <-events:
				last[ev.client] = ev.value
				if ev.value >= want && !got[ev.client] {
					got[ev.client] = true
					lat = append(lat, ev.at.Sub(sent))
				}
			case <-time.After(time.Until(until)):
				return lat
			}
		}
		return lat
	}
	drain(time.Now().Add(500*time.Millisecond), time.Now(), math.Inf(1)) // initial events
	var all []time.Duration
	total := 0.0
	for _, v := range last {
		total = max(total, v)
	}
	for r := 0; r < *rounds; r++ {
		// 5 alarms more; an old demo alarm may leave the hour's window at
		// the same moment, so a rise of 4 marks the update.
		want := total + 4
		body := fmt.Sprintf(`{"station":"GZ-BY-FIRE-01","metric":"fire_alarms","ts":%d,"value":5}`, time.Now().Unix()-int64(r))
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/sensing/readings", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+duty)
		req.Header.Set("Content-Type", "application/x-ndjson")
		sent := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"accepted":1`)) {
			log.Fatalf("ingest: %d %s", resp.StatusCode, b)
		}
		lat := drain(sent.Add(5*time.Second), sent, want)
		for _, v := range last {
			total = max(total, v)
		}
		slices.Sort(lat)
		if len(lat) == 0 {
			fmt.Printf("round %2d: no client received the update within 5 s\n", r+1)
			continue
		}
		fmt.Printf("round %2d: %4d/%d clients got it, p50 %s, p99 %s, max %s\n", r+1, len(lat), *clients,
			lat[len(lat)/2].Round(time.Millisecond), lat[int(float64(len(lat))*0.99)].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
		all = append(all, lat...)
		missed := *clients - len(lat)
		if missed > 0 {
			fmt.Printf("          %d clients missed it\n", missed)
		}
		time.Sleep(2 * time.Second)
	}
	slices.Sort(all)
	if len(all) > 0 {
		within := 0
		for _, d := range all {
			if d <= time.Second {
				within++
			}
		}
		fmt.Printf("all rounds: %d deliveries of %d, %.2f%% within 1 s; p50 %s, p99 %s, max %s\n", len(all), *clients**rounds,
			100*float64(within)/float64(*clients**rounds), all[len(all)/2].Round(time.Millisecond),
			all[int(float64(len(all))*0.99)].Round(time.Millisecond), all[len(all)-1].Round(time.Millisecond))
	}
}

// listen holds one SSE connection and reports each update's province total
// of fire alarms.
func listen(ctx context.Context, hc *http.Client, base, token string, id int, out chan<- event, ready *sync.WaitGroup) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/cockpit/live?region=44&metric=fire_alarms", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil || resp.StatusCode != 200 {
		log.Fatalf("client %d: %v %v", id, err, resp)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var u struct {
			Sensing struct {
				Indicators []struct {
					Metric string   `json:"metric"`
					Value  *float64 `json:"value"`
				} `json:"indicators"`
			} `json:"sensing"`
		}
		json.Unmarshal([]byte(line), &u)
		v := 0.0
		for _, x := range u.Sensing.Indicators {
			if x.Metric == "fire_alarms" && x.Value != nil {
				v = *x.Value
			}
		}
		out <- event{client: id, value: v, at: time.Now()}
		if first {
			first = false
			ready.Done()
		}
	}
}
