package app

import (
	"net"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/notify"
)

// TestServeDispatches: a serving node delivers outbox events on its own —
// an application becomes an inbox entry without anyone calling RunOnce —
// and stops its dispatcher with the server.
func TestServeDispatches(t *testing.T) {
	ctx, cancel, a, it := openTestApp(t, "TST-0001")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()

	u, err := a.Identity.UserByUsername(ctx, "citizen")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.Identity.IssueAPIToken(ctx, audit.System("test"), u.ID, "t")
	if err != nil {
		t.Fatal(err)
	}
	citizen, err := a.Identity.CallerByAPIToken(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Cases.Apply(ctx, citizen, cases.Application{ItemCode: it.Code, DecideIn: "440106", Form: map[string]string{"reason": "换领"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := a.Notify.List(ctx, citizen, notify.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no notification 10 s after applying (%d)", len(list))
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
