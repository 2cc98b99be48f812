package emergency

import (
	"context"
	"math"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// DeclareInput is what a duty officer says to declare an incident.
type DeclareInput struct {
	Title       string
	Type        Type
	Grade       Grade
	Region      string // region code; empty with SourceAlert: the alert's region
	Address     string
	Lat, Lon    float64 // 0, 0: not given
	Summary     string  // the first situation report
	Drill       bool
	SourceAlert ids.ID // a sensing alert this incident answers, optional
}

// checkPlace validates a region code and coordinates into bad.
func (s *Service) checkPlace(bad map[string]string, code string, lat, lon float64) region.Code {
	var c region.Code
	if code == "" {
		bad["region"] = "form.required"
	} else if s.regions != nil {
		n, err := s.regions.Normalize(code)
		if _, known := s.regions.Lookup(n); err != nil || !known {
			bad["region"] = "region.unknown" // well-formed is not enough: it must exist
		}
		c = n
	} else {
		c = region.Code(code)
	}
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		bad["lat"] = "emergency.coordinate_invalid"
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		bad["lon"] = "emergency.coordinate_invalid"
	}
	return c
}

func checkText(bad map[string]string, field, value string, required bool, max int) {
	switch {
	case required && value == "":
		bad[field] = "form.required"
	case tooLong(value, max):
		bad[field] = "form.too_long"
	}
}

// Declare declares an incident in state declared, with the summary as its
// first situation report, and publishes emergency.declared. Needs
// event.command over the incident's region. With SourceAlert the sensing
// alert must be readable by by; its region is the default, and the event
// the alert opened, if any, is linked in the same transaction (see
// alertlink.go).
//
// Returns errs.Invalid with every bad field, errs.NotFound if the region (or
// the source alert) is outside by's scope.
func (s *Service) Declare(ctx context.Context, by *identity.Caller, in DeclareInput) (*Incident, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if err := identity.Authorize(by, identity.PermEventCommand, ""); err != nil {
		return nil, err
	}
	if in.SourceAlert != "" && s.sensing != nil {
		a, err := s.sensing.Alert(ctx, by, in.SourceAlert)
		if err != nil {
			return nil, err
		}
		if in.Region == "" {
			in.Region = string(a.Region)
		}
	}
	in.Title, in.Address, in.Summary = clean(in.Title), clean(in.Address), clean(in.Summary)
	bad := map[string]string{}
	checkText(bad, "title", in.Title, true, MaxTitle)
	checkText(bad, "address", in.Address, false, MaxTitle)
	checkText(bad, "summary", in.Summary, true, MaxText)
	if !in.Type.Valid() {
		bad["type"] = "form.choice"
	}
	if !in.Grade.Valid() {
		bad["grade"] = "form.choice"
	}
	code := s.checkPlace(bad, in.Region, in.Lat, in.Lon)
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	if err := identity.Authorize(by, identity.PermEventCommand, code); err != nil {
		return nil, err
	}
	now := s.clock()
	inc := &Incident{ID: ids.New(), Title: in.Title, Type: in.Type, Grade: in.Grade, Region: code, Address: in.Address,
		Lat: in.Lat, Lon: in.Lon, Summary: in.Summary, Drill: in.Drill, State: Declared, SourceAlert: in.SourceAlert,
		DeclaredBy: by.UserID, DeclaredByName: by.Name, DeclaredAt: now, UpdatedAt: now, Version: 1}
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateIncident(ctx, inc); err != nil {
			return err
		}
		if err := s.entry(ctx, by, inc.ID, "declared", inc.Summary, now); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "emergency.declared", target(inc), map[string]any{"title": inc.Title,
			"type": inc.Type, "grade": inc.Grade, "drill": inc.Drill, "source_alert": inc.SourceAlert}); err != nil {
			return err
		}
		if err := s.store.AddOutbox(ctx, "emergency.declared", incidentEvent(inc), now); err != nil {
			return err
		}
		return s.linkAlertEvent(ctx, by, inc)
	})
	if err != nil {
		return nil, err
	}
	s.changed(inc.Region)
	return inc, nil
}

