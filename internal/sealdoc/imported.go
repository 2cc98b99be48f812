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
	// WithdrawnAt is set when trust in the key was withdrawn here: a
	// newer list of its source no longer carried it (its seal was revoked
	// there), or an administrator removed the source.
	WithdrawnAt time.Time
}

// checkImported verifies a signature whose key is not this node's
// against the keys imported from other nodes' trust lists. Nothing here
// knows the other node's seal states: its trust list leaves revoked
// seals' keys out, and re-importing it is how their revocation arrives —
// the key is then withdrawn, and what it signed answers trust_withdrawn,
// as licences do (this node cannot prove a signature older than the
// revocation: the proof is in the other node's audit chain).
func (s *Service) checkImported(ctx context.Context, v *Verdict, p *parsed) *Verdict {
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
		return fail(v, ReasonTrustWithdrawn)
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
