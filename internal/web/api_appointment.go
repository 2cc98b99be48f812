package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/appointment"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Huma names schemas after Go types: every type here starts with
// "appointment" so that other domains' types cannot collide with them.

type appointmentCounterBody struct {
	ID          string   `json:"id"`
	Name        string   `json:"name" example:"综合受理1号窗"`
	Departments []string `json:"departments" doc:"department keys it serves; empty: every matter"`
	Opens       string   `json:"opens" example:"09:00" doc:"start of the first slot, Asia/Shanghai"`
	Closes      string   `json:"closes" example:"17:30" doc:"no slot ends later"`
	SlotMinutes int      `json:"slot_minutes" example:"30"`
	Capacity    int      `json:"capacity" example:"2" doc:"people served in one slot"`
	Active      bool     `json:"active"`
	Version     int      `json:"version" doc:"send it back when changing the counter"`
}

func appointmentCounterOf(c *appointment.Counter) appointmentCounterBody {
	deps := c.Departments
	if deps == nil {
		deps = []string{}
	}
	return appointmentCounterBody{ID: string(c.ID), Name: c.Name, Departments: deps, Opens: c.Opens.String(),
		Closes: c.Closes.String(), SlotMinutes: c.SlotMinutes, Capacity: c.Capacity, Active: c.Active, Version: c.Version}
}

type appointmentCenterBody struct {
	ID         string                   `json:"id"`
	Name       string                   `json:"name" example:"广州市天河区政务服务数据管理局"`
	Region     string                   `json:"region" example:"440106"`
	RegionName string                   `json:"region_name" example:"广东省广州市天河区"`
	Counters   []appointmentCounterBody `json:"counters" doc:"active counters"`
}

func (s *Server) appointmentCenterOf(c *appointment.Center) appointmentCenterBody {
	b := appointmentCenterBody{ID: string(c.ID), Name: c.Name, Region: string(c.Region), RegionName: s.regions.FullName(c.Region),
		Counters: []appointmentCounterBody{}}
	for i := range c.Counters {
		b.Counters = append(b.Counters, appointmentCounterOf(&c.Counters[i]))
	}
	return b
}

type appointmentSlotBody struct {
	Start     time.Time `json:"start" doc:"send it as start when booking"`
	End       time.Time `json:"end"`
	Time      string    `json:"time" example:"09:30" doc:"start, Asia/Shanghai"`
	Capacity  int       `json:"capacity"`
	Booked    int       `json:"booked"`
	Remaining int       `json:"remaining"`
	Bookable  bool      `json:"bookable" doc:"not started and a seat is free"`
}

type appointmentCounterSlotsBody struct {
	Counter appointmentCounterBody `json:"counter"`
	Slots   []appointmentSlotBody  `json:"slots"`
}

type appointmentBody struct {
	ID          string     `json:"id"`
	State       string     `json:"state" enum:"booked,cancelled,checked_in,no_show"`
	CenterID    string     `json:"center_id"`
	CenterName  string     `json:"center_name"`
	CounterID   string     `json:"counter_id"`
	CounterName string     `json:"counter_name"`
	Region      string     `json:"region" doc:"the center's region code"`
	Day         string     `json:"day" example:"2026-11-27" doc:"Asia/Shanghai"`
	Time        string     `json:"time" example:"09:30" doc:"slot start, Asia/Shanghai"`
	Start       time.Time  `json:"start"`
	End         time.Time  `json:"end"`
	Name        string     `json:"name" doc:"the person who booked"`
	ItemCode    string     `json:"item_code,omitempty"`
	ItemName    string     `json:"item_name,omitempty"`
	CaseID      string     `json:"case_id,omitempty"`
	HandledAt   *time.Time `json:"handled_at,omitempty" doc:"when counter staff checked the person in or marked the no-show"`
	CreatedAt   time.Time  `json:"created_at"`
}

