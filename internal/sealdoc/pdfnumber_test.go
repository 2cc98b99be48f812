package sealdoc

import (
	"bytes"
	"testing"
	"time"
)

// TestClaimedNumber: a rendered document names its number in its document
// information, so a copy changed anywhere else still says which document
// it claims to be; a file without one names none.
func TestClaimedNumber(t *testing.T) {
	font, err := LoadFont("")
	if err != nil {
		t.Fatal(err)
	}
	d := DecisionDocument(Decision{CaseNumber: "HRSS440106-20261126-0001", ItemName: "个人参保证明查询打印", Applicant: "张明", Approved: true})
	const number = "JD4401062026000042"
	pdf, err := render(font, &d, layout{Number: number, IssuerName: "广州市人力资源和社会保障局",
		SealOrg: "广州市人力资源和社会保障局", Date: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC), QR: "https://gd.example/documents/verify?n=" + number})
	if err != nil {
		t.Fatal(err)
	}
	if got := claimedNumber(pdf); got != number {
		t.Fatalf("claimedNumber of the rendered PDF = %q, want %q", got, number)
	}
	changed := bytes.Clone(pdf)
	changed[len(changed)/2] ^= 0x01
	if got := claimedNumber(changed); got != number {
		t.Errorf("claimedNumber of a copy with one byte changed = %q, want %q", got, number)
	}
	literal := []byte("%PDF-1.4\n1 0 obj << /Title (Decision " + number + ") >> endobj\n%%EOF")
	if got := claimedNumber(literal); got != number {
		t.Errorf("claimedNumber of a literal title = %q, want %q", got, number)
	}
	for _, b := range [][]byte{nil, []byte("%PDF-1.4\n%%EOF"), []byte("/Title <FEFF00"), []byte("/Title <FEFFZZ>")} {
		if got := claimedNumber(b); got != "" {
			t.Errorf("claimedNumber(%q) = %q, want none", b, got)
		}
	}
}

// FuzzClaimedNumber: whatever the file, claimedNumber answers without
// panicking, with a number or nothing.
func FuzzClaimedNumber(f *testing.F) {
	f.Add([]byte("/Title <FEFF004A0044>"))
	f.Add([]byte("/Title (JD4401062026000001)"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if n := claimedNumber(b); n != "" && !numberRE.MatchString(n) {
			t.Fatalf("claimedNumber = %q, not a number", n)
		}
	})
}
