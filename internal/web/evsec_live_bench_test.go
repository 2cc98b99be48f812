package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
	"github.com/digigov/digigov/internal/web"
)

// What re-checking an open live stream's viewer costs (live_recheck.go):
// Fresh is one lookup of a session (what each distinct viewer costs once
// per liveRecheck period), Cached is a stream's check within the period
// (the shared cache). Baseline: one signed-in GET /api/v1/me, which
// resolves the same session in the middleware and answers.
func BenchmarkLiveRecheck(b *testing.B) {
	n := apptest.Start(b, storetest.Engines(b)[0])
	c := n.Client(b)
	c.Login("leader", app.DemoPassword)
	u, _ := http.NewRequest("GET", n.URL, nil)
	var session string
	for _, ck := range c.Cookies(u) {
		if ck.Name == "dg_session" {
			session = ck.Value
		}
	}
	if session == "" {
		b.Fatal("no session cookie")
	}
	look := web.LiveRecheckLookup(n.App.Identity)
	ctx := context.Background()
	b.Run("Fresh", func(b *testing.B) {
		for b.Loop() {
			if err := look(ctx, session, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Cached", func(b *testing.B) {
		for b.Loop() {
			if err := look(ctx, session, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BaselineGETMe", func(b *testing.B) {
		for b.Loop() {
			if r := c.Get("/api/v1/me"); r.StatusCode != 200 {
				b.Fatal(r.StatusCode)
			}
		}
	})
}
