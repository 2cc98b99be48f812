package blob

import (
	"archive/zip"
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// Small real files, built rather than stored, so each test shows what it
// feeds in.

func pngBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pdfBytes() []byte {
	return []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

// zipBytes builds a ZIP with the named entries in order.
func zipBytes(t testing.TB, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"/>")); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", pdfBytes(), "application/pdf"},
		{"png", pngBytes(t), "image/png"},
		{"jpeg", jpegBytes(t), "image/jpeg"},
		{"webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), "image/webp"},
		{"ofd", zipBytes(t, "OFD.xml", "Doc_0/Document.xml"), "application/ofd"},
		{"ofd entry not first", zipBytes(t, "Doc_0/Document.xml", "OFD.xml"), "application/zip"},
		{"ofd.xml in a folder", zipBytes(t, "x/OFD.xml"), "application/zip"},
		{"zip", zipBytes(t, "readme.txt"), "application/zip"},
		{"zip header cut short", zipBytes(t, "OFD.xml")[:33], "application/zip"},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), "text/html; charset=utf-8"},
		{"text", []byte("申请材料清单"), "text/plain; charset=utf-8"},
		{"exe", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 64)...), "application/octet-stream"},
		{"empty", nil, "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.data); got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSniffLooksAtFirst512Bytes(t *testing.T) {
	// An OFD.xml name ending past byte 512 is not seen.
	long := make([]byte, 0, 600)
	long = append(long, zipBytes(t, string(bytes.Repeat([]byte("a"), 490))+"OFD.xml")...)
	if got := Sniff(long); got != "application/zip" {
		t.Errorf("Sniff = %q, want application/zip", got)
	}
}

func TestAllows(t *testing.T) {
	tests := []struct {
		allowed []string
		ct      string
		want    bool
	}{
		{nil, "text/html; charset=utf-8", true},
		{[]string{}, "application/pdf", false},
		{Documents, "application/pdf", true},
		{Documents, "application/ofd", true},
		{Documents, "application/zip", false},
		{Documents, "text/html; charset=utf-8", false},
		{[]string{"text/plain"}, "text/plain; charset=utf-8", true},
	}
	for _, tt := range tests {
		if got := allows(tt.allowed, tt.ct); got != tt.want {
			t.Errorf("allows(%q, %q) = %v, want %v", tt.allowed, tt.ct, got, tt.want)
		}
	}
}
