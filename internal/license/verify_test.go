package license

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/seal"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// fixture signs credentials with keys of every algorithm and verifies them
// against an in-memory key set and status cache.
type fixture struct {
	signers map[seal.Alg]seal.Signer
	keys    KeySet
	status  StatusCache
	v       *Verifier
	now     time.Time
}

const listURL = "https://node.example/credentials/status/1-revocation"
const suspURL = "https://node.example/credentials/status/1-suspension"

func newFixture(t testing.TB) *fixture {
	f := &fixture{signers: map[seal.Alg]seal.Signer{}, keys: KeySet{}, status: StatusCache{}, now: t0}
	for _, alg := range seal.Algs {
		sg, _, err := seal.GenerateKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		f.signers[alg] = sg
		f.keys[sg.KeyID()] = &KeyInfo{Alg: alg, Public: sg.Public(), Org: "广州市市场监督管理局"}
	}
	f.status[listURL] = &CheckedList{ID: listURL, Purpose: PurposeRevocation, Bits: NewBitstring(ListSize)}
	f.status[suspURL] = &CheckedList{ID: suspURL, Purpose: PurposeSuspension, Bits: NewBitstring(ListSize)}
	f.v = &Verifier{Keys: f.keys, Statuses: f.status, Now: func() time.Time { return f.now }}
	return f
}

