package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
)

// Sensing management pages (感知): stations with their region, coordinates
// and metrics, and the alert rules (threshold or rate of change, four
// levels). Lists show what the viewer's scope reads; forms change only
// what their sensing.manage scope covers, the rest is not found.

type stationsPage struct {
	Stations []stationRow
	Metrics  []sensing.Metric
	Picker   *picker
	Edit     *sensing.Station
	Chosen   map[string]bool // the form's metrics
}

type stationRow struct {
	sensing.Station
	CanEdit bool
}

func (s *Server) handleSensingStations(w http.ResponseWriter, r *http.Request) error {
	return s.renderSensingStations(w, r, nil, nil)
}

func (s *Server) renderSensingStations(w http.ResponseWriter, r *http.Request, edit *sensing.Station, refused *errs.Error) error {
	by := caller(r)
	if err := identity.Authorize(by, identity.PermSensingManage, ""); err != nil {
		return err
	}
	list, err := s.sensing.Stations(r.Context(), by)
	if err != nil {
		return err
	}
	d := &stationsPage{Metrics: sensing.Metrics, Edit: edit, Chosen: map[string]bool{}}
	for _, st := range list {
		d.Stations = append(d.Stations, stationRow{Station: st, CanEdit: identity.Authorize(by, identity.PermSensingManage, st.Region) == nil})
	}
	def := region.Code("")
	if sc := by.Scopes(identity.PermSensingManage); len(sc) > 0 {
		def = sc[0]
	}
	p := &page{Title: "eventsui.stations_title", Face: identity.FaceWorkbench, Data: d, Form: r.PostForm}
	if edit != nil && refused == nil {
		def = edit.Region
		p.Form = url.Values{"name": {edit.Name}, "lat": {fmt.Sprint(edit.Lat)}, "lon": {fmt.Sprint(edit.Lon)}, "metrics": edit.Metrics}
		if edit.Disabled {
			p.Form.Set("disabled", "1")
		}
	}
	if refused != nil {
		def = region.Code(pickedRegion(r.PostForm, "region"))
		p.Status, p.Errors, p.Args = status(refused), errorsOf(refused), refused.Args
	}
	for _, m := range p.Form["metrics"] {
		d.Chosen[m] = true
	}
	d.Picker = s.newPicker("region", "eventsui.station_region", def)
	return s.rd.render(w, r, "sensing_stations", p)
}

// stationInput reads the station form. A malformed coordinate becomes the
// point 0, 0, which the service refuses on the lat field along with every
// other bad field.
func stationInput(r *http.Request) sensing.NewStation {
	f := r.PostForm
	lat, ok1 := floatOrZero(f.Get("lat"))
	lon, ok2 := floatOrZero(f.Get("lon"))
	if !ok1 || !ok2 {
		lat, lon = 0, 0
	}
	return sensing.NewStation{Code: f.Get("code"), Name: f.Get("name"), Region: pickedRegion(f, "region"), Lat: lat, Lon: lon,
		Metrics: f["metrics"], Disabled: f.Get("disabled") == "1"}
}

// refusal turns a form error into what the form shows: field errors as
// they are, a region outside the scope (not found) on the region field.
func refusal(err error) *errs.Error {
	e := errs.As(err)
	switch {
	case e == nil:
		return nil
	case e.Code == errs.Invalid || e.Code == errs.Conflict:
		if e.Fields == nil {
			return &errs.Error{Code: e.Code, Msg: e.Msg, Fields: map[string]string{"code": e.Msg}}
		}
		return e
	case e.Code == errs.NotFound || e.Code == errs.Forbidden:
		return &errs.Error{Code: errs.Invalid, Msg: "validation.failed", Fields: map[string]string{"region": "eventsui.region_outside_scope"}}
	}
	return nil
}

