package rating

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
)

// Store is the persistence ratings need. Its methods join the transaction
// in the context, if any.
type Store interface {
	// CreateRating inserts r; errs.Conflict ("rating.exists") if the case
	// has a rating already.
	CreateRating(ctx context.Context, r *Rating) error
	// CaseRating returns the rating of a case; errs.NotFound if it has none.
	CaseRating(ctx context.Context, caseID ids.ID) (*Rating, error)
	// CreateRectification inserts a task for a rating stored before it.
	CreateRectification(ctx context.Context, x *Rectification) error
	// Rectification returns a task with its rating's particulars;
	// errs.NotFound if absent.
	Rectification(ctx context.Context, id ids.ID) (*Rectification, error)
	// CloseRectification writes x's closing (state, call-back, action,
	// closer, time) if the stored task is still open, else returns
	// errs.Conflict ("rating.rectification_closed").
	CloseRectification(ctx context.Context, x *Rectification) error
	// Rectifications lists the tasks within q's reach in q's state (all
	// states if empty), open ones first, earliest due first.
	Rectifications(ctx context.Context, q TaskQuery) ([]Rectification, error)
	// RatingStats groups the ratings within q.Within by q.By, most ratings
	// first. Names are filled for items and authorities, not regions.
	RatingStats(ctx context.Context, q StatsQuery) ([]Stat, error)
	// AddOutbox records an event for delivery after commit.
	AddOutbox(ctx context.Context, topic string, payload any, at time.Time) error
}

// Reach is where a caller may work on rectification tasks: those of one
// authority within one region scope.
type Reach struct {
	AuthorityID ids.ID
	Within      region.Code
}

// TaskQuery selects rectification tasks.
type TaskQuery struct {
	Reach []Reach // a task matches if it lies within one of these (none: no task)
	State State   // "" for every state
	Limit int
}

// StatsQuery selects and groups ratings for statistics.
type StatsQuery struct {
	By     Grouping
	Within []region.Code // ratings whose region lies within one of these (none: no rating)
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Deps are the Service's collaborators.
type Deps struct {
	Store    Store
	Tx       Transactor
	Audit    *audit.Service
	Cases    *cases.Service // to read a case as its applicant sees it
	Calendar *workday.Calendar
	Regions  *region.Tree // names of regional groups
	Now      func() time.Time
}

// Service gives and reads ratings, runs rectification tasks and counts.
type Service struct {
	store   Store
	tx      Transactor
	audit   *audit.Service
	cases   *cases.Service
	cal     *workday.Calendar
	regions *region.Tree
	now     func() time.Time
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, cases: d.Cases, cal: d.Calendar, regions: d.Regions, now: d.Now}
}

// clock is now, in UTC at the microsecond precision both engines keep.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// CanRate reports whether by may rate c now: by is its applicant, the case
// is completed, and it has no rating yet (rated says whether it has).
func CanRate(by *identity.Caller, c *cases.Case, rated bool) bool {
	return !by.Anonymous() && by.UserID == c.ApplicantID && c.State == cases.Completed && !rated
}

