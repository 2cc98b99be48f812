package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/store/storetest"
)

type licDocVerdict struct {
	docVerdict
	Authentic    bool   `json:"authentic"`
	Subject      string `json:"subject"`
	SubjectState string `json:"subject_state"`
	SupersededBy string `json:"superseded_by"`
}

func (n *licenseNode) verifyLicDoc(pdf []byte, sig string) licDocVerdict {
	n.t.Helper()
	var v licDocVerdict
	b := []byte(`{"pdf":"` + stdB64(string(pdf)) + `","signature":"` + sig + `"}`)
	if code := n.api(http.MethodPost, "/api/v1/documents/verify", "", string(b), &v); code != http.StatusOK {
		n.t.Fatalf("verify document: status %d", code)
	}
	return v
}

// TestLicensePDFIsARegisteredSealedDocument: the holder's licence PDF is a
// sealed document of the node. The first download seals it (a document
// use in the seal's log, a document.issued audit entry), later downloads
// give the same bytes; the document verifier (API, with or without the
// detached signature, and the page) answers genuine, and "changed" for a
// copy with one byte changed. When the licence's seal is revoked and the
// issuer seals with a new one, the next download is a new document: the
// old file is authentic but superseded (naming the new one), the new one
// genuine. Once the licence is revoked, its PDF is authentic but the
// licence revoked — never "genuine".
func TestLicensePDFIsARegisteredSealedDocument(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			ctx := context.Background()
			body := `{"type":"social_security_card","holder":"` + citizenID + `","fields":{"card_number":"D44010699001","issue_place":"广州市"}}`
			var l issued
			if code := n.api(http.MethodPost, "/api/v1/licenses", "officer", body, &l); code != http.StatusCreated {
				t.Fatalf("issue: %d %+v", code, l)
			}
			cit := n.Client(t)
			cit.Login("citizen", app.DemoPassword)
			first := cit.Get("/wallet/" + l.ID + "/pdf")
			if first.StatusCode != http.StatusOK || !strings.HasPrefix(first.Body, "%PDF") {
				t.Fatalf("PDF: %d %.200s", first.StatusCode, first.Body)
			}
			if again := cit.Get("/wallet/" + l.ID + "/pdf"); again.Body != first.Body {
				t.Fatal("a second download gives other bytes: copies the holder kept would not verify")
			}
			docs, err := n.App.Documents.ForRef(ctx, n.Caller(t, "citizen"), sealdoc.Ref{Type: license.RefType, ID: l.ID})
			if err != nil || len(docs) != 1 {
				t.Fatalf("documents of the licence: %d %v", len(docs), err)
			}
			d := docs[0]
			if d.Kind != sealdoc.KindLicense || !strings.HasPrefix(d.Number, "ZZ") || d.KID != l.KID {
				t.Errorf("document %+v: want a ZZ… licence document sealed by the licence's key %s", d, l.KID)
			}
			es, _ := n.App.Audit.Entries(ctx, audit.Filter{Action: "document.issued", Limit: 5000})
			issuedN := 0
			for _, e := range es {
				if strings.Contains(e.Detail, `"ref":"license:`+l.ID+`"`) {
					issuedN++
				}
			}
			if issuedN != 1 {
				t.Errorf("%d document.issued entries for the licence over two downloads, want 1", issuedN)
			}
			pdfA := []byte(first.Body)
			if v := n.verifyLicDoc(pdfA, ""); !v.Genuine || !v.Authentic || v.Number != d.Number || v.Subject != "license" || v.SubjectState != "valid" {
				t.Errorf("the licence PDF, without signature: %+v", v)
			}
			sig := cit.Get("/documents/" + string(d.ID) + "/signature")
			if sig.StatusCode != http.StatusOK {
				t.Fatalf("signature: %d", sig.StatusCode)
			}
			if v := n.verifyLicDoc(pdfA, strings.TrimSpace(strings.SplitN(sig.Body, "\n", 2)[0])); !v.Genuine {
				t.Errorf("the licence PDF with its detached signature: %+v", v)
			}
			changed := bytes.Clone(pdfA)
			changed[len(changed)/2] ^= 0x01
			if v := n.verifyLicDoc(changed, ""); v.Genuine || v.Authentic || v.Reason != "changed" || v.Number != d.Number {
				t.Errorf("one byte changed: %+v", v)
			}
			// The page, as anyone uploads the file.
			anon := n.Client(t)
			page := anon.PostFile("/documents/verify", url.Values{}, "pdf", "l.pdf", pdfA)
			if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "文书真实有效") || !strings.Contains(page.Body, d.Number) {
				t.Errorf("verifier page, genuine: %d %s", page.StatusCode, between(page.Body, `id="doc-verdict"`, "</section>"))
			}

			// The seal changes: the next download is a new document.
			admin := n.Caller(t, "admin")
			sealID := ids.ID(sealOfKey(t, n, l.KID))
			old, err := n.App.Seals.Public(ctx, sealID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := n.App.Seals.Act(ctx, admin, sealID, seal.ActRevoke, "印章遗失"); err != nil {
				t.Fatal(err)
			}
			if _, err := n.App.Seals.CreateAs(ctx, audit.System("test"), seal.NewSeal{OrgID: old.OrgID, Kind: old.Kind, Name: old.Name}); err != nil {
				t.Fatal(err)
			}
			second := cit.Get("/wallet/" + l.ID + "/pdf")
			if second.StatusCode != http.StatusOK || second.Body == first.Body {
				t.Fatalf("download after the seal changed: %d, same bytes %v", second.StatusCode, second.Body == first.Body)
			}
			pdfB := []byte(second.Body)
			vb := n.verifyLicDoc(pdfB, "")
			if !vb.Genuine || vb.Number == d.Number {
				t.Errorf("the new PDF: %+v", vb)
			}
			if v := n.verifyLicDoc(pdfA, ""); v.Genuine || !v.Authentic || v.Reason != "superseded" || v.SupersededBy != vb.Number || !v.SignedWhileSealValid {
				t.Errorf("the old PDF after reissue: %+v (want authentic, superseded by %s, signed while its seal was valid)", v, vb.Number)
			}
			page = anon.PostFile("/documents/verify", url.Values{}, "pdf", "l.pdf", pdfA)
			if !strings.Contains(page.Body, "已被新版本取代") || !strings.Contains(page.Body, vb.Number) {
				t.Errorf("verifier page, superseded: %s", between(page.Body, `id="doc-verdict"`, "</section>"))
			}

			// The licence is revoked: its PDF is authentic, the licence revoked.
			if code := n.api(http.MethodPost, "/api/v1/licenses/"+l.ID+"/revoke", "officer", `{"reason":"核实冒领"}`, nil); code != http.StatusOK {
				t.Fatalf("revoke: %d", code)
			}
			if v := n.verifyLicDoc(pdfB, ""); v.Genuine || !v.Authentic || v.Reason != "subject_revoked" || v.SubjectState != "revoked" {
				t.Errorf("the PDF of a revoked licence: %+v", v)
			}
			page = anon.PostFile("/documents/verify", url.Values{}, "pdf", "l.pdf", pdfB)
			if !strings.Contains(page.Body, "证照已被吊销") || !strings.Contains(page.Body, "未被改动") {
				t.Errorf("verifier page, revoked licence: %s", between(page.Body, `id="doc-verdict"`, "</section>"))
			}
		})
	}
}

// between returns s from the first from to the next to after it, for
// failure messages ("" if from is absent).
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
