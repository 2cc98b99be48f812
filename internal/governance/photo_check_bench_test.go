package governance

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"testing"
)

// phonePhoto is a w×h JPEG at quality 92 with a phone photo's kind of
// content: smooth gradients with fine noise (flat test images compress and
// decode unrealistically fast).
func phonePhoto(b *testing.B, w, h int) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Y[img.YOffset(x, y)] = uint8((x*255/w+y*255/h)/2 + r.IntN(24))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(100+r.IntN(16)), uint8(140+r.IntN(16))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkPhotoDecodeOnly is the baseline: what merely reading the
// pixels of a 12 MP phone photo costs (the least any pixel check costs).
func BenchmarkPhotoDecodeOnly(b *testing.B) {
	raw := phonePhoto(b, 4000, 3000)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPhotoClean is what an upload of that photo costs now: the
// dimension check, the decode, and the re-encoding without metadata.
func BenchmarkPhotoClean(b *testing.B) {
	raw := phonePhoto(b, 4000, 3000)
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := cleanPhoto(context.Background(), bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPhotoCleanRotated adds turning it upright (EXIF orientation 6,
// a phone held upright).
func BenchmarkPhotoCleanRotated(b *testing.B) {
	raw := phonePhoto(b, 4000, 3000)
	img, _ := jpeg.Decode(bytes.NewReader(raw))
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		var out bytes.Buffer
		if err := jpeg.Encode(&out, upright(img, 6), &jpeg.Options{Quality: PhotoJPEGQuality}); err != nil {
			b.Fatal(err)
		}
	}
}
