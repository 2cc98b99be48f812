package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/storetest"
)

type docVerdict struct {
	Genuine              bool   `json:"genuine"`
	Reason               string `json:"reason"`
	Message              string `json:"message"`
	Registered           bool   `json:"registered"`
	Number               string `json:"number"`
	Title                string `json:"title"`
	Issuer               string `json:"issuer"`
	Seal                 string `json:"seal"`
	SealState            string `json:"seal_state"`
	SignedWhileSealValid bool   `json:"signed_while_seal_valid"`
}

func (n *licenseNode) verifyDoc(pdf []byte, sig string) docVerdict {
	n.t.Helper()
	b, _ := json.Marshal(map[string]any{"pdf": pdf, "signature": sig})
	var v docVerdict
	if code := n.api(http.MethodPost, "/api/v1/documents/verify", "", string(b), &v); code != http.StatusOK {
		n.t.Fatalf("verify document: status %d", code)
	}
	return v
}

// completeCase runs a case of a test item through acceptance, decision
// (approve or deny) and completion, then the outbox.
func completeCase(t *testing.T, n *licenseNode, item string, approve bool, decision string) *cases.Case {
	t.Helper()
	ctx := context.Background()
	it := apptest.TestItem(item, catalog.LevelCity, catalog.ScopeProvince)
	it.Steps = []catalog.Step{{Stage: catalog.StageAccept, Role: identity.RoleCaseOfficer}, {Stage: catalog.StageDecide, Role: identity.RoleDepartmentHead}}
	if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{it}); err != nil {
		t.Fatal(err)
	}
	c, err := n.App.Cases.Apply(ctx, n.Caller(t, "citizen"), cases.Application{ItemCode: item, DecideIn: "440106",
		Form: map[string]string{"reason": "申请", "phone": "13800138000"}})
	if err != nil {
		t.Fatal(err)
	}
	decide := cases.ActApprove
	if !approve {
		decide = cases.ActDeny
	}
	for _, st := range []struct {
		who string
		a   cases.Action
		msg string
	}{{"officer", cases.ActAccept, "受理"}, {"head", decide, decision}, {"head", cases.ActComplete, "办结"}} {
		if c, err = n.App.Cases.Act(ctx, n.Caller(t, st.who), c.ID, c.Version, st.a, st.msg); err != nil {
			t.Fatalf("%s: %v", st.a, err)
		}
	}
	for i := 0; i < 2; i++ { // the event may come twice: one decision only
		if _, err := n.App.Jobs.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// TestCaseDecisionSealedAndVerified: a completed case's decision is
// rendered as a PDF, sealed by the authority, downloadable by the
// applicant and the officers from the case page, and verifiable by anyone;
// a changed PDF, a changed signature or someone else's download fail as a
// person would notice.
func TestCaseDecisionSealedAndVerified(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	c := completeCase(t, n, "HRSS-0009", false, "申请材料中的劳动合同已过期")

	applicant := n.Client(t)
	applicant.Login("citizen", "digigov2026")
	page := applicant.Get("/cases/" + string(c.ID))
	links := page.Doc.Find("#case-documents a.doc-pdf")
	if links.Length() != 1 {
		t.Fatalf("case page shows %d decision documents, want 1:\n%s", links.Length(), page.Body)
	}
	if got := page.Doc.Find("#case-documents strong").Text(); got != "不予办理决定书" {
		t.Errorf("decision title %q", got)
	}
	href, _ := links.Attr("href")
	pdfResp := applicant.Get(href)
	if pdfResp.StatusCode != http.StatusOK || pdfResp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdfResp.Body, "%PDF-") {
		t.Fatalf("PDF download: %d %s", pdfResp.StatusCode, pdfResp.Header.Get("Content-Type"))
	}
	pdf := []byte(pdfResp.Body)
	sigHref, _ := page.Doc.Find("#case-documents a.doc-sig").Attr("href")
	sig := applicant.Get(sigHref).Body

	// The text a reader sees: title, applicant, reason, remedies, issuer.
	if _, err := exec.LookPath("pdftotext"); err == nil {
		f := filepath.Join(t.TempDir(), "d.pdf")
		os.WriteFile(f, pdf, 0o600)
		out, err := exec.Command("pdftotext", f, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(out)), "")
		for _, want := range []string{"不予办理决定书", "张明", c.Number, "劳动合同已过期", "行政复议", "广州市人力资源和社会保障局"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF text lacks %q:\n%s", want, out)
			}
		}
	}

	// The officers of the authority see it; another citizen does not.
	officer := n.Client(t)
	officer.Login("officer", "digigov2026")
	if r := officer.Get(href); r.StatusCode != http.StatusOK {
		t.Errorf("officer download: %d", r.StatusCode)
	}
	other := n.Client(t)
	other.Login("elder", "digigov2026")
	if r := other.Get(href); r.StatusCode != http.StatusNotFound {
		t.Errorf("another citizen's download: %d, want 404", r.StatusCode)
	}
	if r := n.Client(t).Get(href); r.StatusCode == http.StatusOK {
		t.Errorf("anonymous download: %d", r.StatusCode)
	}

	// Anyone verifies: with the signature, without it (the register), by number.
	v := n.verifyDoc(pdf, sig)
	if !v.Genuine || v.Title != "不予办理决定书" || v.Issuer != "广州市人力资源和社会保障局" || v.SealState != "active" {
		t.Errorf("verdict %+v", v)
	}
	if v := n.verifyDoc(pdf, ""); !v.Genuine {
		t.Errorf("verdict without signature %+v", v)
	}
	var looked docVerdict
	n.api(http.MethodGet, "/api/v1/documents/verify?number="+v.Number, "", "", &looked)
	if !looked.Registered || !looked.Genuine {
		t.Errorf("lookup by number %+v", looked)
	}
	// One changed byte of the PDF; a changed signature; a stranger's PDF.
	bad := bytes.Clone(pdf)
	i := bytes.Index(bad, []byte("/Title"))
	bad[i+8] ^= 1
	if v := n.verifyDoc(bad, sig); v.Genuine || v.Reason != "hash_mismatch" {
		t.Errorf("changed PDF: %+v", v)
	}
	if v := n.verifyDoc(bad, ""); v.Genuine || v.Reason != "unknown_document" {
		t.Errorf("changed PDF without signature: %+v", v)
	}
	parts := strings.Split(sig, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte("不予"), []byte("准予"), 1)) + "." + parts[2]
	if v := n.verifyDoc(pdf, forged); v.Genuine || v.Reason != "tampered" {
		t.Errorf("forged statement: %+v", v)
	}
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"digigov-sealdoc+jwt"}`)) + "." + parts[1] + "."
	if v := n.verifyDoc(pdf, none); v.Genuine || v.Reason != "wrong_alg" {
		t.Errorf("alg none: %+v", v)
	}
	if v := n.verifyDoc(pdf, parts[0]+"."+parts[1]); v.Genuine || v.Reason != "malformed" {
		t.Errorf("truncated signature: %+v", v)
	}

	// The page: upload the PDF and the signature file.
	form := n.Client(t)
	vp := form.Get("/documents/verify?n=" + v.Number)
	if got := vp.Doc.Find("#doc-number").Text(); got != v.Number {
		t.Errorf("verify page by number shows %q", got)
	}
	csrf, _ := vp.Doc.Find(`input[name="csrf"]`).First().Attr("value")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("pdf", "d.pdf")
	fw.Write(bad)
	fw, _ = mw.CreateFormFile("signature_file", "d.pdf.jws")
	fw.Write([]byte(sig))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, n.URL+"/documents/verify", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r := form.Do(req)
	if got := r.Doc.Find("#doc-verdict-sentence").Text(); !strings.Contains(got, "改动") {
		t.Errorf("verify page on a changed PDF says %q (status %d)", got, r.StatusCode)
	}

	// The seal's use log names the document; revoking the seal keeps the
	// decision genuine, as signed while the seal was valid.
	ctx := context.Background()
	admin := n.Caller(t, "admin")
	var sealID string
	for _, se := range mustSeals(t, n, admin) {
		if se.Title() == v.Seal {
			sealID = string(se.ID)
		}
	}
	uses, err := n.App.Seals.Uses(ctx, admin, ids.ID(sealID), 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range uses {
		found = found || u.Purpose == "document"
	}
	if !found {
		t.Errorf("seal %s use log has no document use", v.Seal)
	}
	if _, err := n.App.Seals.Act(ctx, admin, ids.ID(sealID), seal.ActRevoke, "测试注销"); err != nil {
		t.Fatal(err)
	}
	if v := n.verifyDoc(pdf, sig); !v.Genuine || !v.SignedWhileSealValid || v.SealState != "revoked" {
		t.Errorf("after the seal's revocation: %+v", v)
	}
}

func mustSeals(t *testing.T, n *licenseNode, by *identity.Caller) []seal.Seal {
	t.Helper()
	list, err := n.App.Seals.List(context.Background(), by)
	if err != nil {
		t.Fatal(err)
	}
	return list
}
