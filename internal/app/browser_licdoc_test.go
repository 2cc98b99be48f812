package app

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBrowserJourneyLicensePDFVerified: 张明 opens his wallet (卡包), opens a
// licence and downloads its PDF through Chromium; the file is a sealed
// document of the node (ZZ…), and uploading it to the public verifier
// page says it is genuine. A copy with one byte changed is "changed".
func TestBrowserJourneyLicensePDFVerified(t *testing.T) {
	chromiumPath(t)
	b := newTab(t, startNode(t))
	b.signIn("citizen", DemoPassword)
	b.open("/wallet")
	b.clickAndWait(".licence-card")
	if !regexp.MustCompile(`^/wallet/[^/]+$`).MatchString(b.location()) {
		t.Fatalf("after opening a licence the page is %s", b.location())
	}
	dir, dl := b.allowDownloads()
	name, pdf := b.download(dir, dl, "#pdf-link")
	if !regexp.MustCompile(`^ZZ\d{16}\.pdf$`).MatchString(name) {
		t.Errorf("the licence PDF downloads as %q, want its document number ZZ….pdf", name)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the download is not a PDF: %q…", pdf[:min(len(pdf), 16)])
	}
	path := filepath.Join(t.TempDir(), name)
	changed := bytes.Clone(pdf)
	changed[len(changed)/2] ^= 0x20
	changedPath := filepath.Join(t.TempDir(), "改过的"+name)
	for p, body := range map[string][]byte{path: pdf, changedPath: changed} {
		if err := os.WriteFile(p, body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if got := b.verifyUpload(path, ""); got != "文书真实有效：文件与印章签名一致，未被改动。" {
		t.Fatalf("uploading the licence PDF as downloaded, the verifier says %q", got)
	}
	b.wantText("the genuine licence PDF", "#doc-number", strings.TrimSuffix(name, ".pdf"))
	b.wantText("the genuine licence PDF", "#doc-subject-state", "有效")
	if cls := b.attr("#doc-verdict", "class"); !strings.Contains(cls, "verdict-valid") {
		t.Fatalf("the genuine verdict is shown as %q", cls)
	}
	b.wantFitsPhone("the verifier's verdict on a licence PDF")
	b.wantNoCSPViolations("verifying the licence PDF")
	if got := b.verifyUpload(changedPath, ""); !strings.HasPrefix(got, "文件已被改动") {
		t.Fatalf("uploading the licence PDF with one byte changed, the verifier says %q, want 文件已被改动…", got)
	}
	if cls := b.attr("#doc-verdict", "class"); !strings.Contains(cls, "verdict-invalid") {
		t.Fatalf("the changed copy's verdict is shown as %q", cls)
	}
}
