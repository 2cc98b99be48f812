package sealdoc

import (
	"math"

	"github.com/signintech/gopdf"
)

// FontName is the name the CJK font is registered under in PDFs this
// package prepares (NewPDF).
const FontName = "cjk"

// NewPDF starts an A4 PDF with the CJK font registered as FontName and one
// page added. font is what LoadFont returned.
func NewPDF(font *Font, title, author string) (*gopdf.GoPdf, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Author: author, Creator: "digigov"})
	if err := pdf.AddTTFFontFromFontContainer(FontName, font.fc); err != nil {
		return nil, err
	}
	pdf.AddPage()
	return pdf, nil
}

// DrawSeal draws a seal centred at (cx, cy) with radius r in the classic
// form (the same as seal.SVG): red ring, the organisation's name along the
// upper rim, the five-pointed star, the seal's name below. The PDF must
// have FontName registered. It leaves the colours red.
func DrawSeal(pdf *gopdf.GoPdf, cx, cy, r float64, org, name string) {
	pdf.SetStrokeColor(216, 30, 6)
	pdf.SetFillColor(216, 30, 6)
	pdf.SetTextColor(216, 30, 6)
	pdf.SetLineWidth(3)
	pdf.Oval(cx-r, cy-r, cx+r, cy+r)
	chars := []rune(org)
	if n := len(chars); n > 0 {
		span := math.Min(240, float64(n)*22)
		size := math.Min(14, 0.9*(span*math.Pi/180*(r-12))/float64(n))
		_ = pdf.SetFont(FontName, "", size)
		for i, c := range chars {
			a := -span/2 + span*(float64(i)+0.5)/float64(n)
			rad := a * math.Pi / 180
			x, y := cx+(r-12)*math.Sin(rad), cy-(r-12)*math.Cos(rad)
			w, _ := pdf.MeasureTextWidth(string(c))
			pdf.Rotate(-a, x, y)
			pdf.SetXY(x-w/2, y+size/3)
			_ = pdf.Text(string(c))
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
		_ = pdf.SetFont(FontName, "", 10)
		w, _ := pdf.MeasureTextWidth(name)
		pdf.SetXY(cx-w/2, cy+r*0.55)
		_ = pdf.Text(name)
	}
}
