package sealdoc

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/digigov/digigov/internal/seal"
)

// TypStatement is the typ of a document's detached signature.
const TypStatement = "digigov-sealdoc+jwt"

// Statement is the payload of a document's detached signature: a compact
// JWS (RFC 7515) by the issuing seal's key whose payload names the PDF by
// its SHA-256, so the PDF itself stays a plain file and any JOSE library
// checks the signature against /.well-known/jwks.json; a verifier then
// compares the hash with the PDF in hand.
type Statement struct {
	Issuer     string `json:"iss"`      // the issuer's URL (…/issuers/{org})
	IssuerName string `json:"iss_name"` // its name
	ID         string `json:"jti"`      // the document's ID
	Number     string `json:"doc_no"`   // its number
	Kind       Kind   `json:"kind"`
	Title      string `json:"title"`
	SealID     string `json:"seal"`
	IssuedAt   int64  `json:"iat"`        // Unix seconds
	SHA256     string `json:"pdf_sha256"` // hex SHA-256 of the PDF
	Size       int64  `json:"pdf_size"`   // its length in bytes
}

type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

var b64 = base64.RawURLEncoding

// signingInput returns BASE64URL(header) "." BASE64URL(statement).
func signingInput(alg seal.Alg, kid string, st *Statement) (string, error) {
	hb, err := json.Marshal(header{Alg: string(alg), Kid: kid, Typ: TypStatement})
	if err != nil {
		return "", err
	}
	pb, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	return b64.EncodeToString(hb) + "." + b64.EncodeToString(pb), nil
}

// parsed is a detached signature taken apart, not yet verified.
type parsed struct {
	header header
	st     Statement
	input  string
	sig    []byte
}

// maxSignature bounds what parse reads: a statement is well under 2 KB.
const maxSignature = 8 << 10

// parse takes a detached signature apart. The reason says what is wrong;
// it never panics, whatever the input.
func parse(s string) (*parsed, Reason) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxSignature {
		return nil, ReasonMalformed
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, ReasonMalformed
	}
	var p parsed
	hb, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &p.header) != nil {
		return nil, ReasonMalformed
	}
	if p.header.Typ != TypStatement {
		return nil, ReasonNotDocument
	}
	if !seal.Alg(p.header.Alg).Valid() {
		return nil, ReasonWrongAlg
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(pb, &p.st) != nil {
		return nil, ReasonMalformed
	}
	if p.sig, err = b64.DecodeString(parts[2]); err != nil || len(p.sig) != 64 {
		return nil, ReasonMalformed
	}
	p.input = parts[0] + "." + parts[1]
	return &p, ReasonOK
}
