package governance_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

// HugePNG is a PNG that says it has w×h pixels (its header; the data is a
// JPEGWithEXIF is a w×h JPEG, its left half red, with an EXIF segment that
// holds orientation o and a GPS position (北纬 23°7′, 东经 113°19′) and the
// camera's make "DigigovCam".
func JPEGWithEXIF(t testing.TB, w, h int, o uint16) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x < w/2 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var j bytes.Buffer
	if err := jpeg.Encode(&j, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	// TIFF, little-endian: IFD0 (Make, Orientation, GPS IFD pointer), then
	// the GPS IFD (latitude ref and value, longitude ref and value).
	le := binary.LittleEndian
	var tf bytes.Buffer
	tf.WriteString("II")
	binary.Write(&tf, le, uint16(42))
	binary.Write(&tf, le, uint32(8))
	entry := func(tag, typ uint16, count, value uint32) {
		binary.Write(&tf, le, tag)
		binary.Write(&tf, le, typ)
		binary.Write(&tf, le, count)
		binary.Write(&tf, le, value)
	}
	const ifd0 = 8
	const ifd0Len = 2 + 3*12 + 4
	const makeOff = ifd0 + ifd0Len
	const gpsOff = makeOff + 12
	binary.Write(&tf, le, uint16(3))
	entry(0x010F, 2, 11, makeOff)  // Make
	entry(0x0112, 3, 1, uint32(o)) // Orientation (SHORT, in the value's first bytes)
	entry(0x8825, 4, 1, gpsOff)    // GPS IFD
	binary.Write(&tf, le, uint32(0))
	tf.WriteString("DigigovCam\x00\x00")
	const gpsLen = 2 + 4*12 + 4
	const latOff = gpsOff + gpsLen
	const lonOff = latOff + 24
	binary.Write(&tf, le, uint16(4))
	entry(0x0001, 2, 2, uint32('N'))
	entry(0x0002, 5, 3, latOff)
	entry(0x0003, 2, 2, uint32('E'))
	entry(0x0004, 5, 3, lonOff)
	binary.Write(&tf, le, uint32(0))
	for _, v := range []uint32{23, 1, 7, 1, 0, 1, 113, 1, 19, 1, 0, 1} {
		binary.Write(&tf, le, v)
	}
	seg := append([]byte("Exif\x00\x00"), tf.Bytes()...)
	var out bytes.Buffer
	out.Write(j.Bytes()[:2]) // SOI
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(j.Bytes()[2:])
	return out.Bytes()
}

func blobFiles(t *testing.T, v *env) int {
	t.Helper()
	n := 0
	filepath.WalkDir(v.n.App.Cfg.BlobDir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, string(filepath.Separator)+"tmp"+string(filepath.Separator)) {
			n++
		}
		return nil
	})
	return n
}

// A photo of more than 40 megapixels is refused before its pixels are
// decoded, naming the limit, and nothing is stored; a phone's JPEG is
// stored without its EXIF (GPS position, camera) and turned upright by its
// orientation.
func TestPhotoPixelsAndEXIF(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			before := blobFiles(t, v)
			for _, size := range [][2]uint32{{30000, 30000}, {40001, 1000}, {0, 10}} {
				_, err := v.gov.UploadPhoto(v.ctx, v.as("citizen"), bytes.NewReader(apptest.PNGBomb(size[0], size[1])))
				e := errs.As(err)
				if e == nil || e.Code != errs.Invalid || e.Fields["photos"] == "" {
					t.Errorf("%v PNG: %v", size, err)
				}
				if size[0] == 30000 && (e == nil || e.Fields["photos"] != "evsec.photo_pixels" || e.Args[0] != 40) {
					t.Errorf("30000×30000: %+v", e)
				}
			}
			if after := blobFiles(t, v); after != before {
				t.Errorf("blobs: %d before, %d after refused uploads", before, after)
			}

			raw := JPEGWithEXIF(t, 64, 32, 6)
			if !bytes.Contains(raw, []byte("DigigovCam")) {
				t.Fatal("the test photo has no EXIF")
			}
			ref, err := v.gov.UploadPhoto(v.ctx, v.as("citizen"), bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			rc, info, err := v.n.App.Blobs.Open(v.ctx, ref.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			if info.ContentType != "image/jpeg" {
				t.Errorf("stored as %s", info.ContentType)
			}
			checkClean(t, rc)
		})
	}
}

func checkClean(t *testing.T, r io.Reader) {
	t.Helper()
	stored, _ := io.ReadAll(r)
	if bytes.Contains(stored, []byte("Exif")) || bytes.Contains(stored, []byte("DigigovCam")) || bytes.Contains(stored, []byte{0xFF, 0xE1}) {
		t.Error("the stored photo still has EXIF")
	}
	img, err := jpeg.Decode(bytes.NewReader(stored))
	if err != nil {
		t.Fatal(err)
	}
	// Orientation 6 (turned left): upright, the 64×32 photo is 32×64 and
	// its red half (the left) is now the top.
	if b := img.Bounds(); b.Dx() != 32 || b.Dy() != 64 {
		t.Fatalf("stored %v, want 32×64 (turned upright)", b)
	}
	if r, _, bl, _ := img.At(16, 8).RGBA(); r>>8 < 200 || bl>>8 > 60 {
		t.Errorf("top is not the red half: r %d b %d", r>>8, bl>>8)
	}
	if r, _, bl, _ := img.At(16, 56).RGBA(); bl>>8 < 200 || r>>8 > 60 {
		t.Errorf("bottom is not the blue half: r %d b %d", r>>8, bl>>8)
	}
}

// A PNG keeps its pixels exactly (and its alpha) and loses its text chunks.
func TestPhotoPNGReencoded(t *testing.T) {
	v := start(t, storetest.Engines(t)[0])
	img := image.NewNRGBA(image.Rect(0, 0, 5, 3))
	img.Set(2, 1, color.NRGBA{10, 20, 30, 128})
	var b bytes.Buffer
	png.Encode(&b, img)
	raw := b.Bytes()
	// Add a tEXt chunk before IEND.
	text := []byte("Comment\x00phone 13812345678")
	var chunk bytes.Buffer
	binary.Write(&chunk, binary.BigEndian, uint32(len(text)))
	chunk.WriteString("tEXt")
	chunk.Write(text)
	binary.Write(&chunk, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("tEXt"), text...)))
	raw = append(append(append([]byte{}, raw[:len(raw)-12]...), chunk.Bytes()...), raw[len(raw)-12:]...)
	ref, err := v.gov.UploadPhoto(v.ctx, v.as("citizen"), bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	rc, info, err := v.n.App.Blobs.Open(v.ctx, ref.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	stored, _ := io.ReadAll(rc)
	if info.ContentType != "image/png" || bytes.Contains(stored, []byte("13812345678")) {
		t.Errorf("stored %s, text kept: %v", info.ContentType, bytes.Contains(stored, []byte("13812345678")))
	}
	got, err := png.Decode(bytes.NewReader(stored))
	if err != nil || got.At(2, 1) != img.At(2, 1) {
		t.Errorf("pixel: %v %v", err, got.At(2, 1))
	}
}
