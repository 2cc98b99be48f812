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
	return periodic(ctx, photoPruneEvery, true, func(ctx context.Context) {
		for {
			n, err := a.Governance.PruneUploads(ctx, 200)
			if err != nil && ctx.Err() == nil {
				a.Log.Warn("prune event photo uploads", "err", err)
			}
			if n > 0 {
				a.Log.Info("pruned unattached event photos", "blobs", n)
			}
			if err != nil || n < 200 {
				return
			}
		}
	})
}
