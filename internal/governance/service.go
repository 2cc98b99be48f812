package governance

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/blob"
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
)

// Store is the persistence events need. Its methods join the transaction
// in the context, if any.
type Store interface {
	// CreateEvent inserts e with its sealed phone and the phone's blind index.
	CreateEvent(ctx context.Context, e *Event, sealedPhone []byte, phoneIndex string) error
	// UpdateEvent writes e if the stored version is e.Version-1, else
	// returns errs.Conflict ("event.changed").
	UpdateEvent(ctx context.Context, e *Event) error
	// Event returns an event and its sealed phone; errs.NotFound if absent.
	Event(ctx context.Context, id ids.ID) (*Event, []byte, error)
	// AddEventStep records one step of an event's history.
	AddEventStep(ctx context.Context, st *Step) error
	// AddEventSteps records steps of an event's history, in order.
	AddEventSteps(ctx context.Context, sts []*Step) error
	// EventSteps lists an event's history, oldest first.
	EventSteps(ctx context.Context, id ids.ID) ([]Step, error)
	// NextCaseNumber returns the next number of a series on a day, atomically.
	NextCaseNumber(ctx context.Context, series, day string) (int, error)
	// Events lists the events q selects, without phones.
	Events(ctx context.Context, q Query) ([]Event, error)
	// NearbyEvents lists the open events q selects, newest first, as
	// much of them as the duplicate check needs (candidates for a
	// duplicate; the distance is judged by the caller).
	NearbyEvents(ctx context.Context, q Nearby) ([]Candidate, error)
	// ClaimOverdueEvents returns up to limit open events whose deadline
	// (of any step) passed before now and that the timer did not act on
	// since that deadline. It must run in a transaction; on
	// PostgreSQL rows another transaction holds are skipped.
	ClaimOverdueEvents(ctx context.Context, now time.Time, limit int) ([]Event, error)
	// EventByExternalID returns the event a source reported with an
	// external ID; errs.NotFound if there is none.
	EventByExternalID(ctx context.Context, source Source, externalID string) (*Event, error)
	// CountEvents counts the events q selects, its order, limit and
	// cursor aside.
	CountEvents(ctx context.Context, q Query) (int, error)
	// MergedReporters lists the accounts that reported, from the portal,
	// Open311 or the grid, the events merged into id (并单), without repeats.
	MergedReporters(ctx context.Context, id ids.ID) ([]ids.ID, error)
	// EventStaff lists the grants held at one of orgs or with one of
	// scopes (exact codes): the people an event step may concern.
	EventStaff(ctx context.Context, orgs []ids.ID, scopes []region.Code) ([]StaffGrant, error)
	// EventRules lists the routing rules; CreateEventRule and
	// DeleteEventRule maintain them (errs.NotFound for an unknown rule).
	EventRules(ctx context.Context) ([]Rule, error)
	CreateEventRule(ctx context.Context, r *Rule) error
	// UpdateEventRule writes r's fields and change stamp (errs.NotFound
	// for an unknown rule).
	UpdateEventRule(ctx context.Context, r *Rule) error
	DeleteEventRule(ctx context.Context, id ids.ID) error
	// EventSummary counts the events within a region for the cockpit
	// over the window w (tally.go).
	EventSummary(ctx context.Context, within region.Code, w Window) (Summary, error)
	// EventSummaries counts the events within each of codes over w; a
	// code without events is absent.
	EventSummaries(ctx context.Context, codes []region.Code, w Window) (map[region.Code]Summary, error)
	// TouchEventUpload lists an uploaded photo as pending at time at: a
	// new row if the upload created the blob, else only a pending row's
	// time moves on (a blob stored before belongs to someone else).
	TouchEventUpload(ctx context.Context, sha string, created bool, at time.Time) error
	// AttachEventUploads marks the pending uploads among shas attached.
	AttachEventUploads(ctx context.Context, shas []string, at time.Time) error
	// PendingEventUploads lists up to limit uploads still unattached that
	// were uploaded before cutoff.
	PendingEventUploads(ctx context.Context, cutoff time.Time, limit int) ([]string, error)
	// DropEventUpload deletes the pending row of sha if it is still
	// unattached and older than cutoff, and reports whether the blob is
	// unused (the row went and no case names the same bytes).
	DropEventUpload(ctx context.Context, sha string, cutoff time.Time) (bool, error)
	// AddOutbox records an event for delivery after commit.
	AddOutbox(ctx context.Context, topic string, payload any, at time.Time) error
	// AddOutboxAll records events (topics[i], payloads[i]) for delivery
	// after commit, in order, all at at.
	AddOutboxAll(ctx context.Context, topics []string, payloads []any, at time.Time) error
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Directory finds government bodies: the one competent for a department
// type at a level of a region, and any one by ID (identity.Service).
type Directory interface {
	AuthorityFor(ctx context.Context, department string, level region.Level, code region.Code) (*identity.Organization, error)
	Organization(ctx context.Context, id ids.ID) (*identity.Organization, error)
}

// Deps are the Service's collaborators.
type Deps struct {
	Store     Store
	Tx        Transactor
	Audit     *audit.Service
	Directory Directory
	Keys      *cryptox.Keyring
	Blobs     blob.Store
	Calendar  *workday.Calendar
	Regions   *region.Tree
	// Places, if set, checks a report's point against its region (the
	// province's map geometry, region/geo.Locator).
	Places Places
	Now    func() time.Time
}

// Places tells whether a point lies in a region: in is false for a point
// outside the region's drawn border, mapped false for a point outside the
// province's map altogether.
type Places interface {
	PointIn(c region.Code, lat, lng float64) (in, mapped bool, err error)
}

// Service runs events.
type Service struct {
	store   Store
	tx      Transactor
	audit   *audit.Service
	dir     Directory
	keys    *cryptox.Keyring
	blobs   blob.Store
	cal     *workday.Calendar
	regions *region.Tree
	places  Places
	now     func() time.Time
	rc      ruleCache
	hook    changeHook
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, dir: d.Directory, keys: d.Keys, blobs: d.Blobs,
		cal: d.Calendar, regions: d.Regions, places: d.Places, now: d.Now}
}