func (s *Server) handleSensingStationCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, err := s.sensing.CreateStation(r.Context(), caller(r), stationInput(r))
	if e := refusal(err); e != nil {
		return s.renderSensingStations(w, r, nil, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/sensing/stations", http.StatusSeeOther)
	return nil
}

// managedStation is the station of the path, if the caller may change it.
func (s *Server) managedStation(r *http.Request) (*sensing.Station, error) {
	by := caller(r)
	st, err := s.sensing.Station(r.Context(), by, r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	if identity.Authorize(by, identity.PermSensingManage, st.Region) != nil {
		return nil, errs.E(errs.NotFound, "sensing.station.not_found")
	}
	return st, nil
}

func (s *Server) handleSensingStationEdit(w http.ResponseWriter, r *http.Request) error {
	st, err := s.managedStation(r)
	if err != nil {
		return err
	}
	return s.renderSensingStations(w, r, st, nil)
}

func (s *Server) handleSensingStationUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	st, err := s.managedStation(r)
	if err != nil {
		return err
	}
	_, err = s.sensing.UpdateStation(r.Context(), caller(r), st.Code, stationInput(r))
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		return s.renderSensingStations(w, r, st, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/sensing/stations", http.StatusSeeOther)
	return nil
}

type sensingRulesPage struct {
	Rules   []sensing.Rule // every rule the viewer reads
	Managed map[ids.ID]bool
	Metrics []sensing.Metric
	Kinds   []sensing.RuleKind
	Levels  []string // blue … red
	Picker  *picker
	Edit    *sensing.Rule
}

func (s *Server) handleSensingRules(w http.ResponseWriter, r *http.Request) error {
	return s.renderSensingRules(w, r, nil, nil)
}

func (s *Server) renderSensingRules(w http.ResponseWriter, r *http.Request, edit *sensing.Rule, refused *errs.Error) error {
	by := caller(r)
	managed, err := s.sensing.ManagedRules(r.Context(), by)
	if err != nil {
		return err
	}
	all, err := s.sensing.Rules(r.Context(), by)
	if err != nil {
		return err
	}
	d := &sensingRulesPage{Rules: all, Managed: map[ids.ID]bool{}, Metrics: sensing.Metrics,
		Kinds: []sensing.RuleKind{sensing.Threshold, sensing.Rate}, Levels: sensing.LevelNames[1:], Edit: edit}
	for _, x := range managed {
		d.Managed[x.ID] = true
	}
	def := region.Code("")
	if sc := by.Scopes(identity.PermSensingManage); len(sc) > 0 {
		def = sc[0]
	}
	p := &page{Title: "eventsui.sensing_rules_title", Face: identity.FaceWorkbench, Data: d, Form: r.PostForm}
	if edit != nil && refused == nil {
		def = edit.Scope
		p.Form = url.Values{"metric": {edit.Metric}, "kind": {string(edit.Kind)}, "window": {strconv.Itoa(edit.Window)}}
		for i, l := range edit.Levels {
			if l != 0 {
				p.Form["level_"+sensing.LevelNames[i+1]] = []string{strconv.FormatFloat(l, 'f', -1, 64)}
			}
		}
		if edit.Enabled {
			p.Form["enabled"] = []string{"1"}
		}
	}
	if edit == nil && refused == nil {
		p.Form = url.Values{"enabled": {"1"}}
	}
	if refused != nil {
		def = region.Code(pickedRegion(r.PostForm, "scope"))
		p.Status, p.Errors, p.Args = status(refused), errorsOf(refused), refused.Args
	}
	d.Picker = s.newPicker("scope", "eventsui.rule_scope", def)
	return s.rd.render(w, r, "sensing_rules", p)
}

// sensingRuleInput reads the rule form; blank levels are unused.
func sensingRuleInput(r *http.Request) (sensing.RuleInput, map[string]string) {
	f := r.PostForm
	bad := map[string]string{}
	in := sensing.RuleInput{Metric: f.Get("metric"), Scope: pickedRegion(f, "scope"), Kind: sensing.RuleKind(f.Get("kind")),
		Enabled: f.Get("enabled") != ""}
	for i, name := range sensing.LevelNames[1:] {
		v, ok := floatOrZero(f.Get("level_" + name))
		if !ok {
			bad["levels"] = "sensing.levels_invalid"
		}
		in.Levels[i] = v
	}
	w, ok := intOrZero(f.Get("window"))
	if !ok {
		bad["window_seconds"] = "sensing.window_invalid"
	}
	in.Window = w
	return in, bad
}

func (s *Server) saveSensingRule(w http.ResponseWriter, r *http.Request, id ids.ID, edit *sensing.Rule) error {
	if err := parseForm(r); err != nil {
		return err
	}
	in, bad := sensingRuleInput(r)
	if len(bad) > 0 {
		return s.renderSensingRules(w, r, edit, errs.As(errs.Fields(bad)))
	}
	_, err := s.sensing.SaveRule(r.Context(), caller(r), id, in)
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		return s.renderSensingRules(w, r, edit, e)
	}
	if e := errs.As(err); e != nil && (e.Code == errs.NotFound || e.Code == errs.Forbidden) && (id == "" || edit != nil) {
		// The rule is the caller's (checked); the new scope is not.
		return s.renderSensingRules(w, r, edit, &errs.Error{Code: errs.Invalid, Msg: "validation.failed",
			Fields: map[string]string{"scope": "eventsui.region_outside_scope"}})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/sensing/rules", http.StatusSeeOther)
	return nil
}

func (s *Server) handleSensingRuleCreate(w http.ResponseWriter, r *http.Request) error {
	return s.saveSensingRule(w, r, "", nil)
}

// managedRule is the rule of the path, if the caller may change it.
func (s *Server) managedRule(r *http.Request) (*sensing.Rule, error) {
	list, err := s.sensing.ManagedRules(r.Context(), caller(r))
	if err != nil {
		return nil, err
	}
	for i := range list {
		if string(list[i].ID) == r.PathValue("id") {
			return &list[i], nil
		}
	}
	return nil, errs.E(errs.NotFound, "sensing.rule.not_found")
}

func (s *Server) handleSensingRuleEdit(w http.ResponseWriter, r *http.Request) error {
	rule, err := s.managedRule(r)
	if err != nil {
		return err
	}
	return s.renderSensingRules(w, r, rule, nil)
}

func (s *Server) handleSensingRuleUpdate(w http.ResponseWriter, r *http.Request) error {
	rule, err := s.managedRule(r)
	if err != nil {
		return err
	}
	return s.saveSensingRule(w, r, rule.ID, rule)
}