func credentialAt(index int, from, until time.Time) Credential {
	entry := func(url, purpose string) StatusEntry {
		return StatusEntry{ID: url + "#1", Type: "BitstringStatusListEntry", StatusPurpose: purpose,
			StatusListIndex: itoa(index), StatusListCredential: url}
	}
	return Credential{Context: []any{ContextV2}, ID: "urn:uuid:1", Type: []string{"VerifiableCredential", LicenseVCType},
		Name: "营业执照", Issuer: CredIssuer{ID: "https://node.example/issuers/1", Name: "广州市市场监督管理局"},
		ValidFrom: timeString(from), ValidUntil: timeString(until),
		Subject: map[string]any{"id": "urn:digigov:holder:abc", "name": "广州数智科技有限公司", "licenseType": "business_license",
			"licenseNumber": "YZ4401002026000000001", "address": "广州市天河区"},
		CredentialStatus: []StatusEntry{entry(listURL, PurposeRevocation), entry(suspURL, PurposeSuspension)}}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func (f *fixture) sign(t testing.TB, alg seal.Alg, typ string, payload any) string {
	sg := f.signers[alg]
	b, _ := json.Marshal(payload)
	in, err := SigningInput(Header{Alg: string(alg), Kid: sg.KeyID(), Typ: typ}, b)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := sg.Sign([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	return Assemble(in, sig)
}

func TestVerifyGivesTheSpecificReason(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	good := f.sign(t, seal.SM2, TypCredential, credentialAt(7, t0.Add(-time.Hour), t0.AddDate(1, 0, 0)))
	parts := strings.Split(good, ".")
	tamperedPayload := func() string {
		c := credentialAt(7, t0.Add(-time.Hour), t0.AddDate(1, 0, 0))
		c.Subject["name"] = "别的公司"
		b, _ := json.Marshal(c)
		return parts[0] + "." + b64.EncodeToString(b) + "." + parts[2]
	}()
	other, _, _ := seal.GenerateKey(seal.EdDSA)
	unknown := func() string {
		b, _ := json.Marshal(credentialAt(7, t0, time.Time{}))
		in, _ := SigningInput(Header{Alg: "EdDSA", Kid: other.KeyID(), Typ: TypCredential}, b)
		sig, _ := other.Sign([]byte(in))
		return Assemble(in, sig)
	}()
	wrongAlg := func() string { // the SM2 key's kid with alg EdDSA
		b, _ := json.Marshal(credentialAt(7, t0, time.Time{}))
		in, _ := SigningInput(Header{Alg: "EdDSA", Kid: f.signers[seal.SM2].KeyID(), Typ: TypCredential}, b)
		sig, _ := f.signers[seal.EdDSA].Sign([]byte(in))
		return Assemble(in, sig)
	}()
	none := func() string {
		b, _ := json.Marshal(credentialAt(7, t0, time.Time{}))
		in, _ := SigningInput(Header{Alg: "none", Kid: f.signers[seal.SM2].KeyID(), Typ: TypCredential}, b)
		return in + "." + b64.EncodeToString(make([]byte, 64))
	}()
	f.status[listURL].Bits.Set(11)
	f.status[suspURL].Bits.Set(12)
	for _, tc := range []struct {
		name    string
		jws     string
		qr      bool
		verdict Verdict
		reason  Reason
		genuine bool
	}{
		{"valid SM2", good, false, Valid, ReasonOK, true},
		{"valid Ed25519", f.sign(t, seal.EdDSA, TypCredential, credentialAt(8, t0, time.Time{})), false, Valid, ReasonOK, true},
		{"valid P-256", f.sign(t, seal.ES256, TypCredential, credentialAt(9, t0, time.Time{})), false, Valid, ReasonOK, true},
		{"tampered payload", tamperedPayload, false, Invalid, ReasonTampered, false},
		{"unknown key", unknown, false, Invalid, ReasonUnknownKey, false},
		{"wrong algorithm", wrongAlg, false, Invalid, ReasonWrongAlg, false},
		{"alg none", none, false, Invalid, ReasonWrongAlg, false},
		{"revoked", f.sign(t, seal.SM2, TypCredential, credentialAt(11, t0, time.Time{})), false, Revoked, ReasonRevoked, true},
		{"suspended", f.sign(t, seal.ES256, TypCredential, credentialAt(12, t0, time.Time{})), false, Suspended, ReasonSuspended, true},
		{"expired", f.sign(t, seal.SM2, TypCredential, credentialAt(13, t0.AddDate(-2, 0, 0), t0.AddDate(-1, 0, 0))), false, Expired, ReasonExpired, true},
		{"not yet valid", f.sign(t, seal.SM2, TypCredential, credentialAt(14, t0.AddDate(0, 1, 0), time.Time{})), false, NotYetValid, ReasonNotYetValid, true},
		{"truncated signature", good[:len(good)-10], false, Invalid, ReasonTruncated, false},
		{"truncated to two parts", parts[0] + "." + parts[1], false, Invalid, ReasonTruncated, false},
		{"truncated mid-header", good[:20], false, Invalid, ReasonTruncated, false},
		{"malformed QR", "https://example.com/not-a-licence", true, Invalid, ReasonMalformedQR, false},
		{"malformed text", "hello", false, Invalid, ReasonMalformed, false},
		{"not a licence", f.sign(t, seal.SM2, TypCredential, map[string]any{"@context": []string{ContextV2}, "type": []string{"VerifiableCredential"}}), false, Invalid, ReasonNotLicense, true},
		{"status list unreachable", f.sign(t, seal.SM2, TypCredential, func() Credential {
			c := credentialAt(3, t0, time.Time{})
			c.CredentialStatus[0].StatusListCredential = "https://elsewhere.example/list"
			return c
		}()), false, Invalid, ReasonStatusAbsent, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.v.Verify(ctx, tc.jws, tc.qr)
			if r.Verdict != tc.verdict || r.Reason != tc.reason || r.Genuine != tc.genuine {
				t.Errorf("verdict %s, reason %q, genuine %v; want %s, %q, %v", r.Verdict, r.Reason, r.Genuine, tc.verdict, tc.reason, tc.genuine)
			}
			if tc.verdict == Valid && (r.Number != "YZ4401002026000000001" || r.HolderName != "广州数智科技有限公司" || r.Fields["address"] != "广州市天河区") {
				t.Errorf("valid licence read as %+v", r)
			}
		})
	}
}

func TestPresentationExpires(t *testing.T) {
	f := newFixture(t)
	p := Presentation{LicenseID: "urn:uuid:1", Number: "SB1", Type: "social_security_card", HolderName: "张明",
		ValidFrom: t0.AddDate(-1, 0, 0).Unix(), IssuedAt: t0.Unix(), Expires: t0.Add(PresentTTL).Unix(),
		Status: credentialAt(5, t0, time.Time{}).CredentialStatus}
	code := f.sign(t, seal.SM2, TypPresent, p)
	if r := f.v.Verify(context.Background(), code, true); r.Verdict != Valid || r.Kind != "present" || r.HolderName != "张明" {
		t.Fatalf("fresh code: %+v", r)
	}
	f.now = t0.Add(PresentTTL)
	if r := f.v.Verify(context.Background(), code, true); r.Reason != ReasonQRExpired {
		t.Errorf("code after %v: reason %q, want %q", PresentTTL, r.Reason, ReasonQRExpired)
	}
}

func TestSealRevokedNeedsProof(t *testing.T) {
	f := newFixture(t)
	jws := f.sign(t, seal.SM2, TypCredential, credentialAt(1, t0.Add(-time.Hour), time.Time{}))
	f.keys[f.signers[seal.SM2].KeyID()].RevokedAt = t0.Add(-time.Minute)
	if r := f.v.Verify(context.Background(), jws, false); r.Reason != ReasonSealRevoked {
		t.Errorf("without a proof: %q, want seal_revoked", r.Reason)
	}
	f.v.Prover = proverAt(t0.Add(-30 * time.Minute))
	if r := f.v.Verify(context.Background(), jws, false); r.Verdict != Valid || !r.SignedWhileSealValid {
		t.Errorf("signed before the revocation: %+v", r)
	}
	f.v.Prover = proverAt(t0)
	if r := f.v.Verify(context.Background(), jws, false); r.Reason != ReasonSealRevoked {
		t.Errorf("signed after the revocation: %q, want seal_revoked", r.Reason)
	}
}

type proverAt time.Time

func (p proverAt) ProveSigned(context.Context, string, string) (time.Time, error) {
	return time.Time(p), nil
}

func TestBitstringRoundTrip(t *testing.T) {
	b := NewBitstring(ListSize)
	if len(b) != ListSize/8 {
		t.Fatalf("%d bytes", len(b))
	}
	for _, i := range []int{0, 7, 8, 4242, ListSize - 1} {
		b.Set(i)
	}
	enc := b.Encode()
	if !strings.HasPrefix(enc, "u") || strings.ContainsAny(enc, "+/=") {
		t.Errorf("encodedList %q… is not multibase base64url", enc[:10])
	}
	got, err := DecodeBitstring(enc)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < ListSize; i++ {
		want := i == 0 || i == 7 || i == 8 || i == 4242 || i == ListSize-1
		if got.Get(i) != want {
			t.Fatalf("bit %d = %v", i, got.Get(i))
		}
	}
	if b[0] != 0x81 {
		t.Errorf("first byte %08b: bit 0 must be the most significant", b[0])
	}
	seen := map[int]bool{}
	for n := int64(0); n < ListSize; n++ {
		i := listIndex(n)
		if seen[i] || i < 0 || i >= ListSize {
			t.Fatalf("listIndex(%d) = %d repeats or is out of range", n, i)
		}
		seen[i] = true
	}
}

func TestTypesCatalog(t *testing.T) {
	codes := map[string]string{}
	if len(Types) < 15 {
		t.Fatalf("%d licence types", len(Types))
	}
	for _, ty := range Types {
		if prev, dup := codes[ty.Code]; dup {
			t.Errorf("code %s of %s already used by %s", ty.Code, ty.Key, prev)
		}
		codes[ty.Code] = ty.Key
		if len(ty.Fields) == 0 || ty.Name == "" || (ty.Holder != HolderPerson && ty.Holder != HolderEnterprise) {
			t.Errorf("type %s incomplete", ty.Key)
		}
	}
}

func FuzzParseCompact(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.sign(f, seal.SM2, TypCredential, credentialAt(1, t0, time.Time{})))
	f.Add("eyJhbGciOiJFZERTQSJ9.e30.")
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, reason := ParseCompact(s)
		if (c == nil) == (reason == ReasonOK) {
			t.Fatalf("ParseCompact(%q) = %v, %q", s, c, reason)
		}
	})
}

func FuzzVerifyQR(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.sign(f, seal.EdDSA, TypPresent, Presentation{LicenseID: "x", Expires: t0.Unix() + 60}))
	f.Add(fx.sign(f, seal.EdDSA, TypReference, Reference{LicenseID: "x", Number: "1", StatusList: "https://node.example/credentials/status/1", StatusIndex: 3}))
	f.Add("DGV1:garbage")
	f.Add("eyJ.eyJ.")
	f.Fuzz(func(t *testing.T, s string) {
		r := fx.v.Verify(context.Background(), s, true)
		if r.Verdict == "" || (r.Verdict != Valid && r.Reason == ReasonOK) {
			t.Fatalf("Verify(%q) = %+v", s, r)
		}
	})
}
