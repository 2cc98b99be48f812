// Package verifier verifies digigov electronic licences (电子证照) offline:
// with nothing but a node's published keys (/.well-known/jwks.json),
// optionally other provinces' trust lists (/.well-known/trust-list.jws,
// 证照互认), and the status list credentials the licences point to
// (/credentials/status/{n}-{purpose}), saved earlier. No network, no
// database.
//
// It verifies a licence (a compact JWS, W3C VC 2.0), a 亮证 token (the
// short-lived QR payload of a licence shown on a phone) and the reference
// in a licence PDF's QR code, and answers like the node's online verifier
// (POST /api/v1/licenses/verify), with the same verdicts and reason codes:
// genuine or not, valid, suspended, revoked, expired, not yet valid or
// invalid, and why.
//
// Status lists are checked before they are used: signed by a key loaded
// here (a trust-listed province's licences only by a key of that same
// trust list), a BitstringStatusListCredential for revocation or
// suspension, valid (its validUntil not passed), and served at the URL
// the licences' status entries name. A list that was valid when loaded
// and has expired since is not read: the status is then unknown
// (ReasonStatusStale, Result.StatusStale); load a fresh copy with
// AddStatusList, which replaces the older one.
//
// The package is a stable front for the node's own verifier
// (internal/license): one implementation, so that what this package
// accepts is exactly what the node accepts. A Verifier is safe for
// concurrent use, lists may be refreshed while it verifies.
package verifier

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/license"
)

// Verdict is what a verification concludes, in one word.
type Verdict string

const (
	Valid       Verdict = Verdict(license.Valid)
	Suspended   Verdict = Verdict(license.Suspended)
	Revoked     Verdict = Verdict(license.Revoked)
	Expired     Verdict = Verdict(license.Expired)
	NotYetValid Verdict = Verdict(license.NotYetValid)
	Invalid     Verdict = Verdict(license.Invalid) // not genuine, or not something the verifier can judge
)

// Reason is why a verification did not conclude Valid ("" when it did):
// the codes of the node's verifier (its API's "reason").
type Reason string

const (
	ReasonOK             Reason = Reason(license.ReasonOK)
	ReasonMalformed      Reason = Reason(license.ReasonMalformed)      // not a compact JWS
	ReasonTruncated      Reason = Reason(license.ReasonTruncated)      // cut short
	ReasonWrongAlg       Reason = Reason(license.ReasonWrongAlg)       // alg absent, "none", unknown or not the key's
	ReasonUnknownKey     Reason = Reason(license.ReasonUnknownKey)     // signed by a key not loaded here
	ReasonTampered       Reason = Reason(license.ReasonTampered)       // the signature does not match the contents
	ReasonNotLicense     Reason = Reason(license.ReasonNotLicense)     // genuine, but no licence, 亮证 token or reference
	ReasonRevoked        Reason = Reason(license.ReasonRevoked)        // revoked by the issuer
	ReasonSuspended      Reason = Reason(license.ReasonSuspended)      // suspended by the issuer
	ReasonExpired        Reason = Reason(license.ReasonExpired)        // past its validUntil
	ReasonNotYetValid    Reason = Reason(license.ReasonNotYetValid)    // before its validFrom
	ReasonSealRevoked    Reason = Reason(license.ReasonSealRevoked)    // signed with a revoked seal (online only)
	ReasonQRExpired      Reason = Reason(license.ReasonQRExpired)      // a 亮证 token past its minutes
	ReasonStatusAbsent   Reason = Reason(license.ReasonStatusAbsent)   // no usable status list loaded (Result.StatusError says why)
	ReasonStatusStale    Reason = Reason(license.ReasonStatusStale)    // status unknown: the loaded status list has expired
	ReasonMalformedQR    Reason = Reason(license.ReasonMalformedQR)    // a QR payload that is no licence and no 亮证 token
	ReasonIssuerMismatch Reason = Reason(license.ReasonIssuerMismatch) // genuine, but naming an issuer that is not the key's
	ReasonTrustWithdrawn Reason = Reason(license.ReasonTrustWithdrawn) // signed by a key whose trust was withdrawn (online only)
)

