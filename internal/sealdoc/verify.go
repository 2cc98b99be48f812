package sealdoc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
)

// Reason is why a document does not verify, as a message key
// ("sealdoc.reason.<reason>"); "" when it does.
type Reason string

const (
	ReasonOK              Reason = ""
	ReasonNoInput         Reason = "no_input"         // neither a PDF nor a number
	ReasonUnknownDocument Reason = "unknown_document" // no signature given, and this node issued no such PDF or number
	ReasonMalformed       Reason = "malformed"        // the signature is no compact JWS
	ReasonNotDocument     Reason = "not_document"     // a JWS, but not a document's signature
	ReasonWrongAlg        Reason = "wrong_alg"        // alg unknown or not the key's
	ReasonUnknownKey      Reason = "unknown_key"      // kid names no key of this node nor of a trust list imported here
	ReasonTampered        Reason = "tampered"         // the signature does not match the statement
	ReasonHashMismatch    Reason = "hash_mismatch"    // genuine signature, but of another PDF: the file was changed
	ReasonChanged         Reason = "changed"          // no signature given; the PDF names a document of this node, but is not its PDF: changed after signing
	ReasonSealRevoked     Reason = "seal_revoked"     // the seal is revoked and nothing proves it signed before
	ReasonTrustWithdrawn  Reason = "trust_withdrawn"  // another province's key whose trust was withdrawn here
	ReasonUnavailable     Reason = "unavailable"      // the check could not be completed now
	// Another node's seal key that node revoked (its trust list says
	// when): what it sealed before verifies with the node's timestamp
	// token, otherwise:
	ReasonNoTimestamp      Reason = "timestamp_missing" // no timestamp token came with the signature
	ReasonTimestampInvalid Reason = "timestamp_invalid" // the token is not that node's, or not about this signature
	ReasonTimestampLate    Reason = "timestamp_late"    // the token proves the document sealed after the revocation
	// The file is authentic (Verdict.Authentic), but no longer stands:
	ReasonSuperseded       Reason = "superseded"        // a newer document replaced it (Verdict.SupersededBy)
	ReasonSubjectRevoked   Reason = "subject_revoked"   // what it is about (a licence) was revoked since
	ReasonSubjectSuspended Reason = "subject_suspended" // … is suspended
	ReasonSubjectExpired   Reason = "subject_expired"   // … expired
)

// Verdict is the answer of Verify.
type Verdict struct {
	Genuine bool   // the PDF is the one the seal signed, the seal's signature counts, and the document stands
	Reason  Reason // why not; "" if genuine
	// Authentic: the PDF is the one the seal signed and the signature
	// counts, whether or not the document still stands (superseded, its
	// licence revoked: Reason says).
	Authentic bool
	// Registered: the number (from the QR code) names a document of this
	// node; without the PDF nothing is said about a file.
	Registered bool

	Number, Title, IssuerName string
	Kind                      Kind
	SealTitle                 string
	SealState                 seal.State
	KID                       string
	Alg                       seal.Alg
	SignedAt                  time.Time
	PDFSHA256                 string
	// KeySource is set when the key is another node's, imported here with
	// its trust list: it names the list's issuer (the other province's
	// organisation), and IssuerName the key's organisation as the list
	// gives it. SealState is then unknown ("").
	KeySource string
	// SignedWhileSealValid: the seal is revoked now, but the audit chain
	// proves the signature older than the revocation.
	SignedWhileSealValid bool
	SealRevokedAt        time.Time
	// Of an authentic document of this node: what it is about ("license",
	// "case") and that subject's standing now (see Subject); the newer
	// document that superseded it, if any.
	SubjectType, SubjectState string
	SupersededBy              string
	SupersededAt              time.Time
}

func fail(v *Verdict, r Reason) *Verdict {
	v.Genuine, v.Reason = false, r
	return v
}

// Verify checks a PDF against its detached signature. Without a
// signature, the node looks the PDF up by its SHA-256 among the documents
// it issued and, failing that, by the number the file names: a changed
// copy of a document of the node answers ReasonChanged. It never returns
// an error: every failure is a verdict with a reason (only ctx's
// cancellation or a database failure gives ReasonUnavailable).
func (s *Service) Verify(ctx context.Context, pdf []byte, signature string) *Verdict {
	v := &Verdict{}
	if len(pdf) == 0 {
		return fail(v, ReasonNoInput)
	}
	sum := sha256.Sum256(pdf)
	v.PDFSHA256 = hex.EncodeToString(sum[:])
	if strings.TrimSpace(signature) == "" {
		d, err := s.store.DocumentByHash(ctx, v.PDFSHA256)
		if errs.Is(err, errs.NotFound) {
			return s.changed(ctx, v, pdf)
		}
		if err != nil {
			return fail(v, ReasonUnavailable)
		}
		return s.check(ctx, v, d.JWS, d.TST)
	}
	sig, tst, ok := splitBundle(signature)
	if !ok {
		return fail(v, ReasonMalformed)
	}
	return s.check(ctx, v, sig, tst)
}

