// Package qrscan reads the text of a QR code from a picture: a phone's
// photo of a printed licence, a screenshot of a 亮证 code. It lets the
// verifier pages take a scan from any phone camera without script (an
// <input type="file" accept="image/*" capture> opens the camera), and the
// decoding is the ZXing port github.com/makiuchi-d/gozxing.
//
// Pictures are untrusted: the size is checked from the header before the
// pixels are decoded, so a small file that claims a huge image is refused
// without allocating it.
package qrscan

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // decoders for image.Decode
	_ "image/jpeg" // (phone photos)
	_ "image/png"  // (screenshots)
	"io"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Limits on a picture: a 48-megapixel phone photo passes.
const (
	MaxBytes  = 16 << 20
	MaxPixels = 50_000_000
)

var (
	// ErrNotImage: the file is not a PNG, JPEG or GIF picture.
	ErrNotImage = errors.New("qrscan: not a PNG, JPEG or GIF picture")
	// ErrTooLarge: the file or its pixel count is over the limits.
	ErrTooLarge = errors.New("qrscan: picture too large")
	// ErrNoCode: the picture holds no QR code that can be read.
	ErrNoCode = errors.New("qrscan: no readable QR code in the picture")
)

// Decode returns the text of the QR code in the picture r holds.
func Decode(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return "", err
	}
	if len(b) > MaxBytes {
		return "", ErrTooLarge
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return "", ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", ErrNotImage
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return "", ErrTooLarge
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return "", ErrNotImage
	}
	return DecodeImage(img)
}

// DecodeImage returns the text of the QR code in img.
func DecodeImage(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrNoCode, err)
	}
	hints := map[gozxing.DecodeHintType]any{
		gozxing.DecodeHintType_TRY_HARDER:    true,
		gozxing.DecodeHintType_CHARACTER_SET: "UTF-8",
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return "", ErrNoCode
	}
	return res.GetText(), nil
}
