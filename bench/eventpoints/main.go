// Command eventpoints writes, as a Lua table for bench/events.sh, grid
// cells of 0.01° (about 1 km) lying inside each county-level district of
// a city, with a few of the district's communities: the load test's
// reports get points spread over the whole city, each inside the region
// it names (governance refuses a point outside its region), so that
// duplicate suggestions stay as rare as a city's size makes them.
//
// The cells are tested with the locator the server uses (region/geo, the
// cockpit's county maps): a cell counts when its centre and four corners
// all lie in the district.
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"strings"

	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/region/geo"
	"github.com/digigov/digigov/internal/web"
)

func main() {
	city := flag.String("city", "4401", "the city whose districts the points cover")
	per := flag.Int("communities", 4, "communities named per district")
	flag.Parse()
	tree := region.Embedded()
	loc := geo.NewLocator(web.MapSource(""), tree)
	const step = 0.01
	var b strings.Builder
	b.WriteString("return {\n")
	cells := 0
	for _, county := range tree.Children(region.Code(*city)) {
		var codes []string
		for _, v := range tree.Descendants(county.Code, region.Village) {
			if len(codes) == *per {
				break
			}
			codes = append(codes, string(v.Code))
		}
		if len(codes) == 0 {
			continue
		}
		// The district's cells: scan the city's extent, keep the cells
		// wholly inside this district.
		var kept []string
		for lat := 22.5; lat < 24.0; lat += step {
			for lng := 112.9; lng < 114.1; lng += step {
				if inside(loc, county.Code, lat, lng, step) {
					kept = append(kept, fmt.Sprintf("{%.2f,%.2f}", lat, lng))
				}
			}
		}
		if len(kept) == 0 {
			continue
		}
		cells += len(kept)
		fmt.Fprintf(&b, "{codes={\"%s\"}, cells={%s}},\n", strings.Join(codes, `","`), strings.Join(kept, ","))
	}
	b.WriteString("}\n")
	if cells == 0 {
		log.Fatalf("no cell lies inside a district of %s", *city)
	}
	fmt.Fprintf(os.Stderr, "eventpoints: %d cells of %.2f° (about %.0f km²) in the districts of %s\n",
		cells, step, float64(cells)*math.Pow(step*111, 2)*math.Cos(23*math.Pi/180), *city)
	os.Stdout.WriteString(b.String())
}

func inside(loc *geo.Locator, c region.Code, lat, lng, step float64) bool {
	for _, p := range [][2]float64{{lat + step/2, lng + step/2}, {lat, lng}, {lat + step, lng}, {lat, lng + step}, {lat + step, lng + step}} {
		got, ok, err := loc.Locate(p[0], p[1])
		if err != nil {
			log.Fatal(err)
		}
		if !ok || got != c {
			return false
		}
	}
	return true
}