// clock is now, in UTC at the microsecond precision both engines keep.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Regions is the region tree events are placed on.
func (s *Service) Regions() *region.Tree { return s.regions }

// Light is the traffic light of an event's deadline at now: on time,
// warning (less than a quarter of its step's time left, or due within
// one working day for limits in days) or overdue. Events without a
// deadline are on time; closed ones are judged at their closing.
func (s *Service) Light(e *Event) workday.Status {
	if e.Deadline.IsZero() {
		return workday.OnTime
	}
	now := s.now()
	if !e.ClosedAt.IsZero() {
		now = e.ClosedAt
	}
	if now.After(e.Deadline) {
		return workday.Overdue
	}
	d := stageLimit(e)
	if d == 0 {
		return s.cal.Status(e.Deadline, now, 1)
	}
	if e.Deadline.Sub(now) < d/4 {
		return workday.Warning
	}
	return workday.OnTime
}

// phone sealing: the event ID is the associated data, so a sealed phone
// cannot be moved to another event.
const idxPhone = "event.phone"

func (s *Service) sealPhone(e *Event) ([]byte, string) {
	if e.Phone == "" {
		return nil, ""
	}
	return s.keys.Seal([]byte(e.Phone.Clear()), []byte("event/"+string(e.ID))), s.keys.BlindIndex(idxPhone, e.Phone.Clear())
}

func (s *Service) openPhone(e *Event, sealed []byte) error {
	if len(sealed) == 0 {
		return nil
	}
	b, err := s.keys.Open(sealed, []byte("event/"+string(e.ID)))
	if err != nil {
		return errs.Errorf(errs.Internal, "open phone of event %s: %v", e.ID, err)
	}
	e.Phone = identity.Phone(b)
	return nil
}

