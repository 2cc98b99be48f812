package verifier_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/verifier"
)

// issuer is a stand-in node for examples: one Ed25519 seal key, its JWKS,
// and licences and status lists it signs.
type issuer struct {
	sg   seal.Signer
	jwks []byte
}

const (
	node    = "https://gd.example"
	revURL  = node + "/credentials/status/1-revocation"
	suspURL = node + "/credentials/status/1-suspension"
)

var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func newIssuer() *issuer {
	sg, _, err := seal.GenerateKey(seal.EdDSA)
	if err != nil {
		panic(err)
	}
	j, err := seal.PublicJWK(sg.Alg(), sg.Public())
	if err != nil {
		panic(err)
	}
	j.Kid, j.Org = j.Thumbprint(), "广州市市场监督管理局"
	b, _ := json.Marshal(seal.JWKS{Keys: []seal.JWK{j}})
	return &issuer{sg: sg, jwks: b}
}

func (is *issuer) sign(typ string, payload any) string {
	b, _ := json.Marshal(payload)
	in, err := license.SigningInput(license.Header{Alg: string(is.sg.Alg()), Kid: is.sg.KeyID(), Typ: typ}, b)
	if err != nil {
		panic(err)
	}
	sig, err := is.sg.Sign([]byte(in))
	if err != nil {
		panic(err)
	}
	return license.Assemble(in, sig)
}

// licence signs a 营业执照 with status entries at index in the lists at rev
// and susp.
func (is *issuer) licence(index int, rev, susp string) string {
	entry := func(url, purpose string) license.StatusEntry {
		return license.StatusEntry{ID: url + "#" + strconv.Itoa(index), Type: "BitstringStatusListEntry", StatusPurpose: purpose,
			StatusListIndex: strconv.Itoa(index), StatusListCredential: url}
	}
	return is.sign(license.TypCredential, license.Credential{Context: []any{license.ContextV2}, ID: "urn:uuid:01a2",
		Type: []string{"VerifiableCredential", license.LicenseVCType}, Name: "营业执照",
		Issuer:    license.CredIssuer{ID: node + "/issuers/1", Name: "广州市市场监督管理局"},
		ValidFrom: "2026-01-01T00:00:00Z", ValidUntil: "2046-01-01T00:00:00Z",
		Subject: map[string]any{"id": "urn:digigov:holder:abc", "name": "广州数智科技有限公司", "licenseType": "business_license",
			"licenseNumber": "YZ4401002026000000001"},
		CredentialStatus: []license.StatusEntry{entry(rev, license.PurposeRevocation), entry(susp, license.PurposeSuspension)}})
}

// list signs a status list credential with the given bits set, valid for a day.
func (is *issuer) list(url, purpose string, set ...int) []byte {
	bits := license.NewBitstring(license.ListSize)
	for _, i := range set {
		bits.Set(i)
	}
	return []byte(is.sign(license.TypStatusList, license.StatusListCredential(url,
		license.CredIssuer{ID: node + "/issuers/1", Name: "广州市市场监督管理局"}, purpose, bits, now, 24*time.Hour, 25*time.Second)))
}

// A verifier loads a node's JWKS and the status lists its licences point
// to, saved earlier, and verifies with no network.
func Example() {
	is := newIssuer() // stands for a node: its jwks.json, a licence, its status lists
	v := verifier.New(verifier.WithClock(func() time.Time { return now }))
	if _, err := v.AddJWKS(is.jwks); err != nil {
		panic(err)
	}
	for url, purpose := range map[string]string{revURL: "revocation", suspURL: "suspension"} {
		if err := v.AddStatusList(url, is.list(url, purpose)); err != nil {
			panic(err)
		}
	}
	lic := is.licence(42, revURL, suspURL)
	r := v.Verify(context.Background(), lic)
	fmt.Println(r.Verdict, r.IssuerName, r.TypeName, r.Number)

	// The issuer revokes it; a fresh copy of the list replaces the old.
	if err := v.AddStatusList(revURL, is.list(revURL, "revocation", 42)); err != nil {
		panic(err)
	}
	r = v.Verify(context.Background(), lic)
	fmt.Println(r.Verdict, r.Reason)
	// Output:
	// valid 广州市市场监督管理局 营业执照 YZ4401002026000000001
	// revoked revoked
}

// TestStatusListChecks: a list for another purpose than the entry's is
// not read (the status is unknown, with why); a list of a purpose that is
// neither revocation nor suspension, a tampered list and a list with
// another id than its URL are refused; a list signed by another issuer's
// key is refused.
func TestStatusListChecks(t *testing.T) {
	ctx := context.Background()
	is := newIssuer()
	v := verifier.New(verifier.WithClock(func() time.Time { return now }))
	if _, err := v.AddJWKS(is.jwks); err != nil {
		t.Fatal(err)
	}
	// Both entries point at one URL, whose list is a suspension list.
	if err := v.AddStatusList(suspURL, is.list(suspURL, "suspension")); err != nil {
		t.Fatal(err)
	}
	if r := v.Verify(ctx, is.licence(7, suspURL, suspURL)); !r.Genuine || r.Verdict != verifier.Invalid ||
		r.Reason != verifier.ReasonStatusAbsent || r.StatusError != verifier.ListWrongPurpose {
		t.Errorf("a suspension list for the revocation entry: %+v", r)
	}
	// The well-formed case, to show the fixture verifies.
	if err := v.AddStatusList(revURL, is.list(revURL, "revocation")); err != nil {
		t.Fatal(err)
	}
	if r := v.Verify(ctx, is.licence(7, revURL, suspURL)); r.Verdict != verifier.Valid {
		t.Fatalf("the fixture: %+v", r)
	}
	for _, c := range []struct {
		name, url string
		jws       []byte
		want      string
	}{
		{"purpose message", revURL, is.list(revURL, "message"), verifier.ListWrongPurpose},
		{"another list's id", revURL, is.list(revURL+"x", "revocation"), verifier.ListWrongList},
		{"tampered", revURL, splice(is.list(revURL, "revocation", 7), is.list(revURL, "revocation")), verifier.ListBadSignature},
		{"not a JWS", revURL, []byte("<html>"), verifier.ListNotList},
		{"a licence, not a list", revURL, []byte(is.licence(1, revURL, suspURL)), verifier.ListNotList},
		{"another issuer's key", revURL, newIssuer().list(revURL, "revocation", 7), verifier.ListBadSignature},
	} {
		err := v.AddStatusList(c.url, c.jws)
		var le *verifier.ListError
		if !errors.As(err, &le) || le.Reason != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
	// None of the refused lists replaced the good one.
	if r := v.Verify(ctx, is.licence(7, revURL, suspURL)); r.Verdict != verifier.Valid {
		t.Errorf("after the refusals: %+v", r)
	}
}

// splice puts b's payload under a's header and signature.
func splice(a, b []byte) []byte {
	pa, pb := strings.Split(string(a), "."), strings.Split(string(b), ".")
	return []byte(pa[0] + "." + pb[1] + "." + pa[2])
}
