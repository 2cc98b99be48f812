package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestChangedDecisionWithoutSignature: a person who uploads a changed copy
// of a decision, without its signature file, hears that the file was
// changed — the node knows the document by the number the file names —
// rather than that the node never issued it; a file naming no document, or
// a number the node never issued, is unknown; the genuine file is genuine.
func TestChangedDecisionWithoutSignature(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	c := completeCase(t, n, "HRSS-0009", true, "材料齐全，准予发放")
	applicant := n.Client(t)
	applicant.Login("citizen", "digigov2026")
	page := applicant.Get("/cases/" + string(c.ID))
	href, _ := page.Doc.Find("#case-documents a.doc-pdf").Attr("href")
	pdf := []byte(applicant.Get(href).Body)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("no decision PDF on the case page:\n%s", page.Body)
	}
	genuine := n.verifyDoc(pdf, "")
	if !genuine.Genuine {
		t.Fatalf("the decision as issued: %+v", genuine)
	}

	changed := bytes.Clone(pdf)
	changed[len(changed)/2] ^= 0x20
	v := n.verifyDoc(changed, "")
	if v.Genuine || v.Reason != "changed" || v.Number != genuine.Number || v.Issuer != "广州市人力资源和社会保障局" {
		t.Errorf("a changed copy without its signature: %+v, want reason changed naming %s", v, genuine.Number)
	}
	if !strings.Contains(v.Message, "改动") {
		t.Errorf("the changed copy's message %q does not say it was changed", v.Message)
	}

	// Someone else's file, and one that names a number this node never gave.
	for name, b := range map[string][]byte{
		"no number":      []byte("%PDF-1.4\n1 0 obj << /Title (通知) >> endobj\n%%EOF"),
		"unknown number": []byte("%PDF-1.4\n1 0 obj << /Title (决定书 JD4401002026999999) >> endobj\n%%EOF"),
	} {
		if v := n.verifyDoc(b, ""); v.Genuine || v.Reason != "unknown_document" {
			t.Errorf("%s: %+v, want unknown_document", name, v)
		}
	}

	// The verifier page says it in Chinese.
	form := n.Client(t)
	vp := form.Get("/documents/verify")
	r := form.Do(verifyRequest(t, n.URL, vp, changed))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("verify page: %d", r.StatusCode)
	}
	if got := r.Doc.Find("#doc-verdict-sentence").Text(); !strings.HasPrefix(got, "文件已被改动") {
		t.Errorf("the verify page on a changed copy says %q", got)
	}
}

// verifyRequest is the verifier page's form with pdf uploaded alone, as
// the page vp (its CSRF token) sends it.
func verifyRequest(t *testing.T, base string, vp *apptest.Response, pdf []byte) *http.Request {
	t.Helper()
	csrf, _ := vp.Doc.Find(`input[name="csrf"]`).First().Attr("value")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("pdf", "决定书.pdf")
	fw.Write(pdf)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, base+"/documents/verify", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}
