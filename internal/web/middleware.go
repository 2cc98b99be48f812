package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/i18n"
)

// Cookie names.
const (
	cookieSession = "dg_session"
	cookieCSRF    = "dg_csrf"
	cookieLang    = "dg_lang"
	cookieElderly = "dg_elderly"
)

// csp allows scripts and styles from this origin only: no inline script,
// no inline style, no eval. htmx is configured by a meta tag not to inject
// its indicator styles.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// requestID gives every request an ID: the caller's X-Request-ID if it is
// short and printable, else a new one. It is echoed in the response, written
// in every log line and shown on error pages.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < '!' || c > '~' }) {
			id = randomID(8)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, withState(r, &reqState{ID: id, Caller: &identity.Caller{}, Lang: i18n.ZhCN}))
	})
}

// limitBody refuses bodies over max: at once when Content-Length says so,
// otherwise when reading passes the limit (handlers see *http.MaxBytesError,
// which maps to 413).
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.maxBody {
			s.writeError(w, r, errs.E(errs.TooLarge, "error.too_large"))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the caller from a Bearer API token or the session
// cookie, and the language and elderly mode from the account, cookies or
// Accept-Language. An invalid token is answered 401 at once; an expired
// session cookie is cleared and the request continues anonymously.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r.Context())
		ctx := r.Context()
		if auth := r.Header.Get("Authorization"); auth != "" {
			token, ok := strings.CutPrefix(auth, "Bearer ")
			c, err := s.id.CallerByAPIToken(ctx, strings.TrimSpace(token))
			if !ok || err != nil {
				if err == nil || errs.Is(err, errs.Unauthenticated) {
					err = errs.E(errs.Unauthenticated, "auth.token_invalid")
				}
				s.writeProblem(w, r, err)
				return
			}
			st.Caller, st.ViaAPI = c, true
		} else if ck, err := r.Cookie(cookieSession); err == nil && ck.Value != "" {
			c, csrf, err := s.id.CallerBySession(ctx, ck.Value)
			switch {
			case err == nil:
				st.Caller, st.Session, st.CSRF = c, ck.Value, csrf
			case errs.Is(err, errs.Unauthenticated):
				clearCookie(w, cookieSession)
			default:
				s.writeError(w, r, err)
				return
			}
		}
		st.Lang, st.Elderly = preferences(r, st.Caller)
		if st.CSRF == "" && !st.ViaAPI {
			st.CSRF = anonymousCSRF(w, r)
		}
		next.ServeHTTP(w, r)
	})
}

// preferences picks the language and elderly mode: a signed-in person's
// saved choice, else the cookies, else zh-CN. Pages are Chinese unless the
// person chooses English; API clients choose per request with
// Accept-Language, which comes first.
func preferences(r *http.Request, c *identity.Caller) (lang string, elderly bool) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if l := i18n.FromAcceptLanguage(r.Header.Get("Accept-Language")); l != "" {
			return l, false
		}
	}
	if !c.Anonymous() {
		if l := i18n.Match(c.Locale); l != "" {
			return l, c.Elderly
		}
	}
	if ck, err := r.Cookie(cookieLang); err == nil {
		lang = i18n.Match(ck.Value)
	}
	if lang == "" {
		lang = i18n.ZhCN
	}
	if ck, err := r.Cookie(cookieElderly); err == nil {
		elderly = ck.Value == "1"
	}
	return lang, elderly
}

// anonymousCSRF returns the double-submit token of a visitor who is not
// signed in, setting the cookie on first sight. A forged cross-site form
// cannot know the cookie's value, so it cannot echo it in the form.
func anonymousCSRF(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(cookieCSRF); err == nil && len(ck.Value) == 43 {
		return ck.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: cookieCSRF, Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	r.AddCookie(&http.Cookie{Name: cookieCSRF, Value: v})
	return v
}

// checkCSRF refuses state-changing requests from a browser that do not carry
// the request's CSRF token in the form field "csrf" or the X-CSRF-Token
// header. Requests authenticated by an API token carry no cookies and are
// exempt.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r.Context())
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		// API tokens carry no cookies; and a caller with no session at all
		// has nothing a forged request could use: the API answers it 401.
		// Open311 authenticates by the api_key in the form and ignores any
		// session, so a forged request gains nothing from the cookie.
		if st.ViaAPI || (st.Session == "" && strings.HasPrefix(r.URL.Path, "/api/")) || strings.HasPrefix(r.URL.Path, "/open311/") {
			next.ServeHTTP(w, r)
			return
		}
		got := r.Header.Get("X-CSRF-Token")
		if got == "" && !strings.HasPrefix(r.URL.Path, "/api/") {
			got = r.PostFormValue("csrf")
		}
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(st.CSRF)) != 1 {
			err := errs.E(errs.Forbidden, "error.csrf")
			if strings.HasPrefix(r.URL.Path, "/api/") {
				s.writeProblem(w, r, err)
			} else {
				s.writeError(w, r, err)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe wraps the mux directly, so that after it returns the request
// carries the matched route pattern: it logs the request and records
// metrics by route. Paths are logged without their query, which could hold
// personal data.
func (s *Server) observe(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		func() {
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					s.log.Error("panic", "request_id", state(r.Context()).ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					if sw.status == 0 {
						s.writeError(sw, r, errs.E(errs.Internal, "error.internal"))
					}
				}
			}()
			mux.ServeHTTP(sw, r)
		}()
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, r.Method, sw.status, d)
		st := state(r.Context())
		s.log.Info("request", "request_id", st.ID, "method", r.Method, "path", r.URL.Path, "route", route,
			"status", sw.status, "bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000,
			"user", string(st.Caller.UserID))
	})
}

func clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func setPrefCookie(w http.ResponseWriter, r *http.Request, name, value string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
}

// safeNext keeps a redirect target on this site: a path, not "//host".
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