// SetCommand names the command structure (each post a staff member's name;
// "" leaves it vacant). Needs event.command over the incident's region.
//
// Returns errs.NotFound outside by's scope, errs.Conflict if the incident
// is closed or changed since version, errs.Invalid for names too long.
func (s *Service) SetCommand(ctx context.Context, by *identity.Caller, id ids.ID, version int, c Command) (*Incident, error) {
	c = Command{Commander: clean(c.Commander), Operations: clean(c.Operations), Planning: clean(c.Planning),
		Logistics: clean(c.Logistics), Finance: clean(c.Finance)}
	bad := map[string]string{}
	for _, sec := range Sections {
		checkText(bad, sec, c.Get(sec), false, MaxName)
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	return s.change(ctx, by, id, version, func(inc *Incident) (string, string, string, map[string]any, error) {
		inc.Command = c
		text := ""
		for _, sec := range Sections {
			if v := c.Get(sec); v != "" {
				text += sec + "=" + v + " "
			}
		}
		return "emergency.command_set", "command", clean(text), map[string]any{"command": c}, nil
	})
}

// Respond starts the response (declared → responding). The commander must
// be named first. Needs event.command over the incident's region.
//
// Returns errs.NotFound outside by's scope, errs.Conflict if the incident
// is not declared ("emergency.not_declared"), has no commander
// ("emergency.commander_required") or changed since version.
func (s *Service) Respond(ctx context.Context, by *identity.Caller, id ids.ID, version int) (*Incident, error) {
	return s.change(ctx, by, id, version, func(inc *Incident) (string, string, string, map[string]any, error) {
		if inc.State != Declared {
			return "", "", "", nil, errs.E(errs.Conflict, "emergency.not_declared")
		}
		if inc.Command.Commander == "" {
			return "", "", "", nil, errs.E(errs.Conflict, "emergency.commander_required")
		}
		inc.State = Responding
		return "emergency.responding", "responding", inc.Command.Commander, map[string]any{"grade": inc.Grade}, nil
	})
}

// Regrade changes the incident's grade (响应级别调整), with a reason.
//
// Returns errs.Invalid for a bad grade or a missing reason, otherwise as
// SetCommand.
func (s *Service) Regrade(ctx context.Context, by *identity.Caller, id ids.ID, version int, g Grade, reason string) (*Incident, error) {
	reason = clean(reason)
	bad := map[string]string{}
	if !g.Valid() {
		bad["grade"] = "form.choice"
	}
	checkText(bad, "reason", reason, true, MaxText)
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	return s.change(ctx, by, id, version, func(inc *Incident) (string, string, string, map[string]any, error) {
		from := inc.Grade
		inc.Grade = g
		return "emergency.regraded", "regraded", from.Roman() + " → " + g.Roman() + ": " + reason,
			map[string]any{"from": from, "to": g, "reason": reason}, nil
	})
}

// Close ends the response with the after-action report (总结评估), which
// is required. The incident's current public alert, if any, is cancelled
// with a CAP Cancel message. Needs event.command over its region.
//
// Returns errs.Invalid without a report, errs.Conflict unless responding
// ("emergency.not_responding") or if changed since version, errs.NotFound
// outside by's scope.
func (s *Service) Close(ctx context.Context, by *identity.Caller, id ids.ID, version int, report string) (*Incident, error) {
	report = clean(report)
	bad := map[string]string{}
	checkText(bad, "report", report, true, MaxReport)
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	return s.change(ctx, by, id, version, func(inc *Incident) (string, string, string, map[string]any, error) {
		if inc.State != Responding {
			return "", "", "", nil, errs.E(errs.Conflict, "emergency.not_responding")
		}
		inc.State, inc.Report, inc.ClosedByName, inc.ClosedAt = Closed, report, by.Name, s.clock()
		return "emergency.closed", "closed", report, map[string]any{"report_chars": len([]rune(report))}, nil
	})
}

// change runs one change of an incident in a transaction: fn changes it and
// names the audit action, timeline kind and text, and audit detail.
func (s *Service) change(ctx context.Context, by *identity.Caller, id ids.ID, version int,
	fn func(inc *Incident) (action, kind, text string, detail map[string]any, err error)) (*Incident, error) {
	var out *Incident
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		inc, err := s.command(ctx, by, id, version)
		if err != nil {
			return err
		}
		action, kind, text, detail, err := fn(inc)
		if err != nil {
			return err
		}
		if err := s.save(ctx, by, inc, action, kind, text, detail); err != nil {
			return err
		}
		if inc.State == Closed {
			if err := s.cancelOnClose(ctx, by, inc); err != nil {
				return err
			}
		}
		out = inc
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.changed(out.Region)
	return out, nil
}

// Report adds a situation report (态势) to the timeline. Needs
// event.command over the incident's region; no version: reports from
// several officers do not conflict.
//
// Returns errs.Invalid for an empty or too long text, errs.Conflict if the
// incident is closed, errs.NotFound outside by's scope.
func (s *Service) Report(ctx context.Context, by *identity.Caller, id ids.ID, text string) (*Entry, error) {
	text = clean(text)
	bad := map[string]string{}
	checkText(bad, "text", text, true, MaxText)
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	var e *Entry
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		inc, err := s.command(ctx, by, id, 0)
		if err != nil {
			return err
		}
		now := s.clock()
		e = &Entry{ID: ids.New(), IncidentID: inc.ID, Kind: "report", Text: text, ByName: by.Name, At: now}
		if err := s.store.AddIncidentEntry(ctx, e); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "emergency.report_added", target(inc), map[string]any{"entry": e.ID}); err != nil {
			return err
		}
		return s.store.AddOutbox(ctx, "emergency.report_added", map[string]any{"id": inc.ID, "entry": e.ID, "region": inc.Region}, now)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}
