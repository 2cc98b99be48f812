package sensing

import (
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// Station is a place where sensors report: a rain gauge, a hydrological
// station on a river, an air-quality monitor, a camera counting a crowd.
// Readings name it by Code.
type Station struct {
	ID        int64       `json:"-"`    // the integer stored with each reading
	Code      string      `json:"code"` // letters, digits, '-' and '_': "GZ-TH-RAIN-01"
	Name      string      `json:"name"` // "天河区五山雨量站"
	Region    region.Code `json:"region"`
	Lat       float64     `json:"lat"` // WGS-84
	Lon       float64     `json:"lon"`
	Metrics   []string    `json:"metrics"`  // the metric codes it measures; empty: not declared
	Disabled  bool        `json:"disabled"` // 停用: its new readings are refused, the stored ones kept
	CreatedAt time.Time   `json:"created_at"`
	ChangedAt time.Time   `json:"-"` // when it was created or last changed: caches compare it

	// Rollup are the regions this station's readings are rolled up into:
	// province, city, county and town (as far as its region goes; a
	// village-level station counts in its town). Filled by the Service.
	Rollup []region.Code `json:"-"`
}

// NewStation is a station to create.
type NewStation struct {
	Code     string
	Name     string
	Region   string
	Lat      float64
	Lon      float64
	Metrics  []string // metric codes; each known, no repeats
	Disabled bool     // 停用: refuse its readings
}

// validCode reports whether s may be a station code: 1–64 letters, digits,
// '-' or '_' (a code is one MQTT topic level and one NATS subject token, so
// '/', '.', '+', '#', '*', '>' and spaces are out).
func validCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// check validates in against the region tree and returns the station.
func (in NewStation) check(t *region.Tree) (*Station, error) {
	f := map[string]string{}
	st := &Station{Code: strings.TrimSpace(in.Code), Name: strings.TrimSpace(in.Name), Lat: in.Lat, Lon: in.Lon, Disabled: in.Disabled}
	if !validCode(st.Code) {
		f["code"] = "sensing.station_code_invalid"
	}
	if st.Name == "" || len([]rune(st.Name)) > 100 {
		f["name"] = "form.required"
	}
	code, err := t.Normalize(in.Region)
	if r, ok := t.Lookup(code); err != nil || !ok || r.Level > region.Village {
		f["region"] = "region.code_invalid"
	}
	st.Region = code
	if in.Lat < -90 || in.Lat > 90 || in.Lon < -180 || in.Lon > 180 || in.Lat == 0 && in.Lon == 0 {
		f["lat"] = "sensing.coordinates_invalid"
	}
	seen := map[string]bool{}
	for _, m := range in.Metrics {
		if _, ok := MetricByCode(m); !ok || seen[m] {
			f["metrics"] = "sensing.metric_unknown"
		}
		seen[m] = true
	}
	st.Metrics = in.Metrics
	if len(f) > 0 {
		return nil, errs.Fields(f)
	}
	return st, nil
}

// rollupRegions returns the regions a station in c counts in: its chain
// from the province down, to town level at most, placeholders left out.
func rollupRegions(t *region.Tree, c region.Code) []region.Code {
	var out []region.Code
	for _, r := range t.Chain(c) {
		if r.Level <= region.Town && !r.Placeholder {
			out = append(out, r.Code)
		}
	}
	return out
}
