// Package geo locates points on the province's map geometry: which county
// (or city) a point lies in, and whether a point lies in a given region.
// The maps are the ones the cockpit ships (echarts-map GeoJSON, plain or
// in ECharts' compressed form); the caller supplies them through a Source.
package geo

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/digigov/digigov/internal/region"
)

// Source returns the GeoJSON map of a region (plain bytes): "44" the
// province by city, a city code that city by county. nil, nil if there is
// none.
type Source func(c region.Code) ([]byte, error)

// Province is the province whose map the locator reads.
const Province region.Code = "44"

// Margin is how far outside a region's drawn border a point still counts
// as inside it, in degrees (about 1.5 km): the map files are simplified,
// and their borders do not meet exactly, so a point a few hundred metres
// from a border may be drawn on the wrong side of it.
const Margin = 0.015

// Locator finds the region of a point from the map geometry: the
// province's map by city and each city's map by county where one exists.
// It answers the finest level it has geometry for: the county, or the
// city for 东莞 and 中山 (towns directly under the city) and for a point
// between a city's county shapes. The maps are read once, on first use.
type Locator struct {
	src  Source
	tree *region.Tree

	once     sync.Once
	err      error
	cities   []area
	byCity   map[region.Code]*area
	counties map[region.Code][]area
}

// NewLocator returns a Locator over the maps of src; tree, if not nil,
// drops features whose codes it does not know.
func NewLocator(src Source, tree *region.Tree) *Locator {
	return &Locator{src: src, tree: tree}
}

type area struct {
	code  region.Code
	bound orb.Bound
	shape orb.MultiPolygon
	bands [][]segment // the rings' edges by latitude band (index)
}

// segment is one edge of a ring.
type segment struct{ a, b orb.Point }

// nBands is how many latitude bands an area's edges are indexed in: a
// point is tested against the edges of its band only, not every edge of
// a county's shape (thousands), which made the check about 100 µs.
const nBands = 128

// index builds a's bands.
func (a *area) index() {
	a.bands = make([][]segment, nBands)
	for _, poly := range a.shape {
		for _, r := range poly {
			for k := 0; k+1 < len(r); k++ {
				s := segment{r[k], r[k+1]}
				lo, hi := a.band(min(s.a[1], s.b[1])), a.band(max(s.a[1], s.b[1]))
				for i := lo; i <= hi; i++ {
					a.bands[i] = append(a.bands[i], s)
				}
			}
			if n := len(r); n > 1 && r[0] != r[n-1] { // an unclosed ring closes
				s := segment{r[n-1], r[0]}
				for i := a.band(min(s.a[1], s.b[1])); i <= a.band(max(s.a[1], s.b[1])); i++ {
					a.bands[i] = append(a.bands[i], s)
				}
			}
		}
	}
}

// band is the index of the band of latitude y, clamped to the bands.
func (a *area) band(y float64) int {
	h := (a.bound.Max[1] - a.bound.Min[1]) / nBands
	if h <= 0 {
		return 0
	}
	i := int((y - a.bound.Min[1]) / h)
	return max(0, min(nBands-1, i))
}

// contains applies the even-odd rule over every ring of the area, as the
// map is drawn: the echarts-map files list a city's islands as further
// rings of one polygon, not as polygons of their own, so "first ring
// outside, the rest holes" would cut 深圳 out of 深圳. The parity of the
// crossings of a ray from p over all edges is the XOR of each ring's.
func (a *area) contains(p orb.Point) bool {
	if !a.bound.Contains(p) {
		return false
	}
	in := false
	for _, s := range a.bands[a.band(p[1])] {
		if (s.a[1] > p[1]) != (s.b[1] > p[1]) &&
			p[0] < (s.b[0]-s.a[0])*(p[1]-s.a[1])/(s.b[1]-s.a[1])+s.a[0] {
			in = !in
		}
	}
	return in
}