// Why a status list was refused (ListError.Reason) or could not be used
// for a licence (Result.StatusError): the codes of the node's verifier.
const (
	ListNotList      = license.StatusNotList      // not a BitstringStatusListCredential (or not a JWS)
	ListBadSignature = license.StatusBadSignature // not signed by a key loaded here (or, for a trust-listed licence, of its trust list)
	ListWrongList    = license.StatusWrongList    // its id is not the URL it was loaded for
	ListWrongPurpose = license.StatusWrongPurpose // a purpose other than the entry's (revocation / suspension)
	ListExpired      = license.StatusExpired      // past its validUntil
	ListIndexOutside = license.StatusIndexOutside // the licence's index lies beyond the list
	ListNotLoaded    = license.StatusNotLoaded    // no list loaded for the URL the licence names
)

// Result is the outcome of a verification.
type Result struct {
	Genuine bool    // signed by a key loaded here, contents untouched
	Verdict Verdict //
	Reason  Reason  // why not Valid; "" if Valid
	Kind    string  // "license", "present" (亮证 token) or "reference" (a PDF's QR code)

	KID, Alg                       string // the signing key and its algorithm
	Issuer, IssuerName, IssuerUSCC string // the issuer ID (URL); its name and code are the key's, never the payload's claim
	KeySource                      string // "" for the JWKS; the trust list's source for a trust-listed key
	LicenseID                      string
	Type, TypeName, Number         string // licence type key, its name, 证照编号
	HolderName, HolderRef          string
	ValidFrom, ValidUntil          time.Time // ValidUntil zero: 长期
	ExpiresAt                      time.Time // of a 亮证 token
	Fields                         map[string]string
	ClaimedIssuer                  string // with ReasonIssuerMismatch: the issuer name the payload claims

	// StatusStale: a status list the licence needs is loaded but past its
	// validUntil, so its status is unknown (ReasonStatusAbsent's sibling
	// ReasonStatusStale; for a trust-listed licence, StatusUnchecked).
	StatusStale bool
	// StatusUnchecked: a trust-listed (other province's) licence whose
	// status could not be checked here; the verdict is from the signature
	// and dates alone, as on the node.
	StatusUnchecked bool
	StatusError     string // why a status list could not be used (List… codes)
}

// ListError is a status list refused by AddStatusList.
type ListError struct {
	URL    string // the URL it was loaded for ("" if none was given)
	Reason string // ListNotList, ListBadSignature, ListWrongList, ListWrongPurpose, ListExpired
}

func (e *ListError) Error() string { return "status list " + e.URL + " refused: " + e.Reason }

// Option configures a Verifier.
type Option func(*Verifier)

// WithClock makes the verifier read the time from now (tests; checking
// what a verifier would have said at another time).
func WithClock(now func() time.Time) Option { return func(v *Verifier) { v.now = now } }

// Verifier verifies licences against the keys and status lists loaded
// into it.
type Verifier struct {
	mu    sync.RWMutex
	keys  license.KeySet
	lists license.StatusCache
	now   func() time.Time
	v     *license.Verifier
}

// New returns a verifier with no keys and no status lists: load them with
// AddJWKS, AddTrustList and AddStatusList (or the …File variants).
func New(opts ...Option) *Verifier {
	v := &Verifier{keys: license.KeySet{}, lists: license.StatusCache{}, now: time.Now}
	for _, o := range opts {
		o(v)
	}
	v.v = &license.Verifier{Keys: v.keys, Statuses: v.lists, Now: v.now}
	return v
}