// Rate records the applicant's rating of a completed case and publishes
// ratings.given. A score of 不满意 or worse also opens a rectification task
// for the case's authority, due RectifyDays working days later, and
// publishes ratings.rectification_opened.
//
// Returns errs.Unauthenticated for anonymous callers, errs.NotFound if the
// case does not exist or by may not see it, errs.Forbidden if by sees it
// but is not its applicant (staff, the counter that applied for them),
// errs.Conflict if the case is not completed ("rating.not_completed") or is
// rated already ("rating.exists"), and errs.Invalid with every bad field at
// once.
func (s *Service) Rate(ctx context.Context, by *identity.Caller, caseID ids.ID, in Input) (*Rating, *Rectification, error) {
	if by.Anonymous() {
		return nil, nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	c, _, err := s.cases.Get(ctx, by, caseID)
	if err != nil {
		return nil, nil, err
	}
	if by.UserID != c.ApplicantID {
		return nil, nil, errs.E(errs.Forbidden, "rating.applicant_only")
	}
	if c.State != cases.Completed {
		return nil, nil, errs.E(errs.Conflict, "rating.not_completed")
	}
	// No look for an earlier rating first: the insert's primary key answers
	// "rating.exists", also for two ratings given at the same moment.
	if err := in.check(); err != nil {
		return nil, nil, err
	}
	now := s.clock()
	r := &Rating{CaseID: c.ID, CaseNumber: c.Number, ItemCode: c.ItemCode, ItemName: c.ItemName,
		AuthorityID: c.AuthorityID, Authority: c.Authority, Region: c.DecidedAt, ApplicantID: c.ApplicantID,
		PersonID: c.PersonID, Score: in.Score, Aspects: in.Aspects, Comment: in.Comment, CreatedAt: now}
	var x *Rectification
	if r.Score.Bad() {
		x = &Rectification{ID: ids.New(), CaseID: c.ID, Score: r.Score, AuthorityID: r.AuthorityID, Region: r.Region,
			Due: s.cal.AddWorkdays(now, RectifyDays).UTC().Truncate(time.Microsecond), State: Open, CreatedAt: now,
			CaseNumber: r.CaseNumber, ItemCode: r.ItemCode, ItemName: r.ItemName, Authority: r.Authority, Comment: r.Comment,
			PersonID: r.PersonID}
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateRating(ctx, r); err != nil {
			return err
		}
		detail := map[string]any{"number": r.CaseNumber, "score": r.Score}
		event := map[string]any{"case_id": r.CaseID, "number": r.CaseNumber, "item": r.ItemCode,
			"authority": r.AuthorityID, "region": r.Region, "score": r.Score, "applicant": r.ApplicantID}
		if x != nil {
			if err := s.store.CreateRectification(ctx, x); err != nil {
				return err
			}
			detail["rectification"], event["rectification"] = x.ID, x.ID
		}
		if err := s.audit.Record(ctx, by, "rating.given", target(r), detail); err != nil {
			return err
		}
		if err := s.store.AddOutbox(ctx, "ratings.given", event, now); err != nil {
			return err
		}
		if x == nil {
			return nil
		}
		return s.store.AddOutbox(ctx, "ratings.rectification_opened", taskEvent(x), now)
	})
	if err != nil {
		return nil, nil, err
	}
	return r, x, nil
}

// CaseRating returns the rating of a case to its applicant and to staff who
// handle, decide or audit cases, or view the cockpit, over its region. It
// does not read the case, so showing it beside a case costs no second
// audited read.
//
// Returns errs.Unauthenticated for anonymous callers and errs.NotFound
// ("rating.not_found") if the case has no rating or by may not see it.
func (s *Service) CaseRating(ctx context.Context, by *identity.Caller, caseID ids.ID) (*Rating, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	r, err := s.store.CaseRating(ctx, caseID)
	if errs.Is(err, errs.NotFound) || err == nil && !canRead(by, r) {
		return nil, errs.E(errs.NotFound, "rating.not_found")
	}
	return r, err
}

// canRead reports whether by may read r.
func canRead(by *identity.Caller, r *Rating) bool {
	if by.UserID == r.ApplicantID {
		return true
	}
	for _, p := range []identity.Permission{identity.PermCaseHandle, identity.PermCaseDecide, identity.PermAuditRead, identity.PermCockpit} {
		if identity.Authorize(by, p, r.Region) == nil {
			return true
		}
	}
	return false
}

// reach lists where by may work on rectification tasks: for every grant
// carrying case.decide, its organisation within its scope.
func reach(by *identity.Caller) []Reach {
	if by.Anonymous() {
		return nil
	}
	var out []Reach
	for _, g := range by.Grants {
		if g.Role.Allows(identity.PermCaseDecide) {
			out = append(out, Reach{AuthorityID: g.OrgID, Within: g.Scope})
		}
	}
	return out
}

// reaches reports whether x lies within one of rs.
func reaches(rs []Reach, x *Rectification) bool {
	for _, r := range rs {
		if r.AuthorityID == x.AuthorityID && region.Within(x.Region, r.Within) {
			return true
		}
	}
	return false
}

