package sealdoc

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
)

// ImportedKey is another node's seal key, as that node's trust list
// published it and an administrator here imported it (证照互认: the
// licence side's trust lists, license.ImportTrustList). Documents sealed
// with it verify here as issued by another province's trusted issuer.
type ImportedKey struct {
	JWK    seal.JWK // the key, with its organisation and seal as the list names them
	Source string   // the trust list's issuer: the other province's organisation
	Node   string   // the trust list's node URL ("" for keys imported before it was kept)
	// WithdrawnAt is set when trust in the key was withdrawn here: a
	// newer list of its source no longer carried it (its seal was revoked
	// there), or an administrator removed the source.
	WithdrawnAt time.Time
	// RevokedAt is when the other node revoked the key, as its trust
	// list says; zero if it did not say (the key was left out, or trust
	// withdrawn here).
	RevokedAt time.Time
}

// checkImported verifies a signature whose key is not this node's
// against the keys imported from other nodes' trust lists. Nothing here
// knows the other node's seal states but what its trust list says: its
// active and retired keys, and its revoked keys with the time each was
// revoked; re-importing it is how a revocation arrives. A revoked key's
// document then verifies "signed while the seal was valid" only with that
// node's timestamp token proving it sealed before the revocation
// (provenTime); without one it is refused (timestamp_missing, _invalid,
// _late). A key withdrawn here, or left out of a list that names no
// revocation time, answers trust_withdrawn, as licences do.
func (s *Service) checkImported(ctx context.Context, v *Verdict, p *parsed, tst string) *Verdict {
	k, err := s.store.ImportedKey(ctx, p.header.Kid)
	if errs.Is(err, errs.NotFound) {
		return fail(v, ReasonUnknownKey)
	}
	if err != nil {
		return fail(v, ReasonUnavailable)
	}
	v.KeySource, v.IssuerName, v.SealTitle = k.Source, k.JWK.Org, k.JWK.SealName
	alg, pub, err := k.JWK.Key()
	if err != nil || alg != seal.Alg(p.header.Alg) {
		return fail(v, ReasonWrongAlg)
	}
	if !seal.Verify(alg, pub, []byte(p.input), p.sig) {
		return fail(v, ReasonTampered)
	}
	// The trust list vouches for the key's organisation; the statement's
	// own name only fills a gap.
	issuer := v.IssuerName
	if !fillStatement(v, p) {
		return fail(v, ReasonHashMismatch)
	}
	if strings.TrimSpace(issuer) != "" {
		v.IssuerName = issuer
	}
	if !k.WithdrawnAt.IsZero() {
		v.SealRevokedAt = k.WithdrawnAt
		if k.RevokedAt.IsZero() {
			return fail(v, ReasonTrustWithdrawn) // withdrawn here, or left out: nothing says since when
		}
		// The other node revoked the key at RevokedAt: its timestamp
		// token may prove the document sealed before.
		v.SealRevokedAt = k.RevokedAt
		at, reason := s.provenTime(ctx, p, tst, k)
		if reason != ReasonOK {
			return fail(v, reason)
		}
		if !at.Before(k.RevokedAt) {
			v.SignedAt = at
			return fail(v, ReasonTimestampLate)
		}
		v.SignedWhileSealValid, v.SignedAt = true, at
	}
	v.Genuine, v.Authentic = true, true
	return v
}

// fillStatement copies what a verified statement says into v and reports
// whether it signs the PDF in hand (when v has one).
func fillStatement(v *Verdict, p *parsed) bool {
	v.Number, v.Title, v.Kind = p.st.Number, p.st.Title, p.st.Kind
	v.SignedAt = time.Unix(p.st.IssuedAt, 0).UTC()
	if p.st.IssuerName != "" {
		v.IssuerName = p.st.IssuerName
	}
	return v.PDFSHA256 == "" || strings.EqualFold(p.st.SHA256, v.PDFSHA256)
}
