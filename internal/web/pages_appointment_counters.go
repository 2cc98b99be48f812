package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/digigov/digigov/internal/appointment"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// countersView is the counter management page of one center: its counters
// and one form, to open a counter or to change the one being edited.
type countersView struct {
	Centers     []appointment.Center
	Center      *appointment.Center
	Edit        *appointment.Counter
	Departments []deptEntry
	DeptNames   map[string]string
	Chosen      map[string]bool // departments ticked in the form
	Saved       bool
}

// handleCounters shows the counters of a center the caller manages
// (administrators with org.manage, the center's counter staff).
func (s *Server) handleCounters(w http.ResponseWriter, r *http.Request) error {
	v, err := s.countersView(r, r.URL.Query().Get("center"), r.URL.Query().Get("edit"))
	if err != nil {
		return err
	}
	v.Saved = r.URL.Query().Get("saved") == "1"
	form := url.Values{"opens": {"09:00"}, "closes": {"17:30"}, "slot_minutes": {"30"}, "capacity": {"2"}, "active": {"1"}}
	if c := v.Edit; c != nil {
		form = url.Values{"name": {c.Name}, "opens": {c.Opens.String()}, "closes": {c.Closes.String()},
			"slot_minutes": {strconv.Itoa(c.SlotMinutes)}, "capacity": {strconv.Itoa(c.Capacity)}}
		if c.Active {
			form.Set("active", "1")
		}
		for _, d := range c.Departments {
			v.Chosen[d] = true
		}
	}
	return s.rd.render(w, r, "appointment_counters", &page{Title: "appointment.counters_title", Face: identity.FaceWorkbench,
		Data: v, Form: form})
}

func (s *Server) countersView(r *http.Request, centerID, editID string) (*countersView, error) {
	c := caller(r)
	centers, err := s.appointments.StaffCenters(r.Context(), c, identity.PermOrgManage, identity.PermCaseReceive)
	if err != nil {
		return nil, err
	}
	v := &countersView{Centers: centers, Departments: departmentList(), DeptNames: catalog.Departments, Chosen: map[string]bool{}}
	for i := range centers {
		if string(centers[i].ID) == centerID || v.Center == nil {
			v.Center = &centers[i]
		}
	}
	if centerID != "" && (v.Center == nil || string(v.Center.ID) != centerID) {
		return nil, errs.E(errs.NotFound, "appointment.center_not_found")
	}
	if editID != "" {
		ct, err := s.appointments.ManagedCounter(r.Context(), c, ids.ID(editID))
		if err != nil {
			return nil, err
		}
		v.Edit = ct
		for i := range centers {
			if centers[i].ID == ct.CenterID {
				v.Center = &centers[i]
			}
		}
	}
	return v, nil
}

// counterInput reads the counter form.
func counterInput(f url.Values) appointment.CounterInput {
	minutes, _ := strconv.Atoi(f.Get("slot_minutes"))
	capacity, _ := strconv.Atoi(f.Get("capacity"))
	return appointment.CounterInput{Name: f.Get("name"), Departments: f["departments"], Opens: f.Get("opens"),
		Closes: f.Get("closes"), SlotMinutes: minutes, Capacity: capacity, Active: f.Get("active") == "1"}
}

// handleSaveCounter opens a counter (POST /workbench/counters) or changes
// one (POST /workbench/counters/{id}); invalid settings bring the form back
// with every problem marked.
func (s *Server) handleSaveCounter(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f, id := r.PostForm, r.PathValue("id")
	var ct *appointment.Counter
	var err error
	if id == "" {
		ct, err = s.appointments.CreateCounter(r.Context(), caller(r), ids.ID(f.Get("center")), counterInput(f))
	} else {
		version, _ := strconv.Atoi(f.Get("version"))
		ct, err = s.appointments.UpdateCounter(r.Context(), caller(r), ids.ID(id), version, counterInput(f))
	}
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict) {
		v, verr := s.countersView(r, f.Get("center"), id)
		if verr != nil {
			return verr
		}
		for _, d := range f["departments"] {
			v.Chosen[d] = true
		}
		return s.rd.render(w, r, "appointment_counters", &page{Title: "appointment.counters_title", Face: identity.FaceWorkbench,
			Status: status(err), Data: v, Form: f, Errors: errorsOf(e), Args: e.Args})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/counters?"+url.Values{"center": {string(ct.CenterID)}, "saved": {"1"}}.Encode(), http.StatusSeeOther)
	return nil
}
