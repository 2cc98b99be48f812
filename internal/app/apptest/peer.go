package apptest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/digigov/digigov/internal/app"
)

// Peer starts a second node on n's database, as a second instance of one
// deployment behind a load balancer: same database and node key, its own
// data directory (so blobs stored on n are not on the peer), its own
// caches, no demo seeding (n's data is already there). It serves on its
// own loopback address. On SQLite both open the same file.
func (n *Node) Peer(t testing.TB) *Node {
	t.Helper()
	cfg := *n.cfg
	cfg.DataDir = t.TempDir()
	cfg.PublicURL = ""
	srv := httptest.NewUnstartedServer(nil)
	logs := &SafeBuffer{}
	a, err := app.Open(context.Background(), &cfg, slog.New(slog.NewJSONHandler(logs, nil)), "test")
	if err != nil {
		srv.Close()
		t.Fatalf("open peer node: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	t.Cleanup(srv.Close)
	h, err := a.Handler()
	if err != nil {
		t.Fatalf("peer handler: %v", err)
	}
	srv.Config.Handler = h
	srv.Start()
	return &Node{App: a, URL: srv.URL, Log: logs, cfg: &cfg}
}
