package cryptox

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/digigov/digigov/internal/platform/errs"
)

// testKey returns a fixed node key whose bytes all equal b.
func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, NodeKeySize) }

func newKeyring(t testing.TB, b byte) *Keyring {
	t.Helper()
	k, err := NewKeyring(testKey(b))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeyringKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := NewKeyring(make([]byte, n)); !errs.Is(err, errs.Internal) {
			t.Errorf("NewKeyring(%d bytes) error = %v, want an Internal error", n, err)
		}
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := newKeyring(t, 1)
	ad := []byte("person 0190a3b4-...|id_number")
	for _, plain := range [][]byte{nil, {}, []byte("440106199003071234"), bytes.Repeat([]byte("证"), 1000)} {
		sealed := k.Seal(plain, ad)
		if len(sealed) != len(plain)+overhead || sealed[0] != version1 {
			t.Fatalf("sealed %d bytes as %d bytes with version %d", len(plain), len(sealed), sealed[0])
		}
		if len(plain) > 0 && bytes.Contains(sealed, plain) {
			t.Fatal("ciphertext contains the plaintext")
		}
		got, err := k.Open(sealed, ad)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("Open = %q, %v; want %q", got, err, plain)
		}
	}
}

func TestSealIsRandomized(t *testing.T) {
	k := newKeyring(t, 1)
	a, b := k.Seal([]byte("13812345678"), nil), k.Seal([]byte("13812345678"), nil)
	if bytes.Equal(a, b) {
		t.Fatal("two Seals of the same plaintext are equal")
	}
}

func TestOpenRejects(t *testing.T) {
	k := newKeyring(t, 1)
	plain, ad := []byte("440106199003071234"), []byte("row-1|id_number")
	sealed := k.Seal(plain, ad)

	tests := map[string]struct {
		ciphertext, ad []byte
		keyring        *Keyring
	}{
		"wrong associated data": {sealed, []byte("row-2|id_number"), k},
		"no associated data":    {sealed, nil, k},
		"other node key":        {sealed, ad, newKeyring(t, 2)},
		"truncated":             {sealed[:len(sealed)-1], ad, k},
		"too short":             {sealed[:overhead-1], ad, k},
		"empty":                 {nil, ad, k},
		"unknown version":       {append([]byte{2}, sealed[1:]...), ad, k},
	}
	for i := range sealed {
		tampered := bytes.Clone(sealed)
		tampered[i] ^= 0x01
		tests[fmt.Sprintf("byte %d flipped", i)] = struct {
			ciphertext, ad []byte
			keyring        *Keyring
		}{tampered, ad, k}
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := tt.keyring.Open(tt.ciphertext, tt.ad)
			if got != nil || !errs.Is(err, errs.Internal) {
				t.Fatalf("Open = %q, %v; want nil and an Internal error", got, err)
			}
			if strings.Contains(err.Error(), string(plain)) {
				t.Fatalf("error %q contains the plaintext", err)
			}
		})
	}
}

func TestBlindIndex(t *testing.T) {
	k1, k1again, k2 := newKeyring(t, 1), newKeyring(t, 1), newKeyring(t, 2)
	idx := k1.BlindIndex("id_number", "440106199003071234")
	if len(idx) != blindIndexLen || strings.Trim(idx, "0123456789abcdef") != "" {
		t.Fatalf("index %q is not %d lower-case hex characters", idx, blindIndexLen)
	}
	if again := k1again.BlindIndex("id_number", "440106199003071234"); again != idx {
		t.Errorf("same key, same input: %q then %q", idx, again)
	}
	differs := map[string]string{
		"other key":   k2.BlindIndex("id_number", "440106199003071234"),
		"other kind":  k1.BlindIndex("phone", "440106199003071234"),
		"other value": k1.BlindIndex("id_number", "440106199003071235"),
		"shifted":     k1.BlindIndex("id_number4", "40106199003071234"),
	}
	for name, other := range differs {
		if other == idx {
			t.Errorf("%s gives the same index %q", name, idx)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a kind with a NUL byte did not panic")
		}
	}()
	k1.BlindIndex("id\x00number", "1")
}

// TestStableFormat pins the key derivation and the ciphertext format with
// values computed once: if either changes, every stored field and index
// becomes unreadable, so this test must never be "fixed" by updating them.
func TestStableFormat(t *testing.T) {
	k := newKeyring(t, 1)
	if got, want := k.BlindIndex("id_number", "440106199003071234"), goldenIndex; got != want {
		t.Errorf("BlindIndex = %q, want %q", got, want)
	}
	sealed, err := hex.DecodeString(goldenSealed)
	if err != nil {
		t.Fatal(err)
	}
	got, err := k.Open(sealed, []byte("row-1|id_number"))
	if err != nil || string(got) != "440106199003071234" {
		t.Errorf("Open(golden) = %q, %v", got, err)
	}
}

const (
	goldenIndex  = "42cd9e770740642e5fc4407ffda40258"
	goldenSealed = "016b0bb342bb2e525d9219c19c76a6c0a4695900c3c6db16090cff3399dd5fc1514696bac5acb6824acee83916a8a5"
)

func TestKeyringConcurrentUse(t *testing.T) {
	k := newKeyring(t, 1)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 200 {
				plain := []byte{byte(i), 'x'}
				got, err := k.Open(k.Seal(plain, nil), nil)
				if err != nil || !bytes.Equal(got, plain) {
					t.Errorf("Open = %q, %v", got, err)
					return
				}
				k.BlindIndex("phone", string(plain))
			}
		})
	}
	wg.Wait()
}

func BenchmarkSeal(b *testing.B) {
	k := newKeyring(b, 1)
	plain, ad := []byte("440106199003071234"), []byte("0190a3b4-7c1d-7e2f-8a9b-0c1d2e3f4a5b|id_number")
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		k.Seal(plain, ad)
	}
}

func BenchmarkOpen(b *testing.B) {
	k := newKeyring(b, 1)
	plain, ad := []byte("440106199003071234"), []byte("0190a3b4-7c1d-7e2f-8a9b-0c1d2e3f4a5b|id_number")
	sealed := k.Seal(plain, ad)
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		if _, err := k.Open(sealed, ad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBlindIndex(b *testing.B) {
	k := newKeyring(b, 1)
	for b.Loop() {
		k.BlindIndex("id_number", "440106199003071234")
	}
}
