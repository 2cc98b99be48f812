package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/jsonx"
)

// GenesisHash is the "previous hash" of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one audit record.
type Entry struct {
	Seq        int64     // position in the chain, from 1, assigned on append
	ID         ids.ID    // globally unique
	At         time.Time // UTC, microsecond precision (what both engines keep)
	ActorID    string    // user ID, or "system"
	ActorName  string    // display name at the time, for readers of the log
	Action     string    // dotted verb: "user.created", "person.read", "session.signed_in"
	TargetType string    // "user", "person", "organization", …
	TargetID   string
	Region     string // region code of the target, for scoped viewing; "" if none
	SubjectID  string // the person whose data is concerned, "" if none
	Detail     string // JSON object with the particulars; never clear personal data
	PrevHash   string
	Hash       string
}

// ComputeHash returns the hash that e should carry: SHA-256 over a JSON array
// of every field but Hash. A JSON array is unambiguous (no field can run into
// the next), and stable across engines because At is normalised to UTC
// microseconds first.
func (e *Entry) ComputeHash() string {
	at := e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
	b, _ := jsonx.Marshal([]any{
		e.Seq, string(e.ID), at, e.ActorID, e.ActorName, e.Action,
		e.TargetType, e.TargetID, e.Region, e.SubjectID, e.Detail, e.PrevHash,
	})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Actor is whoever causes an entry: a signed-in user, a system account, or
// the node itself.
type Actor interface {
	AuditActor() (id, name string)
}

// System is the actor for changes made by the node itself (start-up, jobs,
// command-line administration).
type System string

// AuditActor implements Actor.
func (s System) AuditActor() (string, string) { return "system", string(s) }
