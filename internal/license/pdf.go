package license

import (
	"fmt"
	"sort"

	"github.com/signintech/gopdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/digigov/digigov/internal/sealdoc"
)

// PDF renders a licence as A4 pages: the type's name, the holder, the
// fields, the issuer with the seal drawn over it (the classic red seal, in
// vector form), and a QR code of ref, the licence's signed reference
// (Service.Reference), for any verifier to scan. Fields that do not fit
// the first page continue on further pages, each marked with the number;
// nothing is cut. font is what sealdoc.LoadFont returned.
//
// docNumber is the number of the sealed document the PDF becomes (see
// Service.PDFDocument): printed under the licence's number and named in
// the PDF's title, so that the document verifier knows a changed copy.
func PDF(font *sealdoc.Font, l *License, ref, sealOrg, sealName, docNumber string) ([]byte, error) {
	typ := l.TypeInfo()
	pdf, err := sealdoc.NewPDF(font, typ.Name+" "+l.Number+" "+docNumber, l.IssuerName)
	if err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	text := func(x, y, size float64, s string) {
		pdf.SetFont("cjk", "", size)
		pdf.SetXY(x, y)
		pdf.Text(s)
	}
	border := func() {
		pdf.SetStrokeColor(180, 140, 60)
		pdf.SetLineWidth(2)
		pdf.Rectangle(30, 30, 565, 812, "D", 0, 0)
		pdf.SetTextColor(20, 20, 20)
	}
	// The first page's foot first — the issuer, the seal over it and the
	// reference's QR code — so the fields can run on to further pages.
	border()
	text(340, 700, 13, "发证机关："+clip(l.IssuerName, 18))
	text(340, 722, 12, "签发日期："+l.IssuedAt.In(shanghai).Format("2006年01月02日"))
	sealdoc.DrawSeal(pdf, 450, 690, 62, sealOrg, sealName)
	png, err := qrcode.Encode(ref, qrcode.Medium, 512)
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
	text(55, 806, 8, "扫码或在核验页粘贴即可核验证照编号、持证人、发证机关、有效期和状态")
	pdf.SetTextColor(20, 20, 20)
	w, _ := pdf.MeasureTextWidth(typ.Name)
	text((595-w)/2, 90, 26, typ.Name)
	text(60, 135, 11, "证照编号："+l.Number)
	pdf.SetTextColor(90, 90, 90)
	text(60, 152, 9, "文件编号："+docNumber+"（可在本节点 /documents/verify 上传本文件核验真伪）")
	pdf.SetTextColor(20, 20, 20)
	y, bottom, page := 180.0, 640.0, 1
	newPage := func() {
		pdf.AddPage()
		page++
		border()
		text(60, 70, 11, typ.Name+" "+l.Number+fmt.Sprintf("（续页 %d）", page))
		y, bottom = 110, 800
	}
	row := func(label, value string) {
		if y+22 > bottom {
			newPage()
		}
		text(60, y, 13, label)
		runes := []rune(value)
		for len(runes) > 0 {
			if y+22 > bottom {
				newPage()
			}
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
	var extra []string
	for k := range l.Fields {
		if _, known := fieldOf(typ, k); !known {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		row(extraLabel(k), l.Fields[k])
	}
	until := "长期"
	if !l.ValidUntil.IsZero() {
		until = l.ValidUntil.In(shanghai).Format("2006年01月02日")
	}
	row("有效期限", l.ValidFrom.In(shanghai).Format("2006年01月02日")+" 至 "+until)
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
