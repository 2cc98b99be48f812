package bridge_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/sensing/bridge"
)

func TestDecode(t *testing.T) {
	for _, c := range []struct {
		subject, payload string
		ok               bool
		station, metric  string
		value            float64
		ts               int64
	}{
		{"digigov.readings.GZ-TH-RAIN-01.rainfall", "12.5", true, "GZ-TH-RAIN-01", "rainfall", 12.5, 0},
		{"digigov.readings.GZ-TH-RAIN-01.rainfall", ` {"value": 3, "ts": 1767225600} `, true, "GZ-TH-RAIN-01", "rainfall", 3, 1767225600},
		{"digigov.readings.S1.aqi", `{"value": 61, "ts": "2026-01-01T08:00:00+08:00"}`, true, "S1", "aqi", 61, 1767225600},
		{"digigov.readings.S1.aqi", `{"ts": 1}`, false, "", "", 0, 0},
		{"digigov.readings.S1.aqi", `high`, false, "", "", 0, 0},
		{"digigov.readings.S1", `1`, false, "", "", 0, 0},
		{"digigov.readings.S1.aqi.extra", `1`, false, "", "", 0, 0},
		{"other.S1.aqi", `1`, false, "", "", 0, 0},
	} {
		x, ok := bridge.Decode(c.subject, []byte(c.payload))
		if ok != c.ok {
			t.Errorf("%s %q: ok %v, want %v", c.subject, c.payload, ok, c.ok)
			continue
		}
		if ok && (x.Station != c.station || x.Metric != c.metric || *x.Value != c.value || int64(x.Time) != c.ts) {
			t.Errorf("%s %q: %+v (value %v)", c.subject, c.payload, x, *x.Value)
		}
	}
}

// TestExternalCluster runs the bridge against a separate NATS server with
// JetStream, as a deployment with --nats-url does: a reading published on
// the cluster reaches the ingestion function, and a message that is not a
// reading is reported as a malformed line, not retried for ever.
func TestExternalCluster(t *testing.T) {
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready")
	}
	t.Cleanup(srv.Shutdown)

	var mu sync.Mutex
	var got []sensing.Input
	var bad []sensing.Rejection
	b, err := bridge.Start(context.Background(), bridge.Options{URL: srv.ClientURL(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxWait: 20 * time.Millisecond,
		Ingest: func(_ context.Context, in []sensing.Input, rej []sensing.Rejection) (*sensing.Report, error) {
			mu.Lock()
			defer mu.Unlock()
			got, bad = append(got, in...), append(bad, rej...)
			return &sensing.Report{Accepted: len(in), Rejected: rej}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.Publish("digigov.readings.HY-DY-RES-01.reservoir_level", []byte(`{"value": 96.5}`))
	nc.Publish("digigov.readings.HY-DY-RES-01.reservoir_level", []byte(`not a number`))
	nc.Flush()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n, m := len(got), len(bad)
		mu.Unlock()
		if n == 1 && m == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %d readings, %d rejections", n, m)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got[0].Station != "HY-DY-RES-01" || got[0].Metric != "reservoir_level" || *got[0].Value != 96.5 {
		t.Errorf("reading %+v", got[0])
	}
	if bad[0].Reason != "sensing.line_malformed" {
		t.Errorf("rejection %+v", bad[0])
	}
	// Acknowledged: nothing is redelivered.
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Errorf("%d readings after acknowledging, want 1", len(got))
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("digigov.readings.S1.aqi", []byte(`{"value": 61}`))
	f.Add("digigov.readings.S1.rainfall", []byte(`12.5`))
	f.Fuzz(func(t *testing.T, subject string, payload []byte) {
		if x, ok := bridge.Decode(subject, payload); ok && (x.Value == nil || x.Station == "" || x.Metric == "") {
			t.Errorf("accepted without station, metric or value: %+v", x)
		}
	})
}
