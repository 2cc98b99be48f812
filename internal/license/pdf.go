package license

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"sync"

	"github.com/signintech/gopdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/digigov/digigov/internal/platform/errs"
)

// DefaultFontFile is Debian's fonts-wqy-microhei: a TrueType collection
// whose first font (文泉驿微米黑) has every glyph a licence needs. gopdf
// cannot read collections, so ExtractTTC takes that font out.
const DefaultFontFile = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

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

// fontCache loads the CJK font once.
type fontCache struct {
	once sync.Once
	data []byte
	err  error
}

var fonts sync.Map // path → *fontCache

func loadFont(path string) ([]byte, error) {
	v, _ := fonts.LoadOrStore(path, &fontCache{})
	fc := v.(*fontCache)
	fc.once.Do(func() {
		raw, err := os.ReadFile(path)
		if err != nil {
			fc.err = errs.E(errs.Conflict, "license.pdf_no_font")
			return
		}
		fc.data, fc.err = ExtractTTC(raw, 0)
	})
	return fc.data, fc.err
}

// PDF renders a licence as an A4 page: the type's name, the holder, the
// fields, the issuer with the seal drawn over it (the classic red seal, in
// vector form), and a QR code of the credential itself (a compact JWS) for
// any verifier to scan. fontFile is a TrueType font or collection with
// the Chinese glyphs (DefaultFontFile).
//
// Returns errs.Conflict ("license.pdf_no_font") when the font is missing.
func PDF(l *License, sealOrg, sealName, fontFile string) ([]byte, error) {
	font, err := loadFont(fontFile)
	if err != nil {
		return nil, err
	}
	typ := l.TypeInfo()
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: typ.Name + " " + l.Number, Author: l.IssuerName, Creator: "digigov"})
	if err := pdf.AddTTFFontData("cjk", font); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	pdf.AddPage()
	text := func(x, y, size float64, s string) {
		pdf.SetFont("cjk", "", size)
		pdf.SetXY(x, y)
		pdf.Text(s)
	}
	pdf.SetStrokeColor(180, 140, 60)
	pdf.SetLineWidth(2)
	pdf.Rectangle(30, 30, 565, 812, "D", 0, 0)
	pdf.SetTextColor(20, 20, 20)
	pdf.SetFont("cjk", "", 26)
	w, _ := pdf.MeasureTextWidth(typ.Name)
	text((595-w)/2, 90, 26, typ.Name)
	text(60, 135, 11, "证照编号："+l.Number)
	y := 180.0
	row := func(label, value string) {
		text(60, y, 13, label)
		runes := []rune(value)
		for len(runes) > 0 && y < 640 {
			n := min(len(runes), 28)
			text(190, y, 13, string(runes[:n]))
			runes = runes[n:]
			y += 22
		}
		y += 6
	}
	holderLabel := "持证人"
	if l.HolderKind == HolderEnterprise {
		holderLabel = "名称"
	}
	row(holderLabel, l.HolderName)
	for _, f := range typ.Fields {
		if v, ok := l.Fields[f.Name]; ok {
			row(f.Label, v)
		}
	}
	for k, v := range l.Fields {
		if _, known := fieldOf(typ, k); !known {
			row(extraLabel(k), v)
		}
	}
	until := "长期"
	if !l.ValidUntil.IsZero() {
		until = l.ValidUntil.In(shanghai).Format("2006年01月02日")
	}
	row("有效期限", l.ValidFrom.In(shanghai).Format("2006年01月02日")+" 至 "+until)
	// The issuer and the seal over it, bottom right.
	text(340, 700, 13, "发证机关："+l.IssuerName)
	text(340, 722, 12, "签发日期："+l.IssuedAt.In(shanghai).Format("2006年01月02日"))
	drawSeal(pdf, 450, 690, 62, sealOrg, sealName)
	// The credential as a QR code, bottom left.
	png, err := qrcode.Encode(l.JWS, qrcode.Low, 512)
	if err != nil {
		return nil, err
	}
	img, err := gopdf.ImageHolderByBytes(png)
	if err != nil {
		return nil, err
	}
	if err := pdf.ImageByHolder(img, 55, 655, &gopdf.Rect{W: 140, H: 140}); err != nil {
		return nil, err
	}
	pdf.SetTextColor(90, 90, 90)
	text(55, 806, 8, "扫码或在核验页粘贴电子证照即可验真（W3C VC 2.0 / JWS）")
	return pdf.GetBytesPdf(), nil
}

func fieldOf(t Type, name string) (Field, bool) {
	for _, f := range t.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// extraLabel names the fields a licence issued on a case's completion adds.
func extraLabel(k string) string {
	switch k {
	case "case_number":
		return "办件编号"
	case "decision":
		return "审批决定"
	}
	return k
}

// drawSeal draws the seal centred at (cx, cy) with radius r: red ring,
// the organisation's name along the upper rim, the star, the seal's name.
func drawSeal(pdf *gopdf.GoPdf, cx, cy, r float64, org, name string) {
	pdf.SetStrokeColor(216, 30, 6)
	pdf.SetFillColor(216, 30, 6)
	pdf.SetTextColor(216, 30, 6)
	pdf.SetLineWidth(3)
	pdf.Oval(cx-r, cy-r, cx+r, cy+r)
	chars := []rune(org)
	if n := len(chars); n > 0 {
		span := math.Min(240, float64(n)*22)
		size := math.Min(14, 0.9*(span*math.Pi/180*(r-12))/float64(n))
		pdf.SetFont("cjk", "", size)
		for i, c := range chars {
			a := -span/2 + span*(float64(i)+0.5)/float64(n)
			rad := a * math.Pi / 180
			x, y := cx+(r-12)*math.Sin(rad), cy-(r-12)*math.Cos(rad)
			w, _ := pdf.MeasureTextWidth(string(c))
			pdf.Rotate(-a, x, y)
			pdf.SetXY(x-w/2, y+size/3)
			pdf.Text(string(c))
			pdf.RotateReset()
		}
	}
	var pts []gopdf.Point
	for i := 0; i < 10; i++ {
		rr := r * 0.3
		if i%2 == 1 {
			rr *= 0.382
		}
		a := float64(i) * math.Pi / 5
		pts = append(pts, gopdf.Point{X: cx + rr*math.Sin(a), Y: cy - rr*math.Cos(a)})
	}
	pdf.Polygon(pts, "F")
	if name != "" {
		pdf.SetFont("cjk", "", 10)
		w, _ := pdf.MeasureTextWidth(name)
		pdf.SetXY(cx-w/2, cy+r*0.55)
		pdf.Text(name)
	}
}