// near reports whether p lies in the area or within margin degrees of its
// border.
func (a *area) near(p orb.Point, margin float64) bool {
	if !a.bound.Pad(margin).Contains(p) {
		return false
	}
	if a.contains(p) {
		return true
	}
	m2 := margin * margin
	seen := map[segment]bool{}
	for i := a.band(p[1] - margin); i <= a.band(p[1]+margin); i++ {
		for _, s := range a.bands[i] {
			if min(s.a[0], s.b[0]) > p[0]+margin || max(s.a[0], s.b[0]) < p[0]-margin || seen[s] {
				continue
			}
			seen[s] = true
			if planar.DistanceFromSegmentSquared(s.a, s.b, p) <= m2 {
				return true
			}
		}
	}
	return false
}

func (l *Locator) loaded() error {
	l.once.Do(func() { l.err = l.load() })
	return l.err
}

// Locate returns the region at lng, lat, or false outside every city of
// the province map.
func (l *Locator) Locate(lat, lng float64) (region.Code, bool, error) {
	if err := l.loaded(); err != nil {
		return "", false, err
	}
	p := orb.Point{lng, lat}
	for i := range l.cities {
		if !l.cities[i].contains(p) {
			continue
		}
		city := l.cities[i].code
		for j := range l.counties[city] {
			if c := &l.counties[city][j]; c.contains(p) {
				return c.code, true, nil
			}
		}
		return city, true, nil
	}
	return "", false, nil
}

// PointIn reports whether the point lies in region c as far as the maps
// tell, within Margin of its border: a region below a county is checked
// against its county, a county without a shape of its own against its
// city, the province against the union of its cities. mapped is false when
// the point lies outside the province map altogether (and then in is
// false too, whatever c is). A region of another province has no
// geometry: the point can lie in it only if it lies outside this
// province's map.
func (l *Locator) PointIn(c region.Code, lat, lng float64) (in, mapped bool, err error) {
	if err := l.loaded(); err != nil {
		return false, false, err
	}
	p := orb.Point{lng, lat}
	if region.Within(c, Province) {
		if a := l.shapeOf(c); a != nil && a.near(p, Margin) {
			return true, true, nil
		}
	}
	for i := range l.cities {
		if l.cities[i].near(p, Margin) {
			mapped = true
			break
		}
	}
	if !mapped {
		return false, false, nil
	}
	if !region.Within(c, Province) {
		return false, true, nil
	}
	a := l.shapeOf(c)
	return a == nil, true, nil // no shape for c: nothing to check against
}

// shapeOf is the finest drawn area holding region c (in Province): its
// county's shape, else its city's; nil for the province itself or a city
// the map lacks.
func (l *Locator) shapeOf(c region.Code) *area {
	if len(c) < 4 {
		return nil
	}
	city := c[:4]
	if len(c) >= 6 {
		county := c[:6]
		for j := range l.counties[city] {
			if l.counties[city][j].code == county {
				return &l.counties[city][j]
			}
		}
	}
	return l.byCity[city]
}

func (l *Locator) load() error {
	prov, err := l.src(Province)
	if err != nil {
		return err
	}
	if prov == nil {
		return fmt.Errorf("geo: no province map")
	}
	if l.cities, err = parseMapAreas(prov, l.tree); err != nil {
		return fmt.Errorf("geo: province map: %w", err)
	}
	l.byCity = map[region.Code]*area{}
	l.counties = map[region.Code][]area{}
	for i := range l.cities {
		c := &l.cities[i]
		l.byCity[c.code] = c
		b, err := l.src(c.code)
		if err != nil {
			return err
		}
		if b == nil {
			continue
		}
		if l.counties[c.code], err = parseMapAreas(b, l.tree); err != nil {
			return fmt.Errorf("geo: map of %s: %w", c.code, err)
		}
	}
	return nil
}

