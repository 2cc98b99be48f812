package emergency

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
)

// Store is the persistence emergencies need. Its methods join the
// transaction in the context, if any.
type Store interface {
	// CreateIncident inserts inc.
	CreateIncident(ctx context.Context, inc *Incident) error
	// Incident returns an incident; errs.NotFound
	// ("emergency.incident.not_found") if absent.
	Incident(ctx context.Context, id ids.ID) (*Incident, error)
	// UpdateIncident writes inc's grade, state, command, report, closing
	// and update time if the stored version is inc.Version-1; errs.Conflict
	// ("emergency.incident_changed") otherwise.
	UpdateIncident(ctx context.Context, inc *Incident) error
	// AlertIncidents lists the incidents declared from a sensing alert,
	// oldest first.
	AlertIncidents(ctx context.Context, alertID ids.ID) ([]Incident, error)
	// Incidents lists the incidents within one of q.Within in q.States
	// (all if empty), open ones first, newest first.
	Incidents(ctx context.Context, q Query) ([]Incident, error)

	// CreateIncidentTask inserts t.
	CreateIncidentTask(ctx context.Context, t *Task) error
	// IncidentTask returns a task with its incident's region; errs.NotFound
	// ("emergency.task.not_found") if absent.
	IncidentTask(ctx context.Context, id ids.ID) (*Task, error)
	// UpdateIncidentTask writes t's progress, note, state and times if the stored
	// version is t.Version-1; errs.Conflict ("emergency.task_changed")
	// otherwise.
	UpdateIncidentTask(ctx context.Context, t *Task) error
	// IncidentTasks lists an incident's tasks, open ones first, earliest due first.
	IncidentTasks(ctx context.Context, incidentID ids.ID) ([]Task, error)
	// OrgIncidentTasks lists the tasks given to orgs: open ones, earliest
	// due first, then (with done) done ones, in the order they were done;
	// limit in all.
	OrgIncidentTasks(ctx context.Context, orgs []ids.ID, done bool, limit int) ([]Task, error)
	// ClaimOverdueTasks marks up to limit open tasks due before now whose
	// department was not told yet as told, and returns them.
	ClaimOverdueTasks(ctx context.Context, now time.Time, limit int) ([]Task, error)
	// TaskStaff lists the grants held at an organisation.
	TaskStaff(ctx context.Context, org ids.ID) ([]TaskStaff, error)

	// CreateEmergencyResource inserts r.
	CreateEmergencyResource(ctx context.Context, r *Resource) error
	// EmergencyResource returns a resource; errs.NotFound
	// ("emergency.resource.not_found") if absent.
	EmergencyResource(ctx context.Context, id ids.ID) (*Resource, error)
	// EmergencyResources lists the resources within one of within, by kind and name.
	EmergencyResources(ctx context.Context, within []region.Code) ([]Resource, error)
	// ResourceDeployed is how much of a resource is deployed to incidents that are
	// not closed.
	ResourceDeployed(ctx context.Context, resourceID ids.ID) (int, error)
	// CreateDeployment inserts d.
	CreateDeployment(ctx context.Context, d *Deployment) error
	// IncidentDeployments lists an incident's deployments, oldest first.
	IncidentDeployments(ctx context.Context, incidentID ids.ID) ([]Deployment, error)

	// AddIncidentEntry appends e to its incident's timeline.
	AddIncidentEntry(ctx context.Context, e *Entry) error
	// IncidentEntries lists an incident's timeline, newest first.
	IncidentEntries(ctx context.Context, incidentID ids.ID) ([]Entry, error)

	// CreatePublicAlert inserts a.
	CreatePublicAlert(ctx context.Context, a *Alert) error
	// ReplacePublicAlert marks a current alert replaced; errs.Conflict
	// ("emergency.incident_changed") if it is not current.
	ReplacePublicAlert(ctx context.Context, id ids.ID) error
	// PublicAlert returns an alert; errs.NotFound ("emergency.alert.not_found").
	PublicAlert(ctx context.Context, id ids.ID) (*Alert, error)
	// IncidentAlerts lists an incident's alerts, oldest first.
	IncidentAlerts(ctx context.Context, incidentID ids.ID) ([]Alert, error)
	// CurrentPublicAlerts lists the current alerts that expire after now, newest
	// first, at most limit.
	CurrentPublicAlerts(ctx context.Context, now time.Time, limit int) ([]Alert, error)

	// LinkIncidentEvent records a link (errs.Conflict
	// "eventsui.already_linked" if there is one).
	LinkIncidentEvent(ctx context.Context, l *EventLink) error
	// IncidentEventLinks lists an incident's links, oldest first.
	IncidentEventLinks(ctx context.Context, incidentID ids.ID) ([]EventLink, error)
	// EventIncidentLinks lists an event's links with their incidents'
	// titles and states, newest first.
	EventIncidentLinks(ctx context.Context, eventID ids.ID) ([]EventLink, error)

	// AddOutbox records an event for delivery after commit.
	AddOutbox(ctx context.Context, topic string, payload any, at time.Time) error
}

