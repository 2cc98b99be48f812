package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/jsonx"
)

// Store is the persistence audit needs.
type Store interface {
	// AppendAudit assigns e.Seq and e.PrevHash from the chain's head, sets
	// e.Hash = e.ComputeHash(), inserts e and moves the head, holding the
	// head's lock so that appends are serial. Must run inside a transaction.
	AppendAudit(ctx context.Context, e *Entry) error
	// AppendAudits appends es in order, as AppendAudit would one by one
	// (one move of the head for all of them). Must run inside a
	// transaction.
	AppendAudits(ctx context.Context, es []*Entry) error
	// AuditChain calls fn for every entry in Seq order until fn returns an
	// error.
	AuditChain(ctx context.Context, fn func(*Entry) error) error
	// AuditHead returns the chain's head (0 and GenesisHash when empty).
	AuditHead(ctx context.Context) (seq int64, hash string, err error)
	// AuditEntries lists entries matching f, newest first.
	AuditEntries(ctx context.Context, f Filter) ([]Entry, error)
}

// Filter selects entries to list.
type Filter struct {
	SubjectID    string   // only entries about this person
	RegionWithin []string // only entries whose region lies within one of these codes ("" matches none)
	Action       string   // only this action, if set
	Limit        int
}

// Transactor runs fn in a transaction (platform/db.DB implements it).
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Service appends to and reads the audit log.
type Service struct {
	store Store
	tx    Transactor
	now   func() time.Time
}

// NewService returns a Service. now is the clock (time.Now in production).
func NewService(store Store, tx Transactor, now func() time.Time) *Service {
	return &Service{store: store, tx: tx, now: now}
}

// Target names what an entry is about.
type Target struct {
	Type    string
	ID      string
	Region  string
	Subject string // person whose data is concerned
}

// Record appends an entry for action by actor on target. detail is encoded
// as JSON; it must not hold clear personal data. Record joins the
// transaction in ctx, so the entry commits or rolls back with the change it
// describes; without one it runs in its own.
func (s *Service) Record(ctx context.Context, actor Actor, action string, t Target, detail any) error {
	e, err := s.entry(Record{actor, action, t, detail})
	if err != nil {
		return err
	}
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		return s.store.AppendAudit(ctx, e)
	})
}

// Record is one entry for RecordAll: what Record takes.
type Record struct {
	Actor  Actor
	Action string
	Target Target
	Detail any
}

// RecordAll appends an entry for each of recs, in order, as Record would
// one by one (a change of several steps, written together).
func (s *Service) RecordAll(ctx context.Context, recs ...Record) error {
	es := make([]*Entry, len(recs))
	for i, r := range recs {
		var err error
		if es[i], err = s.entry(r); err != nil {
			return err
		}
	}
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		return s.store.AppendAudits(ctx, es)
	})
}

func (s *Service) entry(r Record) (*Entry, error) {
	d := "{}"
	if r.Detail != nil {
		b, err := jsonx.Marshal(r.Detail)
		if err != nil {
			return nil, fmt.Errorf("audit.Record(%s): %w", r.Action, err)
		}
		d = string(b)
	}
	id, name := r.Actor.AuditActor()
	return &Entry{
		ID: ids.New(), At: s.now().UTC().Truncate(time.Microsecond),
		ActorID: id, ActorName: name, Action: r.Action,
		TargetType: r.Target.Type, TargetID: r.Target.ID, Region: r.Target.Region, SubjectID: r.Target.Subject,
		Detail: d,
	}, nil
}

// VerifyResult is the outcome of Verify.
type VerifyResult struct {
	Checked  int64  // entries checked
	HeadSeq  int64  // the head's sequence number
	BrokenAt int64  // first entry that fails, 0 if the chain is whole
	Reason   string // why it fails
}

// OK reports whether the chain is whole.
func (r VerifyResult) OK() bool { return r.BrokenAt == 0 }

// Verify recomputes the chain from the first entry and reports the first
// entry whose sequence, link or hash is wrong, and a head that does not
// match the chain (entries removed from the end).
//
// The head is read first: entries appended while Verify runs lie beyond it
// and are checked for their links, but do not make the head look stale.
func (s *Service) Verify(ctx context.Context) (VerifyResult, error) {
	var res VerifyResult
	headSeq, headHash, err := s.store.AuditHead(ctx)
	if err != nil {
		return res, fmt.Errorf("audit.Verify: %w", err)
	}
	res.HeadSeq = headSeq
	prev, want := GenesisHash, int64(1)
	atHead := headSeq == 0 && headHash == GenesisHash // the hash at seq headSeq matches the head's
	err = s.store.AuditChain(ctx, func(e *Entry) error {
		res.Checked++
		switch {
		case e.Seq != want:
			res.BrokenAt, res.Reason = e.Seq, fmt.Sprintf("sequence gap: expected %d", want)
		case e.PrevHash != prev:
			res.BrokenAt, res.Reason = e.Seq, "link to the previous entry does not match"
		case e.ComputeHash() != e.Hash:
			res.BrokenAt, res.Reason = e.Seq, "contents do not match the entry's hash"
		}
		if res.BrokenAt != 0 {
			return errStop
		}
		if e.Seq == headSeq {
			atHead = e.Hash == headHash
		}
		prev, want = e.Hash, want+1
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return res, fmt.Errorf("audit.Verify: %w", err)
	}
	switch {
	case res.BrokenAt != 0:
	case headSeq > want-1:
		res.BrokenAt, res.Reason = want, fmt.Sprintf("head says %d entries, chain has %d", headSeq, want-1)
	case !atHead:
		res.BrokenAt, res.Reason = max(headSeq, 1), fmt.Sprintf("head's hash does not match entry %d", headSeq)
	}
	return res, nil
}

var errStop = errors.New("stop")

// Entries lists entries matching f. The caller must have been authorized
// for f already (identity does it); Entries itself does not check.
func (s *Service) Entries(ctx context.Context, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return s.store.AuditEntries(ctx, f)
}
