package cryptox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/digigov/digigov/internal/platform/errs"
)

// NodeKeySize is the length in bytes of a node key.
const NodeKeySize = 32

// HKDF labels of the derived keys. Changing one makes every existing
// ciphertext or index unusable.
const (
	fieldKeyLabel = "digigov field encryption v1"
	indexKeyLabel = "digigov blind index v1"
)

// version1 marks a ciphertext as AES-256-GCM under the v1 field key:
// version1 || nonce (12 bytes) || ciphertext || tag (16 bytes).
const version1 byte = 1

// overhead is what Seal adds to a plaintext: version, nonce and tag.
const overhead = 1 + 12 + 16

// blindIndexLen is the length in hex characters of a blind index (128 bits).
const blindIndexLen = 32

// Keyring holds the keys derived from a node key. It is safe for concurrent
// use.
type Keyring struct {
	aead     cipher.AEAD // AES-256-GCM with random nonces, under the field key
	indexKey []byte
}

// NewKeyring derives the field-encryption and blind-index keys from a
// 32-byte node key. It returns an errs.Internal error for a key of any other
// length: a wrong key is a deployment fault, never the user's.
func NewKeyring(nodeKey []byte) (*Keyring, error) {
	if len(nodeKey) != NodeKeySize {
		return nil, errs.Errorf(errs.Internal, "cryptox: node key is %d bytes, want %d", len(nodeKey), NodeKeySize)
	}
	fieldKey, err := hkdf.Key(sha256.New, nodeKey, nil, fieldKeyLabel, 32)
	if err != nil {
		return nil, &errs.Error{Code: errs.Internal, Msg: "cryptox: deriving the field key", Err: err}
	}
	indexKey, err := hkdf.Key(sha256.New, nodeKey, nil, indexKeyLabel, 32)
	if err != nil {
		return nil, &errs.Error{Code: errs.Internal, Msg: "cryptox: deriving the blind-index key", Err: err}
	}
	block, err := aes.NewCipher(fieldKey)
	if err != nil {
		return nil, &errs.Error{Code: errs.Internal, Msg: "cryptox: AES", Err: err}
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, &errs.Error{Code: errs.Internal, Msg: "cryptox: GCM", Err: err}
	}
	return &Keyring{aead: aead, indexKey: indexKey}, nil
}

// Seal encrypts and authenticates plaintext, and authenticates
// associatedData without storing it: Open must be given the same
// associatedData, so pass what identifies the field's place (record ID and
// column name) to stop a ciphertext from being moved elsewhere. Sealing the
// same plaintext twice gives different ciphertexts. The result is 29 bytes
// longer than plaintext.
func (k *Keyring) Seal(plaintext, associatedData []byte) []byte {
	out := make([]byte, 1, len(plaintext)+overhead)
	out[0] = version1
	return k.aead.Seal(out, nil, plaintext, associatedData)
}

// Open decrypts a ciphertext from Seal. It returns an errs.Internal error if
// the ciphertext is truncated, of an unknown version, altered, sealed under
// another node key or with other associated data. Errors never contain the
// ciphertext or the plaintext.
func (k *Keyring) Open(ciphertext, associatedData []byte) ([]byte, error) {
	if len(ciphertext) < overhead {
		return nil, errs.E(errs.Internal, "cryptox: ciphertext too short")
	}
	if ciphertext[0] != version1 {
		return nil, errs.Errorf(errs.Internal, "cryptox: unknown ciphertext version %d", ciphertext[0])
	}
	plaintext, err := k.aead.Open(nil, nil, ciphertext[1:], associatedData)
	if err != nil {
		// The cause says only "message authentication failed"; keep it out
		// anyway so that no future cause can carry data into a log.
		return nil, errs.E(errs.Internal, "cryptox: ciphertext does not authenticate (altered, other key or other associated data)")
	}
	return plaintext, nil
}

// BlindIndex returns a deterministic keyed hash of value, 32 hex characters
// (128 bits of HMAC-SHA256), for finding a record by an encrypted field
// without decrypting it. kind separates the fields ("id_number", "phone") so
// that equal values in different fields do not share an index; it is a
// constant of the program and must not contain a NUL byte (BlindIndex panics
// if it does). Pass value in canonical form (the parsed, normalised one):
// different spellings give different indexes.
func (k *Keyring) BlindIndex(kind string, value string) string {
	if strings.IndexByte(kind, 0) >= 0 {
		panic("cryptox.BlindIndex: kind contains a NUL byte")
	}
	mac := hmac.New(sha256.New, k.indexKey)
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write([]byte(value))
	return hex.EncodeToString(mac.Sum(nil))[:blindIndexLen]
}
