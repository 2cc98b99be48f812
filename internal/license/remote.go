package license

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Why another node's status list could not be used (a message key
// "verify.status_error.<reason>"). The licence then verifies with its
// status unchecked, never with a server error.
const (
	StatusUnreachable  = "unreachable"   // no answer in time, or the connection failed
	StatusHTTP         = "http_status"   // an answer other than 200
	StatusTooLarge     = "too_large"     // more than maxRemoteList bytes
	StatusBadSignature = "bad_signature" // not signed by a key of the licence's trust list
	StatusNotList      = "not_list"      // not a BitstringStatusListCredential
	StatusExpired      = "expired"       // the list's validUntil has passed
	StatusBadURL       = "bad_url"       // not an http(s) URL under the node of the licence's trust list, or redirected away from it
	StatusIndexOutside = "index_outside" // the licence's index lies beyond the list
)

// Remote fetching limits.
const (
	remoteTimeout      = 5 * time.Second
	maxRemoteList      = 256 << 10        // a signed list of 131,072 entries is a few KB; 256 KB is plenty
	defaultRemoteAge   = 60 * time.Second // without Cache-Control max-age
	maxRemoteAge       = 10 * time.Minute // a longer max-age is cut to this: revocations must show
	remoteErrorBackoff = 10 * time.Second // a failure is remembered this long, so a dead node is not asked per verification
)

// statusError is a failure to use a remote list, with its reason.
type statusError struct{ reason string }

func (e *statusError) Error() string { return "remote status list: " + e.reason }

// StatusErrorReason returns the reason of a remote status failure, "" for
// other errors.
func StatusErrorReason(err error) string {
	var se *statusError
	if errors.As(err, &se) {
		return se.reason
	}
	return ""
}

// remoteStatuses fetches the Bitstring Status List credentials of other
// nodes (证照互认) from the URL in their licences, verifies each against
// the keys imported from the licence issuer's trust list, and caches it as
// long as its Cache-Control max-age allows (at most maxRemoteAge, never
// past its validUntil). One fetch per URL runs at a time; the others wait
// for it.
type remoteStatuses struct {
	client *http.Client
	keys   func(ctx context.Context, kid string) (*TrustedKey, error)
	now    func() time.Time
	lists  sync.Map // URL → *remoteList
}

type remoteList struct {
	mu      sync.Mutex
	bits    Bitstring
	source  string // the trust list whose key signed it
	expires time.Time
	err     error // the last failure, remembered until expires
}

func newRemoteStatuses(client *http.Client, keys func(ctx context.Context, kid string) (*TrustedKey, error), now func() time.Time) *remoteStatuses {
	if client == nil {
		client = &http.Client{Timeout: remoteTimeout}
	}
	return &remoteStatuses{client: baseBoundClient(client), keys: keys, now: now}
}

// bit returns the entry index of the list at listURL, for a licence whose
// key came from trust list source and whose entry has purpose.
func (r *remoteStatuses) bit(ctx context.Context, source, listURL, purpose string, index int) (bool, error) {
	if !underBase(listURL, statusBase(ctx)) { // see remotebase.go
		return false, &statusError{StatusBadURL}
	}
	v, _ := r.lists.LoadOrStore(listURL, &remoteList{})
	l := v.(*remoteList)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := r.now()
	if !now.Before(l.expires) {
		l.bits, l.source, l.err, l.expires = nil, "", nil, time.Time{}
		bits, src, ttl, err := r.fetch(ctx, listURL, purpose, now)
		switch {
		case err != nil && ctx.Err() != nil:
			return false, err // the caller gave up: remember nothing
		case err != nil:
			l.err, l.expires = err, now.Add(remoteErrorBackoff)
		default:
			l.bits, l.source, l.expires = bits, src, now.Add(ttl)
		}
	}
	if l.err != nil {
		return false, l.err
	}
	if l.source != source {
		return false, &statusError{StatusBadSignature}
	}
	if index >= len(l.bits)*8 {
		return false, &statusError{StatusIndexOutside}
	}
	return l.bits.Get(index), nil
}

// fetch gets, verifies and decodes one list, with how long it may be kept.
func (r *remoteStatuses) fetch(ctx context.Context, listURL, purpose string, now time.Time) (Bitstring, string, time.Duration, error) {
	u, err := url.Parse(listURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return nil, "", 0, &statusError{StatusBadURL}
	}
	ctx, cancel := context.WithTimeout(ctx, remoteTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, listURL, nil)
	if err != nil {
		return nil, "", 0, &statusError{StatusBadURL}
	}
	req.Header.Set("Accept", "application/vc+jwt")
	resp, err := r.client.Do(req)
	if err != nil {
		if StatusErrorReason(err) == StatusBadURL { // redirected away from the node
			return nil, "", 0, &statusError{StatusBadURL}
		}
		return nil, "", 0, &statusError{StatusUnreachable}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", 0, &statusError{StatusHTTP}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRemoteList+1))
	if err != nil {
		return nil, "", 0, &statusError{StatusUnreachable}
	}
	if len(body) > maxRemoteList {
		return nil, "", 0, &statusError{StatusTooLarge}
	}
	c, reason := ParseCompact(string(body))
	if reason != ReasonOK {
		return nil, "", 0, &statusError{StatusNotList}
	}
	tk, err := r.keys(ctx, c.Header.Kid)
	if err != nil || !tk.RemovedAt.IsZero() {
		return nil, "", 0, &statusError{StatusBadSignature}
	}
	alg, pub, err := tk.JWK.Key()
	if err != nil {
		return nil, "", 0, &statusError{StatusBadSignature}
	}
	l, err := CheckStatusList(c, alg, pub, listURL, purpose, now)
	if err != nil {
		return nil, "", 0, err
	}
	ttl := maxAge(resp.Header.Get("Cache-Control"))
	if !l.ValidUntil.IsZero() {
		ttl = min(ttl, l.ValidUntil.Sub(now))
	}
	return l.Bits, tk.Source, ttl, nil
}

func hasType(types []string, t string) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

// maxAge reads how long a response may be kept from its Cache-Control:
// max-age (at most maxRemoteAge), nothing for no-store or no-cache, and
// defaultRemoteAge when it says nothing.
func maxAge(cc string) time.Duration {
	for _, d := range strings.Split(cc, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		switch {
		case d == "no-store" || d == "no-cache":
			return 0
		case strings.HasPrefix(d, "max-age="):
			n, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(d, "max-age="), `"`))
			if err != nil || n < 0 {
				return 0
			}
			return min(time.Duration(n)*time.Second, maxRemoteAge)
		}
	}
	return defaultRemoteAge
}
