package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/appointment"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
)

// appointmentRow is a booking in a list, with what the viewer may do.
type appointmentRow struct {
	appointment.Appointment
	Upcoming  bool // booked and not started: the person may still cancel
	CanCheck  bool // staff: booked and today
	CanNoShow bool // staff: booked and started
}

func (s *Server) appointmentRows(list []appointment.Appointment) []appointmentRow {
	now := s.appointments.Now()
	today := now.In(workday.Shanghai).Format(appointment.DateLayout)
	out := make([]appointmentRow, len(list))
	for i, a := range list {
		booked := a.State == appointment.Booked
		out[i] = appointmentRow{Appointment: a, Upcoming: booked && a.Start.After(now),
			CanCheck: booked && a.Day == today, CanNoShow: booked && !a.Start.After(now)}
	}
	return out
}

// handleMyAppointments lists the person's bookings (我的预约), with a
// cancel button on those that have not started.
func (s *Server) handleMyAppointments(w http.ResponseWriter, r *http.Request) error {
	list, err := s.appointments.Mine(r.Context(), caller(r), 100)
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "appointment_mine", &page{Title: "appointment.mine_title", Face: identity.FacePortal,
		Data: map[string]any{"Rows": s.appointmentRows(list), "Done": doneKey(r, "booked", "cancelled")}})
}

// doneKey is the confirmation a redirect asked for (?done=booked), if it
// is one of known; "" otherwise, so a made-up value shows nothing.
func doneKey(r *http.Request, known ...string) string {
	done := r.URL.Query().Get("done")
	for _, k := range known {
		if k == done {
			return done
		}
	}
	return ""
}

// bookingView is the booking page: region → center → day → slot, each
// step a plain GET form or link, so it works without JavaScript.
type bookingView struct {
	Picker   *picker
	Centers  []appointment.Center
	Center   *appointment.Center
	Days     []dayOption
	Date     string
	Counters []appointment.CounterSlots
	Item     string // service item code, optional
	ItemName string
	Cases    []cases.Case // the person's open cases, to link one
	CaseID   string
	Slot     string // the chosen slot, "counterID@09:00"
}

type dayOption struct {
	Value, Label string
}

// bookingView gathers the booking page for the query q. A day that cannot
// be booked is returned as the error, with the page still filled.
func (s *Server) bookingView(r *http.Request, q url.Values) (*bookingView, error) {
	ctx, c := r.Context(), caller(r)
	v := &bookingView{Item: strings.TrimSpace(q.Get("item")), CaseID: q.Get("case"), Date: q.Get("date"), Slot: q.Get("slot")}
	if v.Item != "" {
		if it, err := s.catalog.Item(ctx, v.Item); err == nil {
			v.ItemName = it.Name
		}
	}
	if mine, err := s.cases.Mine(ctx, c, 100); err == nil {
		for _, cs := range mine {
			if cs.Open() && cs.State != cases.Draft {
				v.Cases = append(v.Cases, cs)
			}
		}
	}
	if id := q.Get("center"); id != "" {
		center, err := s.appointments.Center(ctx, ids.ID(id))
		if err != nil {
			return v, err
		}
		v.Center = center
		lang := state(ctx).Lang
		for _, d := range s.appointments.Days() {
			v.Days = append(v.Days, dayOption{Value: d.Format(appointment.DateLayout), Label: s.dayLabel(lang, d)})
		}
		if v.Date == "" {
			return v, nil
		}
		_, counters, err := s.appointments.Slots(ctx, center.ID, v.Date)
		v.Counters = counters
		return v, err
	}
	code := s.regionCode(pickedRegion(q, "region"))
	if code == "" {
		if me, err := s.id.Me(ctx, c); err == nil {
			code = s.regionCode(string(me.Region))
		}
	}
	v.Picker = s.newPicker("region", "appointment.region", code)
	centers, err := s.appointments.Centers(ctx, code)
	v.Centers = centers
	return v, err
}

// dayLabel names a day for people: "9月28日 周一".
func (s *Server) dayLabel(lang string, d time.Time) string {
	d = d.In(workday.Shanghai)
	return s.msgs.T(lang, "appointment.day_label", int(d.Month()), d.Day(),
		s.msgs.T(lang, "appointment.weekday."+strconv.Itoa(int(d.Weekday()))))
}

// handleBookingPage is the booking page (预约窗口办理).
func (s *Server) handleBookingPage(w http.ResponseWriter, r *http.Request) error {
	if caller(r).Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	v, err := s.bookingView(r, r.URL.Query())
	return s.renderBooking(w, r, v, err, nil)
}

