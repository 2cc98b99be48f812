package sealdoc

import (
	"strings"
	"time"

	"github.com/signintech/gopdf"
	qrcode "github.com/skip2/go-qrcode"
)

// layout is what render puts on the page besides the Document.
type layout struct {
	Number     string
	IssuerName string
	SealOrg    string // the organisation's name on the seal
	SealName   string // the seal's name under the star ("" for a 公章)
	Date       time.Time
	QR         string
}

// Page geometry (A4 in points).
const (
	left, right = 72.0, 523.0
	bottom      = 760.0 // last line of running text
	sigTop      = 640.0 // the signature block (date, issuer, seal, QR) starts here
)

// render lays a document out as PDF pages: the title, the number, the
// addressee, the paragraphs and fields wrapped to the width, then on the
// last page the issuer and the date with the seal over them and the QR
// code on the left, as Chinese official documents are laid out.
func render(font *Font, d *Document, l layout) ([]byte, error) {
	pdf, err := NewPDF(font, d.Title+" "+l.Number, l.IssuerName)
	if err != nil {
		return nil, err
	}
	pdf.SetInfo(gopdf.PdfInfo{Title: d.Title + " " + l.Number, Author: l.IssuerName, Creator: "digigov", CreationDate: l.Date})
	y := 96.0
	text := func(x, size float64, s string) {
		_ = pdf.SetFont(FontName, "", size)
		pdf.SetXY(x, y)
		_ = pdf.Text(s)
	}
	next := func(dy float64) {
		y += dy
		if y > bottom {
			pdf.AddPage()
			y = 72
		}
	}
	pdf.SetTextColor(20, 20, 20)
	_ = pdf.SetFont(FontName, "", 22)
	w, _ := pdf.MeasureTextWidth(d.Title)
	text((595-w)/2, 22, d.Title)
	y += 30
	_ = pdf.SetFont(FontName, "", 11)
	w, _ = pdf.MeasureTextWidth(l.Number)
	text(right-w, 11, l.Number)
	y += 36
	if d.Recipient != "" {
		for _, line := range wrap(pdf, 13, "致："+d.Recipient, right-left) {
			text(left, 13, line)
			next(22)
		}
		next(8)
	}
	for _, p := range d.Paragraphs {
		// The first line of a paragraph is indented by two characters.
		for _, line := range wrap(pdf, 13, "\u3000\u3000"+strings.TrimSpace(p), right-left) {
			text(left, 13, line)
			next(22)
		}
		next(6)
	}
	if len(d.Fields) > 0 {
		next(4)
		for _, f := range d.Fields {
			lines := wrap(pdf, 12, f.Value, right-left-110)
			text(left, 12, f.Label+"：")
			for _, line := range lines {
				text(left+110, 12, line)
				next(20)
			}
			if len(lines) == 0 {
				next(20)
			}
		}
	}
	// The signature block on the last page, below the text.
	if y > sigTop-10 {
		pdf.AddPage()
	}
	date := l.Date.In(shanghai).Format("2006年1月2日")
	_ = pdf.SetFont(FontName, "", 13)
	wi, _ := pdf.MeasureTextWidth(l.IssuerName)
	wd, _ := pdf.MeasureTextWidth(date)
	cx := right - max(wi, wd)/2 - 10
	pdf.SetTextColor(20, 20, 20)
	y = sigTop + 60
	text(cx-wi/2, 13, l.IssuerName)
	y += 24
	text(cx-wd/2, 13, date)
	DrawSeal(pdf, cx, sigTop+68, 62, l.SealOrg, l.SealName)
	png, err := qrcode.Encode(l.QR, qrcode.Medium, 512)
	if err != nil {
		return nil, err
	}
	img, err := gopdf.ImageHolderByBytes(png)
	if err != nil {
		return nil, err
	}
	if err := pdf.ImageByHolder(img, left-8, sigTop, &gopdf.Rect{W: 120, H: 120}); err != nil {
		return nil, err
	}
	pdf.SetTextColor(90, 90, 90)
	y = sigTop + 132
	text(left, 8, "扫码核验，或在核验页上传本文件与签名文件")
	y += 12
	text(left, 8, "编号 "+l.Number)
	return pdf.GetBytesPdf(), nil
}

// wrap breaks s into lines no wider than width at size, at any character
// (Chinese has no spaces to break at) and at newlines.
func wrap(pdf *gopdf.GoPdf, size float64, s string, width float64) []string {
	_ = pdf.SetFont(FontName, "", size)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		var line []rune
		for _, r := range para {
			w, _ := pdf.MeasureTextWidth(string(append(line, r)))
			if w > width && len(line) > 0 {
				out = append(out, string(line))
				line = line[:0]
			}
			line = append(line, r)
		}
		if len(line) > 0 {
			out = append(out, string(line))
		}
	}
	return out
}

// shanghai is the zone dates on documents are written in.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()
