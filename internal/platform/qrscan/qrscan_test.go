package qrscan_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"

	"github.com/digigov/digigov/internal/platform/qrscan"
)

// photo turns a QR code into something like a phone's picture of it: a
// grey desk around it, rotated a quarter turn, saved as a lossy JPEG.
func photo(t *testing.T, text string) []byte {
	t.Helper()
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	code := q.Image(400)
	b := code.Bounds()
	desk := image.NewRGBA(image.Rect(0, 0, b.Dy()+300, b.Dx()+200))
	draw.Draw(desk, desk.Bounds(), &image.Uniform{color.RGBA{170, 160, 150, 255}}, image.Point{}, draw.Src)
	for y := 0; y < b.Dy(); y++ { // rotated 90°
		for x := 0; x < b.Dx(); x++ {
			desk.Set(150+b.Dy()-1-y, 100+x, code.At(x, y))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, desk, &jpeg.Options{Quality: 60}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecode(t *testing.T) {
	// A licence's compact JWS is long and base64url: the kind of text the
	// verifier pages read.
	jws := "eyJhbGciOiJFZERTQSIsImtpZCI6ImFiYyJ9." + strings.Repeat("eyJ2YyI6MX0", 40) + ".c2lnbmF0dXJl"
	png1, err := qrcode.Encode("https://gov.example/verify?code=粤A-123", qrcode.Medium, 256)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		pic  []byte
		want string
	}{
		{"screenshot", png1, "https://gov.example/verify?code=粤A-123"},
		{"photo", photo(t, jws), jws},
	} {
		got, err := qrscan.Decode(bytes.NewReader(c.pic))
		if err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	draw.Draw(blank, blank.Bounds(), image.White, image.Point{}, draw.Src)
	var noCode bytes.Buffer
	png.Encode(&noCode, blank)
	for _, c := range []struct {
		name string
		pic  []byte
		want error
	}{
		{"text file", []byte("eyJhbGciOi..."), qrscan.ErrNotImage},
		{"truncated png", noCode.Bytes()[:40], qrscan.ErrNotImage},
		{"no code", noCode.Bytes(), qrscan.ErrNoCode},
		{"claims 100000×100000", bomb(100000, 100000), qrscan.ErrTooLarge},
		{"over the byte limit", make([]byte, qrscan.MaxBytes+1), qrscan.ErrTooLarge},
	} {
		if _, err := qrscan.Decode(bytes.NewReader(c.pic)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// bomb is a PNG signature and IHDR chunk claiming a w×h image, with no
// pixels: decoding it would allocate gigabytes.
func bomb(w, h uint32) []byte {
	var ihdr bytes.Buffer
	ihdr.WriteString("IHDR")
	binary.Write(&ihdr, binary.BigEndian, w)
	binary.Write(&ihdr, binary.BigEndian, h)
	ihdr.Write([]byte{8, 2, 0, 0, 0})
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(ihdr.Len()-4))
	b.Write(ihdr.Bytes())
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr.Bytes()))
	return b.Bytes()
}

func FuzzDecode(f *testing.F) {
	f.Add(bomb(10, 10))
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, b []byte) {
		qrscan.Decode(bytes.NewReader(b)) // must not panic
	})
}
