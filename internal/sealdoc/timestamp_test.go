package sealdoc

import (
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/seal"
)

// signedToken is a timestamp token by a fresh Ed25519 key.
func signedToken(t testing.TB) string {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	j, err := seal.PublicJWK(seal.EdDSA, pub)
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := json.Marshal(header{Alg: string(seal.EdDSA), Kid: j.Thumbprint(), Typ: TypTimestamp})
	pb, _ := json.Marshal(Timestamp{Issuer: "https://gd.example", Number: "ZS4401002026000001", SHA256: strings.Repeat("ab", 32),
		SigSHA256: strings.Repeat("cd", 32), SealKID: "k1", SignedAt: 1790000000, AuditSeq: 42, AuditHash: strings.Repeat("ef", 32)})
	in := b64.EncodeToString(hb) + "." + b64.EncodeToString(pb)
	return in + "." + b64.EncodeToString(ed25519.Sign(priv, []byte(in)))
}

// TestTimestampParse: a token parses back to its claims; a statement (the
// other typ), a truncated token and a bundle of three parts do not.
func TestTimestampParse(t *testing.T) {
	tok := signedToken(t)
	p, ok := parseTimestamp(tok)
	if !ok || p.ts.AuditSeq != 42 || p.ts.SignedAt != 1790000000 || p.ts.SealKID != "k1" {
		t.Fatalf("parse: %v %+v", ok, p)
	}
	for _, bad := range []string{signedStatement(t), tok[:len(tok)-5], tok + ".x", strings.Replace(tok, ".", "", 1)} {
		if _, ok := parseTimestamp(bad); ok {
			t.Errorf("accepted %.60q…", bad)
		}
	}
	sig := signedStatement(t)
	for in, want := range map[string][2]string{
		sig:                              {sig, ""},
		sig + "\n" + tok + "\n":          {sig, tok},
		"  " + sig + " \r\n " + tok:      {sig, tok},
		sig + "\n" + tok + "\n" + tok:    {},
		"":                               {},
		strings.Repeat("a", maxBundle+1): {},
	} {
		s, ts, ok := splitBundle(in)
		if ok != (want[0] != "") || s != want[0] || ts != want[1] {
			t.Errorf("splitBundle(%.40q…) = %.20q %.20q %v", in, s, ts, ok)
		}
	}
}

// FuzzTimestampBundle: whatever arrives as a signature bundle, splitting
// it and parsing its token never panics, and what is accepted is what the
// format says: one or two parts, a token of typ TypTimestamp with a known
// algorithm and a 64-byte signature.
func FuzzTimestampBundle(f *testing.F) {
	tok, sig := signedToken(f), signedStatement(f)
	f.Add(sig + "\n" + tok + "\n")
	f.Add(sig)
	f.Add(tok[:len(tok)/2])
	f.Add(sig + " " + strings.Replace(tok, ".", "..", 1))
	f.Add("eyJhbGciOiJub25lIn0.. x")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		s, ts, ok := splitBundle(in)
		if !ok {
			if s != "" || ts != "" {
				t.Fatalf("refused with parts %q %q", s, ts)
			}
			return
		}
		if s == "" || strings.ContainsAny(s+ts, " \t\r\n") {
			t.Fatalf("split %q into %q %q", in, s, ts)
		}
		parse(s) // must not panic
		p, ok := parseTimestamp(ts)
		if !ok {
			return
		}
		if p.header.Typ != TypTimestamp || !seal.Alg(p.header.Alg).Valid() || len(p.sig) != 64 ||
			!strings.HasPrefix(ts, p.input+".") || strings.Count(p.input, ".") != 1 {
			t.Fatalf("accepted %q as %+v", ts, p)
		}
	})
}
