package app

import (
	"context"
	"time"
)

// photoPruneEvery is how often the node removes event photos uploaded a
// day ago and never attached (governance.PruneUploads).
const photoPruneEvery = time.Hour

// startPhotoPruning removes unattached event photo uploads now and every
// photoPruneEvery until ctx ends; the returned function stops it and waits.
// Every instance may run it: each orphan is deleted in its own transaction
// that only one of them wins.
func (a *App) startPhotoPruning(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(photoPruneEvery)
		defer t.Stop()
		for {
			for {
				n, err := a.Governance.PruneUploads(ctx, 200)
				if err != nil && ctx.Err() == nil {
					a.Log.Warn("prune event photo uploads", "err", err)
				}
				if n > 0 {
					a.Log.Info("pruned unattached event photos", "blobs", n)
				}
				if err != nil || n < 200 {
					break
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
