package bridge

import (
	"context"
	"slices"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// mqttClient is a connected MQTT client as auth admitted it: its token and
// the subjects it may publish to now.
type mqttClient struct {
	c        server.ClientAuthentication
	token    string
	subjects []string
}

// recheckLoop checks the connected MQTT clients' topics every
// Options.Recheck until ctx ends.
func (b *Bridge) recheckLoop(ctx context.Context) {
	defer close(b.rechecking)
	t := time.NewTicker(b.opt.Recheck)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		b.recheck(ctx)
	}
}

// recheck asks Allow again for every MQTT client still connected and, when
// the answer changed, gives the client its new topics at once (the server
// checks a client's permissions on each publish): a station added within
// the token's scope may be published to, one disabled or moved out of it
// no longer, and a token revoked or stripped of sensing.ingest publishes
// nothing more. Clients that went away are forgotten.
func (b *Bridge) recheck(ctx context.Context) {
	a := b.auth
	a.mu.Lock()
	known := make(map[uint64]*mqttClient, len(a.clients))
	for id, c := range a.clients {
		known[id] = c
	}
	a.mu.Unlock()
	if len(known) == 0 {
		return
	}
	// Which are still connected: the ones listed open now (a client
	// admitted after this snapshot is not in known, so not dropped).
	open := map[uint64]bool{}
	cz, err := b.srv.Connz(&server.ConnzOptions{State: server.ConnOpen, Limit: len(known) + 1<<16})
	if err != nil {
		b.opt.Log.Warn("readings bus: list MQTT clients", "err", err)
		return
	}
	for _, ci := range cz.Conns {
		open[ci.Cid] = true
	}
	type answer struct {
		subjects []string
		ok       bool
	}
	asked := map[string]answer{} // sensors often share a token
	for id, c := range known {
		if !open[id] {
			a.mu.Lock()
			if a.clients[id] == c {
				delete(a.clients, id)
			}
			a.mu.Unlock()
			continue
		}
		ans, seen := asked[c.token]
		if !seen {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			ans.subjects, ans.ok = b.opt.Allow(cctx, c.token)
			timedOut := cctx.Err() == context.DeadlineExceeded
			cancel()
			if timedOut || ctx.Err() != nil {
				continue // the check did not finish: keep what the client has
			}
			asked[c.token] = ans
		}
		subjects := ans.subjects
		if !ans.ok {
			subjects = nil
		}
		if slices.Equal(subjects, c.subjects) {
			continue
		}
		c.c.RegisterUser(&server.User{Username: c.c.GetOpts().Username, Permissions: permissions(subjects)})
		a.mu.Lock()
		c.subjects = subjects
		a.mu.Unlock()
		b.opt.Log.Info("readings bus: MQTT client's topics changed", "client", id, "topics", len(subjects))
	}
}
