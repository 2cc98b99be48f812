package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/store/storetest"
	"github.com/digigov/digigov/internal/web"
)

// An open cockpit stream ends soon after its viewer signs out, or after its
// API token is revoked, with a last "ended" event saying why; a leader
// still signed in keeps receiving updates.
func TestCockpitLiveEndsWhenSignedOut(t *testing.T) {
	defer web.SetLiveRecheck(300 * time.Millisecond)()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			ctx := context.Background()
			const path = "/cockpit/live?region=4401&metric=rainfall"

			gone, stays := n.Client(t), n.Client(t)
			gone.Login("leader", app.DemoPassword)
			stays.Login("leader", app.DemoPassword) // the same account, another session
			tok := n.Token(t, "leader")
			goneS, staysS := gone.Stream(path), stays.Stream(path)
			tokS := n.Client(t).Stream(path, "Authorization", "Bearer "+tok)
			for _, s := range []*apptest.Stream{goneS, staysS, tokS} {
				if ev, ok := s.Next(5 * time.Second); !ok || ev.Name != "indicators" {
					t.Fatalf("first event: %+v %v", ev, ok)
				}
			}

			if r := gone.Post("/logout", nil); r.StatusCode != 303 {
				t.Fatalf("sign out: %d", r.StatusCode)
			}
			start := time.Now()
			evs := goneS.Ends(3 * time.Second)
			if len(evs) == 0 || evs[len(evs)-1].Name != "ended" || !strings.Contains(evs[len(evs)-1].Data, "signed_out") {
				t.Errorf("signed-out stream's last events: %+v", evs)
			}
			t.Logf("signed-out stream ended %s after the sign-out", time.Since(start).Round(time.Millisecond))

			u, err := n.App.Identity.UserByUsername(ctx, "leader")
			if err != nil {
				t.Fatal(err)
			}
			if k, err := n.App.Identity.RevokeAPITokens(ctx, audit.System("test"), u.ID, "test"); err != nil || k != 1 {
				t.Fatalf("revoke: %d %v", k, err)
			}
			evs = tokS.Ends(3 * time.Second)
			if len(evs) == 0 || evs[len(evs)-1].Name != "ended" {
				t.Errorf("revoked token's stream's last events: %+v", evs)
			}
			if r := n.Client(t).Get("/api/v1/me", "Authorization", "Bearer "+tok); r.StatusCode != 401 {
				t.Errorf("revoked token still answered: %d", r.StatusCode)
			}

			// The leader still signed in gets the next change.
			if _, _, err := n.App.Governance.Report(ctx, n.Caller(t, "hotline"), governance.Input{Source: governance.SourceHotline, Category: "0203",
				Description: "天河路路灯不亮，夜间行人看不清路面", Region: "440106", ReporterName: "王先生"}); err != nil {
				t.Fatal(err)
			}
			if ev, ok := staysS.Next(8 * time.Second); !ok || ev.Name != "indicators" {
				t.Fatalf("the signed-in leader's stream: %+v %v", ev, ok)
			}
		})
	}
}
