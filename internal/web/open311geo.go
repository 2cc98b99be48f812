package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/region"
)

// open311Region is the region an Open311 request names: attribute[region]
// or address_id if given (a region code serves as our address ID); else
// the county (or city) at lat/long on the map; else, for a request without
// a point, the reporting scope of the key's account when it has exactly
// one. A point outside the province is a 400 in the spec's error shape.
// "" leaves the region to governance.Report, which asks for it.
func (s *Server) open311Region(form url.Values, by *identity.Caller, lat, lng *float64) (string, error) {
	if reg := form.Get("attribute[region]"); reg != "" {
		return reg, nil
	}
	if reg := form.Get("address_id"); reg != "" {
		return reg, nil
	}
	if lat != nil && lng != nil {
		c, ok, err := s.locate(*lat, *lng)
		if err != nil {
			return "", err
		}
		if !ok {
			return "", open311Err(http.StatusBadRequest, "open311.outside_area")
		}
		return string(c), nil
	}
	if sc := by.Scopes(identity.PermEventReport); len(sc) == 1 {
		return string(sc[0]), nil
	}
	return "", nil
}

// regionLocator finds the region of a point from the map geometry the
// cockpit ships: the province's map by city (mapFile("44"), echarts-map
// guangdong.json by default) and each city's map by county where one
// exists. It answers the finest level it has geometry for: the county, or
// the city for 东莞 and 中山 (towns directly under the city) and for a
// point between a city's county shapes (the files are simplified, and
// their borders do not meet exactly). The maps are read once, on first use.
type regionLocator struct {
	once     sync.Once
	err      error
	cities   []geoArea
	counties map[region.Code][]geoArea
}

type geoArea struct {
	code  region.Code
	bound orb.Bound
	shape orb.MultiPolygon
}

// contains applies the even-odd rule over every ring of the area, as the
// map is drawn: the echarts-map files list a city's islands as further
// rings of one polygon, not as polygons of their own, so "first ring
// outside, the rest holes" would cut 深圳 out of 深圳.
func (a *geoArea) contains(p orb.Point) bool {
	if !a.bound.Contains(p) {
		return false
	}
	in := false
	for _, poly := range a.shape {
		for _, r := range poly {
			if planar.RingContains(r, p) {
				in = !in
			}
		}
	}
	return in
}

// locate returns the region at lng, lat, or false outside every city of
// the province map.
func (s *Server) locate(lat, lng float64) (region.Code, bool, error) {
	l := &s.geo
	l.once.Do(func() { l.err = l.load(s) })
	if l.err != nil {
		return "", false, l.err
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

func (l *regionLocator) load(s *Server) error {
	prov := s.mapFile("44")
	if prov == nil {
		return fmt.Errorf("open311 locate: no province map")
	}
	var err error
	if l.cities, err = parseMapAreas(prov, s.regions); err != nil {
		return fmt.Errorf("open311 locate: province map: %w", err)
	}
	l.counties = map[region.Code][]geoArea{}
	for _, c := range l.cities {
		b := s.mapFile(c.code)
		if b == nil {
			gz := s.countyMap(c.code)
			if gz == nil {
				continue
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				return err
			}
			if b, err = io.ReadAll(zr); err != nil {
				return err
			}
		}
		if l.counties[c.code], err = parseMapAreas(b, s.regions); err != nil {
			return fmt.Errorf("open311 locate: map of %s: %w", c.code, err)
		}
	}
	return nil
}

// parseMapAreas reads a map file: GeoJSON, plain or in ECharts' compressed
// form (UTF8Encoding, as echarts-map ships), each feature named by its id
// or properties.adcode, a 6-digit GB/T 2260 code. Features without a code
// (the South China Sea inset, say) are skipped.
func parseMapAreas(b []byte, tree *region.Tree) ([]geoArea, error) {
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
	var out []geoArea
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
		out = append(out, geoArea{code: code, bound: bound, shape: shape})
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