// AddJWKS loads the keys of a node's JWK set (its /.well-known/jwks.json)
// and returns how many it took. Keys that are malformed, of an unknown
// kind, or whose kid is not their RFC 7638 thumbprint are skipped.
func (v *Verifier) AddJWKS(data []byte) (int, error) {
	set, err := license.ParseJWKS(data, "")
	if err != nil {
		return 0, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for kid, k := range set {
		v.keys[kid] = k
	}
	return len(set), nil
}

// AddTrustList loads another node's signed trust list (its
// /.well-known/trust-list.jws, 证照互认) and returns how many keys it took.
// The list must be signed by one of its own keys; trusting it at all is
// the caller's decision, as on the node. Licences its keys sign verify
// only when they name an issuer under that node's URL, and their status
// only from lists signed by that same trust list's keys.
func (v *Verifier) AddTrustList(data []byte) (int, error) {
	_, keys, _, ok := license.ParseTrustList(string(data))
	if !ok {
		return 0, errors.New("trust list: not a trust list signed by one of its own keys")
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for kid, k := range keys {
		if _, own := v.keys[kid]; !own || v.keys[kid].Source != "" { // a key of the JWKS stays the JWKS's
			v.keys[kid] = k
		}
	}
	return len(keys), nil
}

// AddStatusList checks a status list credential (the compact JWS served
// at its URL) and loads it, replacing an older copy. listURL is the URL it
// was fetched from, which must be the credential's id (ListWrongList
// otherwise); "" takes the id as it is. It must be signed by a key loaded
// before, be a BitstringStatusListCredential for revocation or
// suspension, and be valid now (ListExpired once past its validUntil).
// The error is a *ListError.
func (v *Verifier) AddStatusList(listURL string, jws []byte) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if err := v.lists.AddList(v.keys, listURL, string(jws), v.now()); err != nil {
		reason := license.StatusErrorReason(err)
		if reason == "" {
			reason = ListNotList
		}
		return &ListError{URL: listURL, Reason: reason}
	}
	return nil
}

// AddJWKSFile is AddJWKS of a file's contents.
func (v *Verifier) AddJWKSFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return v.AddJWKS(b)
}

// AddTrustListFile is AddTrustList of a file's contents.
func (v *Verifier) AddTrustListFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return v.AddTrustList(b)
}

// AddStatusListFile is AddStatusList of a file's contents.
func (v *Verifier) AddStatusListFile(listURL, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return v.AddStatusList(listURL, b)
}

// StatusList describes a loaded status list.
type StatusList struct {
	URL        string
	Purpose    string    // "revocation" or "suspension"
	ValidUntil time.Time // zero: none stated
	Source     string    // "" for a list signed by a JWKS key, else the trust list
}

// StatusLists lists the loaded status lists, for deciding which to fetch
// again.
func (v *Verifier) StatusLists() []StatusList {
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := make([]StatusList, 0, len(v.lists))
	for url, l := range v.lists {
		out = append(out, StatusList{URL: url, Purpose: l.Purpose, ValidUntil: l.ValidUntil, Source: l.Source})
	}
	return out
}

// Verify verifies text as pasted: a licence (compact JWS), a 亮证 token or
// the reference of a licence PDF's QR code. It never fails: every problem
// is a verdict with a reason. ctx is there for symmetry with the online
// verifier; nothing here waits.
func (v *Verifier) Verify(ctx context.Context, text string) *Result {
	return v.verify(ctx, text, false)
}

// VerifyQR is Verify for text read from a QR code: text that is no JWS at
// all answers ReasonMalformedQR.
func (v *Verifier) VerifyQR(ctx context.Context, text string) *Result {
	return v.verify(ctx, text, true)
}

func (v *Verifier) verify(ctx context.Context, text string, qr bool) *Result {
	v.mu.RLock()
	r := v.v.Verify(ctx, text, qr)
	v.mu.RUnlock()
	return &Result{Genuine: r.Genuine, Verdict: Verdict(r.Verdict), Reason: Reason(r.Reason), Kind: r.Kind,
		KID: r.KID, Alg: r.Alg, Issuer: r.Issuer, IssuerName: r.IssuerName, IssuerUSCC: r.IssuerUSCC, KeySource: r.KeySource,
		LicenseID: r.LicenseID, Type: r.Type, TypeName: r.TypeName, Number: r.Number, HolderName: r.HolderName,
		HolderRef: r.HolderRef, ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil, ExpiresAt: r.ExpiresAt, Fields: r.Fields,
		ClaimedIssuer: r.ClaimedIssuer, StatusStale: r.StatusStale, StatusUnchecked: r.StatusUnchecked, StatusError: r.StatusError}
}
