package seal

import (
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/errs"
)

// Vault makes and opens seal keys: where the private keys live. The
// Service stores what Generate returns as the key's PrivateEnc and gives
// it back to Open; it never sees a private key itself, only Signers.
//
// SoftwareVault, the default, keeps the secret in the database encrypted
// under the node key. A hardware security module (a PKCS#11 token, a
// GM/T 0018 cipher machine, a cloud KMS) implements Vault by generating
// the key inside the module and returning as the blob its reference to
// the key (a label, a key index), with a Signer whose Sign asks the
// module: the secret never leaves it, and nothing else changes.
type Vault interface {
	// Generate makes a new key of alg and returns its Signer and the blob
	// to store for it.
	Generate(alg Alg) (Signer, []byte, error)
	// Open returns the Signer of the key kid, of alg, stored as blob. The
	// Signer's KeyID must be kid.
	Open(alg Alg, kid string, blob []byte) (Signer, error)
}

// SoftwareVault keeps private keys in software: the 32-byte secret sealed
// with Keys (AES-GCM under the node key, bound to the key's ID).
type SoftwareVault struct {
	Keys *cryptox.Keyring
}

func (v SoftwareVault) Generate(alg Alg) (Signer, []byte, error) {
	sg, secret, err := GenerateKey(alg)
	if err != nil {
		return nil, nil, err
	}
	return sg, v.Keys.Seal(secret, keyAD(sg.KeyID())), nil
}

func (v SoftwareVault) Open(alg Alg, kid string, blob []byte) (Signer, error) {
	secret, err := v.Keys.Open(blob, keyAD(kid))
	if err != nil {
		return nil, err
	}
	return LoadKey(alg, secret)
}

func keyAD(kid string) []byte { return []byte("seal_key|" + kid) }

// checkOpened is Open's promise: the key opened is the one asked for.
func checkOpened(sg Signer, kid string) error {
	if sg.KeyID() != kid {
		return errs.Errorf(errs.Internal, "seal: key %s opens as %s", kid, sg.KeyID())
	}
	return nil
}
