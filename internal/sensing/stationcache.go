package sensing

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// The station cache. Ingestion looks each reading's station up by code in
// memory; a station changed on another instance sharing the database (a
// metric declared, a new region) must not be served stale for long. So
// every StationRecheck, at most, the next batch first asks the store which
// stations changed since the previous look (one range of the index on
// changed_at: no rows almost always) and forgets the cached ones whose
// change time differs; the next reading of such a station loads it again.
// A change made on this instance replaces its cache entry at once.
//
// The bound: an edit committed on one instance applies to readings another
// instance receives StationRecheck after the commit, at most (plus the
// batch being checked at that moment). Change times come from the writing
// instance's clock; each look reaches StationSkew further back than the
// previous one began, so clocks that disagree by less than that, and
// commits that take less, lose nothing.

// StationRecheck is the longest a station change made on another instance
// stays unseen by this instance's ingestion.
const StationRecheck = 2 * time.Second

// StationSkew is how far before the previous look each look starts.
const StationSkew = time.Minute

// StationChange is a station's code and when it was created or last
// changed.
type StationChange struct {
	Code string
	At   time.Time
}

// stationCheck is when the station cache was last checked against the
// store, and when it is next due.
type stationCheck struct {
	mu   sync.Mutex   // held by the one goroutine checking
	next atomic.Int64 // Unix nanoseconds when the next check is due
	last time.Time    // when the previous check began (under mu)
}

// recheckStations forgets the cached stations changed in the store since
// the previous check, if a check is due. A goroutine arriving while
// another checks goes on with the cache as it is.
func (s *Service) recheckStations(ctx context.Context) error {
	now := s.now()
	if now.UnixNano() < s.check.next.Load() || !s.check.mu.TryLock() {
		return nil
	}
	defer s.check.mu.Unlock()
	if now.UnixNano() < s.check.next.Load() {
		return nil // checked by another goroutine meanwhile
	}
	since := s.check.last.Add(-StationSkew)
	changed, err := s.store.ChangedStations(ctx, since)
	if err != nil {
		return err
	}
	if len(changed) > 0 {
		s.mu.Lock()
		for _, c := range changed {
			if st := s.stations[c.Code]; st != nil && !st.ChangedAt.Equal(c.At) {
				delete(s.stations, c.Code)
			}
		}
		s.mu.Unlock()
	}
	s.check.last = now
	s.check.next.Store(now.Add(StationRecheck).UnixNano())
	return nil
}