// Rectifications lists the tasks of the authorities where by holds
// case.decide, within those grants' scopes, in state st ("" for all), open
// ones first and earliest due first.
//
// Returns errs.Unauthenticated for anonymous callers and errs.Forbidden for
// callers without case.decide.
func (s *Service) Rectifications(ctx context.Context, by *identity.Caller, st State, limit int) ([]Rectification, error) {
	if err := identity.Authorize(by, identity.PermCaseDecide, ""); err != nil {
		return nil, err
	}
	if st != "" && st != Open && st != Closed {
		return nil, errs.Fields(map[string]string{"state": "form.choice"})
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.store.Rectifications(ctx, TaskQuery{Reach: reach(by), State: st, Limit: limit})
}

// Rectification returns one task to staff who may work on it (see
// Rectifications); errs.NotFound for everyone else.
func (s *Service) Rectification(ctx context.Context, by *identity.Caller, id ids.ID) (*Rectification, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	x, err := s.store.Rectification(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !reaches(reach(by), x) {
		return nil, errs.E(errs.NotFound, "rating.rectification_not_found")
	}
	return x, err
}

// Close closes a task: callback records the call-back with the applicant
// (回访) and action what was rectified; both are required. It publishes
// ratings.rectification_closed.
//
// Returns errs.NotFound if the task does not exist or is outside by's reach
// (see Rectifications), errs.Conflict ("rating.rectification_closed") if it
// is closed already, also by someone else meanwhile, and errs.Invalid with
// every bad field at once.
func (s *Service) Close(ctx context.Context, by *identity.Caller, id ids.ID, callback, action string) (*Rectification, error) {
	x, err := s.Rectification(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if x.State != Open {
		return nil, errs.E(errs.Conflict, "rating.rectification_closed")
	}
	callback, action = strings.TrimSpace(callback), strings.TrimSpace(action)
	if err := checkClosing(callback, action); err != nil {
		return nil, err
	}
	now := s.clock()
	late := x.Overdue(now)
	x.State, x.Callback, x.Action, x.ClosedBy, x.ClosedByName, x.ClosedAt = Closed, callback, action, by.UserID, by.Name, now
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CloseRectification(ctx, x); err != nil {
			return err
		}
		t := audit.Target{Type: "rectification", ID: string(x.ID), Region: string(x.Region), Subject: string(x.PersonID)}
		if err := s.audit.Record(ctx, by, "rating.rectification_closed", t,
			map[string]any{"number": x.CaseNumber, "case_id": x.CaseID, "overdue": late}); err != nil {
			return err
		}
		return s.store.AddOutbox(ctx, "ratings.rectification_closed", taskEvent(x), now)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// checkClosing requires both texts of a closing, within MaxText.
func checkClosing(callback, action string) error {
	bad := map[string]string{}
	for _, f := range []struct{ name, value, required string }{
		{"callback", callback, "rating.callback_required"},
		{"action", action, "rating.action_required"},
	} {
		switch {
		case f.value == "":
			bad[f.name] = f.required
		case len([]rune(f.value)) > MaxText:
			bad[f.name] = "form.too_long"
		}
	}
	if len(bad) > 0 {
		return errs.Fields(bad)
	}
	return nil
}

// Light is the traffic light of a task: green, yellow within WarnDays
// working days of its due date, red when overdue; closed tasks are green.
func (s *Service) Light(x *Rectification) workday.Status {
	if x.State != Open {
		return workday.OnTime
	}
	return s.cal.Status(x.Due, s.now(), WarnDays)
}

// Stats groups the ratings in by's reach — the regions where by holds
// audit.read or cockpit.view, narrowed to within if it is set — by g.
//
// Returns errs.Unauthenticated for anonymous callers, errs.Forbidden for
// callers holding neither permission, errs.NotFound if within lies outside
// by's reach, and errs.Invalid for an unknown grouping.
func (s *Service) Stats(ctx context.Context, by *identity.Caller, g Grouping, within region.Code) (*Report, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	scopes := append(by.Scopes(identity.PermAuditRead), by.Scopes(identity.PermCockpit)...)
	if len(scopes) == 0 {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	if !g.Valid() {
		return nil, errs.Fields(map[string]string{"by": "form.choice"})
	}
	if within != "" && s.regions != nil {
		code, err := s.regions.Normalize(string(within))
		if err != nil {
			return nil, errs.Fields(map[string]string{"region": "region.unknown"})
		}
		within = code
	}
	if within != "" {
		if !coveredBy(within, scopes) {
			return nil, errs.E(errs.NotFound, "not_found")
		}
		scopes = []region.Code{within}
	}
	groups, err := s.store.RatingStats(ctx, StatsQuery{By: g, Within: scopes})
	if err != nil {
		return nil, err
	}
	rep := &Report{By: g, Groups: groups}
	for i := range groups {
		if g.RegionDigits() > 0 && s.regions != nil {
			groups[i].Name = s.regions.FullName(region.Code(groups[i].Key))
		}
		rep.Total.add(groups[i])
	}
	return rep, nil
}

func coveredBy(c region.Code, scopes []region.Code) bool {
	for _, s := range scopes {
		if region.Within(c, s) {
			return true
		}
	}
	return false
}

// target is what audit entries about r name: its case, in its region, with
// its applicant as the subject.
func target(r *Rating) audit.Target {
	return audit.Target{Type: "case", ID: string(r.CaseID), Region: string(r.Region), Subject: string(r.PersonID)}
}

// taskEvent is the outbox payload of a task's change.
func taskEvent(x *Rectification) map[string]any {
	return map[string]any{"id": x.ID, "case_id": x.CaseID, "number": x.CaseNumber, "authority": x.AuthorityID,
		"region": x.Region, "score": x.Score, "due": x.Due, "state": x.State}
}