// Query selects incidents.
type Query struct {
	Within []region.Code // incidents whose region lies within one of these (none: no incident)
	States []State       // empty: every state
	Limit  int
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Directory finds government bodies (identity.Service).
type Directory interface {
	Organization(ctx context.Context, id ids.ID) (*identity.Organization, error)
	Organizations(ctx context.Context) ([]identity.Organization, error)
}

// Deps are the Service's collaborators.
type Deps struct {
	Store     Store
	Tx        Transactor
	Audit     *audit.Service
	Directory Directory
	Calendar  *workday.Calendar
	Regions   *region.Tree
	Sensing   *sensing.Service // optional: to declare an incident from an indicator alert
	Events    EventReader      // optional: to link events to incidents (governance.Service)
	// Sender is the CAP sender of public alerts: an address that names this
	// system uniquely, such as "emergency@gd.gov.cn".
	Sender string
	Now    func() time.Time
}

// Service runs incidents, resources and public alerts.
type Service struct {
	store   Store
	tx      Transactor
	audit   *audit.Service
	dir     Directory
	cal     *workday.Calendar
	regions *region.Tree
	sensing *sensing.Service
	sender  string
	now     func() time.Time
	events  EventReader
	hook    changeHook
}

// DefaultSender is the CAP sender when none is configured.
const DefaultSender = "emergency@digigov.localhost"

// NewService returns a Service.
func NewService(d Deps) *Service {
	if d.Sender == "" {
		d.Sender = DefaultSender
	}
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, dir: d.Directory, cal: d.Calendar, regions: d.Regions,
		sensing: d.Sensing, sender: d.Sender, now: d.Now, events: d.Events}
}

// clock is now, in UTC at the microsecond precision both engines keep.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Now is the service's clock (for pages showing overdue tasks).
func (s *Service) Now() time.Time { return s.now() }

// readScopes are the regions whose incidents by may read.
func readScopes(by *identity.Caller) []region.Code {
	return append(by.Scopes(identity.PermEventCommand), by.Scopes(identity.PermCockpit)...)
}

// CanCommand reports whether by may change inc.
func CanCommand(by *identity.Caller, inc *Incident) bool {
	return identity.Authorize(by, identity.PermEventCommand, inc.Region) == nil
}

func canRead(by *identity.Caller, c region.Code) bool {
	for _, sc := range readScopes(by) {
		if region.Within(c, sc) {
			return true
		}
	}
	return false
}

func target(inc *Incident) audit.Target {
	return audit.Target{Type: "emergency_incident", ID: string(inc.ID), Region: string(inc.Region)}
}

func incidentEvent(inc *Incident) map[string]any {
	return map[string]any{"id": inc.ID, "title": inc.Title, "type": inc.Type, "grade": inc.Grade, "region": inc.Region,
		"state": inc.State, "drill": inc.Drill, "version": inc.Version}
}

// Incident returns an incident to callers who may read it (event.command or
// cockpit.view over its region); errs.NotFound for everyone else.
func (s *Service) Incident(ctx context.Context, by *identity.Caller, id ids.ID) (*Incident, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	inc, err := s.store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canRead(by, inc.Region) {
		return nil, errs.E(errs.NotFound, "emergency.incident.not_found")
	}
	return inc, nil
}