// load reads an event with its phone opened. A malformed id is
// errs.NotFound without asking the store.
func (s *Service) load(ctx context.Context, id ids.ID) (*Event, error) {
	if !ids.Valid(string(id)) {
		return nil, errs.E(errs.NotFound, "event.not_found")
	}
	e, sealed, err := s.store.Event(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.CoReporters, err = s.store.MergedReporters(ctx, id); err != nil {
		return nil, err
	}
	return e, s.openPhone(e, sealed)
}

// eventPerms are the permissions that let staff see events in their scope.
// event.handle is not one of them: department staff see their
// departments' events (inTeam), not everything in their region.
var eventPerms = []identity.Permission{identity.PermEventReport, identity.PermEventDispatch,
	identity.PermEventVerify, identity.PermEventSupervise, identity.PermCockpit}

// canSee reports whether by may read e: its reporter, staff of its lead or
// assisting department, and staff holding an event permission over its region.
func canSee(by *identity.Caller, e *Event) bool {
	if by.Anonymous() {
		return false
	}
	if isReporter(by, e) || inTeam(by, e, true) {
		return true
	}
	for _, p := range eventPerms {
		if identity.Authorize(by, p, e.Region) == nil {
			return true
		}
	}
	return false
}

// inTeam reports whether by works for e's lead department (or, with
// assist, an assisting one) with event.handle.
func inTeam(by *identity.Caller, e *Event, assist bool) bool {
	for _, g := range by.Grants {
		if !g.Role.Allows(identity.PermEventHandle) || g.OrgID == "" {
			continue
		}
		if g.OrgID == e.Lead.ID {
			return true
		}
		if assist {
			for _, a := range e.Assist {
				if a.ID == g.OrgID {
					return true
				}
			}
		}
	}
	return false
}

// Get returns an event and its history to whoever may see it.
//
// Returns errs.Unauthenticated for anonymous callers and errs.NotFound
// ("event.not_found") if it does not exist or by may not see it.
func (s *Service) Get(ctx context.Context, by *identity.Caller, id ids.ID) (*Event, []Step, error) {
	if by.Anonymous() {
		return nil, nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	e, err := s.load(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !canSee(by, e) {
		return nil, nil, errs.E(errs.NotFound, "event.not_found")
	}
	maskForCoReporter(by, e)
	steps, err := s.store.EventSteps(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return e, steps, nil
}

// target is an event as the audit log names it.
func target(e *Event) audit.Target {
	return audit.Target{Type: "event", ID: string(e.ID), Region: string(e.Region)}
}

// payload is what the outbox carries about a step of an event. A
// dispatch also carries the assisting bodies and the deadline it set, so
// that its notice (NoticeOf) needs no read of the event.
func payload(e *Event, st *Step) map[string]any {
	p := map[string]any{"id": e.ID, "number": e.Number, "action": st.Action, "from": st.From, "to": st.To,
		"category": e.Category, "region": e.Region, "level": int(e.Level), "lead": e.Lead.ID, "source": e.Source,
		"version": st.Seq, "actor": st.ActorID}
	if st.Action == ActDispatch {
		assist := make([]ids.ID, len(e.Assist))
		for i, a := range e.Assist {
			assist[i] = a.ID
		}
		p["assist"], p["deadline"] = assist, e.Deadline
	}
	return p
}

// record writes a step, its audit entry and its outbox event, inside the
// transaction in ctx. e is already updated; the step's number and target
// state default to e's version and state.
func (s *Service) record(ctx context.Context, actor audit.Actor, e *Event, st *Step) error {
	rec := s.step(actor, e, st)
	if err := s.attachPhotos(ctx, st.Photos, e.UpdatedAt); err != nil {
		return err
	}
	if err := s.store.AddEventStep(ctx, st); err != nil {
		return err
	}
	if err := s.audit.Record(ctx, actor, rec.Action, rec.Target, rec.Detail); err != nil {
		return err
	}
	return s.store.AddOutbox(ctx, "events."+string(st.Action), payload(e, st), e.UpdatedAt)
}

// actorStep is a step and who took it, for recordAll.
type actorStep struct {
	actor audit.Actor
	st    *Step
}

// recordAll writes several steps of e taken at once, as record would one
// by one: the steps in one statement, their audit entries in one append,
// their outbox events in one statement.
func (s *Service) recordAll(ctx context.Context, e *Event, steps ...actorStep) error {
	sts := make([]*Step, len(steps))
	recs := make([]audit.Record, len(steps))
	topics := make([]string, len(steps))
	payloads := make([]any, len(steps))
	for i, x := range steps {
		recs[i] = s.step(x.actor, e, x.st)
		sts[i], topics[i], payloads[i] = x.st, "events."+string(x.st.Action), payload(e, x.st)
		if err := s.attachPhotos(ctx, x.st.Photos, e.UpdatedAt); err != nil {
			return err
		}
	}
	if err := s.store.AddEventSteps(ctx, sts); err != nil {
		return err
	}
	if err := s.audit.RecordAll(ctx, recs...); err != nil {
		return err
	}
	return s.store.AddOutboxAll(ctx, topics, payloads, e.UpdatedAt)
}

// step completes st (number, target state, event, time, actor) and returns
// its audit record.
func (s *Service) step(actor audit.Actor, e *Event, st *Step) audit.Record {
	if st.Seq == 0 {
		st.Seq = e.Version
	}
	if st.To == "" {
		st.To = e.State
	}
	st.EventID, st.At = e.ID, e.UpdatedAt
	st.ActorID, st.ActorName = actorOf(actor)
	detail := map[string]any{"number": e.Number, "from": st.From, "to": st.To}
	for k, v := range st.Detail {
		detail[k] = v
	}
	if st.Comment != "" {
		detail["comment"] = st.Comment
	}
	return audit.Record{Actor: actor, Action: "event." + string(st.Action), Target: target(e), Detail: detail}
}

func actorOf(a audit.Actor) (ids.ID, string) {
	id, name := a.AuditActor()
	return ids.ID(id), name
}
