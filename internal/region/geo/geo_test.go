package geo

import (
	"fmt"
	"testing"

	"github.com/digigov/digigov/internal/region"
)

// square is a GeoJSON feature of a 1°×1° square with its south-west
// corner at lng, lat.
func square(code string, lng, lat float64) string {
	return fmt.Sprintf(`{"type":"Feature","id":"%s","properties":{},"geometry":{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}}`,
		code, lng, lat, lng+1, lat, lng+1, lat+1, lng, lat+1, lng, lat)
}

func collection(features ...string) []byte {
	s := `{"type":"FeatureCollection","features":[`
	for i, f := range features {
		if i > 0 {
			s += ","
		}
		s += f
	}
	return []byte(s + "]}")
}

// A province of two cities side by side (4401 at 113–114°E, 4419 at
// 114–115°E, 23–24°N); 4401 has two counties splitting it at 113.5°E,
// 4419 has no county map.
func testLocator() *Locator {
	maps := map[region.Code][]byte{
		"44": collection(square("440100", 113, 23), square("441900", 114, 23)),
		"4401": collection(`{"type":"Feature","properties":{"adcode":440106},"geometry":{"type":"Polygon","coordinates":[[[113,23],[113.5,23],[113.5,24],[113,24],[113,23]]]}}`,
			`{"type":"Feature","properties":{"adcode":440113},"geometry":{"type":"Polygon","coordinates":[[[113.5,23],[114,23],[114,24],[113.5,24],[113.5,23]]]}}`),
	}
	return NewLocator(func(c region.Code) ([]byte, error) { return maps[c], nil }, nil)
}

func TestLocate(t *testing.T) {
	l := testLocator()
	for _, c := range []struct {
		lat, lng float64
		want     region.Code
	}{{23.5, 113.2, "440106"}, {23.5, 113.8, "440113"}, {23.5, 114.5, "4419"}, {39.9, 116.4, ""}} {
		got, ok, err := l.Locate(c.lat, c.lng)
		if err != nil || got != c.want || ok != (c.want != "") {
			t.Errorf("Locate(%v, %v) = %q %v %v, want %q", c.lat, c.lng, got, ok, err, c.want)
		}
	}
}

func TestPointIn(t *testing.T) {
	l := testLocator()
	for _, c := range []struct {
		region     region.Code
		lat, lng   float64
		in, mapped bool
		why        string
	}{
		{"440106", 23.5, 113.2, true, true, "in its county"},
		{"440106001", 23.5, 113.2, true, true, "a town, checked against its county"},
		{"440106", 23.5, 113.8, false, true, "in the neighbouring county"},
		{"440106", 23.5, 113.51, true, true, "1 km over the county border: within the margin"},
		{"440106", 23.5, 113.53, false, true, "3 km over the county border"},
		{"4401", 23.5, 113.8, true, true, "in its city"},
		{"4401", 23.5, 114.5, false, true, "in the other city"},
		{"441900003", 23.5, 114.5, true, true, "a town of a city without counties, checked against the city"},
		{"441900003", 23.5, 113.2, false, true, "a town of 4419 at a point of 4401"},
		{"44", 23.5, 114.5, true, true, "in the province"},
		{"44", 39.9, 116.4, false, false, "outside the province"},
		{"440106", 39.9, 116.4, false, false, "outside the province, for a county"},
		{"11", 39.9, 116.4, false, false, "another province: never checked, the point is outside the map"},
		{"11", 23.5, 113.2, false, true, "another province's region at a point of this one"},
	} {
		in, mapped, err := l.PointIn(c.region, c.lat, c.lng)
		if err != nil || in != c.in || mapped != c.mapped {
			t.Errorf("%s: PointIn(%s, %v, %v) = %v %v %v, want %v %v", c.why, c.region, c.lat, c.lng, in, mapped, err, c.in, c.mapped)
		}
	}
}

func TestNoProvinceMap(t *testing.T) {
	l := NewLocator(func(region.Code) ([]byte, error) { return nil, nil }, nil)
	if _, _, err := l.PointIn("44", 23, 113); err == nil {
		t.Fatal("no error without a province map")
	}
}
