package web

import (
	"testing"

	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/region/geo"
)

// BenchmarkPointInRegion is the check every report with a point now
// makes (governance.check → geo.Locator.PointIn) on the embedded maps: a
// point in its county (the usual case), a point in the neighbouring
// county (the margin's distance to the border is computed) and a point
// outside the province. BenchmarkRegionLookup, the region check the same
// report already made, is the baseline of the same run.
func BenchmarkPointInRegion(b *testing.B) {
	tree := region.Embedded()
	l := geo.NewLocator(MapSource(""), tree)
	if _, _, err := l.PointIn("440106", 23.13, 113.33); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		code     region.Code
		lat, lng float64
	}{{"inside", "440106006002", 23.1335, 113.3301}, {"neighbour", "440106006002", 23.09, 113.32}, {"beijing", "440106", 39.9, 116.4}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				l.PointIn(c.code, c.lat, c.lng)
			}
		})
	}
}

func BenchmarkRegionLookup(b *testing.B) {
	tree := region.Embedded()
	for b.Loop() {
		c, _ := tree.Normalize("440106006002")
		tree.Lookup(c)
	}
}
