package identity

import (
	"sync"
	"time"
)

// TokenCacheTTL is how long a resolved API token is remembered. Systems
// call the API many times a second with the same token; resolving it costs
// three queries. A revoked token or a changed grant therefore takes effect
// within this time on every instance. The cache holds nothing another
// instance needs, so instances stay interchangeable.
const TokenCacheTTL = 30 * time.Second

// AuthorityCacheTTL is how long the competent authority found for a
// department and region is remembered: every submission asks, and the
// answer changes only when a body is created or reorganised (which then
// takes effect within this time).
const AuthorityCacheTTL = 30 * time.Second

// cacheMax bounds each cache: a full cache starts over (crude but bounded).
const cacheMax = 10000

// ttlCache remembers values by key for ttl. The zero value with ttl set is
// ready to use and safe for concurrent use.
type ttlCache[V any] struct {
	ttl     time.Duration
	mu      sync.RWMutex
	entries map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v       V
	expires time.Time
}

// get returns the value of key if it was put less than ttl before now.
func (c *ttlCache[V]) get(key string, now time.Time) (V, bool) {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || now.After(e.expires) {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *ttlCache[V]) put(key string, v V, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= cacheMax {
		c.entries = map[string]ttlEntry[V]{}
	}
	c.entries[key] = ttlEntry[V]{v: v, expires: now.Add(c.ttl)}
}

// drop forgets the values for which gone is true.
func (c *ttlCache[V]) drop(gone func(V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if gone(e.v) {
			delete(c.entries, k)
		}
	}
}
