package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/sensing"
)

// startSensingNode is startNode, also returning the node.
func startSensingNode(t *testing.T) (*App, string) {
	t.Helper()
	dir := t.TempDir()
	cfg := &config.Config{DataDir: dir, DB: filepath.Join(dir, "digigov.db"), NodeKeyFile: filepath.Join(dir, "node.key"),
		LogFormat: "text", LogLevel: "error", MaxBodyBytes: 10 << 20}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		cancel()
		t.Fatalf("open node: %v", err)
	}
	if _, err := a.SeedDemo(ctx); err != nil {
		cancel()
		a.Close()
		t.Fatalf("seed demo data: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		a.Close()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-served:
		case <-time.After(20 * time.Second):
			t.Errorf("serve: still running 20s after the node was told to stop")
		}
		a.Close()
	})
	return a, "http://" + ln.Addr().String()
}

// waitFor polls cond every 100 ms until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// TestBrowserCockpitLive: the leader's cockpit draws the Guangdong map with
// ECharts under the Content-Security-Policy, and a fire alarm reading shows
// on the open page without a reload; the drill-down to 广州 draws its
// districts' map (county geometry is embedded) beside the table, and 天河区
// below it shows the table alone.
func TestBrowserCockpitLive(t *testing.T) {
	chromiumPath(t)
	a, base := startSensingNode(t)
	b := newTab(t, base)
	b.signIn("leader", DemoPassword)
	b.open("/cockpit?metric=fire_alarms")
	if !waitFor(10*time.Second, func() bool { return b.attr("#cockpit", "data-map") == "drawn" }) {
		t.Fatalf("the map was not drawn: data-map=%q", b.attr("#cockpit", "data-map"))
	}
	if n := b.eval(`String(document.querySelectorAll("#cockpit-map canvas").length)`); n == "0" {
		t.Fatal("no canvas in the map")
	}
	b.wantNoCSPViolations("drawing the cockpit")
	tile := `#cockpit-indicators li[data-metric="fire_alarms"] .num`
	before := b.text(tile)
	updates := b.attr("#cockpit", "data-updates")

	v := 7.0
	rep, err := a.Sensing.IngestAs(context.Background(), audit.System("test"),
		[]sensing.Input{{Line: 1, Station: "GZ-BY-FIRE-01", Metric: "fire_alarms", Value: &v}}, nil)
	if err != nil || rep.Accepted != 1 {
		t.Fatalf("ingest: %v %+v", err, rep)
	}
	if !waitFor(5*time.Second, func() bool { return b.text(tile) != before }) {
		t.Fatalf("the fire alarms tile stayed %q", before)
	}
	if got := b.attr("#cockpit", "data-updates"); got == updates {
		t.Error("the page did not count a live update")
	}
	if !waitFor(3*time.Second, func() bool { return strings.Contains(b.text("#cockpit-alerts"), "白云区消防物联网平台") }) {
		t.Errorf("the ticker does not show 白云's fire alert: %q", b.text("#cockpit-alerts"))
	}

	b.open("/cockpit?region=4401&metric=rainfall")
	if !waitFor(10*time.Second, func() bool { return b.attr("#cockpit", "data-map") == "drawn" }) {
		t.Fatalf("广州's county map: data-map=%q", b.attr("#cockpit", "data-map"))
	}
	if got := b.text(`#cockpit-areas tr[data-region="440106"] td`); got != "天河区" {
		t.Errorf("districts table: %q", got)
	}
	b.wantNoCSPViolations("drilling down to 广州")
	b.open("/cockpit?region=440106&metric=rainfall")
	if !waitFor(10*time.Second, func() bool { return b.attr("#cockpit", "data-map") == "table" }) {
		t.Fatalf("天河 without geometry: data-map=%q", b.attr("#cockpit", "data-map"))
	}
}
