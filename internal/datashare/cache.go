package datashare

import (
	"sync"
	"time"
)

// CacheTTL is how long the exchange trusts a grant or resource it read:
// a revocation or a new upload made on another node is seen by this one
// within it; on this node at once (the cache entry is dropped).
const CacheTTL = time.Second

// ttlCache is a small map whose entries expire after CacheTTL. The
// exchange reads a grant and a resource on every call; this saves both
// reads for callers that call often.
type ttlCache[V any] struct {
	mu sync.Mutex
	m  map[string]cached[V]
}

type cached[V any] struct {
	v  V
	at time.Time
}

func (c *ttlCache[V]) get(k string, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || now.Sub(e.at) >= CacheTTL || now.Before(e.at) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[V]) put(k string, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = map[string]cached[V]{}
	}
	c.m[k] = cached[V]{v, now}
}

// drop forgets every entry: after a change, it is simpler than finding
// the keys that name it, and changes are rare next to calls.
func (c *ttlCache[V]) drop() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}
