package blob

import (
	"context"
	"io"

	"github.com/digigov/digigov/internal/platform/errs"
)

// Info describes a stored blob.
type Info struct {
	SHA256      string // lowercase hex of the SHA-256 of the bytes: the blob's identity
	Size        int64  // in bytes
	ContentType string // sniffed from the bytes (see Sniff), never taken from the client
	// Created is set by Put when these bytes were not stored before it: the
	// caller owns a blob it created and may delete it when it goes unused
	// (a blob found already stored may be someone else's).
	Created bool
}

// Store keeps blobs. Implementations are safe for concurrent use, also by
// several processes sharing the same storage.
type Store interface {
	// Put reads r to its end, stores its bytes and describes them. The same
	// bytes put twice are stored once and give the same Info.
	//
	// Returns errs.Invalid ("blob.type_forbidden") if the sniffed type is not
	// in allowed (nil allows any type, an empty list none; parameters such as
	// charset are ignored), and errs.TooLarge ("blob.too_large")
	// if r holds more than limit bytes; in both cases nothing is stored and
	// at most limit+1 bytes are read. The type is judged from the first 512
	// bytes, before the rest is read, so a file that is both too large and
	// of a forbidden type may get either error.
	Put(ctx context.Context, r io.Reader, limit int64, allowed []string) (Info, error)

	// Open returns the blob's bytes and its Info; the caller closes the
	// reader. Returns errs.Invalid if sha256 is not 64 lowercase hex digits
	// and errs.NotFound ("blob.not_found") if there is no such blob.
	Open(ctx context.Context, sha256 string) (io.ReadCloser, Info, error)

	// Exists reports whether the blob is stored. Returns errs.Invalid for a
	// malformed sha256.
	Exists(ctx context.Context, sha256 string) (bool, error)

	// Delete removes the blob; deleting a missing blob is not an error.
	// Returns errs.Invalid for a malformed sha256.
	Delete(ctx context.Context, sha256 string) error
}

// Message keys of the errors a Store returns.
const (
	msgTooLarge      = "blob.too_large"
	msgTypeForbidden = "blob.type_forbidden"
	msgNotFound      = "blob.not_found"
	msgBadHash       = "blob.bad_hash"
)

// Documents is the usual allowed list for case materials: scans, photos and
// fixed-layout documents.
var Documents = []string{"application/pdf", "image/jpeg", "image/png", "application/ofd"}

// validHash reports whether s is a SHA-256 in lowercase hex. Because it
// allows nothing but [0-9a-f], a hash can never smuggle a path separator or
// ".." into the file name built from it.
func validHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func checkHash(s string) error {
	if !validHash(s) {
		return &errs.Error{Code: errs.Invalid, Msg: msgBadHash}
	}
	return nil
}
