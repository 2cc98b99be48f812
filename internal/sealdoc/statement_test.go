package sealdoc

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/seal"
)

// signedStatement is a detached signature as Issue makes one, by an
// Ed25519 key.
func signedStatement(t testing.TB) string {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	j, err := seal.PublicJWK(seal.EdDSA, pub)
	if err != nil {
		t.Fatal(err)
	}
	st := &Statement{Issuer: "https://gd.example/issuers/1", IssuerName: "广州市人力资源和社会保障局", ID: "d1",
		Number: "JD4401062026000001", Kind: KindDecision, Title: "准予办理决定书", SealID: "s1", IssuedAt: 1790000000,
		SHA256: strings.Repeat("ab", 32), Size: 56000}
	input, err := signingInput(seal.EdDSA, j.Thumbprint(), st)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64.EncodeToString(ed25519.Sign(priv, []byte(input)))
}

// TestParse: a signature Issue makes parses back to its statement; every
// kind of damage has its own reason.
func TestParse(t *testing.T) {
	good := signedStatement(t)
	p, r := parse(good)
	if r != ReasonOK || p.st.Number != "JD4401062026000001" || p.header.Alg != "EdDSA" || len(p.sig) != 64 ||
		p.input != good[:strings.LastIndex(good, ".")] {
		t.Fatalf("parse: %v %+v", r, p)
	}
	parts := strings.Split(good, ".")
	hdr := func(json string) string { return b64.EncodeToString([]byte(json)) }
	for _, c := range []struct {
		name, in string
		want     Reason
	}{
		{"empty", "", ReasonMalformed},
		{"truncated", good[:len(good)-10], ReasonMalformed},
		{"two parts", parts[0] + "." + parts[1], ReasonMalformed},
		{"four parts", good + ".x", ReasonMalformed},
		{"header not base64", "!!." + parts[1] + "." + parts[2], ReasonMalformed},
		{"header not JSON", hdr("{") + "." + parts[1] + "." + parts[2], ReasonMalformed},
		{"a licence", hdr(`{"alg":"EdDSA","kid":"k","typ":"vc+jwt"}`) + "." + parts[1] + "." + parts[2], ReasonNotDocument},
		{"alg none", hdr(`{"alg":"none","kid":"k","typ":"digigov-sealdoc+jwt"}`) + "." + parts[1] + "." + parts[2], ReasonWrongAlg},
		{"payload not JSON", parts[0] + "." + hdr("[") + "." + parts[2], ReasonMalformed},
		{"short signature", parts[0] + "." + parts[1] + "." + b64.EncodeToString(make([]byte, 63)), ReasonMalformed},
		{"too long", good + strings.Repeat("A", maxSignature), ReasonMalformed},
	} {
		if _, r := parse(c.in); r != c.want {
			t.Errorf("%s: %q, want %q", c.name, r, c.want)
		}
	}
}

// FuzzParse: parse never panics, and what it accepts is whole — three
// parts, a document's typ, a known algorithm, a 64-byte signature over
// exactly the first two parts.
func FuzzParse(f *testing.F) {
	good := signedStatement(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(strings.Replace(good, ".", "..", 1))
	f.Add("eyJhbGciOiJub25lIn0..")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		p, r := parse(s)
		if r != ReasonOK {
			if p != nil {
				t.Fatalf("reason %q with a result", r)
			}
			return
		}
		if p.header.Typ != TypStatement || !seal.Alg(p.header.Alg).Valid() || len(p.sig) != 64 ||
			!strings.HasPrefix(strings.TrimSpace(s), p.input+".") || strings.Count(p.input, ".") != 1 {
			t.Fatalf("accepted %q as %+v", s, p)
		}
	})
}
