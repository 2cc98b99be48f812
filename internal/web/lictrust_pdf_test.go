package web_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestLicensePDFWithEveryFieldAtItsLongest: a 营业执照 whose six fields all
// hold the most an officer may type (200 characters each) downloads as a
// PDF (it used to answer 500: the QR code held the whole credential). The
// fields run on to a second page, cut nowhere; the QR code holds the
// licence's signed reference, which the verifier API accepts as a valid
// reference to that licence. The reference is signed once: a second
// download writes no second seal use.
func TestLicensePDFWithEveryFieldAtItsLongest(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			ctx := context.Background()
			ent := n.Client(t)
			ent.Login("enterprise", app.DemoPassword)
			demo, err := n.App.Licenses.Get(ctx, n.Caller(t, "enterprise"), ids.ID(n.listMine("enterprise")[0].ID))
			if err != nil {
				t.Fatal(err)
			}
			fields := map[string]string{}
			for i, f := range license.Types[2].Fields { // 营业执照
				if license.Types[2].Key != "business_license" {
					t.Fatal("catalog order changed")
				}
				v := strings.Repeat("经营范围技术开发服务", 20) // 200 characters
				v = string([]rune(v)[:196]) + "终" + string(rune('甲'+i)) + "尾止"
				fields[f.Name] = v
			}
			l, err := n.App.Licenses.IssueAs(ctx, audit.System("test"), demo.IssuerID, "business_license", demo.HolderID, fields, time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			pdf := ent.Get("/wallet/" + string(l.ID) + "/pdf")
			if pdf.StatusCode != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF") {
				t.Fatalf("PDF: %d %.200s", pdf.StatusCode, pdf.Body)
			}
			if again := ent.Get("/wallet/" + string(l.ID) + "/pdf"); again.StatusCode != http.StatusOK {
				t.Fatalf("second download: %d", again.StatusCode)
			}
			es, _ := n.App.Audit.Entries(ctx, audit.Filter{Action: "seal.used", Limit: 5000})
			refs := 0
			for _, e := range es {
				if strings.Contains(e.Detail, `"purpose":"license_ref"`) && strings.Contains(e.Detail, string(l.ID)) {
					refs++
				}
			}
			if refs != 1 {
				t.Errorf("reference signed %d times over two downloads, want once", refs)
			}
			dir := t.TempDir()
			f := filepath.Join(dir, "l.pdf")
			if err := os.WriteFile(f, []byte(pdf.Body), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := exec.LookPath("pdftotext"); err != nil {
				t.Skip("poppler-utils not installed")
			}
			out, err := exec.Command("pdftotext", f, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(string(out)), "")
			for i := range len(fields) {
				if want := "终" + string(rune('甲'+i)) + "尾止"; !strings.Contains(text, want) {
					t.Errorf("PDF text lacks the end of field %d (%q): cut", i, want)
				}
			}
			if !strings.Contains(text, "续页2") || !strings.Contains(text, l.Number) {
				t.Errorf("no continuation page marked with the number")
			}
			if _, err := exec.LookPath("zbarimg"); err != nil {
				t.Skip("zbar-tools not installed")
			}
			if err := exec.Command("pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", f, filepath.Join(dir, "p")).Run(); err != nil {
				t.Fatal(err)
			}
			pages, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
			if len(pages) != 1 {
				t.Fatalf("page images: %v", pages)
			}
			qr, err := exec.Command("zbarimg", "-q", "--raw", pages[0]).Output()
			if err != nil {
				t.Fatalf("no QR code on page 1: %v", err)
			}
			var v struct {
				trustVerdict
				Kind   string `json:"kind"`
				Number string `json:"number"`
				Holder string `json:"holder"`
			}
			code := strings.TrimSpace(string(qr))
			if code == l.JWS || len(code) > 1400 {
				t.Errorf("QR holds %d bytes: not the compact reference", len(code))
			}
			b := `{"jws":"` + code + `","qr":true}`
			if st := n.api(http.MethodPost, "/api/v1/licenses/verify", "", b, &v); st != http.StatusOK || v.Verdict != "valid" ||
				v.Kind != "reference" || v.Number != l.Number || v.Holder != "广州数智科技有限公司" || v.IssuerName != l.IssuerName {
				t.Errorf("reference from the PDF: %d %+v", st, v)
			}
			// The verifier page says what the code is.
			page := n.Client(t).Post("/verify", map[string][]string{"text": {code}, "qr": {"1"}})
			if page.Doc.Find("#verdict-kind-reference").Length() != 1 || page.Doc.Find("#verdict-number").Text() != l.Number {
				t.Errorf("verifier page for a reference: %d", page.StatusCode)
			}
		})
	}
}
