package license

import (
	"context"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/seal"
)

// BenchmarkVerify compares, per algorithm, the whole in-process
// verification of a licence (parse, key look-up, signature, payload,
// validity, both status entries from cached status lists) with the raw
// signature verification of the same signing input. Run with
//
//	go test -run x -bench Verify -benchtime 2s ./internal/license/
//
// and compare each Licence/<alg> with Raw/<alg> of the same run.
func BenchmarkVerify(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	for _, alg := range seal.Algs {
		jws := f.sign(b, alg, TypCredential, credentialAt(42, t0.Add(-time.Hour), t0.AddDate(1, 0, 0)))
		c, _ := ParseCompact(jws)
		k := f.keys[f.signers[alg].KeyID()]
		b.Run("Raw/"+string(alg), func(b *testing.B) {
			for b.Loop() {
				if !seal.Verify(alg, k.Public, []byte(c.SigningInput), c.Signature) {
					b.Fatal("does not verify")
				}
			}
		})
		b.Run("Licence/"+string(alg), func(b *testing.B) {
			for b.Loop() {
				if r := f.v.Verify(ctx, jws, false); r.Verdict != Valid {
					b.Fatal(r.Reason)
				}
			}
		})
	}
}
