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

const tokenCacheMax = 10000

type tokenCache struct {
	mu      sync.RWMutex
	entries map[string]tokenEntry
}

type tokenEntry struct {
	caller  *Caller
	expires time.Time
}

func (c *tokenCache) get(hash string, now time.Time) *Caller {
	c.mu.RLock()
	e, ok := c.entries[hash]
	c.mu.RUnlock()
	if !ok || now.After(e.expires) {
		return nil
	}
	return e.caller
}

func (c *tokenCache) put(hash string, caller *Caller, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= tokenCacheMax {
		c.entries = map[string]tokenEntry{} // crude but bounded: start over
	}
	c.entries[hash] = tokenEntry{caller: caller, expires: now.Add(TokenCacheTTL)}
}

// AuthorityCacheTTL is how long the competent authority found for a
// department and region is remembered: every submission asks, and the
// answer changes only when a body is created or reorganised (which then
// takes effect within this time).
const AuthorityCacheTTL = 30 * time.Second

type authorityCache struct {
	mu      sync.RWMutex
	entries map[string]authorityEntry
}

type authorityEntry struct {
	org     *Organization
	expires time.Time
}

func (c *authorityCache) get(key string, now time.Time) *Organization {
	c.mu.RLock()
	e, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || now.After(e.expires) {
		return nil
	}
	return e.org
}

func (c *authorityCache) put(key string, o *Organization, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= tokenCacheMax {
		c.entries = map[string]authorityEntry{}
	}
	c.entries[key] = authorityEntry{org: o, expires: now.Add(AuthorityCacheTTL)}
}