// Incidents lists the incidents within by's read scope in the given states
// (all if none), open ones first.
//
// Returns errs.Unauthenticated for anonymous callers and errs.Forbidden for
// callers with neither event.command nor cockpit.view.
func (s *Service) Incidents(ctx context.Context, by *identity.Caller, states []State, limit int) ([]Incident, error) {
	scopes := readScopes(by)
	if len(scopes) == 0 {
		return nil, identity.Authorize(by, identity.PermEventCommand, "")
	}
	for _, st := range states {
		if st != Declared && st != Responding && st != Closed {
			return nil, errs.Fields(map[string]string{"state": "form.choice"})
		}
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.store.Incidents(ctx, Query{Within: scopes, States: states, Limit: limit})
}

// ActiveCount is the number of incidents not closed within region (within
// by's read scope): the cockpit's figure. Errors as Incidents.
func (s *Service) ActiveCount(ctx context.Context, by *identity.Caller, within region.Code) (int, error) {
	list, err := s.Incidents(ctx, by, []State{Declared, Responding}, 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, inc := range list {
		if within == "" || region.Within(inc.Region, within) {
			n++
		}
	}
	return n, nil
}

// Board is everything the command page shows of an incident.
type Board struct {
	Incident    *Incident
	Tasks       []Task
	Deployments []Deployment
	Entries     []Entry
	Alerts      []Alert
}

// Board reads an incident with its tasks, deployments, timeline and alerts,
// for callers who may read it; errs.NotFound otherwise.
func (s *Service) Board(ctx context.Context, by *identity.Caller, id ids.ID) (*Board, error) {
	inc, err := s.Incident(ctx, by, id)
	if err != nil {
		return nil, err
	}
	b := &Board{Incident: inc}
	if b.Tasks, err = s.store.IncidentTasks(ctx, id); err != nil {
		return nil, err
	}
	if b.Deployments, err = s.store.IncidentDeployments(ctx, id); err != nil {
		return nil, err
	}
	if b.Entries, err = s.store.IncidentEntries(ctx, id); err != nil {
		return nil, err
	}
	if b.Alerts, err = s.store.IncidentAlerts(ctx, id); err != nil {
		return nil, err
	}
	return b, nil
}

// command loads an incident for a change by by: it must exist within by's
// event.command scope (errs.NotFound otherwise), not be closed
// (errs.Conflict "emergency.closed"), and still be at version (errs.Conflict
// "emergency.incident_changed"; version 0 skips this check, for trusted
// callers who just read it).
func (s *Service) command(ctx context.Context, by *identity.Caller, id ids.ID, version int) (*Incident, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	inc, err := s.store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	if !CanCommand(by, inc) {
		return nil, errs.E(errs.NotFound, "emergency.incident.not_found")
	}
	if inc.State == Closed {
		return nil, errs.E(errs.Conflict, "emergency.closed")
	}
	if version != 0 && inc.Version != version {
		return nil, errs.E(errs.Conflict, "emergency.incident_changed")
	}
	return inc, nil
}

// entry appends a timeline entry by by.
func (s *Service) entry(ctx context.Context, by audit.Actor, incID ids.ID, kind, text string, at time.Time) error {
	_, name := by.AuditActor()
	return s.store.AddIncidentEntry(ctx, &Entry{ID: ids.New(), IncidentID: incID, Kind: kind, Text: text, ByName: name, At: at})
}

// save writes a changed incident (bumping its version), its audit entry,
// timeline entry and outbox event, in the transaction in ctx.
func (s *Service) save(ctx context.Context, by audit.Actor, inc *Incident, action, entryKind, entryText string, detail map[string]any) error {
	now := s.clock()
	inc.Version++
	inc.UpdatedAt = now
	if err := s.store.UpdateIncident(ctx, inc); err != nil {
		return err
	}
	if err := s.entry(ctx, by, inc.ID, entryKind, entryText, now); err != nil {
		return err
	}
	if err := s.audit.Record(ctx, by, action, target(inc), detail); err != nil {
		return err
	}
	return s.store.AddOutbox(ctx, action, incidentEvent(inc), now)
}
