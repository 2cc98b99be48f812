package web

import (
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// eventGroup is a category group with its subcategories, for selects.
type eventGroup struct {
	governance.Category
	Leaves []governance.Category
}

func eventGroups() []eventGroup {
	var out []eventGroup
	for _, c := range governance.Categories() {
		if !c.Leaf() {
			out = append(out, eventGroup{Category: c})
			continue
		}
		out[len(out)-1].Leaves = append(out[len(out)-1].Leaves, c)
	}
	return out
}

// eventRow is an event in a list, with its traffic light.
type eventRow struct {
	governance.Event
	Light string
	Cat   governance.Category
}

func (s *Server) eventRows(list []governance.Event) []eventRow {
	out := make([]eventRow, len(list))
	for i := range list {
		c, _ := governance.CategoryOf(list[i].Category)
		out[i] = eventRow{Event: scrubbedEvent(list[i]), Light: s.governance.Light(&list[i]).String(), Cat: c}
	}
	return out
}

// reportMode is who the report form is for.
func reportMode(by *identity.Caller) string {
	switch {
	case by.HasRole(identity.RoleHotlineOperator):
		return "hotline"
	case by.HasRole(identity.RoleGridWorker):
		return "grid"
	case by.Kind == identity.KindPerson || by.Kind == identity.KindEnterprise:
		return "portal"
	}
	return "staff"
}

// reportPage is what the report form shows: the form, and for grid
// workers and hotline operators the work beside it.
type reportPage struct {
	Mode      string
	Groups    []eventGroup
	Urgencies []governance.Urgency
	Picker    *picker
	Knowledge *hotlineKB // pages_knowledge.go
	Tasks     []eventRow // grid: verification tasks; hotline: call-backs due
	Page      int        // hotline: the page of call-backs due, from 1
	More      bool       // hotline: a next page exists
	Mine      []eventRow
}

// handleReportForm is the report form: the portal's 我要报事, the grid
// worker's patrol report, the hotline operator's ticket.
func (s *Server) handleReportForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderReport(w, r, nil)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	by := caller(r)
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	mode := reportMode(by)
	if mode == "staff" && identity.Authorize(by, identity.PermEventReport, "") != nil {
		return errs.E(errs.Forbidden, "auth.forbidden")
	}
	def := region.Code("")
	if sc := by.Scopes(identity.PermEventReport); len(sc) > 0 {
		def = sc[0]
	}
	if refused != nil {
		def = region.Code(pickedRegion(r.PostForm, "region"))
	}
	d := &reportPage{Mode: mode, Groups: eventGroups(), Urgencies: governance.Urgencies, Picker: s.newPicker("region", "event.region", def)}
	ctx := r.Context()
	switch mode {
	case "grid":
		list, err := s.governance.List(ctx, by, governance.Query{States: []governance.State{governance.Replied}, Order: governance.ByDeadline, Limit: 50})
		if err != nil {
			return err
		}
		d.Tasks = s.eventRows(list)
	case "hotline":
		kb, err := s.hotlineKnowledge(r, by)
		if err != nil {
			return err
		}
		d.Knowledge = kb
		if err := s.callbacksDue(r, by, d); err != nil { // pages_evflow.go
			return err
		}
	}
	if mode != "hotline" {
		mine, err := s.governance.Mine(ctx, by, 20)
		if err != nil {
			return err
		}
		d.Mine = s.eventRows(mine)
	}
	face := identity.FaceWorkbench
	if mode == "portal" {
		face = identity.FacePortal
	}
	p := &page{Title: "event.report_title." + mode, Face: face, Data: d}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "event_report", p)
}

