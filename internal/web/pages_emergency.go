package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// emergencyListPage is the incidents list with the declaring form.
type emergencyListPage struct {
	Incidents   []emergency.Incident
	CanCommand  bool
	Picker      *picker
	Types       []emergency.Type
	Grades      []emergency.Grade
	SourceAlert string
}

// handleEmergencyList lists the incidents in the caller's scope and, for
// the duty officer, the form to declare one (?alert= declares from a
// sensing alert).
func (s *Server) handleEmergencyList(w http.ResponseWriter, r *http.Request) error {
	return s.renderEmergencyList(w, r, nil)
}

func (s *Server) renderEmergencyList(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	by := caller(r)
	list, err := s.emergency.Incidents(r.Context(), by, nil, 200)
	if err != nil {
		return err
	}
	for i := range list {
		scrubIncident(&list[i])
	}
	def := region.Code("")
	if sc := by.Scopes(identity.PermEventCommand); len(sc) > 0 {
		def = sc[0]
	}
	p := &page{Title: "emergency.list_title", Face: identity.FaceWorkbench}
	if refused != nil {
		def = region.Code(pickedRegion(r.PostForm, "region"))
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	p.Data = &emergencyListPage{Incidents: list, CanCommand: identity.Authorize(by, identity.PermEventCommand, "") == nil,
		Picker: s.newPicker("region", "emergency.region", def), Types: emergency.Types, Grades: emergency.Grades,
		SourceAlert: r.URL.Query().Get("alert")}
	return s.rd.render(w, r, "emergency_list", p)
}

// floatOrZero parses an optional number; ok is false for a malformed one.
func floatOrZero(v string) (float64, bool) {
	x, ok := floatField(v)
	if x == nil {
		return 0, ok
	}
	return *x, ok
}

// intOrZero parses an optional whole number; ok is false for a malformed one.
func intOrZero(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// handleEmergencyDeclare declares an incident from the form.
func (s *Server) handleEmergencyDeclare(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	lat, okLat := floatOrZero(f.Get("lat"))
	lon, okLon := floatOrZero(f.Get("lon"))
	grade, okGrade := intOrZero(f.Get("grade"))
	bad := map[string]string{}
	if !okLat {
		bad["lat"] = "emergency.coordinate_invalid"
	}
	if !okLon {
		bad["lon"] = "emergency.coordinate_invalid"
	}
	if !okGrade {
		bad["grade"] = "form.choice"
	}
	if !okLat || !okLon {
		lat, lon = 0, 0
	}
	if len(bad) > 0 {
		grade = -1 // the service reports the other fields; these join them
	}
	inc, err := s.emergency.Declare(r.Context(), caller(r), emergency.DeclareInput{Title: f.Get("title"),
		Type: emergency.Type(f.Get("type")), Grade: emergency.Grade(grade), Region: pickedRegion(f, "region"),
		Address: f.Get("address"), Lat: lat, Lon: lon, Summary: f.Get("summary"), Drill: f.Get("drill") == "1",
		SourceAlert: ids.ID(strings.TrimSpace(f.Get("source_alert")))})
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		if e.Fields == nil {
			e.Fields = map[string]string{}
		}
		for k, v := range bad {
			e.Fields[k] = v
		}
		return s.renderEmergencyList(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/emergency/"+string(inc.ID), http.StatusSeeOther)
	return nil
}

// emergencyBoardPage is the command page of one incident.
type emergencyBoardPage struct {
	*emergency.Board
	LinkedEvents  []emergency.EventLink // pages_eventlinks.go
	CanCommand    bool
	Open          bool // not closed
	Orgs          []identity.Organization
	Resources     []emergency.Resource
	Sections      []string
	Grades        []emergency.Grade
	ResponseTypes []string
	Overdue       map[ids.ID]bool
	Failed        string // the form that was refused
	Current       *emergency.Alert
	MapURL        string // the province's GeoJSON map, "" if none
	MapPoints     string // JSON: the incident and its deployments, for emergency-map.js
}

// mapPoint is a point of the command page's map.
type mapPoint struct {
	Name string  `json:"name"`
	Kind string  `json:"kind"` // incident, shelter, team, supply
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
}

// mapPoints lists the incident (if it has coordinates) and its
// deployments as JSON for the map.
func mapPoints(b *emergency.Board) string {
	var pts []mapPoint
	if inc := b.Incident; inc.Lat != 0 || inc.Lon != 0 {
		pts = append(pts, mapPoint{Name: inc.Title, Kind: "incident", Lat: inc.Lat, Lon: inc.Lon})
	}
	for _, d := range b.Deployments {
		pts = append(pts, mapPoint{Name: d.ResourceName, Kind: string(d.Kind), Lat: d.Lat, Lon: d.Lon})
	}
	out, _ := json.Marshal(pts)
	return string(out)
}

// handleEmergencyBoard shows an incident's command page.
func (s *Server) handleEmergencyBoard(w http.ResponseWriter, r *http.Request) error {
	return s.renderEmergencyBoard(w, r, ids.ID(r.PathValue("id")), "", nil)
}

func (s *Server) renderEmergencyBoard(w http.ResponseWriter, r *http.Request, id ids.ID, form string, refused *errs.Error) error {
	by, ctx := caller(r), r.Context()
	b, err := s.emergency.Board(ctx, by, id)
	if err != nil {
		return err
	}
	scrubBoard(b) // free text masked (evsec_scrub.go)
	d := &emergencyBoardPage{Board: b, CanCommand: emergency.CanCommand(by, b.Incident), Open: b.Incident.State != emergency.Closed,
		Sections: emergency.Sections, Grades: emergency.Grades, ResponseTypes: emergency.ResponseTypes,
		Overdue: map[ids.ID]bool{}, Failed: form, MapPoints: mapPoints(b)}
	if province := region.Code(string(b.Incident.Region)[:2]); s.mapFile(province) != nil {
		d.MapURL = "/cockpit/maps/" + string(province) + ".json"
	}
	now := s.emergency.Now()
	for i := range b.Tasks {
		d.Overdue[b.Tasks[i].ID] = b.Tasks[i].Overdue(now)
	}
	for i := range b.Alerts {
		if b.Alerts[i].State == emergency.AlertCurrent {
			d.Current = &b.Alerts[i]
		}
	}
	if d.CanCommand && d.Open {
		if d.Orgs, err = s.emergency.Departments(ctx, b.Incident); err != nil {
			return err
		}
		if d.Resources, err = s.emergency.Resources(ctx, by); err != nil {
			return err
		}
	}
	if d.LinkedEvents, err = s.emergency.LinkedEvents(ctx, by, id); err != nil {
		return err
	}
	p := &page{Title: "emergency.board_title", Face: identity.FaceWorkbench, Data: d}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "emergency_board", p)
}

// handleEmergencyAct runs one of the command page's forms.
func (s *Server) handleEmergencyAct(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	by, ctx, f := caller(r), r.Context(), r.PostForm
	id, act := ids.ID(r.PathValue("id")), r.PathValue("act")
	version, okVersion := intOrZero(f.Get("version"))
	if !okVersion {
		return errs.E(errs.Invalid, "emergency.incident_changed")
	}
	anchor := "#" + act
	var err error
	switch act {
	case "command":
		_, err = s.emergency.SetCommand(ctx, by, id, version, emergency.Command{Commander: f.Get("commander"),
			Operations: f.Get("operations"), Planning: f.Get("planning"), Logistics: f.Get("logistics"), Finance: f.Get("finance")})
	case "respond":
		_, err = s.emergency.Respond(ctx, by, id, version)
	case "regrade":
		g, ok := intOrZero(f.Get("grade"))
		if !ok {
			g = -1
		}
		_, err = s.emergency.Regrade(ctx, by, id, version, emergency.Grade(g), f.Get("reason"))
	case "report":
		_, err = s.emergency.Report(ctx, by, id, f.Get("text"))
		anchor = "#timeline"
	case "task":
		hours, ok1 := intOrZero(f.Get("hours"))
		days, ok2 := intOrZero(f.Get("workdays"))
		if !ok1 || !ok2 {
			err = errs.Fields(map[string]string{"deadline": "emergency.deadline_required"})
			break
		}
		_, err = s.emergency.AddTask(ctx, by, id, emergency.TaskInput{OrgID: ids.ID(f.Get("org")), Title: f.Get("title"),
			Hours: hours, Workdays: days})
		anchor = "#tasks"
	case "deploy":
		q, ok := intOrZero(f.Get("quantity"))
		if !ok {
			err = errs.Fields(map[string]string{"quantity": "emergency.quantity_invalid"})
			break
		}
		_, err = s.emergency.Deploy(ctx, by, id, ids.ID(f.Get("resource")), q, f.Get("note"))
		anchor = "#resources"
	case "alert":
		hours, ok := intOrZero(f.Get("hours"))
		if !ok {
			err = errs.Fields(map[string]string{"hours": "emergency.deadline_hours"})
			break
		}
		_, err = s.emergency.IssueAlert(ctx, by, id, version, emergency.AlertInput{Cancel: f.Get("cancel") == "1",
			Headline: f.Get("headline"), Description: f.Get("description"), Instruction: f.Get("instruction"),
			ResponseType: f.Get("response_type"), HeadlineEn: f.Get("headline_en"), DescriptionEn: f.Get("description_en"),
			InstructionEn: f.Get("instruction_en"), Hours: hours})
		anchor = "#alerts"
	case "close":
		_, err = s.emergency.Close(ctx, by, id, version, f.Get("report"))
	default:
		return errs.E(errs.NotFound, "error.page_not_found")
	}
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict) {
		return s.renderEmergencyBoard(w, r, id, act, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/emergency/"+string(id)+anchor, http.StatusSeeOther)
	return nil
}

// handleEmergencyTaskProgress records a task's progress from the command
// page.
func (s *Server) handleEmergencyTaskProgress(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	version, ok1 := intOrZero(f.Get("version"))
	pct, ok2 := intOrZero(f.Get("progress"))
	incident := ids.ID(f.Get("incident"))
	var err error
	if !ok1 || !ok2 {
		err = errs.Fields(map[string]string{"progress": "emergency.progress_range"})
	} else {
		_, err = s.emergency.Progress(r.Context(), caller(r), ids.ID(r.PathValue("id")), version, pct, f.Get("note"))
	}
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict) && ids.Valid(string(incident)) {
		return s.renderEmergencyBoard(w, r, incident, "progress", e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/emergency/"+string(incident)+"#tasks", http.StatusSeeOther)
	return nil
}

// emergencyResourcesPage lists resources with the registering form.
type emergencyResourcesPage struct {
	Resources  []emergency.Resource
	Kinds      []emergency.ResourceKind
	Picker     *picker
	CanCommand bool
}

// handleEmergencyResources lists the shelters, teams and supplies in the
// caller's scope.
func (s *Server) handleEmergencyResources(w http.ResponseWriter, r *http.Request) error {
	return s.renderEmergencyResources(w, r, nil)
}

func (s *Server) renderEmergencyResources(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	by := caller(r)
	list, err := s.emergency.Resources(r.Context(), by)
	if err != nil {
		return err
	}
	def := region.Code("")
	if sc := by.Scopes(identity.PermEventCommand); len(sc) > 0 {
		def = sc[0]
	}
	p := &page{Title: "emergency.resources_title", Face: identity.FaceWorkbench}
	if refused != nil {
		def = region.Code(pickedRegion(r.PostForm, "region"))
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	p.Data = &emergencyResourcesPage{Resources: list, Kinds: emergency.ResourceKinds,
		Picker: s.newPicker("region", "emergency.region", def), CanCommand: identity.Authorize(by, identity.PermEventCommand, "") == nil}
	return s.rd.render(w, r, "emergency_resources", p)
}

// handleEmergencyResourceCreate registers a resource from the form.
func (s *Server) handleEmergencyResourceCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	lat, ok1 := floatOrZero(f.Get("lat"))
	lon, ok2 := floatOrZero(f.Get("lon"))
	q, ok3 := intOrZero(f.Get("quantity"))
	bad := map[string]string{}
	if !ok1 || !ok2 {
		bad["lat"] = "emergency.coordinate_invalid"
	}
	if !ok3 {
		bad["quantity"] = "emergency.quantity_invalid"
	}
	if len(bad) > 0 {
		return s.renderEmergencyResources(w, r, errs.As(errs.Fields(bad)))
	}
	_, err := s.emergency.CreateResource(r.Context(), caller(r), emergency.ResourceInput{Kind: emergency.ResourceKind(f.Get("kind")),
		Name: f.Get("name"), Region: pickedRegion(f, "region"), Address: f.Get("address"), Lat: lat, Lon: lon, Quantity: q,
		Unit: f.Get("unit")})
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		return s.renderEmergencyResources(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/emergency/resources", http.StatusSeeOther)
	return nil
}

// cockpitEmergency is the cockpit's emergencies figure: incidents not
// closed within the region shown. It is read when the page loads (the live
// stream does not carry it).
type cockpitEmergency struct{ Active int }

// addCockpitEmergency adds the active incidents within the cockpit's
// region (?region=, default the viewer's scope) to its page data.
func (s *Server) addCockpitEmergency(r *http.Request, data map[string]any) error {
	if s.emergency == nil {
		return nil
	}
	n, err := s.emergency.ActiveCount(r.Context(), caller(r), region.Code(r.URL.Query().Get("region")))
	if errs.Is(err, errs.Forbidden) {
		return nil
	}
	if err != nil {
		return err
	}
	data["Emergency"] = &cockpitEmergency{Active: n}
	return nil
}
