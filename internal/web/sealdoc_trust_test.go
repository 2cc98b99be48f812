package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/store/storetest"
)

// uploadDoc posts a PDF and its signature to a node's verify page and
// returns the page.
func uploadDoc(t *testing.T, n *licenseNode, pdf []byte, sig string) *goqueryPage {
	t.Helper()
	form := n.Client(t)
	vp := form.Get("/documents/verify")
	csrf, _ := vp.Doc.Find(`input[name="csrf"]`).First().Attr("value")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("pdf", "d.pdf")
	fw.Write(pdf)
	mw.WriteField("signature", sig)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/documents/verify", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r := form.Do(req)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("verify page: %d", r.StatusCode)
	}
	return &goqueryPage{r.Doc.Find("#doc-verdict-sentence").Text(), r.Doc.Find("#doc-issuer").Text(),
		r.Doc.Find("#doc-trusted").Text(), r.Doc.Find("#doc-seal-state").Length()}
}

type goqueryPage struct {
	sentence, issuer, trusted string
	sealStates                int
}

// TestDocumentVerifiesAtOtherProvince: a decision sealed on node A is
// "unknown key" at node B until B imports A's trust list; from then on B
// answers genuine, names A's organisation as the issuer and says it is
// another province's trusted issuer, and still tells a changed PDF and a
// changed signature apart. When A revokes the seal and B imports A's next
// list, B answers "trust withdrawn" for the document, as for A's licence.
func TestDocumentVerifiesAtOtherProvince(t *testing.T) {
	e := storetest.Engines(t)[0]
	a := &licenseNode{Node: apptest.StartPublic(t, e), t: t, tok: map[string]string{}}
	a.c = a.Client(t)
	b := &licenseNode{Node: apptest.StartPublic(t, e), t: t, tok: map[string]string{}}
	b.c = b.Client(t)
	ctx := context.Background()

	c := completeCase(t, a, "HRSS-0009", false, "申请材料不齐全")
	d, err := a.App.Store.DocumentByKey(ctx, c.AuthorityID, sealdoc.DecisionKey(c.ID))
	if err != nil {
		t.Fatal(err)
	}
	d, err = a.App.Documents.PDFAs(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v := a.verifyDoc(d.PDF, d.JWS); !v.Genuine || v.Issuer != d.IssuerName {
		t.Fatalf("at A: %+v", v)
	}

	var lic issued
	body := `{"type":"social_security_card","holder":"` + citizenID + `","fields":{"card_number":"D44010600888","issue_place":"广州市"}}`
	if code := a.api(http.MethodPost, "/api/v1/licenses", "officer", body, &lic); code != http.StatusCreated {
		t.Fatalf("issue at A: %d", code)
	}

	if v := b.verifyDoc(d.PDF, d.JWS); v.Genuine || v.Reason != "unknown_key" {
		t.Fatalf("at B before the import: %+v, want unknown_key", v)
	}
	if p := uploadDoc(t, b, d.PDF, d.JWS); !strings.Contains(p.sentence, "信任列表") || p.trusted != "" {
		t.Errorf("B's page before the import says %q (trusted %q)", p.sentence, p.trusted)
	}

	list := a.c.Get("/.well-known/trust-list.jws").Body
	if _, err := b.App.Licenses.ImportTrustList(ctx, b.Caller(t, "admin"), list); err != nil {
		t.Fatal(err)
	}
	var source string
	if keys, err := b.App.Licenses.TrustedKeys(ctx, b.Caller(t, "admin")); err != nil || len(keys) == 0 {
		t.Fatalf("trusted keys at B: %d %v", len(keys), err)
	} else {
		source = keys[0].Source
	}

	v := b.verifyDocTrusted(d.PDF, d.JWS)
	if !v.Genuine || v.Reason != "" || v.KeySource != source || v.Issuer != d.IssuerName || v.Number != d.Number ||
		v.Title != "不予办理决定书" || v.SealState != "" || !strings.Contains(v.Message, "其他省份") {
		t.Errorf("at B after the import: %+v (source %q, issuer %q)", v, source, d.IssuerName)
	}
	p := uploadDoc(t, b, d.PDF, d.JWS)
	if !strings.Contains(p.sentence, "其他省份") || !strings.Contains(p.trusted, source) ||
		!strings.Contains(p.issuer, d.IssuerName) || p.sealStates != 0 {
		t.Errorf("B's page after the import: %+v", p)
	}

	// The specific reasons hold for another province's documents too.
	changed := bytes.Replace(d.PDF, []byte("不予办理"), []byte("准予办理"), 1)
	if bytes.Equal(changed, d.PDF) {
		changed = append(append([]byte{}, d.PDF...), '\n')
	}
	if v := b.verifyDoc(changed, d.JWS); v.Genuine || v.Reason != "hash_mismatch" {
		t.Errorf("changed PDF at B: %+v", v)
	}
	parts := strings.Split(d.JWS, ".")
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	sig[7] ^= 0x40
	if v := b.verifyDoc(d.PDF, parts[0]+"."+parts[1]+"."+base64.RawURLEncoding.EncodeToString(sig)); v.Genuine || v.Reason != "tampered" {
		t.Errorf("changed signature at B: %+v", v)
	}
	if v := b.verify(lic.JWS, false); v.Verdict != "valid" {
		t.Fatalf("A's licence at B: %+v", v)
	}

	// A revokes the seals that sealed the decision and the licence; its
	// next trust list leaves their keys out. Once B imports it, B answers
	// "seal revoked" for both (B cannot prove they were signed before),
	// and its trust list page shows the keys withdrawn.
	adminA := a.Caller(t, "admin")
	revoked := map[string]bool{}
	for _, kid := range []string{d.KID, lic.KID} {
		_, se, err := a.App.Seals.KeyInfo(ctx, kid)
		if err != nil {
			t.Fatal(err)
		}
		if !revoked[string(se.ID)] {
			revoked[string(se.ID)] = true
			if _, err := a.App.Seals.Act(ctx, adminA, se.ID, seal.ActRevoke, "印章遗失"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if v := b.verifyDoc(d.PDF, d.JWS); !v.Genuine {
		t.Errorf("before B imports A's new list it still trusts the key: %+v", v)
	}
	list = a.c.Get("/.well-known/trust-list.jws").Body
	if _, err := b.App.Licenses.ImportTrustList(ctx, b.Caller(t, "admin"), list); err != nil {
		t.Fatal(err)
	}
	// A's list now names the keys revoked, with when: the document's
	// signature alone proves nothing of its time (timestamp_missing); with
	// A's timestamp token (the bundle as downloaded) it was sealed while
	// the seal was valid. A's licence is refused all the same.
	if v := b.verifyDocTrusted(d.PDF, d.JWS); v.Genuine || v.Reason != "timestamp_missing" || v.KeySource != source ||
		!strings.Contains(v.Message, "时间戳") {
		t.Errorf("A's document without its timestamp token at B after A revoked its seal: %+v", v)
	}
	if v := b.verifyDocTrusted(d.PDF, d.Bundle()); !v.Genuine || !v.SignedWhileSealValid || v.KeySource != source {
		t.Errorf("A's document with its timestamp token at B after A revoked its seal: %+v", v)
	}
	if v := b.verify(lic.JWS, false); v.Verdict != "invalid" || v.Reason != "trust_withdrawn" {
		t.Errorf("A's licence at B after A revoked its seal: %+v", v)
	}
	if p := uploadDoc(t, b, d.PDF, d.JWS); !strings.Contains(p.sentence, "时间戳") {
		t.Errorf("B's page after the revocation says %q", p.sentence)
	}
	// B's administrator ends mutual recognition with A: trust withdrawn,
	// token or not.
	if _, err := b.App.Licenses.RemoveTrustSource(ctx, b.Caller(t, "admin"), source); err != nil {
		t.Fatal(err)
	}
	if v := b.verifyDocTrusted(d.PDF, d.Bundle()); v.Genuine || v.Reason != "trust_withdrawn" || !strings.Contains(v.Message, "撤回") {
		t.Errorf("A's document at B after B removed A's list: %+v", v)
	}
	if p := uploadDoc(t, b, d.PDF, d.Bundle()); !strings.Contains(p.sentence, "撤回") {
		t.Errorf("B's page after the withdrawal says %q", p.sentence)
	}
}

type trustedDocVerdict struct {
	docVerdict
	KeySource string `json:"key_source"`
}

func (n *licenseNode) verifyDocTrusted(pdf []byte, sig string) trustedDocVerdict {
	n.t.Helper()
	var v trustedDocVerdict
	b, _ := json.Marshal(map[string]any{"pdf": pdf, "signature": sig})
	if code := n.api(http.MethodPost, "/api/v1/documents/verify", "", string(b), &v); code != http.StatusOK {
		n.t.Fatalf("verify document: status %d", code)
	}
	return v
}
