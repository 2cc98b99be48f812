package web

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
)

// cockpitSensing is what the cockpit page shows of the indicators when it
// loads; the live stream updates it in place.
type cockpitSensing struct {
	Summary *sensing.Summary
	Metrics []sensing.Metric
	Events  *CockpitEventFigures // nil: the events engine has not provided its figures
	Live    string               // the stream's URL
	MapURL  string               // the region's map, "" if there is none (a table only)
	// Measure is the events measure colouring the map (one of
	// cockpitEventMeasures), "" when the indicator Summary.Metric does.
	Measure       string
	EventMeasures []string
}

// cockpitEventMeasures are the events figures the cockpit's map can be
// coloured by, per child region (the keys of CockpitEventArea's JSON and
// of the messages cockpit.measure.<key>).
var cockpitEventMeasures = []string{"today", "overdue", "closure_rate_30", "satisfaction"}

// cockpitSensingData reads the cockpit's indicator figures for the region
// and metric the query asks for (the viewer's widest scope and rainfall by
// default).
func (s *Server) cockpitSensingData(ctx context.Context, by *identity.Caller, q map[string][]string) (*cockpitSensing, error) {
	if s.sensing == nil {
		return nil, nil
	}
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	sum, err := s.sensing.Summary(ctx, by, region.Code(get("region")), get("metric"))
	if err != nil {
		return nil, err
	}
	d := &cockpitSensing{Summary: sum, Metrics: sensing.Metrics,
		Live: "/cockpit/live?region=" + string(sum.Region) + "&metric=" + sum.Metric}
	if s.mapFile(sum.Region) != nil || s.countyMap(sum.Region) != nil {
		d.MapURL = "/cockpit/maps/" + string(sum.Region) + ".json"
	}
	if s.cockpitEvents != nil {
		if d.Events, err = s.cockpitEvents(ctx, by, sum.Region); err != nil {
			return nil, err
		}
		d.EventMeasures = cockpitEventMeasures
		for _, m := range cockpitEventMeasures {
			if get("measure") == m {
				d.Measure = m
			}
		}
	}
	return d, nil
}

// handleCockpitMap serves a GeoJSON map: from the configured directory
// when it holds the file, else the embedded Guangdong map for 44. A city
// without a map answers 404 and the cockpit shows its counties as a table.
func (s *Server) handleCockpitMap(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	code := strings.TrimSuffix(name, ".json")
	if code == name || region.LevelOf(region.Code(code)) == 0 || region.LevelOf(region.Code(code)) > region.City {
		return errs.E(errs.NotFound, "error.page_not_found")
	}
	b := s.mapFile(region.Code(code))
	if b == nil {
		return s.serveCountyMap(w, r, region.Code(code)) // pages_cockpitmaps.go
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
	return nil
}

// mapFile is the GeoJSON map of a region: the configured directory's file,
// else the embedded Guangdong map for 44; nil if there is none.
func (s *Server) mapFile(c region.Code) []byte {
	if s.cockpitMaps != "" {
		if b, err := os.ReadFile(filepath.Join(s.cockpitMaps, string(c)+".json")); err == nil {
			return b
		}
	}
	if c == "44" {
		return s.assets.files["vendor/guangdong.json"]
	}
	return nil
}

// handleSensingDesk is the duty officer's desk: the indicators of their
// region now, and the alerts to acknowledge and close.
func (s *Server) handleSensingDesk(w http.ResponseWriter, r *http.Request) error {
	return s.renderSensingDesk(w, r, nil)
}

func (s *Server) renderSensingDesk(w http.ResponseWriter, r *http.Request, actErr error) error {
	by := caller(r)
	if err := identity.Authorize(by, identity.PermSensingManage, ""); err != nil {
		return err
	}
	sum, err := s.sensing.Summary(r.Context(), by, region.Code(r.URL.Query().Get("region")), r.URL.Query().Get("metric"))
	if err != nil {
		return err
	}
	alerts, err := s.sensing.Alerts(r.Context(), by, []sensing.AlertState{sensing.Open, sensing.Acknowledged}, 200)
	if err != nil {
		return err
	}
	p := &page{Title: "sensing.desk_title", Face: identity.FaceWorkbench, Data: map[string]any{
		"Summary": sum, "Alerts": alerts, "Metrics": sensing.Metrics,
		"Live": "/cockpit/live?region=" + string(sum.Region) + "&metric=" + sum.Metric}}
	if actErr != nil {
		p.Status = status(actErr)
		p.Flash = ""
		p.Errors = map[string]string{"alert": errKey(actErr)}
	}
	return s.rd.render(w, r, "sensing_desk", p)
}

// errKey is the message key of a coded error.
func errKey(err error) string {
	if e := errs.As(err); e != nil && e.Msg != "" {
		return e.Msg
	}
	return "error.internal"
}

// handleSensingAlertAct acknowledges or closes an alert from the desk.
func (s *Server) handleSensingAlertAct(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id, note := ids.ID(r.PathValue("id")), r.PostForm.Get("note")
	var err error
	switch r.PathValue("act") {
	case "acknowledge":
		_, err = s.sensing.Acknowledge(r.Context(), caller(r), id, note)
	case "close":
		_, err = s.sensing.Close(r.Context(), caller(r), id, note)
	default:
		return errs.E(errs.NotFound, "error.page_not_found")
	}
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.Conflict {
		return s.renderSensingDesk(w, r, err)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/sensing#alerts", http.StatusSeeOther)
	return nil
}

// addCockpitSensing adds the indicators, the live stream and the events
// slot to the cockpit page's data, with the figures and labels as JSON for
// cockpit.js.
func (s *Server) addCockpitSensing(r *http.Request, data map[string]any) error {
	d, err := s.cockpitSensingData(r.Context(), caller(r), r.URL.Query())
	if err != nil || d == nil {
		return err
	}
	update, err := json.Marshal(liveUpdate{Sensing: d.Summary, Events: d.Events})
	if err != nil {
		return err
	}
	lang := state(r.Context()).Lang
	labels := map[string]any{"levels": map[string]string{}, "metrics": map[string]any{}, "measures": map[string]string{},
		"no_alerts": s.msgs.T(lang, "sensing.no_alerts"), "unit_hint": s.msgs.T(lang, "sensing.last_hour")}
	for _, m := range cockpitEventMeasures {
		labels["measures"].(map[string]string)[m] = s.msgs.T(lang, "cockpit.measure."+m)
	}
	for _, l := range sensing.LevelNames[1:] {
		labels["levels"].(map[string]string)[l] = s.msgs.T(lang, "sensing.level."+l)
	}
	for _, m := range sensing.Metrics {
		labels["metrics"].(map[string]any)[m.Code] = map[string]any{"name": s.msgs.T(lang, m.NameKey()), "unit": s.msgs.T(lang, m.UnitKey()),
			"levels": m.Default}
	}
	lb, err := json.Marshal(labels)
	if err != nil {
		return err
	}
	data["Sensing"], data["SummaryJSON"], data["LabelsJSON"] = d, string(update), string(lb)
	data["LevelNames"] = sensing.LevelNames[:]
	return nil
}
