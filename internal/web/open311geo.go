package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/region/geo"
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

// locate returns the region at lng, lat, or false outside every city of
// the province map (geo.Locator).
func (s *Server) locate(lat, lng float64) (region.Code, bool, error) {
	return s.places.Locate(lat, lng)
}

// MapSource reads the maps a geo.Locator works on: a file <code>.json in
// dir (the configured cockpit maps, if any), else the embedded ones (the
// province's guangdong.json and the cities' county maps), as the cockpit
// serves them (mapFile, countyMap).
func MapSource(dir string) geo.Source {
	return func(c region.Code) ([]byte, error) {
		if dir != "" {
			if b, err := os.ReadFile(filepath.Join(dir, string(c)+".json")); err == nil {
				return b, nil
			}
		}
		if c == geo.Province {
			return fs.ReadFile(staticFS, "static/vendor/guangdong.json")
		}
		if region.LevelOf(c) != region.City {
			return nil, nil
		}
		gz, err := fs.ReadFile(staticFS, "static/vendor/counties/"+string(c)+".json.gz")
		if err != nil {
			return nil, nil // no county map for this city (东莞, 中山)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
}
