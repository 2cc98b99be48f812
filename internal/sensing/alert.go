package sensing

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// AlertState is where an alert is in its life.
type AlertState string

const (
	Open         AlertState = "open"         // raised (or escalated), nobody has taken it yet
	Acknowledged AlertState = "acknowledged" // a duty officer is on it
	Closed       AlertState = "closed"       // dealt with; a new crossing raises a new alert
)

// Alert is a rule's levels crossed at a station. At most one alert per
// rule and station is not closed at any time.
type Alert struct {
	ID          ids.ID      `json:"id"`
	RuleID      ids.ID      `json:"rule_id"`
	Kind        RuleKind    `json:"kind"`
	StationID   int64       `json:"-"`
	Station     string      `json:"station"`
	StationName string      `json:"station_name"`
	Metric      string      `json:"metric"`
	Region      region.Code `json:"region"`
	Level       Level       `json:"level"`
	Value       float64     `json:"value"`     // the reading (Threshold) or rise per hour (Rate) that set Level
	Threshold   float64     `json:"threshold"` // the level's threshold
	ReadingAt   int64       `json:"reading_at"`
	State       AlertState  `json:"state"`
	RaisedAt    time.Time   `json:"raised_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	AckBy       string      `json:"acknowledged_by,omitempty"` // name
	AckAt       time.Time   `json:"acknowledged_at,omitzero"`
	ClosedBy    string      `json:"closed_by,omitempty"`
	ClosedAt    time.Time   `json:"closed_at,omitzero"`
	Note        string      `json:"note,omitempty"`
	Version     int         `json:"-"`
}

// AlertQuery selects alerts.
type AlertQuery struct {
	Within []region.Code // alerts whose region lies within one of these (none: no alert)
	States []AlertState  // empty: every state
	Limit  int
}

// alertEvent is the outbox payload of every sensing.alert.* topic; see
// docs/sensing.md.
func alertEvent(a *Alert) map[string]any {
	m, _ := MetricByCode(a.Metric)
	return map[string]any{"alert_id": a.ID, "rule_id": a.RuleID, "kind": a.Kind, "station": a.Station,
		"station_name": a.StationName, "metric": a.Metric, "unit": m.Unit, "region": a.Region, "level": a.Level.String(),
		"value": a.Value, "threshold": a.Threshold, "reading_at": time.Unix(a.ReadingAt, 0).UTC(), "state": a.State,
		"raised_at": a.RaisedAt}
}

func alertTarget(a *Alert) audit.Target { return audit.Target{Type: "sensing_alert", ID: string(a.ID)} }

// Alerts lists the alerts within by's region scope (cockpit or
// sensing.manage) in the given states, highest level first, newest first.
//
// Returns errs.Unauthenticated for anonymous callers and errs.Forbidden for
// callers with neither permission.
func (s *Service) Alerts(ctx context.Context, by *identity.Caller, states []AlertState, limit int) ([]Alert, error) {
	scopes := readScopes(by)
	if len(scopes) == 0 {
		return nil, identity.Authorize(by, identity.PermCockpit, "")
	}
	for _, st := range states {
		if st != Open && st != Acknowledged && st != Closed {
			return nil, errs.Fields(map[string]string{"state": "form.choice"})
		}
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.store.Alerts(ctx, AlertQuery{Within: scopes, States: states, Limit: limit})
}

// Alert returns one alert. Returns errs.NotFound if it does not exist or
// lies outside by's scope.
func (s *Service) Alert(ctx context.Context, by *identity.Caller, id ids.ID) (*Alert, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	a, err := s.store.Alert(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, sc := range readScopes(by) {
		if region.Within(a.Region, sc) {
			return a, nil
		}
	}
	return nil, errs.E(errs.NotFound, "sensing.alert.not_found")
}

// readScopes are the regions whose indicators and alerts by may read.
func readScopes(by *identity.Caller) []region.Code {
	return append(by.Scopes(identity.PermCockpit), by.Scopes(identity.PermSensingManage)...)
}

// Acknowledge marks an open alert as being dealt with, and publishes
// sensing.alert.acknowledged. Needs sensing.manage over the alert's region.
//
// Returns errs.NotFound if the alert does not exist or is outside by's
// scope, errs.Conflict ("sensing.alert_not_open") unless it is open.
func (s *Service) Acknowledge(ctx context.Context, by *identity.Caller, id ids.ID, note string) (*Alert, error) {
	return s.transition(ctx, by, id, note, Acknowledged)
}

// Close closes an open or acknowledged alert, and publishes
// sensing.alert.closed. Needs sensing.manage over the alert's region.
//
// Returns errs.NotFound if the alert does not exist or is outside by's
// scope, errs.Conflict ("sensing.alert_closed") if it is closed already.
func (s *Service) Close(ctx context.Context, by *identity.Caller, id ids.ID, note string) (*Alert, error) {
	return s.transition(ctx, by, id, note, Closed)
}

func (s *Service) transition(ctx context.Context, by *identity.Caller, id ids.ID, note string, to AlertState) (*Alert, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 500 {
		return nil, errs.Fields(map[string]string{"note": "form.too_long"})
	}
	var out *Alert
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		a, err := s.store.Alert(ctx, id)
		if err != nil {
			return err
		}
		if identity.Authorize(by, identity.PermSensingManage, a.Region) != nil {
			return errs.E(errs.NotFound, "sensing.alert.not_found")
		}
		switch {
		case a.State == Closed:
			return errs.E(errs.Conflict, "sensing.alert_closed")
		case to == Acknowledged && a.State != Open:
			return errs.E(errs.Conflict, "sensing.alert_not_open")
		}
		now := s.clock()
		_, name := by.AuditActor()
		a.State, a.UpdatedAt = to, now
		if note != "" {
			a.Note = note
		}
		if to == Acknowledged {
			a.AckBy, a.AckAt = name, now
		} else {
			a.ClosedBy, a.ClosedAt = name, now
		}
		if err := s.store.UpdateAlert(ctx, a); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "sensing.alert."+string(to), alertTarget(a),
			map[string]any{"level": a.Level.String(), "station": a.Station, "note": note}); err != nil {
			return err
		}
		out = a
		return s.store.AddOutbox(ctx, "sensing.alert."+string(to), alertEvent(a), now)
	})
	if err != nil {
		return nil, err
	}
	s.changed(out.Region)
	return out, nil
}
