package governance

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"

	"github.com/digigov/digigov/internal/platform/errs"
)

// Photos are checked and re-encoded before they are stored.
//
// A photo's file size says little about its pixels: a 2.6 MB PNG can hold
// 30000×30000 pixels, which every phone and browser that opens the event
// then has to decode (a "decompression bomb"). And a phone's JPEG carries
// EXIF metadata (where it was taken, to the metre, the device, the time)
// that the reporter did not mean to hand to every department and grid
// worker who opens the event. So every upload path (the pages, the grid and
// hotline pages, the API and Open311, all through UploadPhoto) reads the
// dimensions first, refuses more than MaxPhotoPixels without decoding the
// pixels, then decodes the photo and stores a fresh encoding of the pixels
// alone: a JPEG as a JPEG (quality PhotoJPEGQuality, turned upright first
// by its EXIF orientation, which the new file no longer carries), a PNG as
// a PNG. No metadata survives: the encoders write none.

// MaxPhotoPixels is the most pixels a photo may have: 40 megapixels, above
// any phone camera's full resolution (a 108 MP sensor saves 12 MP by
// default), far below what freezes a phone's browser.
const MaxPhotoPixels = 40_000_000

// PhotoJPEGQuality is the quality of the stored JPEG copy: visually the
// same as a phone's own (which uses about 90–95), smaller than the upload.
const PhotoJPEGQuality = 90

// maxStoredPhoto bounds the stored copy: a re-encoded PNG may come out
// larger than the upload (Go's encoder compresses less than some tools).
const maxStoredPhoto = 4 * MaxPhotoBytes

// photoSlots bounds the photos decoded at once, to half the cores: a 12 MP
// photo takes about 0.4–1.2 s of CPU to re-encode (docs/benchmarks.md), so
// a burst of uploads queues here instead of starving every other request,
// and a 40 MP photo takes about 160 MB while it is re-encoded.
var photoSlots = make(chan struct{}, max(1, runtime.NumCPU()/2))

// errPhotoType is the refusal of a file that is not a JPEG or PNG of at
// most MaxPhotoBytes.
func errPhotoType() error {
	return &errs.Error{Code: errs.Invalid, Msg: "event.photo_type", Args: []any{MaxPhotoBytes >> 20},
		Fields: map[string]string{"photos": "event.photo_type"}}
}

// cleanPhoto reads a photo (at most MaxPhotoBytes), checks its type and
// dimensions, and returns a fresh encoding of its pixels without metadata.
//
// Returns errs.Invalid on field "photos": "event.photo_type" for anything
// but a JPEG or PNG within MaxPhotoBytes that decodes, "evsec.photo_pixels"
// (with the limit in megapixels and the photo's width and height) for one
// above MaxPhotoPixels.
func cleanPhoto(ctx context.Context, r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxPhotoBytes+1))
	if err != nil {
		return nil, err // the reader failed (a body over the server's limit answers 413)
	}
	if len(raw) > MaxPhotoBytes {
		return nil, errPhotoType()
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil || (format != "jpeg" && format != "png") {
		return nil, errPhotoType()
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPhotoPixels {
		return nil, &errs.Error{Code: errs.Invalid, Msg: "evsec.photo_pixels", Args: []any{MaxPhotoPixels / 1_000_000, cfg.Width, cfg.Height},
			Fields: map[string]string{"photos": "evsec.photo_pixels"}}
	}
	select {
	case photoSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-photoSlots }()
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, errPhotoType()
	}
	var out bytes.Buffer
	out.Grow(len(raw))
	if format == "png" {
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&out, img)
	} else {
		err = jpeg.Encode(&out, upright(img, exifOrientation(raw)), &jpeg.Options{Quality: PhotoJPEGQuality})
	}
	if err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// exifOrientation reads the EXIF orientation (1–8) of a JPEG: 1 when it has
// none or it cannot be read.
func exifOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 1
		}
		marker := b[i+1]
		if marker == 0xDA || marker == 0xD9 { // the image data starts: no EXIF before it
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 of IFD0 of a TIFF structure (EXIF).
func tiffOrientation(t []byte) int {
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // SHORT
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// upright returns img turned by an EXIF orientation so that it shows as
// the camera meant without the tag (orientation 1: img itself).
func upright(img image.Image, orientation int) image.Image {
	if orientation <= 1 || orientation > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	at := pixelReader(img)
	for y := 0; y < dh; y++ {
		row := dst.Pix[y*dst.Stride:]
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch orientation {
			case 2: // mirrored
				sx, sy = w-1-x, y
			case 3: // upside down
				sx, sy = w-1-x, h-1-y
			case 4: // mirrored upside down
				sx, sy = x, h-1-y
			case 5: // transposed
				sx, sy = y, x
			case 6: // turned left: turn right
				sx, sy = y, h-1-x
			case 7: // transversed
				sx, sy = w-1-y, h-1-x
			case 8: // turned right: turn left
				sx, sy = w-1-y, x
			}
			r, g, bl := at(b.Min.X+sx, b.Min.Y+sy)
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = r, g, bl, 0xFF
		}
	}
	return dst
}

// pixelReader reads a pixel's colour, directly for the kinds the JPEG
// decoder returns (YCbCr, Gray), through the color model otherwise.
func pixelReader(img image.Image) func(x, y int) (r, g, b uint8) {
	switch m := img.(type) {
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			return color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		}
	case *image.Gray:
		return func(x, y int) (uint8, uint8, uint8) {
			v := m.Pix[m.PixOffset(x, y)]
			return v, v, v
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
		return c.R, c.G, c.B
	}
}