// uploadPhotos stores the form's photo files and returns them with by's
// receipts.
func (s *Server) uploadPhotos(r *http.Request, by *identity.Caller) ([]governance.PhotoRef, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []governance.PhotoRef
	for _, fh := range r.MultipartForm.File["photos"] {
		if fh.Size == 0 {
			continue
		}
		sum, err := s.uploadOne(r, by, fh)
		if err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
	return out, nil
}

func (s *Server) uploadOne(r *http.Request, by *identity.Caller, fh *multipart.FileHeader) (governance.PhotoRef, error) {
	f, err := fh.Open()
	if err != nil {
		return governance.PhotoRef{}, err
	}
	defer f.Close()
	return s.governance.UploadPhoto(r.Context(), by, f)
}

func floatField(v string) (*float64, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	x, err := strconv.ParseFloat(v, 64)
	return &x, err == nil
}

// handleReport files the form's report and shows the new event.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	by := caller(r)
	f := r.PostForm
	photos, err := s.uploadPhotos(r, by)
	if err != nil {
		if e := errs.As(err); e != nil && e.Code == errs.Invalid {
			return s.renderReport(w, r, e)
		}
		return err
	}
	lat, okLat := floatField(f.Get("lat"))
	lng, okLng := floatField(f.Get("long"))
	if !okLat || !okLng {
		bad := map[string]string{}
		if !okLat {
			bad["lat"] = "event.lat_range"
		}
		if !okLng {
			bad["long"] = "event.long_range"
		}
		return s.renderReport(w, r, errs.As(errs.Fields(bad)))
	}
	in := governance.Input{Category: f.Get("category"), Description: f.Get("description"), Region: pickedRegion(f, "region"),
		Address: f.Get("address"), Lat: lat, Lng: lng, Urgency: governance.Urgency(f.Get("urgency")),
		ReporterName: f.Get("reporter_name"), Phone: f.Get("phone"), Photos: photos}
	switch reportMode(by) {
	case "grid":
		in.Source = governance.SourceGrid
		in.OnSpot, in.OnSpotNote = f.Get("on_spot") == "1", f.Get("on_spot_note")
	case "hotline":
		in.Source = governance.SourceHotline
		if f.Get("handling") == "answer" {
			in.Answer = f.Get("answer")
			if strings.TrimSpace(in.Answer) == "" {
				in.Answer = s.knowledgeAnswer(r, by, f.Get("kb"))
			}
			if strings.TrimSpace(in.Answer) == "" {
				return s.renderReport(w, r, errs.As(errs.Fields(map[string]string{"answer": "event.comment_required"})))
			}
		}
	case "staff":
		in.Source = governance.SourceAPI
	}
	e, _, err := s.governance.Report(r.Context(), by, in)
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		return s.renderReport(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/events/"+string(e.ID)+"?new=1", http.StatusSeeOther)
	return nil
}

// eventPage is an event with what the viewer may do with it.
type eventPage struct {
	Row        eventRow
	Steps      []governance.Step
	Allowed    []governance.Action
	Orgs       []identity.Organization // candidates for dispatch and reassignment
	Groups     []eventGroup
	Duplicates []string // IDs the report step suggested
	Staff      bool
	New        bool
	Parts      []int           // the split form's rows
	Ratings    []int           // the call-back's choices, best first
	Reasons    []string        // reject: the reason codes
	Incidents  *eventIncidents // linked incidents (pages_eventlinks.go); nil: none to show
	CanReveal  bool            // the viewer may reveal the phone for a call-back (pages_evflow.go)
	Revealed   string          // the phone in full, once, after an audited reveal; the texts are then shown in clear too
	Device     string          // staff: the Open311 device_id the report came from (evgeo.go)
}

// Can reports whether the viewer may take action a.
func (p *eventPage) Can(a string) bool {
	for _, x := range p.Allowed {
		if string(x) == a {
			return true
		}
	}
	return false
}

func (s *Server) handleEvent(w http.ResponseWriter, r *http.Request) error {
	return s.renderEvent(w, r, ids.ID(r.PathValue("id")), nil)
}

func (s *Server) renderEvent(w http.ResponseWriter, r *http.Request, id ids.ID, refused *errs.Error, opts ...func(*eventPage)) error {
	by := caller(r)
	e, steps, err := s.governance.Get(r.Context(), by, id)
	if err != nil {
		return err
	}
	d := &eventPage{Row: s.eventRows([]governance.Event{*e})[0], Steps: stepsFor(by, steps), Allowed: s.governance.Allowed(by, e),
		Groups: eventGroups(), Staff: by.Kind == identity.KindStaff, New: r.URL.Query().Get("new") == "1",
		Parts: []int{1, 2, 3}, Ratings: []int{5, 4, 3, 2, 1}, Reasons: governance.RejectReasons}
	d.Row.Event = eventFor(by, e) // the free text masked, except by's own (evsec_scrub.go)
	d.Row.Phone = e.Phone
	for _, st := range steps {
		if list, ok := st.Detail["duplicates"].([]any); ok {
			for _, x := range list {
				if v, ok := x.(string); ok {
					d.Duplicates = append(d.Duplicates, v)
				}
			}
		}
	}
	if d.Can("dispatch") || d.Can("approve") || d.Can("request_reassign") {
		orgs, err := s.id.Organizations(r.Context())
		if err != nil {
			return err
		}
		h := e.HandlingRegion()
		for _, o := range orgs {
			if o.Department != "" && (region.Within(o.Region, h) || region.Within(e.Region, o.Region)) {
				d.Orgs = append(d.Orgs, o)
			}
		}
	}
	if d.Incidents, err = s.eventIncidentsOf(r, e); err != nil {
		return err
	}
	d.CanReveal = s.governance.CanRevealPhone(by, e)
	if d.Device, err = s.eventDevice(r.Context(), by, e); err != nil {
		return err
	}
	for _, o := range opts {
		o(d)
	}
	if d.Revealed != "" { // the audited reveal shows the typed texts in clear too (evsec_scrub.go)
		d.Row.Description, d.Row.Address, d.Row.Reply, d.Steps = e.Description, e.Address, e.Reply, steps
	}
	face := identity.FaceWorkbench
	if !d.Staff {
		face = identity.FacePortal
	}
	p := &page{Title: "event.title", Face: face, Data: d}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "event", p)
}

