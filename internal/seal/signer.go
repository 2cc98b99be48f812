package seal

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math/big"

	"github.com/emmansun/gmsm/sm2"

	"github.com/digigov/digigov/internal/platform/errs"
)

// Alg is a signature algorithm, named as in a JWS header.
type Alg string

const (
	// SM2 is SM2 with SM3 (GM/T 0003.2, GB/T 32918.2) over the message, with
	// the default user ID 1234567812345678 in Z_A, and the signature as the
	// raw 64 bytes r || s (each 32 bytes, big-endian) like ES256's. JOSE has
	// no registered name for it; "SM2" is ours, and documented in
	// docs/seals.md. The JWK is {"kty":"EC","crv":"SM2","x","y"}.
	SM2 Alg = "SM2"
	// EdDSA is Ed25519 (RFC 8037).
	EdDSA Alg = "EdDSA"
	// ES256 is ECDSA on P-256 with SHA-256, r || s (RFC 7518 §3.4).
	ES256 Alg = "ES256"
)

// Algs lists the algorithms a seal may use, the default first.
var Algs = []Alg{SM2, EdDSA, ES256}

// Valid reports whether a is a known algorithm.
func (a Alg) Valid() bool { return a == SM2 || a == EdDSA || a == ES256 }

// SM2UserID is the default user ID of GM/T 0009 that SM2 signatures here use.
var SM2UserID = []byte("1234567812345678")

// Signer signs with one seal key. The key may live in this process (a
// software key decrypted from the database) or in a hardware security
// module: Sign receives the whole message (the JWS signing input), so an
// HSM implementation can hash inside the device or hash here and send the
// digest (SHA-256 for ES256, SM3(Z_A || M) for SM2; Ed25519 needs the
// message). Implementations must be safe for concurrent use.
type Signer interface {
	// KeyID is the key's ID: its RFC 7638 JWK thumbprint.
	KeyID() string
	// Alg is the key's algorithm.
	Alg() Alg
	// Public is the public key: ed25519.PublicKey or *ecdsa.PublicKey
	// (curve P-256 or SM2).
	Public() crypto.PublicKey
	// Sign returns the signature of msg in JWS form (raw r || s for the
	// elliptic-curve algorithms).
	Sign(msg []byte) ([]byte, error)
}

// softSigner is a Signer over a private key held in memory.
type softSigner struct {
	kid  string
	alg  Alg
	ed   ed25519.PrivateKey
	ec   *ecdsa.PrivateKey
	sm   *sm2.PrivateKey
	pub  crypto.PublicKey
	priv []byte // the 32-byte secret as stored (seed or scalar)
}

func (s *softSigner) KeyID() string            { return s.kid }
func (s *softSigner) Alg() Alg                 { return s.alg }
func (s *softSigner) Public() crypto.PublicKey { return s.pub }

func (s *softSigner) Sign(msg []byte) ([]byte, error) {
	switch s.alg {
	case EdDSA:
		return ed25519.Sign(s.ed, msg), nil
	case ES256:
		h := sha256.Sum256(msg)
		r, ss, err := ecdsa.Sign(rand.Reader, s.ec, h[:])
		if err != nil {
			return nil, err
		}
		return rawRS(r, ss), nil
	case SM2:
		e, err := sm2.CalculateSM2Hash(&s.sm.PublicKey, msg, SM2UserID)
		if err != nil {
			return nil, err
		}
		r, ss, err := sm2.Sign(rand.Reader, &s.sm.PrivateKey, e)
		if err != nil {
			return nil, err
		}
		return rawRS(r, ss), nil
	}
	return nil, errs.Errorf(errs.Internal, "seal: unknown algorithm %q", s.alg)
}

// rawRS encodes an elliptic-curve signature as 64 bytes r || s.
func rawRS(r, s *big.Int) []byte {
	out := make([]byte, 64)
	r.FillBytes(out[:32])
	s.FillBytes(out[32:])
	return out
}

// GenerateKey makes a new key pair of alg and returns its Signer and its
// 32-byte secret (Ed25519 seed or curve scalar), to be encrypted at rest.
func GenerateKey(alg Alg) (Signer, []byte, error) {
	var secret []byte
	switch alg {
	case EdDSA:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		secret = k.Seed()
	case ES256:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		secret = k.D.FillBytes(make([]byte, 32))
	case SM2:
		k, err := sm2.GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		secret = k.D.FillBytes(make([]byte, 32))
	default:
		return nil, nil, errs.Fields(map[string]string{"alg": "form.choice"})
	}
	s, err := LoadKey(alg, secret)
	return s, secret, err
}

// LoadKey rebuilds a Signer from a secret GenerateKey returned.
func LoadKey(alg Alg, secret []byte) (Signer, error) {
	if len(secret) != 32 {
		return nil, errs.Errorf(errs.Internal, "seal: secret is %d bytes", len(secret))
	}
	s := &softSigner{alg: alg, priv: secret}
	switch alg {
	case EdDSA:
		s.ed = ed25519.NewKeyFromSeed(secret)
		s.pub = s.ed.Public()
	case ES256:
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), secret)
		if err != nil {
			return nil, fmt.Errorf("seal: P-256 key: %w", err)
		}
		s.ec, s.pub = k, &k.PublicKey
	case SM2:
		k, err := sm2.NewPrivateKey(secret)
		if err != nil {
			return nil, fmt.Errorf("seal: SM2 key: %w", err)
		}
		s.sm, s.pub = k, &k.PublicKey
	default:
		return nil, errs.Errorf(errs.Internal, "seal: unknown algorithm %q", alg)
	}
	jwk, err := PublicJWK(alg, s.pub)
	if err != nil {
		return nil, err
	}
	s.kid = jwk.Thumbprint()
	return s, nil
}

// Verify checks a JWS-form signature of msg under pub for alg. It returns
// false for a wrong signature, a key of another kind, or a malformed
// signature; it never panics on outside input.
func Verify(alg Alg, pub crypto.PublicKey, msg, sig []byte) bool {
	switch alg {
	case EdDSA:
		k, ok := pub.(ed25519.PublicKey)
		return ok && len(k) == ed25519.PublicKeySize && len(sig) == ed25519.SignatureSize && ed25519.Verify(k, msg, sig)
	case ES256:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || k.Curve != elliptic.P256() || len(sig) != 64 {
			return false
		}
		h := sha256.Sum256(msg)
		return ecdsa.Verify(k, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
	case SM2:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || k.Curve != sm2.P256() || len(sig) != 64 {
			return false
		}
		e, err := sm2.CalculateSM2Hash(k, msg, SM2UserID)
		if err != nil {
			return false
		}
		return sm2.Verify(k, e, new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:]))
	}
	return false
}
