package sealdoc

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/signintech/gopdf"

	"github.com/digigov/digigov/internal/platform/errs"
)

// The default font is compiled in: 文泉驿微米黑 (WenQuanYi Micro Hei,
// Apache-2.0), font #0 of Debian's fonts-wqy-microhei collection taken
// out as a TrueType font and gzip-compressed (2 MB; 4.6 MB once
// decompressed, on first use). It has every glyph a document needs (堃喆珺
// too). gopdf embeds the subset of glyphs a PDF uses, so readers need no
// Chinese font of their own. scripts/font.sh regenerates it; font/SOURCES.md
// gives its origin, hashes and licence. OpenType fonts with CFF outlines
// (Noto CJK) do not work with gopdf (shared/design/STACK.md), nor do
// collections: ExtractTTC takes a font out of one.
//
//go:embed font/wqy-microhei.ttf.gz
var embeddedFont []byte

// DebianFontFile is where Debian's fonts-wqy-microhei puts the collection
// the embedded font comes from: a path that works as an override.
const DebianFontFile = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

// ExtractTTC returns font number index of a TrueType collection (.ttc) as
// a stand-alone TrueType font, or data itself if it is one already.
func ExtractTTC(data []byte, index int) ([]byte, error) {
	bad := fmt.Errorf("font: not a TrueType font or collection")
	if len(data) < 12 {
		return nil, bad
	}
	if string(data[:4]) != "ttcf" {
		return data, nil
	}
	n := int(binary.BigEndian.Uint32(data[8:12]))
	if index < 0 || index >= n || len(data) < 12+4*n {
		return nil, bad
	}
	off := int(binary.BigEndian.Uint32(data[12+4*index:]))
	if off+12 > len(data) {
		return nil, bad
	}
	numTables := int(binary.BigEndian.Uint16(data[off+4:]))
	dir := off + 12
	if dir+16*numTables > len(data) {
		return nil, bad
	}
	head := 12 + 16*numTables
	out := make([]byte, head)
	copy(out[:12], data[off:off+12])
	for i := 0; i < numTables; i++ {
		rec := data[dir+16*i : dir+16*i+16]
		tOff, tLen := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if tOff < 0 || tLen < 0 || tOff+tLen > len(data) {
			return nil, bad
		}
		r := out[12+16*i : 12+16*i+16]
		copy(r, rec)
		binary.BigEndian.PutUint32(r[8:], uint32(len(out)))
		out = append(out, data[tOff:tOff+tLen]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out, nil
}

// Font is a CJK TrueType font parsed once per process: gopdf's parse of
// a 5 MB font costs far more than laying a page out, so every PDF takes
// the parsed font from here (each PDF keeps its own glyph subset).
type Font struct {
	fc *gopdf.FontContainer
}

// fontCache loads a font file once.
type fontCache struct {
	once sync.Once
	font *Font
	err  error
}

var fonts sync.Map // path → *fontCache

// LoadFont parses a TrueType font or collection (its first font) once per
// process: "" is the compiled-in 文泉驿微米黑, anything else a file to read
// instead (an override: another font, a newer build). Returns
// errs.Conflict ("sealdoc.no_font") when the file is missing or is no
// TrueType font; the error wrapped says which file and why.
func LoadFont(path string) (*Font, error) {
	v, _ := fonts.LoadOrStore(path, &fontCache{})
	fc := v.(*fontCache)
	fc.once.Do(func() {
		var raw []byte
		var err error
		if path == "" {
			raw, err = gunzip(embeddedFont)
		} else {
			raw, err = os.ReadFile(path)
		}
		var ttf []byte
		if err == nil {
			ttf, err = ExtractTTC(raw, 0)
		}
		c := &gopdf.FontContainer{}
		if err == nil {
			err = c.AddTTFFontData(FontName, ttf)
		}
		if err != nil {
			name := path
			if name == "" {
				name = "embedded wqy-microhei"
			}
			fc.err = &errs.Error{Code: errs.Conflict, Msg: "sealdoc.no_font", Err: fmt.Errorf("font %s: %w", name, err)}
			return
		}
		fc.font = &Font{fc: c}
	})
	return fc.font, fc.err
}

// gunzip decompresses the embedded font.
func gunzip(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
