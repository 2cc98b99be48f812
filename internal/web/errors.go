package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/i18n"
)

// statusClientClosed is nginx's code for a request whose client hung up.
const statusClientClosed = 499

// status maps a domain error code to an HTTP status — the one place where
// that happens.
func status(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	if errors.Is(err, context.Canceled) {
		return statusClientClosed // the client went away; nobody reads the answer
	}
	switch errs.CodeOf(err) {
	case errs.Invalid:
		if e := errs.As(err); e != nil && len(e.Fields) > 0 {
			return http.StatusUnprocessableEntity // a form or body with invalid fields
		}
		return http.StatusBadRequest
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthenticated:
		return http.StatusUnauthorized
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.TooManyRequests:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// messageKey is the catalog key of the sentence a person sees for err.
// Internal errors never show their text.
func messageKey(err error) string {
	code := status(err)
	if code >= http.StatusInternalServerError || code == statusClientClosed {
		return "error.internal"
	}
	if code == http.StatusRequestEntityTooLarge {
		return "error.too_large"
	}
	if e := errs.As(err); e != nil && e.Msg != "" {
		return e.Msg
	}
	return "error.status." + http.StatusText(code)
}

// handlerFunc is a page handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// errorPage turns a handler's error into an error page: the status from the
// error's code, a sentence in the person's language, and for internal
// errors a log line with the request ID (the person sees only the ID).
func (s *Server) errorPage(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		s.writeError(w, r, err)
	})
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeProblem(w, r, err)
		return
	}
	code := status(err)
	st := state(r.Context())
	if code == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if code >= 500 {
		s.log.Error("request failed", "request_id", st.ID, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := &page{Title: "error.title", Status: code, Data: map[string]any{
		"Code": code, "Message": s.sentence(st.Lang, err), "RequestID": st.ID,
	}}
	if rerr := s.rd.render(w, r, "error", p); rerr != nil {
		s.log.Error("render error page", "request_id", st.ID, "err", rerr)
		http.Error(w, http.StatusText(code), code)
	}
}

// notFoundPage answers unknown paths.
func (s *Server) notFoundPage() http.Handler {
	return s.errorPage(func(w http.ResponseWriter, r *http.Request) error {
		return errs.E(errs.NotFound, "error.page_not_found")
	})
}

// sentence is the translated message of err, with its arguments (message
// keys among them translated too).
func (s *Server) sentence(lang string, err error) string {
	key := messageKey(err)
	var args []any
	if e := errs.As(err); e != nil && key == e.Msg {
		args = s.args(lang, e.Args)
	}
	return s.msgs.T(lang, key, args...)
}

func (s *Server) args(lang string, in []any) []any { return translateArgs(s.msgs, lang, in) }

// translateArgs translates errs.Key arguments and joins lists of them.
func translateArgs(msgs *i18n.Catalog, lang string, in []any) []any {
	out := make([]any, len(in))
	for i, a := range in {
		switch v := a.(type) {
		case errs.Key:
			out[i] = msgs.T(lang, string(v))
		case []errs.Key:
			parts := make([]string, len(v))
			for j, k := range v {
				parts[j] = msgs.T(lang, string(k))
			}
			sep := "、"
			if lang == "en" {
				sep = ", "
			}
			out[i] = strings.Join(parts, sep)
		default:
			out[i] = a
		}
	}
	return out
}

// parseForm parses a POST form, urlencoded or multipart (files up to 1 MB
// in memory, the rest on disk). A malformed body is the client's fault: it
// answers 400, not 500; a body over the limit still answers 413.
func parseForm(r *http.Request) error {
	err := r.ParseMultipartForm(1 << 20)
	var mbe *http.MaxBytesError
	switch {
	case err == nil, errors.Is(err, http.ErrNotMultipart):
		return nil
	case errors.As(err, &mbe):
		return err
	}
	return &errs.Error{Code: errs.Invalid, Err: err}
}
