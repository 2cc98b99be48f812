package cryptox

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
)

// SigningKey derives an Ed25519 key for one purpose from the node key, so
// that a node signs (its exchange message log, say) without a second
// secret to keep: the seed is HMAC-SHA256(node key, "digigov signing: " +
// purpose). The same node key and purpose always give the same key; other
// purposes give unrelated keys.
func SigningKey(nodeKey []byte, purpose string) ed25519.PrivateKey {
	m := hmac.New(sha256.New, nodeKey)
	m.Write([]byte("digigov signing: " + purpose))
	return ed25519.NewKeyFromSeed(m.Sum(nil))
}
