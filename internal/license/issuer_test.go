package license

import (
	"context"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/seal"
)

// TestVerifyBindsTheIssuerToTheKey: the issuer a licence names is the
// signer's claim. A key trusted through another province's trust list that
// signs a licence in the name of a Guangdong body is refused as
// issuer_mismatch, and the result shows the key's own organisation, never
// the claimed one; so are issuer IDs outside the list's node and, for this
// node's seals, issuer IDs of another organisation.
func TestVerifyBindsTheIssuerToTheKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sg := f.signers[seal.EdDSA]
	foreign := &KeyInfo{Alg: seal.EdDSA, Public: sg.Public(), Org: "湖南省市场监督管理局", OrgUSCC: "11430000MB1234567X",
		Source: "湖南省人民政府办公厅", IssuerBase: "https://hunan.example"}
	f.keys[sg.KeyID()] = foreign
	ok, until := t0.Add(-time.Hour), t0.AddDate(1, 0, 0)
	claim := func(id, name, uscc string) string {
		c := credentialAt(3, ok, until)
		c.Issuer = CredIssuer{ID: id, Name: name, USCC: uscc}
		return f.sign(t, seal.EdDSA, TypCredential, c)
	}
	for name, tc := range map[string]struct {
		jws  string
		want Reason
	}{
		"its own body":                  {claim("https://hunan.example/issuers/7", "湖南省市场监督管理局", "11430000MB1234567X"), ReasonOK},
		"own body by name only":         {claim("https://hunan.example/issuers/7", "湖南省市场监督管理局", ""), ReasonOK},
		"a Guangdong body by name":      {claim("https://hunan.example/issuers/7", "广州市市场监督管理局", ""), ReasonIssuerMismatch},
		"a Guangdong body by USCC":      {claim("https://hunan.example/issuers/7", "湖南省市场监督管理局", "11440100MB2C92341X"), ReasonIssuerMismatch},
		"a Guangdong body in full":      {claim("https://gd.example/issuers/1", "广州市市场监督管理局", "11440100MB2C92341X"), ReasonIssuerMismatch},
		"an issuer ID of another node":  {claim("https://gd.example/issuers/1", "湖南省市场监督管理局", "11430000MB1234567X"), ReasonIssuerMismatch},
		"a look-alike node URL":         {claim("https://hunan.example.evil/issuers/1", "湖南省市场监督管理局", ""), ReasonIssuerMismatch},
		"a 亮证 code naming another body": {f.sign(t, seal.EdDSA, TypPresent, Presentation{LicenseID: "urn:uuid:1", Number: "YZ1", Type: "business_license", Issuer: "https://hunan.example/issuers/7", IssuerName: "广州市市场监督管理局", ValidFrom: ok.Unix(), IssuedAt: t0.Unix(), Expires: t0.Add(time.Minute).Unix()}), ReasonIssuerMismatch},
	} {
		t.Run(name, func(t *testing.T) {
			r := f.v.Verify(ctx, tc.jws, false)
			if r.Reason != tc.want {
				t.Fatalf("reason %q, want %q (%+v)", r.Reason, tc.want, r)
			}
			if r.IssuerName != "湖南省市场监督管理局" {
				t.Errorf("issuer shown %q: the key's organisation must be shown, never the claim", r.IssuerName)
			}
			if tc.want == ReasonIssuerMismatch && (r.Verdict != Invalid || !r.Genuine) {
				t.Errorf("verdict %s genuine %v", r.Verdict, r.Genuine)
			}
		})
	}
	// This node's seal: the issuer ID must be its own organisation's.
	own := &KeyInfo{Alg: seal.EdDSA, Public: sg.Public(), Org: "广州市市场监督管理局", OrgUSCC: "11440100MB2C92341X",
		Issuer: "https://node.example/issuers/1"}
	f.keys[sg.KeyID()] = own
	if r := f.v.Verify(ctx, claim("https://node.example/issuers/1", "广州市市场监督管理局（旧名）", "11440100MB2C92341X"), false); r.Verdict != Valid {
		t.Errorf("own seal, organisation renamed since: %+v", r)
	}
	if r := f.v.Verify(ctx, claim("https://node.example/issuers/2", "广州市市场监督管理局", "11440100MB2C92341X"), false); r.Reason != ReasonIssuerMismatch {
		t.Errorf("own seal naming another organisation's issuer ID: %+v", r)
	}
	// A key naming no organisation vouches for none.
	f.keys[sg.KeyID()] = &KeyInfo{Alg: seal.EdDSA, Public: sg.Public()}
	if r := f.v.Verify(ctx, claim("https://node.example/issuers/1", "广州市市场监督管理局", ""), false); r.Reason != ReasonIssuerMismatch {
		t.Errorf("anonymous key: %+v", r)
	}
}

// TestVerifyReference: the reference a PDF's QR code holds verifies like the
// credential — status entries rebuilt from its list and index, no expiry of
// its own, the issuer bound to the key — and a reference with an index
// outside a list is no licence.
func TestVerifyReference(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ref := func(index int, issuerName string) string {
		return f.sign(t, seal.SM2, TypReference, Reference{LicenseID: "urn:uuid:1", Number: "YZ4401002026000000001", Type: "business_license",
			TypeName: "营业执照", HolderName: "广州数智科技有限公司", Issuer: "https://node.example/issuers/1", IssuerName: issuerName,
			ValidFrom: t0.Add(-time.Hour).Unix(), IssuedAt: t0.Unix(), StatusList: "https://node.example/credentials/status/1", StatusIndex: index})
	}
	good := ref(9, "广州市市场监督管理局")
	f.now = t0.AddDate(3, 0, 0) // years later: a printed licence has no minutes to live
	if r := f.v.Verify(ctx, good, true); r.Verdict != Valid || r.Kind != "reference" || r.Number != "YZ4401002026000000001" {
		t.Fatalf("reference: %+v", r)
	}
	f.status[suspURL].Bits.Set(9)
	if r := f.v.Verify(ctx, good, true); r.Verdict != Suspended {
		t.Errorf("suspended licence's reference: %+v", r)
	}
	f.status[listURL].Bits.Set(9)
	if r := f.v.Verify(ctx, good, true); r.Verdict != Revoked {
		t.Errorf("revoked licence's reference: %+v", r)
	}
	if r := f.v.Verify(ctx, ref(ListSize, "广州市市场监督管理局"), true); r.Reason != ReasonNotLicense {
		t.Errorf("index outside the list: %+v", r)
	}
	if r := f.v.Verify(ctx, ref(1, "深圳市市场监督管理局"), true); r.Reason != ReasonIssuerMismatch {
		t.Errorf("reference naming another body: %+v", r)
	}
}