// changed answers for a PDF this node did not issue, given without a
// signature: if the file names a document number of this node (in its
// document information, as every sealed PDF does), it is that document
// changed after signing — the verdict says so and names the document the
// file claims to be (its signature and seal checked as Lookup does);
// otherwise the node knows nothing of it.
func (s *Service) changed(ctx context.Context, v *Verdict, pdf []byte) *Verdict {
	n := claimedNumber(pdf)
	if n == "" {
		return fail(v, ReasonUnknownDocument)
	}
	d, err := s.store.DocumentByNumber(ctx, n)
	if errs.Is(err, errs.NotFound) {
		return fail(v, ReasonUnknownDocument)
	}
	if err != nil {
		return fail(v, ReasonUnavailable)
	}
	// The registered document's signature, checked against this file's
	// hash: it cannot match (the hash is not the document's), so the
	// verdict is hash_mismatch unless the signature itself no longer holds.
	v = s.check(ctx, v, d.JWS, d.TST)
	if v.Reason == ReasonHashMismatch {
		v.Reason = ReasonChanged
	}
	return v
}

// Lookup answers for a number read from a document's QR code: whether
// this node issued it, by whom, when, and whether its signature and seal
// still hold. It says nothing about a file: Verify does.
func (s *Service) Lookup(ctx context.Context, number string) *Verdict {
	v := &Verdict{}
	number = strings.TrimSpace(number)
	if number == "" || len(number) > 64 {
		return fail(v, ReasonNoInput)
	}
	d, err := s.store.DocumentByNumber(ctx, number)
	if errs.Is(err, errs.NotFound) {
		return fail(v, ReasonUnknownDocument)
	}
	if err != nil {
		return fail(v, ReasonUnavailable)
	}
	v.PDFSHA256 = d.PDFSHA256
	v = s.check(ctx, v, d.JWS, d.TST)
	v.Registered = true
	return v
}

// check verifies a detached signature and, when v.PDFSHA256 is set,
// that it signs that PDF. tst is the timestamp token that came with it
// ("" if none): it counts for other nodes' documents only (this node's
// own audit chain proves when it sealed its own).
func (s *Service) check(ctx context.Context, v *Verdict, signature, tst string) *Verdict {
	p, reason := parse(signature)
	if reason != ReasonOK {
		return fail(v, reason)
	}
	v.KID, v.Alg = p.header.Kid, seal.Alg(p.header.Alg)
	k, se, err := s.seals.KeyInfo(ctx, p.header.Kid)
	if errs.Is(err, errs.NotFound) {
		return s.checkImported(ctx, v, p, tst) // another province's, perhaps
	}
	if err != nil {
		return fail(v, ReasonUnavailable)
	}
	v.IssuerName, v.SealTitle, v.SealState = se.OrgName, se.Title(), se.State
	alg, pub, err := k.Public.Key()
	if err != nil || alg != seal.Alg(p.header.Alg) {
		return fail(v, ReasonWrongAlg)
	}
	if !seal.Verify(alg, pub, []byte(p.input), p.sig) {
		return fail(v, ReasonTampered)
	}
	if !fillStatement(v, p) {
		return fail(v, ReasonHashMismatch)
	}
	if k.State == seal.KeyRevoked || se.State == seal.Revoked {
		v.SealRevokedAt = k.RevokedAt
		sum := sha256.Sum256([]byte(p.input))
		at, err := s.seals.ProveSigned(ctx, p.header.Kid, hex.EncodeToString(sum[:]))
		if err != nil && !errs.Is(err, errs.NotFound) {
			return fail(v, ReasonUnavailable) // the proof may exist: say so, not "revoked"
		}
		if err != nil || (!k.RevokedAt.IsZero() && !at.Before(k.RevokedAt)) {
			return fail(v, ReasonSealRevoked)
		}
		v.SignedWhileSealValid, v.SignedAt = true, at
	}
	v.Genuine, v.Authentic = true, true
	return s.standing(ctx, v)
}
