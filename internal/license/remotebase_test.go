package license

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestRemoteStatusOnlyUnderTheNode: a trust-listed licence's status list
// is fetched only from under its trust list's node URL. A URL elsewhere
// (an internal address), one without a known node, or a redirect away
// from the node fails with bad_url before any request reaches the other
// address; a redirect within the node is followed.
func TestRemoteStatusOnlyUnderTheNode(t *testing.T) {
	var inner atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner.Add(1)
		w.Write([]byte("secret"))
	}))
	t.Cleanup(internal.Close)

	n := newRemoteNode(t)
	n.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.hits.Add(1)
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, internal.URL+"/credentials/status/1-revocation", http.StatusFound)
		case "/moved":
			http.Redirect(w, r, n.url(), http.StatusMovedPermanently)
		default:
			w.Write([]byte(n.list(n.sg, n.url(), PurposeRevocation, time.Hour, 5)))
		}
	})
	at := func(base, u string) string {
		_, err := n.r.bit(WithStatusBase(context.Background(), base), "广东省", u, PurposeRevocation, 5)
		return StatusErrorReason(err)
	}
	for name, c := range map[string]struct{ base, url, want string }{
		"another host":             {n.srv.URL, internal.URL + "/credentials/status/1-revocation", StatusBadURL},
		"no node known":            {"", n.url(), StatusBadURL},
		"same host, outside path":  {n.srv.URL + "/gd", n.srv.URL + "/gdx/credentials/status/1-revocation", StatusBadURL},
		"dot segments":             {n.srv.URL + "/gd", n.srv.URL + "/gd/../credentials/status/1-revocation", StatusBadURL},
		"user info":                {n.srv.URL, "http://x@" + n.srv.Listener.Addr().String() + "/credentials/status/1-revocation", StatusBadURL},
		"redirected away":          {n.srv.URL, n.srv.URL + "/away", StatusBadURL},
		"redirected within":        {n.srv.URL, n.srv.URL + "/moved", StatusWrongList}, // followed; the list names its own URL
		"under the node":           {n.srv.URL + "/", n.url(), ""},
		"under the node, no slash": {n.srv.URL, n.url(), ""},
	} {
		if got := at(c.base, c.url); got != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
	if inner.Load() != 0 {
		t.Errorf("the internal address was requested %d times", inner.Load())
	}
}
