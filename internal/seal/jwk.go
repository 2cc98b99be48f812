package seal

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"

	"github.com/emmansun/gmsm/sm2"

	"github.com/digigov/digigov/internal/platform/errs"
)

var b64 = base64.RawURLEncoding

// JWK is a public JSON Web Key (RFC 7517) as /.well-known/jwks.json
// publishes it, with digigov's members for the seal it belongs to.
type JWK struct {
	Kty string `json:"kty"`           // "OKP" (Ed25519) or "EC" (P-256, SM2)
	Crv string `json:"crv"`           // "Ed25519", "P-256" or "SM2"
	X   string `json:"x"`             // base64url
	Y   string `json:"y,omitempty"`   // base64url, EC only
	Kid string `json:"kid,omitempty"` // RFC 7638 thumbprint
	Alg string `json:"alg,omitempty"` // "EdDSA", "ES256", "SM2"
	Use string `json:"use,omitempty"` // "sig"

	Org      string `json:"org,omitempty"`       // the seal's organisation (name)
	OrgUSCC  string `json:"org_uscc,omitempty"`  // its 统一社会信用代码
	SealID   string `json:"seal_id,omitempty"`   //
	SealName string `json:"seal_name,omitempty"` // 公章 or the 专用章's name
	Status   string `json:"status,omitempty"`    // "active" or "retired" (rotated out: verifies, no longer signs); "revoked" in a trust list's revoked_keys
	// RevokedAt is when a revoked key was revoked (RFC 3339), in a trust
	// list's revoked_keys only: what it signed before then may still
	// verify with a timestamp token (sealdoc).
	RevokedAt string `json:"revoked_at,omitempty"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// PublicJWK returns the JWK of pub for alg (kid and the seal members unset).
func PublicJWK(alg Alg, pub crypto.PublicKey) (JWK, error) {
	switch alg {
	case EdDSA:
		if k, ok := pub.(ed25519.PublicKey); ok {
			return JWK{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(k), Alg: string(alg), Use: "sig"}, nil
		}
	case ES256, SM2:
		if k, ok := pub.(*ecdsa.PublicKey); ok {
			crv := "P-256"
			if alg == SM2 {
				crv = "SM2"
			}
			return JWK{Kty: "EC", Crv: crv, X: b64.EncodeToString(k.X.FillBytes(make([]byte, 32))),
				Y: b64.EncodeToString(k.Y.FillBytes(make([]byte, 32))), Alg: string(alg), Use: "sig"}, nil
		}
	}
	return JWK{}, errs.Errorf(errs.Internal, "seal: no JWK for %s key %T", alg, pub)
}

// Thumbprint is the RFC 7638 JWK thumbprint (SHA-256, base64url) of the key:
// the hash of its required members in lexicographic order.
func (j JWK) Thumbprint() string {
	var b []byte
	if j.Kty == "OKP" {
		b, _ = json.Marshal(struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
		}{j.Crv, j.Kty, j.X})
	} else {
		b, _ = json.Marshal(struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
			Y   string `json:"y"`
		}{j.Crv, j.Kty, j.X, j.Y})
	}
	sum := sha256.Sum256(b)
	return b64.EncodeToString(sum[:])
}

// Key returns the public key and algorithm of j. It checks that the point
// lies on the curve, so a forged JWK cannot reach the verifier. Returns
// errs.Invalid ("seal.jwk_invalid") for anything else.
func (j JWK) Key() (Alg, crypto.PublicKey, error) {
	bad := errs.E(errs.Invalid, "seal.jwk_invalid")
	x, err := b64.DecodeString(j.X)
	if err != nil {
		return "", nil, bad
	}
	switch {
	case j.Kty == "OKP" && j.Crv == "Ed25519" && (j.Alg == "" || j.Alg == string(EdDSA)):
		if len(x) != ed25519.PublicKeySize {
			return "", nil, bad
		}
		return EdDSA, ed25519.PublicKey(x), nil
	case j.Kty == "EC" && (j.Crv == "P-256" && (j.Alg == "" || j.Alg == string(ES256)) || j.Crv == "SM2" && (j.Alg == "" || j.Alg == string(SM2))):
		y, err := b64.DecodeString(j.Y)
		if err != nil || len(x) != 32 || len(y) != 32 {
			return "", nil, bad
		}
		alg, curve := ES256, elliptic.P256()
		if j.Crv == "SM2" {
			alg, curve = SM2, sm2.P256()
		}
		// Decoding the uncompressed point checks that it is on the curve.
		pt := append(append([]byte{4}, x...), y...)
		var k *ecdsa.PublicKey
		if alg == SM2 {
			k, err = sm2.NewPublicKey(pt)
		} else {
			k, err = ecdsa.ParseUncompressedPublicKey(curve, pt)
		}
		if err != nil {
			return "", nil, bad
		}
		return alg, k, nil
	}
	return "", nil, bad
}