// parseMapAreas reads a map file: GeoJSON, plain or in ECharts' compressed
// form (UTF8Encoding, as echarts-map ships), each feature named by its id
// or properties.adcode, a 6-digit GB/T 2260 code. Features without a code
// (the South China Sea inset, say) are skipped.
func parseMapAreas(b []byte, tree *region.Tree) ([]area, error) {
	var doc struct {
		UTF8Encoding bool `json:"UTF8Encoding"`
		Features     []struct {
			ID         any `json:"id"`
			Properties struct {
				Adcode any `json:"adcode"`
			} `json:"properties"`
			Geometry struct {
				Type          string          `json:"type"`
				Coordinates   json.RawMessage `json:"coordinates"`
				EncodeOffsets json.RawMessage `json:"encodeOffsets"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var out []area
	for _, f := range doc.Features {
		id := codeString(f.ID)
		if id == "" {
			id = codeString(f.Properties.Adcode)
		}
		if id == "" {
			continue
		}
		// Syntax alone: 441900 is 东莞 4419 (the city), not its pseudo-county.
		code, err := region.Normalize(id)
		if err != nil {
			continue
		}
		if tree != nil {
			if _, ok := tree.Lookup(code); !ok {
				continue
			}
		}
		shape, err := decodeGeometry(f.Geometry.Type, f.Geometry.Coordinates, f.Geometry.EncodeOffsets, doc.UTF8Encoding)
		if err != nil {
			return nil, fmt.Errorf("feature %s: %w", id, err)
		}
		if len(shape) == 0 {
			continue
		}
		// Every ring's bound, not orb's Bound (the first ring of each polygon).
		var bound orb.Bound
		for i, poly := range shape {
			for j, r := range poly {
				if i == 0 && j == 0 {
					bound = r.Bound()
				} else {
					bound = bound.Union(r.Bound())
				}
			}
		}
		a := area{code: code, bound: bound, shape: shape}
		a.index()
		out = append(out, a)
	}
	return out, nil
}

func codeString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprintf("%.0f", x)
	}
	return ""
}

func decodeGeometry(typ string, coords, offsets json.RawMessage, encoded bool) (orb.MultiPolygon, error) {
	if encoded {
		switch typ {
		case "Polygon":
			var c []string
			var o [][2]int
			if err := unmarshalBoth(coords, &c, offsets, &o); err != nil || len(o) < len(c) {
				return nil, fmt.Errorf("bad encoded polygon")
			}
			return orb.MultiPolygon{decodePolygon(c, o)}, nil
		case "MultiPolygon":
			var c [][]string
			var o [][][2]int
			if err := unmarshalBoth(coords, &c, offsets, &o); err != nil || len(o) < len(c) {
				return nil, fmt.Errorf("bad encoded multipolygon")
			}
			var mp orb.MultiPolygon
			for i := range c {
				if len(o[i]) < len(c[i]) {
					return nil, fmt.Errorf("bad encoded multipolygon")
				}
				mp = append(mp, decodePolygon(c[i], o[i]))
			}
			return mp, nil
		}
		return nil, nil
	}
	switch typ {
	case "Polygon":
		var p orb.Polygon
		if err := json.Unmarshal(coords, &p); err != nil {
			return nil, err
		}
		return orb.MultiPolygon{p}, nil
	case "MultiPolygon":
		var mp orb.MultiPolygon
		if err := json.Unmarshal(coords, &mp); err != nil {
			return nil, err
		}
		return mp, nil
	}
	return nil, nil
}

func unmarshalBoth(a json.RawMessage, x any, b json.RawMessage, y any) error {
	if err := json.Unmarshal(a, x); err != nil {
		return err
	}
	return json.Unmarshal(b, y)
}

// decodePolygon undoes ECharts' map compression: each ring is a string of
// zigzag-encoded deltas, two characters a point, from its offset, in
// 1/1024 degree.
func decodePolygon(rings []string, offsets [][2]int) orb.Polygon {
	p := make(orb.Polygon, 0, len(rings))
	for i, s := range rings {
		x, y := offsets[i][0], offsets[i][1]
		r := make(orb.Ring, 0, len(s)/2)
		u := []rune(s)
		for j := 0; j+1 < len(u); j += 2 {
			dx, dy := int(u[j])-64, int(u[j+1])-64
			x += (dx >> 1) ^ -(dx & 1)
			y += (dy >> 1) ^ -(dy & 1)
			r = append(r, orb.Point{float64(x) / 1024, float64(y) / 1024})
		}
		p = append(p, r)
	}
	return p
}
