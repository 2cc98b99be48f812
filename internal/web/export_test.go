package web

import "time"

// SetLiveRecheck shortens how often open live streams re-check their
// viewer, for a test; the returned function restores it.
func SetLiveRecheck(d time.Duration) (restore func()) {
	old := liveRecheck
	liveRecheck = d
	return func() { liveRecheck = old }
}
