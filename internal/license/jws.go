package license

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/digigov/digigov/internal/seal"
)

var b64 = base64.RawURLEncoding

// Reason is why a credential or QR code does not verify, as a message key
// ("verify.<reason>"); "" when it does.
type Reason string

const (
	ReasonOK             Reason = ""
	ReasonMalformed      Reason = "malformed"       // not a compact JWS: wrong shape, bad base64url or JSON
	ReasonTruncated      Reason = "truncated"       // cut short: segments or signature bytes missing
	ReasonWrongAlg       Reason = "wrong_alg"       // header alg absent, "none", unknown, or not the key's
	ReasonUnknownKey     Reason = "unknown_key"     // kid names no key this verifier trusts
	ReasonTampered       Reason = "tampered"        // the signature does not match the contents
	ReasonNotLicense     Reason = "not_license"     // genuine, but not a licence credential or QR code
	ReasonRevoked        Reason = "revoked"         // the issuer revoked the licence
	ReasonSuspended      Reason = "suspended"       // the issuer suspended the licence
	ReasonExpired        Reason = "expired"         // past validUntil
	ReasonNotYetValid    Reason = "not_yet_valid"   // before validFrom
	ReasonSealRevoked    Reason = "seal_revoked"    // signed with a revoked seal, and no proof it was signed before
	ReasonQRExpired      Reason = "qr_expired"      // a 亮证 code past its minutes
	ReasonStatusAbsent   Reason = "status_absent"   // the status list could not be had (offline verifier without it)
	ReasonMalformedQR    Reason = "malformed_qr"    // a QR payload that is no licence and no 亮证 code
	ReasonNotSocialCard  Reason = "not_social_card" // at a point of use: a valid code, but not of a 社会保障卡
	ReasonIssuerMismatch Reason = "issuer_mismatch" // genuine, but the issuer it names is not the signing key's organisation
	ReasonTrustWithdrawn Reason = "trust_withdrawn" // signed by a key of another node's trust list that is trusted no longer
	ReasonStatusStale    Reason = "status_stale"    // status unknown: the cached status list is past its validUntil (refresh it)
)

// Header is the protected header of our JWS.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ,omitempty"`
	Cty string `json:"cty,omitempty"`
}

// Media types in typ.
const (
	TypCredential = "vc+jwt"                 // a licence: the payload is a W3C VC 2.0 (VC-JOSE-COSE)
	TypStatusList = "vc+jwt"                 // a status list credential is a VC too
	TypPresent    = "digigov-present+jwt"    // a 亮证 code
	TypTrustList  = "digigov-trustlist+json" // a signed trust list
)

// Compact is a parsed compact JWS (RFC 7515 §7.1).
type Compact struct {
	Header        Header
	RawHeader     []byte
	Payload       []byte
	Signature     []byte
	SigningInput  string // BASE64URL(header) "." BASE64URL(payload)
	HeaderSegment string
}

// sigLen is the signature length of each algorithm.
var sigLen = map[seal.Alg]int{seal.EdDSA: 64, seal.ES256: 64, seal.SM2: 64}

// maxJWS bounds what the parser reads: a licence is a few kilobytes.
const maxJWS = 64 << 10

// ParseCompact parses a compact JWS without verifying it. Whitespace
// around it is ignored. The reason says what is wrong: ReasonTruncated for
// missing segments or signature bytes, ReasonMalformed for anything else
// that is not a JWS, ReasonWrongAlg for an alg we do not accept ("none"
// included). It never panics, whatever the input.
func ParseCompact(s string) (*Compact, Reason) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxJWS {
		return nil, ReasonMalformed
	}
	parts := strings.Split(s, ".")
	switch {
	case len(parts) < 3:
		if strings.HasPrefix(s, "eyJ") { // the start of a JSON header: a JWS cut short
			return nil, ReasonTruncated
		}
		return nil, ReasonMalformed
	case len(parts) > 3:
		return nil, ReasonMalformed
	}
	hdr, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, ReasonMalformed
	}
	var h Header
	if !decodeHeader(hdr, &h) { // as json.Unmarshal, in one pass (jsonread.go)
		return nil, ReasonMalformed
	}
	// The payload is only checked to be an object here: whether it is
	// well-formed JSON matters only once the signature holds (the verifier
	// decodes it then), and scanning it twice would cost a fifth of a
	// verification.
	payload, err := b64.DecodeString(parts[1])
	switch {
	case err != nil || len(payload) == 0 || payload[0] != '{':
		return nil, ReasonMalformed
	case payload[len(payload)-1] != '}':
		return nil, ReasonTruncated // a JSON object cut short
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, ReasonMalformed
	}
	alg := seal.Alg(h.Alg)
	if !alg.Valid() {
		return nil, ReasonWrongAlg
	}
	if n := sigLen[alg]; len(sig) < n {
		return nil, ReasonTruncated
	} else if len(sig) > n {
		return nil, ReasonMalformed
	}
	return &Compact{Header: h, RawHeader: hdr, Payload: payload, Signature: sig,
		SigningInput: parts[0] + "." + parts[1], HeaderSegment: parts[0]}, ReasonOK
}

// SigningInput returns BASE64URL(header) "." BASE64URL(payload) for a new JWS.
func SigningInput(h Header, payload []byte) (string, error) {
	hb, err := json.Marshal(h)
	if err != nil {
		return "", err
	}
	return b64.EncodeToString(hb) + "." + b64.EncodeToString(payload), nil
}

// Assemble joins a signing input and a signature into a compact JWS.
func Assemble(signingInput string, sig []byte) string {
	return signingInput + "." + b64.EncodeToString(sig)
}