func appointmentOf(a *appointment.Appointment) appointmentBody {
	return appointmentBody{ID: string(a.ID), State: string(a.State), CenterID: string(a.CenterID), CenterName: a.CenterName,
		CounterID: string(a.CounterID), CounterName: a.CounterName, Region: string(a.Region), Day: a.Day, Time: a.Time.String(),
		Start: a.Start, End: a.End, Name: a.Name, ItemCode: a.ItemCode, ItemName: a.ItemName, CaseID: string(a.CaseID),
		HandledAt: timePtr(a.HandledAt), CreatedAt: a.CreatedAt}
}

type appointmentListOutput struct {
	Body struct {
		Items []appointmentBody `json:"items"`
	}
}

func appointmentList(list []appointment.Appointment) *appointmentListOutput {
	out := &appointmentListOutput{}
	out.Body.Items = make([]appointmentBody, len(list))
	for i := range list {
		out.Body.Items[i] = appointmentOf(&list[i])
	}
	return out
}

type appointmentOutput struct{ Body appointmentBody }

type appointmentIDInput struct {
	ID string `path:"id" maxLength:"36"`
}

func (s *Server) registerAppointmentAPI(api huma.API) {
	s.registerAppointmentCenterAPI(api)
	s.registerAppointmentBookingAPI(api)
	s.registerAppointmentDeskAPI(api)
}

