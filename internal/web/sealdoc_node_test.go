package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestDocumentsVerifyWithNode proves that a sealed document (a PDF and its
// detached signature) verifies with code digigov did not write:
// scripts/verify-node/verify-sealdoc.mjs checks the signature with npm
// jose (Ed25519, P-256) or npm sm-crypto (SM2) against the JWKS the node
// serves, then hashes the PDF with node's own SHA-256 and compares it with
// the signed statement. A PDF with one byte changed, and a statement
// rewritten to name the changed PDF, must fail: the script exits non-zero.
// Like TestLicensesVerifyWithNode it skips without node and the npm
// modules, unless DIGIGOV_TEST_NODE is set (CI).
func TestDocumentsVerifyWithNode(t *testing.T) {
	dir, _ := filepath.Abs("../../scripts/verify-node")
	node, err := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "jose", "package.json"))
	_, smErr := os.Stat(filepath.Join(dir, "node_modules", "sm-crypto", "package.json"))
	if err != nil || modErr != nil || smErr != nil {
		if os.Getenv(EnvTestNode) != "" {
			t.Fatalf("%s is set but node (%v) or the npm modules in %s (run npm ci there) are missing", EnvTestNode, err, dir)
		}
		t.Skipf("node: skipped, needs node and `npm ci` in scripts/verify-node (set %s to require it)", EnvTestNode)
	}
	n := startLicense(t, storetest.Engines(t)[0])
	ctx := context.Background()

	// A case's decision, sealed as the node seals it (广州市人社局's 公章,
	// SM2), and a certificate under each of the demo's international seals.
	c := completeCase(t, n, "HRSS-0009", true, "材料齐全，准予发放")
	decisions, err := n.App.Documents.ForRef(ctx, n.Caller(t, "citizen"), sealdoc.CaseRef(c.ID))
	if err != nil || len(decisions) != 1 {
		t.Fatalf("the case's decision: %v, %d documents", err, len(decisions))
	}
	docs := map[seal.Alg]*sealdoc.Signed{}
	if docs[seal.SM2], err = n.App.Documents.PDF(ctx, n.Caller(t, "citizen"), decisions[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, se := range mustSeals(t, n, n.Caller(t, "admin")) {
		if se.Kind != seal.Business || (se.Alg != seal.EdDSA && se.Alg != seal.ES256) || docs[se.Alg] != nil {
			continue
		}
		d, err := n.App.Documents.IssueAs(ctx, audit.System("test"), se.OrgID, sealdoc.Document{Kind: sealdoc.KindCertificate,
			Title: "证明", Recipient: "张明", Paragraphs: []string{"兹证明：测试 " + string(se.Alg) + " 印章签发的文书。"}, SealID: se.ID})
		if err != nil {
			t.Fatalf("issue under %s: %v", se.Title(), err)
		}
		docs[se.Alg] = d
	}
	for _, alg := range []seal.Alg{seal.EdDSA, seal.ES256, seal.SM2} {
		if docs[alg] == nil {
			t.Fatalf("no %s document to verify", alg)
		}
		if got := headerAlg(t, docs[alg].JWS); got != string(alg) {
			t.Fatalf("the %s document is signed %q", alg, got)
		}
	}

	tmp := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func(files ...string) (string, error) {
		cmd := exec.Command(node, append([]string{filepath.Join(dir, "verify-sealdoc.mjs"), n.URL + "/.well-known/jwks.json"}, files...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	// All three verify, each naming its document.
	var args []string
	for _, alg := range []seal.Alg{seal.EdDSA, seal.ES256, seal.SM2} {
		d := docs[alg]
		args = append(args, write(string(alg)+".pdf", d.PDF), write(string(alg)+".jws", []byte(d.JWS)))
	}
	out, err := run(args...)
	t.Log(out)
	if err != nil || strings.Count(out, "ok ") != 3 {
		t.Fatalf("verify-sealdoc.mjs: %v\n%s", err, out)
	}
	for _, want := range []string{"ok EdDSA " + docs[seal.EdDSA].Number, "ok ES256 " + docs[seal.ES256].Number,
		"ok SM2 " + docs[seal.SM2].Number + " 准予办理决定书 广州市人力资源和社会保障局"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify-sealdoc.mjs output lacks %q:\n%s", want, out)
		}
	}

	// A licence's PDF, as its holder downloads it with its detached
	// signature, is a sealed document like any other: it verifies too,
	// and a copy with one byte changed does not.
	cit := n.Client(t)
	cit.Login("citizen", app.DemoPassword)
	lic := n.listMine("citizen")[0]
	licPDF := cit.Get("/wallet/" + lic.ID + "/pdf")
	licDocs, err := n.App.Documents.ForRef(ctx, n.Caller(t, "citizen"), sealdoc.Ref{Type: license.RefType, ID: lic.ID})
	if licPDF.StatusCode != 200 || err != nil || len(licDocs) != 1 {
		t.Fatalf("the licence PDF: %d, %v, %d documents", licPDF.StatusCode, err, len(licDocs))
	}
	licSig := cit.Get("/documents/" + string(licDocs[0].ID) + "/signature")
	out, err = run(write("licence.pdf", []byte(licPDF.Body)), write("licence.jws", []byte(licSig.Body)))
	t.Log(out)
	if err != nil || !strings.Contains(out, "ok "+string(licDocs[0].Alg)+" "+licDocs[0].Number) {
		t.Errorf("verify-sealdoc.mjs on the licence PDF: %v\n%s", err, out)
	}
	changedLic := []byte(licPDF.Body)
	changedLic[len(changedLic)/2] ^= 0x20
	if out, err := run(write("licence-changed.pdf", changedLic), write("licence2.jws", []byte(licSig.Body))); err == nil || !strings.Contains(out, "the file was changed") {
		t.Errorf("the licence PDF with one byte changed: %v\n%s", err, out)
	}

	// Each refuses a PDF with one byte changed, and a statement rewritten
	// to name the changed PDF (the signature no longer holds).
	for _, alg := range []seal.Alg{seal.EdDSA, seal.ES256, seal.SM2} {
		d := docs[alg]
		changed := bytes.Clone(d.PDF)
		changed[len(changed)/2] ^= 0x20
		pdf := write(string(alg)+"-changed.pdf", changed)
		if out, err := run(pdf, write(string(alg)+"-genuine.jws", []byte(d.JWS))); err == nil || !strings.Contains(out, "the file was changed") {
			t.Errorf("%s: a changed PDF: %v\n%s", alg, err, out)
		}
		parts := strings.Split(d.JWS, ".")
		st, _ := base64.RawURLEncoding.DecodeString(parts[1])
		sum := sha256.Sum256(changed)
		st = bytes.Replace(st, []byte(d.PDFSHA256), []byte(hex.EncodeToString(sum[:])), 1)
		forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(st) + "." + parts[2]
		out, err = run(pdf, write(string(alg)+"-forged.jws", []byte(forged)))
		if err == nil || !strings.Contains(out, "signature") {
			t.Errorf("%s: a statement rewritten for the changed PDF: %v\n%s", alg, err, out)
		}
	}
}
