package sealdoc

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
)

// TestEmbeddedFontIsTheRecordedOne: the compiled-in font decompresses to
// the TrueType font whose SHA-256 font/SOURCES.md records (so the file in
// the repository is what scripts/font.sh made, and its licence note is
// about this font), and needs no file on the machine.
func TestEmbeddedFontIsTheRecordedOne(t *testing.T) {
	ttf, err := gunzip(embeddedFont)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(ttf)
	src, err := os.ReadFile("font/SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), hex.EncodeToString(sum[:])) {
		t.Errorf("font/SOURCES.md does not record the embedded font's SHA-256 %x", sum)
	}
	if !strings.Contains(string(src), "Apache License, Version 2.0") {
		t.Error("font/SOURCES.md names no licence")
	}
	if _, err := os.Stat("font/LICENSE-Apache-2.0"); err != nil {
		t.Error(err)
	}
	if string(ttf[:4]) != "\x00\x01\x00\x00" {
		t.Errorf("embedded font is not a TrueType font: %q", ttf[:4])
	}
}

// TestFontOverride: the default renders a document with rare characters
// without any font file on the machine; a font path that does not exist
// fails with sealdoc.no_font (a 409 on the pages) naming the file; a file
// that is no font likewise.
func TestFontOverride(t *testing.T) {
	font, err := LoadFont("")
	if err != nil {
		t.Fatal(err)
	}
	d := DecisionDocument(Decision{CaseNumber: "X-1", ItemName: "社会保障卡申领", Applicant: "欧阳堃喆", Approved: true})
	pdf, err := render(font, &d, layout{Number: "JD4401062026000009", IssuerName: "广州市人力资源和社会保障局",
		SealOrg: "广州市人力资源和社会保障局", SealName: "行政审批专用章", Date: time.Now(), QR: "https://gd.example/v"})
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("render with the compiled-in font: %v", err)
	}

	missing := filepath.Join(t.TempDir(), "no-such-font.ttc")
	_, err = LoadFont(missing)
	if e := errs.As(err); e == nil || e.Code != errs.Conflict || e.Msg != "sealdoc.no_font" {
		t.Fatalf("missing font file: %v, want sealdoc.no_font", err)
	}
	if !strings.Contains(err.Error(), missing) {
		t.Errorf("error %q does not name the missing file", err)
	}

	junk := filepath.Join(t.TempDir(), "junk.ttf")
	os.WriteFile(junk, []byte("this is not a font at all"), 0o600)
	if _, err := LoadFont(junk); !errs.Is(err, errs.Conflict) {
		t.Errorf("junk font file: %v, want a conflict", err)
	}
}
