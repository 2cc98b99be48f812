package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// countyMap is the embedded county-level map of a Guangdong city, gzipped
// (vendor/counties/<code>.json.gz, from scripts/vendor-assets.sh); nil for
// other regions and for the cities without a county level (东莞, 中山).
// A file of the same name in the configured map directory wins (mapFile).
func (s *Server) countyMap(c region.Code) []byte {
	if region.LevelOf(c) != region.City {
		return nil
	}
	return s.assets.files["vendor/counties/"+string(c)+".json.gz"]
}

// serveCountyMap answers a city's embedded county map: as stored, gzipped,
// to clients that accept it (every browser), unpacked to others.
func (s *Server) serveCountyMap(w http.ResponseWriter, r *http.Request, c region.Code) error {
	gz := s.countyMap(c)
	if gz == nil {
		return errs.E(errs.NotFound, "error.page_not_found")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Add("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		w.Write(gz)
		return nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return err
	}
	_, err = io.Copy(w, zr)
	return err
}
