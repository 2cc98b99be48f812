package seal

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// SVG draws the seal's image in the classic form of a Chinese official
// seal: a red ring, the organisation's name along the upper rim read left
// to right, a five-pointed star in the centre and the seal's name below it
// (nothing for a 公章 whose name is the organisation's own). The drawing is
// deterministic, so the same seal always gives the same bytes. Text is
// escaped; the SVG has no scripts or external references.
func SVG(org, name string) string {
	const size, cx, cy, r = 240.0, 120.0, 120.0, 112.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="%s">`,
		size, size, size, size, html.EscapeString(org+" "+name))
	b.WriteString(`<g fill="none" stroke="#d81e06" stroke-width="6">`)
	fmt.Fprintf(&b, `<circle cx="%g" cy="%g" r="%g"/></g>`, cx, cy, r)
	b.WriteString(`<g fill="#d81e06" font-family="'SimSun','Songti SC','WenQuanYi Micro Hei',serif" font-weight="bold">`)
	// The organisation's name: one character per position on an arc of up
	// to 240°, centred on the top, upright towards the centre.
	chars := []rune(org)
	n := len(chars)
	if n > 0 {
		span := math.Min(240, float64(n)*22)
		fs := math.Min(28, 0.9*(span*math.Pi/180*(r-26))/float64(n))
		for i, c := range chars {
			a := -span/2 + span*(float64(i)+0.5)/float64(n) // degrees from the top, clockwise
			rad := a * math.Pi / 180
			x, y := cx+(r-24)*math.Sin(rad), cy-(r-24)*math.Cos(rad)
			fmt.Fprintf(&b, `<text x="%.2f" y="%.2f" font-size="%.1f" text-anchor="middle" dominant-baseline="central" transform="rotate(%.2f %.2f %.2f)">%s</text>`,
				x, y, fs, a, x, y, html.EscapeString(string(c)))
		}
	}
	// The star: five outer and five inner points.
	var pts []string
	for i := 0; i < 10; i++ {
		rr := 34.0
		if i%2 == 1 {
			rr = 34 * 0.382
		}
		a := float64(i) * math.Pi / 5
		pts = append(pts, fmt.Sprintf("%.2f,%.2f", cx+rr*math.Sin(a), cy-rr*math.Cos(a)))
	}
	fmt.Fprintf(&b, `<polygon points="%s"/>`, strings.Join(pts, " "))
	if name != "" {
		fs := math.Min(22, 150/math.Max(1, float64(len([]rune(name)))))
		fmt.Fprintf(&b, `<text x="%g" y="%g" font-size="%.1f" text-anchor="middle" dominant-baseline="central">%s</text>`,
			cx, cy+58, fs, html.EscapeString(name))
	}
	b.WriteString(`</g></svg>`)
	return b.String()
}
