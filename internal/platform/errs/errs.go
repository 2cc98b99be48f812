// Package errs gives every error in digigov a code that says what kind of
// failure it is. Domains return coded errors; only the web layer turns a code
// into an HTTP status, once, in one place.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies a failure. The zero value is Internal.
type Code string

const (
	Internal        Code = "internal"
	Invalid         Code = "invalid"
	NotFound        Code = "not_found"
	Conflict        Code = "conflict"
	Forbidden       Code = "forbidden"
	Unauthenticated Code = "unauthenticated"
	TooLarge        Code = "too_large"
	TooManyRequests Code = "too_many_requests"
)

// Error is a coded error. Msg is a message key or a plain sentence meant for
// the person who caused it; Fields maps form fields to message keys for
// validation failures.
type Error struct {
	Code   Code
	Msg    string
	Args   []any // values for the message's verbs; Key and []Key values are translated too
	Fields map[string]string
	Err    error // the underlying cause, never shown to users
}

// Key is a message key passed as an argument of another message, so that
// the edge translates it too (a state's name inside a sentence).
type Key string

func (e *Error) Error() string {
	s := string(e.Code)
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" %v", e.Fields)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// E builds a coded error with a message.
func E(code Code, msg string) error { return &Error{Code: code, Msg: msg} }

// Errorf builds a coded error with a formatted message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// WithArgs builds a coded error whose message takes arguments.
func WithArgs(code Code, msg string, args ...any) error {
	return &Error{Code: code, Msg: msg, Args: args}
}

// Fields builds an Invalid error for a form: field name → message key.
func Fields(fields map[string]string) error {
	return &Error{Code: Invalid, Msg: "validation.failed", Fields: fields}
}

// CodeOf returns the code of the first coded error in err's chain, Internal
// for any other non-nil error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the first *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// Wrap adds context to *errp, keeping its code. Use it deferred at a
// boundary: defer errs.Wrap(&err, "sqlstore.User(%q)", id).
func Wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
}
