package sealdoc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRenderDecision lays a long decision out: every paragraph, wrapped,
// reaches the page (read back with poppler's pdftotext when installed),
// and the QR code holds the verification URL (read back with zbarimg).
func TestRenderDecision(t *testing.T) {
	font, err := LoadFont("")
	if err != nil {
		t.Fatal("compiled-in font:", err)
	}
	d := DecisionDocument(Decision{CaseNumber: "HRSS440106-20261126-0001", ItemName: "社会保障卡申领",
		Applicant: "欧阳堃喆", Approved: false, Text: strings.Repeat("申请材料不齐全，", 40) + "珺。",
		SubmittedAt: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)})
	qr := "https://gd.example/documents/verify?n=JD4401062026000001"
	pdf, err := render(font, &d, layout{Number: "JD4401062026000001", IssuerName: "广州市人力资源和社会保障局",
		SealOrg: "广州市人力资源和社会保障局", SealName: "行政审批专用章", Date: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC), QR: qr})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "d.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("SEALDOC_PDF_OUT"); out != "" {
		os.WriteFile(out, pdf, 0o644)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	out, err := exec.Command("pdftotext", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{"不予办理决定书", "致：欧阳堃喆", "JD4401062026000001", "2026年11月20日", "珺。",
		"六十日内依法申请行政复议", "广州市人力资源和社会保障局", "2026年11月26日"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if _, err := exec.LookPath("zbarimg"); err != nil {
		return
	}
	// The QR code sits on the last page.
	if err := exec.Command("pdftoppm", "-r", "100", "-png", f, filepath.Join(dir, "p")).Run(); err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(pages) == 0 {
		t.Fatal("no page images")
	}
	got, err := exec.Command("zbarimg", "-q", "--raw", pages[len(pages)-1]).Output()
	if err != nil || strings.TrimSpace(string(got)) != qr {
		t.Errorf("QR code reads %q (%v), want %q", got, err, qr)
	}
}

// BenchmarkRender is the cost of laying out one decision as a PDF (the
// font loaded once per process), the bulk of an issuance:
//
//	go test -run x -bench Render ./internal/sealdoc/
func BenchmarkRender(b *testing.B) {
	font, err := LoadFont("")
	if err != nil {
		b.Fatal("compiled-in font:", err)
	}
	d := DecisionDocument(Decision{CaseNumber: "HRSS440106-20261126-0001", ItemName: "社会保障卡申领", Applicant: "张明",
		Approved: true, Text: "材料齐全，符合条件", SubmittedAt: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)})
	l := layout{Number: "JD4401062026000001", IssuerName: "广州市人力资源和社会保障局", SealOrg: "广州市人力资源和社会保障局",
		SealName: "行政审批专用章", Date: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC), QR: "https://gd.example/documents/verify?n=JD4401062026000001"}
	var size int
	for b.Loop() {
		pdf, err := render(font, &d, l)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size), "bytes")
}

// TestRenderConcurrently: PDFs made at once share the parsed font; each
// keeps its own glyph subset (run with -race).
func TestRenderConcurrently(t *testing.T) {
	font, err := LoadFont("")
	if err != nil {
		t.Fatal("compiled-in font:", err)
	}
	names := []string{"欧阳堃喆", "李珺", "王小明", "陈晓丽"}
	out := make([][]byte, len(names))
	done := make(chan int)
	for i, n := range names {
		go func() {
			d := DecisionDocument(Decision{CaseNumber: "C1", ItemName: "社会保障卡申领", Applicant: n, Approved: true})
			pdf, err := render(font, &d, layout{Number: "JD1", IssuerName: "广州市人力资源和社会保障局", SealOrg: "广州市人力资源和社会保障局",
				Date: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC), QR: "x"})
			if err != nil {
				t.Error(err)
			}
			out[i] = pdf
			done <- i
		}()
	}
	for range names {
		<-done
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return
	}
	for i, n := range names {
		f := filepath.Join(t.TempDir(), "d.pdf")
		os.WriteFile(f, out[i], 0o600)
		text, _ := exec.Command("pdftotext", f, "-").Output()
		if !strings.Contains(string(text), "致："+n) {
			t.Errorf("PDF %d lacks its addressee %s", i, n)
		}
	}
}