func (s *Server) registerAppointmentCenterAPI(api huma.API) {
	type appointmentCentersInput struct {
		Region string `query:"region" maxLength:"12" example:"440106" doc:"centers within this region, or whose region contains it; all if empty"`
	}
	type appointmentCentersOutput struct {
		Body struct {
			Items []appointmentCenterBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-centers", Method: http.MethodGet, Path: "/api/v1/centers",
		Summary: "Service centers and their counters", Tags: []string{"appointments"},
		Description: "Public: no token needed. Centers (政务服务中心) with their active counters (窗口).",
	}, func(ctx context.Context, in *appointmentCentersInput) (*appointmentCentersOutput, error) {
		var code region.Code
		if in.Region != "" {
			if code = s.regionCode(in.Region); code == "" {
				return nil, s.problem(ctx, errs.Fields(map[string]string{"region": "region.unknown"}))
			}
		}
		centers, err := s.appointments.Centers(ctx, code)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &appointmentCentersOutput{}
		out.Body.Items = []appointmentCenterBody{}
		for i := range centers {
			out.Body.Items = append(out.Body.Items, s.appointmentCenterOf(&centers[i]))
		}
		return out, nil
	})

	type appointmentSlotsInput struct {
		ID   string `path:"id" maxLength:"36"`
		Date string `query:"date" required:"true" maxLength:"10" example:"2026-11-27" doc:"a working day from today to 14 days ahead, Asia/Shanghai"`
	}
	type appointmentSlotsOutput struct {
		Body struct {
			Center   appointmentCenterBody         `json:"center"`
			Date     string                        `json:"date"`
			Counters []appointmentCounterSlotsBody `json:"counters"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-center-slots", Method: http.MethodGet, Path: "/api/v1/centers/{id}/slots",
		Summary: "A center's slots on a day", Tags: []string{"appointments"},
		Description: "Public: no token needed. Every counter's slots with seats taken and whether they can still be " +
			"booked. 422 for a past day, a day off (weekends and statutory holidays; 调休 working days are open) or " +
			"a day more than 14 days ahead; 404 for an unknown center.",
	}, func(ctx context.Context, in *appointmentSlotsInput) (*appointmentSlotsOutput, error) {
		center, counters, err := s.appointments.Slots(ctx, ids.ID(in.ID), in.Date)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &appointmentSlotsOutput{}
		out.Body.Center, out.Body.Date = s.appointmentCenterOf(center), in.Date
		out.Body.Counters = []appointmentCounterSlotsBody{}
		for _, cs := range counters {
			b := appointmentCounterSlotsBody{Counter: appointmentCounterOf(&cs.Counter), Slots: []appointmentSlotBody{}}
			for _, sl := range cs.Slots {
				b.Slots = append(b.Slots, appointmentSlotBody{Start: sl.Start.UTC(), End: sl.End.UTC(), Time: sl.Time.String(),
					Capacity: sl.Capacity, Booked: sl.Booked, Remaining: sl.Remaining(), Bookable: sl.Bookable})
			}
			out.Body.Counters = append(out.Body.Counters, b)
		}
		return out, nil
	})

	type appointmentCounterInput struct {
		ID   string `path:"id" maxLength:"36" doc:"the center"`
		Body struct {
			Name        string   `json:"name" maxLength:"30"`
			Departments []string `json:"departments,omitempty" doc:"department keys; empty: every matter"`
			Opens       string   `json:"opens" example:"09:00"`
			Closes      string   `json:"closes" example:"17:30"`
			SlotMinutes int      `json:"slot_minutes" example:"30"`
			Capacity    int      `json:"capacity" example:"2"`
		}
	}
	type appointmentCounterOutput struct{ Body appointmentCounterBody }
	huma.Register(api, huma.Operation{
		OperationID: "create-counter", Method: http.MethodPost, Path: "/api/v1/centers/{id}/counters",
		DefaultStatus: http.StatusCreated, Summary: "Open a counter", Tags: []string{"appointments"}, Security: bearer,
		Description: "For administrators with org.manage over the center's region and the center's counter staff. " +
			"422 lists every invalid setting.",
	}, func(ctx context.Context, in *appointmentCounterInput) (*appointmentCounterOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		c, err := s.appointments.CreateCounter(ctx, by, ids.ID(in.ID), appointment.CounterInput{Name: b.Name,
			Departments: b.Departments, Opens: b.Opens, Closes: b.Closes, SlotMinutes: b.SlotMinutes, Capacity: b.Capacity})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &appointmentCounterOutput{Body: appointmentCounterOf(c)}, nil
	})
}

func (s *Server) registerAppointmentBookingAPI(api huma.API) {
	type appointmentBookInput struct {
		Body struct {
			CounterID string    `json:"counter_id" maxLength:"36"`
			Start     time.Time `json:"start" doc:"the slot's start, as listed by the slots operation" example:"2026-11-27T09:30:00+08:00"`
			ItemCode  string    `json:"item_code,omitempty" maxLength:"16" doc:"optional: the service item of the visit"`
			CaseID    string    `json:"case_id,omitempty" maxLength:"36" doc:"optional: one of the caller's open cases; checking in records a trip on it"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "book-appointment", Method: http.MethodPost, Path: "/api/v1/appointments",
		DefaultStatus: http.StatusCreated, Summary: "Book a counter slot", Tags: []string{"appointments"}, Security: bearer,
		Description: "For persons and enterprise agents. 409 when the slot is full or the caller already holds a booking " +
			"at that time; 422, with a sentence naming the rule, for a slot that has started, a day off, a day more than " +
			"14 days ahead, a time that is not one of the counter's slots, or an item or case that does not fit.",
	}, func(ctx context.Context, in *appointmentBookInput) (*appointmentOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		a, err := s.appointments.Book(ctx, by, appointment.Booking{CounterID: ids.ID(in.Body.CounterID), Start: in.Body.Start,
			ItemCode: in.Body.ItemCode, CaseID: ids.ID(in.Body.CaseID)})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &appointmentOutput{Body: appointmentOf(a)}, nil
	})

	type appointmentBookForInput struct {
		Body struct {
			Applicant string    `json:"applicant" maxLength:"64" doc:"the person's citizen ID number (or username)"`
			Consent   string    `json:"consent" maxLength:"200" doc:"how the person consented (e.g. 电话预约，本人同意)"`
			CounterID string    `json:"counter_id" maxLength:"36"`
			Start     time.Time `json:"start" example:"2026-11-27T09:30:00+08:00"`
			ItemCode  string    `json:"item_code,omitempty" maxLength:"16"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "book-appointment-for", Method: http.MethodPost, Path: "/api/v1/appointments/for",
		DefaultStatus: http.StatusCreated, Summary: "Book a slot for a person (代办预约)", Tags: []string{"appointments"}, Security: bearer,
		Description: "For counter staff whose scope covers the counter's center, booking for someone who cannot book " +
			"themselves. The person is found by ID number (the lookup is audited with the consent) or username.",
	}, func(ctx context.Context, in *appointmentBookForInput) (*appointmentOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		a, err := s.appointments.BookFor(ctx, by, in.Body.Applicant, in.Body.Consent, appointment.Booking{
			CounterID: ids.ID(in.Body.CounterID), Start: in.Body.Start, ItemCode: in.Body.ItemCode})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &appointmentOutput{Body: appointmentOf(a)}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-my-appointments", Method: http.MethodGet, Path: "/api/v1/appointments",
		Summary: "My bookings", Tags: []string{"appointments"}, Security: bearer,
		Description: "The caller's bookings, latest slot first.",
	}, func(ctx context.Context, _ *struct{}) (*appointmentListOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.appointments.Mine(ctx, by, 100)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return appointmentList(list), nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "cancel-appointment", Method: http.MethodPost, Path: "/api/v1/appointments/{id}/cancel",
		Summary: "Cancel a booking", Tags: []string{"appointments"}, Security: bearer,
		Description: "Until the slot starts; the seat is freed. 404 for someone else's booking; 409 when it is no " +
			"longer booked or has started.",
	}, func(ctx context.Context, in *appointmentIDInput) (*appointmentOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		a, err := s.appointments.Cancel(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &appointmentOutput{Body: appointmentOf(a)}, nil
	})
}

func (s *Server) registerAppointmentDeskAPI(api huma.API) {
	type appointmentCheckInInput struct {
		ID   string    `path:"id" maxLength:"36"`
		Body *struct { // optional: a pointer body may be left out
			Note string `json:"note,omitempty" maxLength:"200" doc:"optional remark, kept with the trip on the case"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "check-in-appointment", Method: http.MethodPost, Path: "/api/v1/appointments/{id}/check-in",
		Summary: "Check a person in (签到)", Tags: []string{"appointments"}, Security: bearer,
		Description: "For counter staff whose case.receive scope covers the center; others get 404. On the day of the " +
			"booking only (409 otherwise, and when it is no longer booked). A booking linked to a case records one trip on it.",
	}, func(ctx context.Context, in *appointmentCheckInInput) (*appointmentOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		note := ""
		if in.Body != nil {
			note = in.Body.Note
		}
		a, err := s.appointments.CheckIn(ctx, by, ids.ID(in.ID), note)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &appointmentOutput{Body: appointmentOf(a)}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "mark-appointment-no-show", Method: http.MethodPost, Path: "/api/v1/appointments/{id}/no-show",
		Summary: "Mark a no-show (爽约)", Tags: []string{"appointments"}, Security: bearer,
		Description: "For counter staff of the center, once the slot has started (409 before).",
	}, func(ctx context.Context, in *appointmentIDInput) (*appointmentOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		a, err := s.appointments.MarkNoShow(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &appointmentOutput{Body: appointmentOf(a)}, nil
	})

	type appointmentDayInput struct {
		ID   string `path:"id" maxLength:"36" doc:"the counter"`
		Date string `query:"date" maxLength:"10" example:"2026-11-27" doc:"default: today (Asia/Shanghai)"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-counter-appointments", Method: http.MethodGet, Path: "/api/v1/counters/{id}/appointments",
		Summary: "A counter's bookings of a day", Tags: []string{"appointments"}, Security: bearer,
		Description: "For counter staff whose scope covers the counter's center (others get 404), in slot order.",
	}, func(ctx context.Context, in *appointmentDayInput) (*appointmentListOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		_, list, err := s.appointments.CounterDay(ctx, by, ids.ID(in.ID), in.Date)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return appointmentList(list), nil
	})
}
