package web

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// Re-checking the viewer of an open live stream.
//
// A stream is authorized when it opens, but it may stay open for hours: the
// viewer may sign out, the session may expire, the account may be disabled,
// the API token revoked, or the role or region scope changed. The stream
// therefore re-resolves its credential every liveRecheck (and before a send
// when the last check is older than that) and ends when the credential no
// longer resolves or the viewer's view of the region (viewOf) changed. It
// tells the page why in a last "ended" event, so the page can reload (and
// meet the sign-in page, or its new view) instead of reconnecting blindly.
//
// The lookups go through liveCreds, a cache shared by every stream of the
// node keyed by the credential, kept for liveRecheck: a screen wall of many
// streams under one account costs one lookup per period, and a thousand
// distinct viewers cost a thousand lookups per period (about 200 a second
// at 5 s), not one per send.

// liveRecheck is how often an open stream re-checks its viewer; a change
// takes effect within about twice this (the check's period plus the age of
// the cached answer). A variable so tests can shorten it.
var liveRecheck = 5 * time.Second

// liveCred is the credential a stream was opened with.
type liveCred struct {
	session string // the session cookie's token, or
	token   string // the API token
}

func credOf(r *http.Request) liveCred {
	st := state(r.Context())
	if st.ViaAPI {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return liveCred{token: strings.TrimSpace(tok)}
	}
	return liveCred{session: st.Session}
}

func (c liveCred) key() [32]byte {
	if c.token != "" {
		return sha256.Sum256([]byte("t:" + c.token))
	}
	return sha256.Sum256([]byte("s:" + c.session))
}

// liveCreds resolves credentials for open streams, remembering each answer
// for liveRecheck.
type liveCreds struct {
	id *identity.Service
	mu sync.Mutex
	m  map[[32]byte]liveCredEntry
}

type liveCredEntry struct {
	c  *identity.Caller
	ok bool // false: the credential no longer resolves
	at time.Time
}

// caller returns the caller the credential acts as now, ok false when it no
// longer resolves (signed out, expired, disabled, revoked). err is a failure
// to look (the database): the stream then goes on and tries again later.
func (l *liveCreds) caller(ctx context.Context, cr liveCred) (c *identity.Caller, ok bool, err error) {
	k := cr.key()
	now := time.Now()
	l.mu.Lock()
	if e, hit := l.m[k]; hit && now.Sub(e.at) < liveRecheck {
		l.mu.Unlock()
		return e.c, e.ok, nil
	}
	l.mu.Unlock()
	switch {
	case cr.token != "":
		c, err = l.id.CallerByAPIToken(ctx, cr.token)
	case cr.session != "":
		c, _, err = l.id.CallerBySession(ctx, cr.session)
	default:
		c = &identity.Caller{} // an anonymous viewer stays anonymous
	}
	ok = err == nil
	if errs.Is(err, errs.Unauthenticated) {
		err = nil
	}
	if err != nil {
		return nil, false, err
	}
	l.mu.Lock()
	if l.m == nil || len(l.m) >= 4096 {
		for key, e := range l.m { // drop the stale answers; the map stays small
			if now.Sub(e.at) >= liveRecheck {
				delete(l.m, key)
			}
		}
		if l.m == nil || len(l.m) >= 4096 {
			l.m = map[[32]byte]liveCredEntry{}
		}
	}
	l.m[k] = liveCredEntry{c: c, ok: ok, at: now}
	l.mu.Unlock()
	return c, ok, nil
}

// liveEnd is why a stream ended, sent as the data of its last event.
const (
	liveEndSignedOut = `{"reason":"signed_out"}` // the credential no longer resolves
	liveEndChanged   = `{"reason":"changed"}`    // the viewer's role or scope changed
)

// stillViews re-checks a stream's viewer: "" while the stream may go on,
// else the reason to end it.
func (s *Server) stillViews(ctx context.Context, cr liveCred, k liveKey) string {
	c, ok, err := s.live.creds.caller(ctx, cr)
	if err != nil {
		s.log.Warn("cockpit live: re-checking the viewer", "err", err)
		return ""
	}
	if !ok {
		return liveEndSignedOut
	}
	if viewOf(c, k.region) != k.view {
		return liveEndChanged
	}
	return ""
}
