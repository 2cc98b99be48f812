package web

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/identity"
)

// SetLiveRecheck shortens how often open live streams re-check their
// viewer, for a test; the returned function restores it.
func SetLiveRecheck(d time.Duration) (restore func()) {
	old := liveRecheck
	liveRecheck = d
	return func() { liveRecheck = old }
}

// LiveRecheckLookup re-checks a session as an open live stream does; fresh
// drops the shared cache first (the cost when the period has passed).
func LiveRecheckLookup(id *identity.Service) func(ctx context.Context, session string, fresh bool) error {
	l := &liveCreds{id: id}
	return func(ctx context.Context, session string, fresh bool) error {
		if fresh {
			l.mu.Lock()
			l.m = nil
			l.mu.Unlock()
		}
		_, ok, err := l.caller(ctx, liveCred{session: session})
		if err == nil && !ok {
			err = context.Canceled
		}
		return err
	}
}
