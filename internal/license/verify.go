package license

import (
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
)

// Verdict is what a verification concludes, in one word.
type Verdict string

const (
	Valid       Verdict = "valid"
	Suspended   Verdict = "suspended"
	Revoked     Verdict = "revoked"
	Expired     Verdict = "expired"
	NotYetValid Verdict = "not_yet_valid"
	Invalid     Verdict = "invalid" // not genuine, or not something we can judge
)

// KeyInfo is a key a verifier trusts, with whose it is.
type KeyInfo struct {
	Alg       seal.Alg
	Public    crypto.PublicKey
	Org       string
	OrgUSCC   string
	Source    string    // "" for this node's seals, else the trust list it came from
	RevokedAt time.Time // non-zero: the key's seal was revoked then (only this node knows)
	// Issuer is the issuer ID (URL) of the key's organisation when the
	// verifier knows it (this node's seals); IssuerBase the node URL under
	// which a trust-listed key's issuer IDs must lie ("" if unknown).
	Issuer, IssuerBase string
	// Withdrawn is when trust in a trust-listed key was withdrawn (its
	// source removed, or left out of a newer list); zero while trusted.
	Withdrawn time.Time
}

// Keys finds verification keys by kid. It returns errs.NotFound for a
// key it does not know.
type Keys interface {
	Key(ctx context.Context, kid string) (*KeyInfo, error)
}

// Statuses reads one entry of a status list. An error means the list
// cannot be had; the verdict then says so (ReasonStatusAbsent).
type Statuses interface {
	StatusBit(ctx context.Context, listURL string, index int) (bool, error)
}

// CheckedStatuses is Statuses that also checks the list against the
// entry and the licence's key (StatusCache): its purpose, that it is
// still valid at now, and that it is signed by a key of the same source
// as the licence ("" for the verifier's own keys, else the trust list).
// Its errors carry a reason (StatusErrorReason); StatusExpired makes the
// verdict ReasonStatusStale.
type CheckedStatuses interface {
	StatusBitAt(ctx context.Context, source, listURL, purpose string, index int, now time.Time) (bool, error)
}

// SourcedStatuses is Statuses that also reads another node's lists (证照互认):
// source names the trust list the licence's key was imported from, and
// the list must be signed by a key of that same trust list.
type SourcedStatuses interface {
	StatusBitFrom(ctx context.Context, source, listURL, purpose string, index int) (bool, error)
}

// Prover proves when a key signed a document (seal.Service.ProveSigned).
type Prover interface {
	ProveSigned(ctx context.Context, kid, docSHA256 string) (time.Time, error)
}

// Verifier checks licences and 亮证 codes: signature, key, algorithm,
// validity period and status. It is safe for concurrent use.
type Verifier struct {
	Keys     Keys
	Statuses Statuses
	Prover   Prover // nil: signatures of revoked seals never count
	Now      func() time.Time
}

// Result is the outcome of a verification, complete enough for a person
// to read: genuine or not, the verdict, the specific reason, and what the
// licence says.
type Result struct {
	Genuine bool    // signed with a known key, contents untouched
	Verdict Verdict //
	Reason  Reason  // why not valid; "" if valid
	Kind    string  // "license" or "present" (亮证 code)

	KID, Alg                       string
	Issuer, IssuerName, IssuerUSCC string
	KeySource                      string // "" for this node; else the trust list
	LicenseID                      string
	Type, TypeName, Number         string
	HolderName, HolderRef          string
	ValidFrom, ValidUntil          time.Time
	Fields                         map[string]string
	SignedWhileSealValid           bool      // its seal is revoked now, but the audit chain proves the signature older
	SealRevokedAt                  time.Time //
	ExpiresAt                      time.Time // of a 亮证 code
	StatusUnchecked                bool      // a trust-listed issuer's status lists were out of reach
	StatusError                    string    // why a status list could not be used (StatusUnreachable, StatusExpired, …)
	StatusStale                    bool      // the status list at hand is past its validUntil: status unknown (ReasonStatusStale)
	ClaimedIssuer                  string    // with ReasonIssuerMismatch: the issuer name the payload claims
}

func fail(r *Result, reason Reason) *Result {
	r.Verdict, r.Reason = Invalid, reason
	return r
}