// handleEventAct takes one step from the event page's forms.
func (s *Server) handleEventAct(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	by := caller(r)
	id := ids.ID(r.PathValue("id"))
	f := r.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	rating, _ := strconv.Atoi(f.Get("rating"))
	a := governance.Act{Action: governance.Action(f.Get("action")), Version: version, Comment: f.Get("comment"),
		Lead: ids.ID(f.Get("lead")), Target: ids.ID(strings.TrimSpace(f.Get("target"))), Rating: rating, Reason: f.Get("reason")}
	for _, x := range f["assist"] {
		if x != "" {
			a.Assist = append(a.Assist, ids.ID(x))
		}
	}
	cats, descs := f["part_category"], f["part_description"]
	for i := range cats {
		if i < len(descs) && (cats[i] != "" || strings.TrimSpace(descs[i]) != "") {
			a.Parts = append(a.Parts, governance.Part{Category: cats[i], Description: descs[i]})
		}
	}
	photos, err := s.uploadPhotos(r, by)
	if err == nil {
		a.Photos = photos
		_, err = s.governance.Do(r.Context(), by, id, a)
	}
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict || e.Code == errs.Forbidden) {
		return s.renderEvent(w, r, id, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/events/"+string(id), http.StatusSeeOther)
	return nil
}

// handleEventPhoto serves a photo of an event to whoever may see it.
func (s *Server) handleEventPhoto(w http.ResponseWriter, r *http.Request) error {
	by := caller(r)
	e, steps, err := s.governance.Get(r.Context(), by, ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	rc, ct, err := s.governance.Photo(r.Context(), by, e, steps, r.PathValue("sha"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = io.Copy(w, rc)
	return err
}

// eventListPage is a list of events: the queue, the overdue view, my reports.
type eventListPage struct {
	Kind   string // queue, overdue, mine
	State  string
	States []governance.State
	Rows   []eventRow
	Total  int    // queue and overdue: events in all
	Next   string // queue and overdue: the link to the next page, "" on the last
}

// eventPageSize is how many events a page of the queue or the overdue
// view shows; the rest follow page by page (governance.ListPage).
const eventPageSize = 100

// pageOf fills d from a page of events, linking the next page from path
// (which may carry a query already).
func (s *Server) pageOf(d *eventListPage, p *governance.Page, path string) {
	d.Rows, d.Total = s.eventRows(p.Events), p.Total
	if p.Next != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		d.Next = path + sep + "after=" + url.QueryEscape(p.Next)
	}
}

// handleEventQueue is the dispatcher's and department's queue: open
// events within reach, earliest deadline first, with traffic lights.
func (s *Server) handleEventQueue(w http.ResponseWriter, r *http.Request) error {
	by := caller(r)
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	st := r.URL.Query().Get("state")
	q := governance.Query{States: governance.OpenStates}
	if st != "" {
		ok := false
		for _, x := range governance.States {
			ok = ok || string(x) == st
		}
		if !ok {
			return errs.E(errs.NotFound, "error.page_not_found")
		}
		q.States = []governance.State{governance.State(st)}
	}
	pg, err := s.governance.ListPage(r.Context(), by, q, eventPageSize, r.URL.Query().Get("after"))
	if err != nil {
		return err
	}
	d := &eventListPage{Kind: "queue", State: st, States: governance.States}
	path := "/workbench/events"
	if st != "" {
		path += "?state=" + url.QueryEscape(st)
	}
	s.pageOf(d, pg, path)
	return s.rd.render(w, r, "event_list", &page{Title: "event.queue_title", Face: identity.FaceWorkbench, Data: d})
}

// handleEventOverdue is the supervisor's view: open events past their deadline.
func (s *Server) handleEventOverdue(w http.ResponseWriter, r *http.Request) error {
	by := caller(r)
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	pg, err := s.governance.ListPage(r.Context(), by, governance.Query{OverdueAt: time.Now()}, eventPageSize, r.URL.Query().Get("after"))
	if err != nil {
		return err
	}
	d := &eventListPage{Kind: "overdue"}
	s.pageOf(d, pg, "/workbench/events/overdue")
	return s.rd.render(w, r, "event_list", &page{Title: "event.overdue_title", Face: identity.FaceWorkbench, Data: d})
}

// handleMyEvents is the reporter's list: 我的报事.
func (s *Server) handleMyEvents(w http.ResponseWriter, r *http.Request) error {
	list, err := s.governance.Mine(r.Context(), caller(r), 100)
	if err != nil {
		return err
	}
	face := identity.FacePortal
	if caller(r).Kind == identity.KindStaff {
		face = identity.FaceWorkbench
	}
	return s.rd.render(w, r, "event_list", &page{Title: "event.mine_title", Face: face,
		Data: &eventListPage{Kind: "mine", Rows: s.eventRows(list)}})
}
