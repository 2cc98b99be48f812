package web

import (
	"context"
	"net/http"

	"github.com/digigov/digigov/internal/identity"
)

// reqState is what the middleware learns about a request and the handlers
// read: who calls, in which language and mode, and the CSRF token forms
// must carry.
type reqState struct {
	ID      string
	Caller  *identity.Caller // never nil; anonymous when not signed in
	Session string           // session token from the cookie, "" if none
	CSRF    string
	Lang    string
	Elderly bool
	ViaAPI  bool // authenticated by an API token, not a cookie
}

type stateKey struct{}

func withState(r *http.Request, s *reqState) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), stateKey{}, s))
}

// state returns the request's state; a request that did not pass through
// the middleware gets an anonymous zh-CN state.
func state(ctx context.Context) *reqState {
	if s, ok := ctx.Value(stateKey{}).(*reqState); ok {
		return s
	}
	return &reqState{Caller: &identity.Caller{}, Lang: "zh-CN"}
}

// caller returns who makes the request.
func caller(r *http.Request) *identity.Caller { return state(r.Context()).Caller }
