package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/config"
)

// startNode runs a real digigov node with the demo data on a free port of
// 127.0.0.1, and returns its base URL ("http://127.0.0.1:port"). The node
// stops, and its database closes, when the test ends.
func startNode(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := &config.Config{
		Addr:         "127.0.0.1:0",
		DataDir:      dir,
		DB:           filepath.Join(dir, "digigov.db"),
		NodeKeyFile:  filepath.Join(dir, "node.key"),
		LogFormat:    "text",
		LogLevel:     "error",
		MaxBodyBytes: 10 << 20,
	}
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
		t.Fatalf("listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("serve: still running 20s after the node was told to stop")
		}
		if err := a.Close(); err != nil {
			t.Errorf("close node: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
