package datashare

import (
	"crypto/ed25519"

	"github.com/digigov/digigov/internal/platform/cryptox"
)

func testKey() ed25519.PrivateKey { return cryptox.SigningKey(make([]byte, 32), "test") }