// names reports whether what a payload says of its issuer (ID, name,
// USCC; each may be absent) is the key's own organisation. The payload is
// only the signer's claim: a key may sign for its organisation and no
// other, so a key from another province's trust list cannot issue in the
// name of a body here, nor one seal of this node in another's.
func (k *KeyInfo) names(id, name, uscc string) bool {
	if k.Issuer != "" { // this node's seal: its organisation's own issuer ID
		return id == k.Issuer && (uscc == "" || k.OrgUSCC == "" || uscc == k.OrgUSCC)
	}
	if k.IssuerBase != "" && !strings.HasPrefix(id, strings.TrimRight(k.IssuerBase, "/")+"/issuers/") {
		return false
	}
	switch {
	case uscc != "" && k.OrgUSCC != "":
		return uscc == k.OrgUSCC // the code outlives a renaming
	case name != "":
		return name == k.Org
	}
	return uscc == "" || k.OrgUSCC != "" // naming no body at all, the payload claims nothing
}

// mismatch fails r with ReasonIssuerMismatch: genuine (the key signed it)
// but naming an issuer that is not the key's. The result shows the key's
// organisation as the issuer (as every result does: the payload's name is
// never shown as the issuer) and the claimed name apart.
func mismatch(r *Result, k *KeyInfo, claimed string) *Result {
	r.ClaimedIssuer = claimed
	return fail(r, ReasonIssuerMismatch)
}

// Verify checks a compact JWS: a licence credential or a 亮证 code. qr
// says the text came from a QR code, so that text which is no JWS at all
// is reported as a malformed QR code. It never returns an error: every
// failure is a verdict with a reason; only ctx's cancellation ends it
// early, as an unavailable status.
func (v *Verifier) Verify(ctx context.Context, text string, qr bool) *Result {
	r := &Result{}
	c, reason := ParseCompact(text)
	if reason != ReasonOK {
		if qr && reason == ReasonMalformed {
			reason = ReasonMalformedQR
		}
		return fail(r, reason)
	}
	r.KID, r.Alg = c.Header.Kid, c.Header.Alg
	k, err := v.Keys.Key(ctx, c.Header.Kid)
	if err != nil {
		if errs.Is(err, errs.NotFound) || c.Header.Kid == "" {
			return fail(r, ReasonUnknownKey)
		}
		return fail(r, ReasonStatusAbsent)
	}
	r.IssuerName, r.IssuerUSCC, r.KeySource = k.Org, k.OrgUSCC, k.Source
	if seal.Alg(c.Header.Alg) != k.Alg {
		return fail(r, ReasonWrongAlg)
	}
	if !seal.Verify(k.Alg, k.Public, []byte(c.SigningInput), c.Signature) {
		return fail(r, ReasonTampered)
	}
	r.Genuine = true
	if !k.Withdrawn.IsZero() {
		return fail(r, ReasonTrustWithdrawn)
	}
	var entries []StatusEntry
	switch c.Header.Typ {
	case TypCredential:
		var cred licenseCred
		if !decodeCredential(c.Payload, &cred) || !cred.isLicense() {
			return fail(r, ReasonNotLicense)
		}
		r.Kind = "license"
		if !fillFromCredential(r, &cred) {
			return fail(r, ReasonNotLicense)
		}
		if !k.names(cred.Issuer.ID, cred.Issuer.Name, cred.Issuer.USCC) {
			return mismatch(r, k, cred.Issuer.Name)
		}
		entries = cred.CredentialStatus
	case TypPresent:
		var p Presentation
		if json.Unmarshal(c.Payload, &p) != nil || p.LicenseID == "" {
			return fail(r, ReasonNotLicense)
		}
		r.Kind = "present"
		p.fill(r)
		if !k.names(p.Issuer, p.IssuerName, "") {
			return mismatch(r, k, p.IssuerName)
		}
		entries = p.Status
	case TypReference:
		var p Reference
		if json.Unmarshal(c.Payload, &p) != nil || p.LicenseID == "" || p.Number == "" {
			return fail(r, ReasonNotLicense)
		}
		r.Kind = "reference"
		p.fill(r)
		if !k.names(p.Issuer, p.IssuerName, "") {
			return mismatch(r, k, p.IssuerName)
		}
		var ok bool
		if entries, ok = p.entries(); !ok {
			return fail(r, ReasonNotLicense)
		}
	default:
		return fail(r, ReasonNotLicense)
	}
	if !k.RevokedAt.IsZero() {
		r.SealRevokedAt = k.RevokedAt
		sum := sha256.Sum256([]byte(c.SigningInput))
		var at time.Time
		if v.Prover != nil {
			at, err = v.Prover.ProveSigned(ctx, c.Header.Kid, hex.EncodeToString(sum[:]))
		}
		if v.Prover == nil || err != nil || !at.Before(k.RevokedAt) {
			return fail(r, ReasonSealRevoked)
		}
		r.SignedWhileSealValid = true
	}
	now := v.Now()
	// The status first: a revoked licence is revoked whatever its dates.
	for _, want := range []struct {
		purpose string
		verdict Verdict
		reason  Reason
	}{{PurposeRevocation, Revoked, ReasonRevoked}, {PurposeSuspension, Suspended, ReasonSuspended}} {
		for _, e := range entries {
			if e.StatusPurpose != want.purpose {
				continue
			}
			i, err := e.index()
			if err != nil {
				return fail(r, ReasonNotLicense)
			}
			var set bool
			if ss, ok := v.Statuses.(SourcedStatuses); ok && k.Source != "" {
				set, err = ss.StatusBitFrom(WithStatusBase(ctx, k.IssuerBase), k.Source, e.StatusListCredential, e.StatusPurpose, i)
			} else if cs, ok := v.Statuses.(CheckedStatuses); ok {
				set, err = cs.StatusBitAt(ctx, k.Source, e.StatusListCredential, e.StatusPurpose, i, now)
			} else {
				set, err = v.Statuses.StatusBit(ctx, e.StatusListCredential, i)
			}
			if err != nil && StatusErrorReason(err) == StatusExpired {
				r.StatusStale = true
			}
			if err != nil && k.Source != "" {
				// Another province's licence, recognised through its trust
				// list, whose status list could not be had (its node out
				// of reach, a list not signed by its trust list's keys):
				// say so, with why, rather than refuse it.
				r.StatusUnchecked = true
				if r.StatusError = StatusErrorReason(err); r.StatusError == "" {
					r.StatusError = StatusUnreachable
				}
				continue
			}
			if err != nil {
				r.Verdict, r.Reason, r.StatusError = Invalid, ReasonStatusAbsent, StatusErrorReason(err)
				if r.StatusStale {
					r.Reason = ReasonStatusStale
				}
				return r
			}
			if set {
				r.Verdict, r.Reason = want.verdict, want.reason
				return r
			}
		}
	}
	switch {
	case r.Kind == "present" && !now.Before(r.ExpiresAt):
		r.Verdict, r.Reason = Invalid, ReasonQRExpired
	case !r.ValidUntil.IsZero() && !now.Before(r.ValidUntil):
		r.Verdict, r.Reason = Expired, ReasonExpired
	case now.Before(r.ValidFrom):
		r.Verdict, r.Reason = NotYetValid, ReasonNotYetValid
	default:
		r.Verdict = Valid
	}
	return r
}

