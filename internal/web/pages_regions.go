package web

import (
	"net/http"
	"net/url"
	"regexp"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// picker is the state of a cascading region picker: one select per level
// from the province down to the chosen region, plus one for its children.
// Every form that asks for a region reuses it (partials/region_picker.html).
type picker struct {
	Field    string        // form field that receives the chosen code
	Label    string        // message key of the label
	Code     region.Code   // chosen code, "" for none
	Levels   []pickerLevel // selects, province first
	Selected region.Region
}

type pickerLevel struct {
	Options  []region.Region
	Selected region.Code
	Parent   region.Code // value of the "please choose" option: going back up
}

// pickedRegion returns the region a picker chose. With htmx the hidden
// field holds it; without JavaScript the form submits every level's select,
// and the deepest one with a value is the choice.
func pickedRegion(v url.Values, field string) string {
	levels := v["_rp_"+field]
	for i := len(levels) - 1; i >= 0; i-- {
		if levels[i] != "" {
			return levels[i]
		}
	}
	return v.Get(field)
}

var (
	fieldRE = regexp.MustCompile(`^[a-z_]{1,32}$`)
	labelRE = regexp.MustCompile(`^[a-z_]{1,32}(\.[a-z_]{1,32})*$`) // a message key
)

// newPicker builds the picker for code (which may be "" or unknown: then it
// starts at the provinces).
func (s *Server) newPicker(field, label string, code region.Code) *picker {
	p := &picker{Field: field, Label: label}
	var chain []region.Region
	if r, ok := s.regions.Lookup(code); ok {
		chain = s.regions.Chain(code)
		p.Code, p.Selected = r.Code, r
	}
	p.Levels = append(p.Levels, pickerLevel{Options: s.regions.Provinces()})
	for i, r := range chain {
		p.Levels[i].Selected = r.Code
		if kids := s.regions.Children(r.Code); len(kids) > 0 {
			p.Levels = append(p.Levels, pickerLevel{Options: kids, Parent: r.Code})
		}
	}
	return p
}

// handleRegionPicker re-renders a picker after a choice (htmx swaps it in
// place). The select that changed sends its value as "_rp_<field>".
func (s *Server) handleRegionPicker(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	field, label := q.Get("field"), q.Get("label")
	if !fieldRE.MatchString(field) {
		return errs.E(errs.Invalid, "error.status.Bad Request")
	}
	if !labelRE.MatchString(label) {
		label = ""
	}
	code, _ := s.regions.Normalize(pickedRegion(q, field))
	return s.rd.fragment(w, r, "region_picker", &page{Data: s.newPicker(field, label, code)})
}

// handleRegionsPage lets anyone look up a division: pick it and see its
// full name, level and children.
func (s *Server) handleRegionsPage(w http.ResponseWriter, r *http.Request) error {
	raw := pickedRegion(r.URL.Query(), "code")
	var code region.Code
	if raw != "" {
		c, err := s.regions.Normalize(raw)
		if err != nil {
			return errs.E(errs.NotFound, "region.unknown")
		}
		if _, ok := s.regions.Lookup(c); !ok {
			return errs.E(errs.NotFound, "region.unknown")
		}
		code = c
	}
	p := s.newPicker("code", "regions.pick", code)
	data := map[string]any{"Picker": p}
	if code != "" {
		data["Children"] = s.regions.Children(code)
		data["FullName"] = s.regions.FullName(code)
	}
	return s.rd.render(w, r, "regions", &page{Title: "regions.title", Face: identity.FacePortal, Data: data})
}

// regionCode normalises a code for a picker; "" when it is not a known
// region.
func (s *Server) regionCode(raw string) region.Code {
	c, err := s.regions.Normalize(raw)
	if err != nil {
		return ""
	}
	if _, ok := s.regions.Lookup(c); !ok {
		return ""
	}
	return c
}