// renderBooking shows the booking page; err, if the domain refused
// something, is shown as a sentence with its status (409 for a full slot,
// 422 for a rule, 404 for an unknown center).
func (s *Server) renderBooking(w http.ResponseWriter, r *http.Request, v *bookingView, err error, form url.Values) error {
	p := &page{Title: "appointment.book_title", Face: identity.FacePortal, Data: v, Form: form}
	if e := errs.As(err); e != nil && e.Code != errs.Internal {
		p.Status, p.Errors, p.Args = status(err), errorsOf(e), e.Args
	} else if err != nil {
		return err
	}
	return s.rd.render(w, r, "appointment_book", p)
}

// handleBook books the chosen slot and shows the person's bookings; on a
// refusal the booking page comes back with the reason and the choices kept.
func (s *Server) handleBook(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	counterID, at, _ := strings.Cut(f.Get("slot"), "@")
	b := appointment.Booking{CounterID: ids.ID(counterID), ItemCode: f.Get("item"), CaseID: ids.ID(f.Get("case"))}
	if start, err := time.ParseInLocation(appointment.DateLayout+" 15:04", f.Get("date")+" "+at, workday.Shanghai); err == nil {
		b.Start = start
	}
	var err error
	if caller(r).Kind == identity.KindStaff { // 代办预约: counter staff book for a person
		_, err = s.appointments.BookFor(r.Context(), caller(r), f.Get("applicant"), f.Get("consent"), b)
		if err == nil {
			http.Redirect(w, r, "/workbench/appointments?center="+url.QueryEscape(f.Get("center"))+"&date="+url.QueryEscape(f.Get("date")), http.StatusSeeOther)
			return nil
		}
	} else if _, err = s.appointments.Book(r.Context(), caller(r), b); err == nil {
		http.Redirect(w, r, "/appointments?done=booked", http.StatusSeeOther)
		return nil
	}
	if e := errs.As(err); e == nil || e.Code == errs.Internal || e.Code == errs.Unauthenticated {
		return err
	}
	v, verr := s.bookingView(r, url.Values{"center": {f.Get("center")}, "date": {f.Get("date")}, "item": {f.Get("item")},
		"case": {f.Get("case")}, "slot": {f.Get("slot")}})
	if e := errs.As(verr); verr != nil && (e == nil || e.Code == errs.Internal) {
		return verr
	}
	return s.renderBooking(w, r, v, err, f)
}

// handleCancelAppointment cancels one of the person's bookings.
func (s *Server) handleCancelAppointment(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.appointments.Cancel(r.Context(), caller(r), ids.ID(r.PathValue("id"))); err != nil {
		return err
	}
	http.Redirect(w, r, "/appointments?done=cancelled", http.StatusSeeOther)
	return nil
}

// deskView is the counter staff's day: the center's bookings of one day.
type deskView struct {
	Centers []appointment.Center
	Center  *appointment.Center
	Date    string
	Today   string
	Rows    []appointmentRow
	Done    string
}

// handleCounterDesk shows counter staff the bookings of a day (today by
// default) at a center in their scope, with check-in and no-show buttons.
func (s *Server) handleCounterDesk(w http.ResponseWriter, r *http.Request) error {
	c, q := caller(r), r.URL.Query()
	centers, err := s.appointments.StaffCenters(r.Context(), c, identity.PermCaseReceive)
	if err != nil {
		return err
	}
	v := &deskView{Centers: centers, Date: q.Get("date"), Done: doneKey(r, "checked_in", "no_show"),
		Today: s.appointments.Now().In(workday.Shanghai).Format(appointment.DateLayout)}
	if v.Date == "" {
		v.Date = v.Today
	}
	for i := range centers {
		if string(centers[i].ID) == q.Get("center") || v.Center == nil {
			v.Center = &centers[i]
		}
	}
	if v.Center != nil {
		list, err := s.appointments.CenterDay(r.Context(), c, v.Center.ID, v.Date)
		if err != nil {
			return err
		}
		v.Rows = s.appointmentRows(list)
	}
	return s.rd.render(w, r, "appointment_desk", &page{Title: "appointment.desk_title", Face: identity.FaceWorkbench, Data: v})
}

// handleDeskAction checks a person in or marks a no-show, and returns to
// the day's list.
func (s *Server) handleDeskAction(check bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		var a *appointment.Appointment
		var err error
		done := "checked_in"
		if check {
			a, err = s.appointments.CheckIn(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostForm.Get("note"))
		} else {
			a, err = s.appointments.MarkNoShow(r.Context(), caller(r), ids.ID(r.PathValue("id")))
			done = "no_show"
		}
		if err != nil {
			return err
		}
		q := url.Values{"center": {string(a.CenterID)}, "date": {a.Day}, "done": {done}}
		http.Redirect(w, r, "/workbench/appointments?"+q.Encode(), http.StatusSeeOther)
		return nil
	}
}
