package license

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// A trust-listed licence's status list is fetched only from under the
// node URL of the trust list its key came from (KeyInfo.IssuerBase): the
// URL in the licence is the signer's to choose, and fetching it wherever
// it points would let a trusted key make this node request its internal
// addresses (SSRF). The verifier passes the base in the context; a fetch
// without one, or of a URL outside it, or redirected outside it, fails
// with StatusBadURL before any request leaves.

type statusBaseKey struct{}

// WithStatusBase returns ctx carrying the node URL under which remote
// status lists may be fetched.
func WithStatusBase(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, statusBaseKey{}, base)
}

func statusBase(ctx context.Context) string {
	b, _ := ctx.Value(statusBaseKey{}).(string)
	return b
}

// underBase reports whether u lies under the node URL base: the same
// scheme (http or https) and host, no user information, and a path
// within base's path.
func underBase(u, base string) bool {
	if base == "" {
		return false
	}
	pu, err1 := url.Parse(u)
	pb, err2 := url.Parse(strings.TrimRight(base, "/"))
	if err1 != nil || err2 != nil || pu.User != nil || pu.Host == "" || pu.Opaque != "" ||
		(pu.Scheme != "https" && pu.Scheme != "http") || pu.Scheme != pb.Scheme || !strings.EqualFold(pu.Host, pb.Host) {
		return false
	}
	p := pu.EscapedPath()
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || strings.EqualFold(seg, "%2e%2e") {
			return false
		}
	}
	return strings.HasPrefix(p, pb.EscapedPath()+"/")
}

// baseBoundClient returns a copy of c that refuses redirects leaving the
// status base of the request's context.
func baseBoundClient(c *http.Client) *http.Client {
	cp := *c
	next := c.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !underBase(req.URL.String(), statusBase(req.Context())) {
			return &statusError{StatusBadURL}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}
	return &cp
}
