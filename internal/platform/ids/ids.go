// Package ids makes the identifiers of digigov records: UUIDv7 strings,
// globally unique so that records can be exchanged between nodes, and
// roughly time-ordered so that indexes stay compact.
package ids

import "github.com/google/uuid"

// ID identifies a record. It is a UUIDv7 in its canonical text form.
type ID string

// New returns a fresh UUIDv7.
func New() ID {
	return ID(uuid.Must(uuid.NewV7()).String())
}

// Valid reports whether s is a well-formed UUID.
func Valid(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

func (id ID) String() string { return string(id) }
