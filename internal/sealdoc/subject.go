package sealdoc

import (
	"context"

	"github.com/digigov/digigov/internal/platform/errs"
)

// Subject is the standing, now, of what a document is about (its Ref): a
// licence's PDF may be authentic while the licence itself was revoked
// since. The domain that owns the subject answers (OnRef).
type Subject struct {
	// State is "valid", "suspended", "revoked" or "expired"; any other
	// value counts as valid.
	State string
}

// SubjectFunc answers for the subject with the given Ref.ID.
type SubjectFunc func(ctx context.Context, id string) (Subject, error)

// OnRef makes fn the judge of the standing of documents about refs of
// type typ ("license"): Verify and Lookup then answer an authentic
// document whose subject is revoked, suspended or expired with that
// reason. Call it while wiring, before serving.
func (s *Service) OnRef(typ string, fn SubjectFunc) {
	s.subjMu.Lock()
	defer s.subjMu.Unlock()
	if s.subjects == nil {
		s.subjects = map[string]SubjectFunc{}
	}
	s.subjects[typ] = fn
}

func (s *Service) subjectFunc(typ string) SubjectFunc {
	s.subjMu.RLock()
	defer s.subjMu.RUnlock()
	return s.subjects[typ]
}

// standing completes the verdict on a document of this node whose
// signature holds (v.Authentic): whether a newer document superseded it,
// and whether what it is about still stands.
func (s *Service) standing(ctx context.Context, v *Verdict) *Verdict {
	d, err := s.store.DocumentByNumber(ctx, v.Number)
	if errs.Is(err, errs.NotFound) {
		return v // signed by our seal, never registered (a render discarded after a lost race)
	}
	if err != nil {
		return fail(v, ReasonUnavailable)
	}
	v.SubjectType = d.Ref.Type
	v.SupersededBy, v.SupersededAt = d.SupersededBy, d.SupersededAt
	if fn := s.subjectFunc(d.Ref.Type); fn != nil && d.Ref.ID != "" {
		sub, err := fn(ctx, d.Ref.ID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return fail(v, ReasonUnavailable)
		}
		v.SubjectState = sub.State
		switch sub.State {
		case "revoked":
			return fail(v, ReasonSubjectRevoked)
		case "suspended":
			return fail(v, ReasonSubjectSuspended)
		case "expired":
			return fail(v, ReasonSubjectExpired)
		}
	}
	if d.SupersededBy != "" {
		return fail(v, ReasonSuperseded)
	}
	return v
}
