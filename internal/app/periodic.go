package app

import (
	"context"
	"time"
)

// periodic runs round every interval until ctx ends (first at once when
// now is set, else after the first interval) and returns the function that
// stops it and waits for the round under way. The node's upkeep loops
// (overdue timer, photo pruning, data feeds) are all this shape.
func periodic(ctx context.Context, every time.Duration, now bool, round func(ctx context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		if now {
			round(ctx)
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			round(ctx)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
