package license

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/seal"
)

// FuzzAddList: whatever a correctly signed status list credential holds,
// AddList never panics, and a list it takes has a known purpose, its
// validity ahead and is cached under its id.
func FuzzAddList(f *testing.F) {
	fx := newFixture(f)
	sg := fx.signers[seal.EdDSA]
	good, _ := json.Marshal(StatusListCredential(listURL, CredIssuer{ID: "https://node.example/issuers/1"}, PurposeRevocation,
		NewBitstring(ListSize), t0, time.Hour, time.Minute))
	f.Add(good)
	f.Add([]byte(`{"id":"x","type":["BitstringStatusListCredential"],"credentialSubject":{"type":"BitstringStatusList","statusPurpose":"suspension","encodedList":"uH4sIAAAAAAAA_wMAAAAAAAAAAAA"}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		in, err := SigningInput(Header{Alg: string(sg.Alg()), Kid: sg.KeyID(), Typ: TypStatusList}, payload)
		if err != nil {
			t.Skip()
		}
		sig, err := sg.Sign([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		cache := StatusCache{}
		if err := cache.AddList(fx.keys, "", Assemble(in, sig), t0); err != nil {
			if StatusErrorReason(err) == "" {
				t.Fatalf("refusal without a reason: %v", err)
			}
			return
		}
		if len(cache) != 1 {
			t.Fatalf("%d lists cached", len(cache))
		}
		for id, l := range cache {
			if id != l.ID || (l.Purpose != PurposeRevocation && l.Purpose != PurposeSuspension) ||
				(!l.ValidUntil.IsZero() && !t0.Before(l.ValidUntil)) {
				t.Fatalf("took %q: %+v", payload, l)
			}
		}
	})
}
