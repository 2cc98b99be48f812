package storetest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/storetest"
)

// module stands in for a hardware security module: keys are made and kept
// inside it, and the outside world gets a handle and signatures, never the
// secret.
type module struct {
	mu   sync.Mutex
	keys map[string]seal.Signer
}

func (m *module) Generate(alg seal.Alg) (seal.Signer, []byte, error) {
	sg, _, err := seal.GenerateKey(alg) // the secret stays "inside"
	if err != nil {
		return nil, nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	handle := fmt.Sprintf("hsm-slot-%d", len(m.keys)+1)
	m.keys[handle] = sg
	return sg, []byte(handle), nil
}

func (m *module) Open(alg seal.Alg, kid string, blob []byte) (seal.Signer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sg, ok := m.keys[string(blob)]
	if !ok || sg.Alg() != alg {
		return nil, fmt.Errorf("module: no key %q", blob)
	}
	return sg, nil
}

// TestSealVault: with a key vault other than the software one (a hardware
// module), seals are created, sign and verify as before, the database
// holds only the module's handle, and a restarted service signs through
// the module again.
func TestSealVault(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newSealFixture(t, e)
			hsm := &module{keys: map[string]seal.Signer{}}
			clock := func() time.Time { *f.now = f.now.Add(time.Second); return *f.now }
			restart := func() *seal.Service {
				return seal.NewService(seal.Deps{Store: f.store, Tx: f.db, Audit: audit.NewService(f.store, f.db, clock),
					Orgs: orgStore{f.store}, Vault: hsm, Now: clock})
			}
			svc := restart()
			se, err := svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official, Alg: seal.SM2})
			if err != nil {
				t.Fatal(err)
			}
			var blob []byte
			if err := f.db.QueryRow(ctx, `SELECT private_enc FROM seal_keys WHERE kid = ?`, se.KeyID).Scan(&blob); err != nil {
				t.Fatal(err)
			}
			if string(blob) != "hsm-slot-1" {
				t.Errorf("stored for the key: %q, want only the module's handle", blob)
			}
			msg := []byte("决定书 sha256")
			sig, err := restart().Sign(ctx, audit.System("test"), se.ID, se.KeyID, msg, "document", "D1")
			if err != nil {
				t.Fatal(err)
			}
			k, _, err := svc.KeyInfo(ctx, sig.KID)
			if err != nil {
				t.Fatal(err)
			}
			alg, pub, err := k.Public.Key()
			if err != nil || !seal.Verify(alg, pub, msg, sig.Sig) {
				t.Fatalf("the module's signature does not verify with the published key (%v)", err)
			}
			// Without the module the key cannot be used: nothing falls back
			// to software.
			other := seal.NewService(seal.Deps{Store: f.store, Tx: f.db, Audit: audit.NewService(f.store, f.db, clock),
				Orgs: orgStore{f.store}, Vault: &module{keys: map[string]seal.Signer{}}, Now: clock})
			if _, err := other.Sign(ctx, audit.System("test"), se.ID, se.KeyID, msg, "document", "D2"); err == nil {
				t.Error("signed without the module holding the key")
			}
		})
	}
}