// licenseCred is a licence credential as the verifier reads it: subject
// values are strings in every licence we issue, and decoding them as such
// (and the context without interpreting it) keeps verification close to
// the cost of the signature alone.
type licenseCred struct {
	Context          []json.RawMessage `json:"@context"`
	ID               string            `json:"id"`
	Type             []string          `json:"type"`
	Name             string            `json:"name"`
	Issuer           CredIssuer        `json:"issuer"`
	ValidFrom        string            `json:"validFrom"`
	ValidUntil       string            `json:"validUntil"`
	Subject          map[string]string `json:"credentialSubject"`
	CredentialStatus []StatusEntry     `json:"credentialStatus"`
}

// isLicense reports whether c is a licence credential of ours.
func (c *licenseCred) isLicense() bool {
	if len(c.Context) == 0 || string(c.Context[0]) != `"`+ContextV2+`"` {
		return false
	}
	for _, t := range c.Type {
		if t == LicenseVCType {
			return true
		}
	}
	return false
}

// LicenseVCType is the type every licence credential carries.
const LicenseVCType = "GovernmentLicenseCredential"

// fillFromCredential copies what a licence says into r.
func fillFromCredential(r *Result, c *licenseCred) bool {
	var err1, err2 error
	r.ValidFrom, err1 = parseTime(c.ValidFrom)
	r.ValidUntil, err2 = parseTime(c.ValidUntil)
	if err1 != nil || err2 != nil || c.ValidFrom == "" {
		return false
	}
	r.Issuer, r.LicenseID, r.TypeName = c.Issuer.ID, c.ID, c.Name
	r.Fields = make(map[string]string, len(c.Subject))
	for k, v := range c.Subject {
		switch k {
		case "id":
			r.HolderRef = v
		case "name":
			r.HolderName = v
		case "licenseType":
			r.Type = v
		case "licenseNumber":
			r.Number = v
		case "type":
		default:
			r.Fields[k] = v
		}
	}
	return r.Number != ""
}
