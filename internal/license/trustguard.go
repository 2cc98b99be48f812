package license

import (
	"context"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
)

// checkTrustClaims refuses a trust list that would take over a key held
// elsewhere: a key already trusted under another source (its licences
// would verify in that source's name, and its status lists would be read
// from the new source's node), a key of this node's own seals (another
// province's list could then speak for our bodies, and our key would
// become a foreign one), or a source name another node's list already
// uses (importing it would withdraw that node's keys). Keys are compared
// by kid and by their RFC 7638 thumbprint, so a key listed under another
// kid is caught too (kids of our seals and of trusted keys are their
// thumbprints).
//
// A refusal is errs.Conflict: "trust.key_taken" (kid, the source holding
// it), "trust.key_own" (kid) or "trust.source_taken" (source, the node
// holding it); it is audited (trust_list.refused) on its own, since
// nothing of the import is written.
func (s *Service) checkTrustClaims(ctx context.Context, by *identity.Caller, source string, tl *TrustList) error {
	refuse := func(err error, kid, holder string) error {
		detail := map[string]any{"source": source, "node": tl.Node, "reason": errs.As(err).Msg}
		if kid != "" {
			detail["kid"] = kid
		}
		if holder != "" {
			detail["held_by"] = holder
		}
		if aerr := s.tx.Transact(ctx, func(ctx context.Context) error {
			return s.audit.Record(ctx, by, "trust_list.refused", audit.Target{Type: "trust_list", ID: tl.Node}, detail)
		}); aerr != nil {
			return aerr
		}
		return err
	}
	if tl.Node != "" {
		active, err := s.store.TrustedKeys(ctx)
		if err != nil {
			return err
		}
		for _, k := range active {
			if k.Source == source && k.Node != "" && k.Node != tl.Node {
				return refuse(errs.WithArgs(errs.Conflict, "trust.source_taken", source, k.Node), "", k.Node)
			}
		}
	}
	// Every key the list names (active, revoked or timestamp) is checked:
	// a list naming another source's key as revoked would rewrite that
	// source's record of it as surely as one naming it active.
	named := append(append(append([]seal.JWK(nil), tl.Keys...), tl.RevokedKeys...), tl.TimestampKeys...)
	for _, j := range named {
		for _, kid := range uniq(j.Kid, j.Thumbprint()) {
			if _, _, err := s.seals.KeyInfo(ctx, kid); err == nil {
				return refuse(errs.WithArgs(errs.Conflict, "trust.key_own", kid), kid, "")
			} else if !errs.Is(err, errs.NotFound) {
				return err
			}
			tk, err := s.store.TrustedKey(ctx, kid)
			if errs.Is(err, errs.NotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if tk.Source != source && (tl.Node == "" || tk.Node != tl.Node) {
				return refuse(errs.WithArgs(errs.Conflict, "trust.key_taken", kid, tk.Source), kid, tk.Source)
			}
		}
	}
	return nil
}

// uniq is a and b, once if equal; an empty one is left out.
func uniq(a, b string) []string {
	switch {
	case a == "" || a == b:
		return []string{b}
	case b == "":
		return []string{a}
	}
	return []string{a, b}
}
