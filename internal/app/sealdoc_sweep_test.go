package app

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/sealdoc"
)

// TestServeSweepsLostDecisionsAtStartUp: a node that stopped right after
// the outbox committed a case's completion (the decision never issued)
// issues that decision as soon as it serves again, without any event.
func TestServeSweepsLostDecisionsAtStartUp(t *testing.T) {
	ctx, cancel, a, it := openTestApp(t, "TST-0002")
	caller := func(username string) *identity.Caller {
		u, err := a.Identity.UserByUsername(ctx, username)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := a.Identity.IssueAPIToken(ctx, audit.System("test"), u.ID, "t")
		if err != nil {
			t.Fatal(err)
		}
		c, err := a.Identity.CallerByAPIToken(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c, err := a.Cases.Apply(ctx, caller("citizen"), cases.Application{ItemCode: it.Code, DecideIn: "440106", Form: map[string]string{"reason": "换领"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		who string
		act cases.Action
	}{{"officer", cases.ActAccept}, {"head", cases.ActApprove}, {"head", cases.ActComplete}} {
		if c, err = a.Cases.Act(ctx, caller(st.who), c.ID, c.Version, st.act, "同意"); err != nil {
			t.Fatalf("%s: %v", st.act, err)
		}
	}
	// The crash: the events committed as processed, nothing after.
	lost := jobs.New(a.Store, a.DB, jobs.Options{})
	lost.Handle("cases.", func(context.Context, jobs.Event) error { return nil })
	for {
		n, err := lost.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	// The node comes back later than the grace period after completion.
	a.now = func() time.Time { return time.Now().Add(time.Hour) }
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := a.Store.DocumentByKey(ctx, c.AuthorityID, sealdoc.DecisionKey(c.ID))
		if err == nil {
			if v := a.Documents.Lookup(ctx, d.Number); !v.Genuine {
				t.Errorf("restored decision: %+v", v)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no decision 20 s after start-up: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}
