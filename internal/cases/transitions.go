package cases

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
)

// Submit sends a draft to the competent authority. The whole form is
// checked first; if anything is wrong, every problem is reported at once
// and the draft stays a draft.
func (s *Service) Submit(ctx context.Context, by *identity.Caller, id ids.ID, version int) (*Case, error) {
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.ApplicantID != by.UserID {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	if err := s.check(c, ActSubmit, version); err != nil {
		return nil, err
	}
	it, err := s.catalog.Item(ctx, c.ItemCode)
	if err != nil {
		return nil, err
	}
	app := Application{ItemCode: c.ItemCode, DecideIn: string(c.DecidedAt), Form: c.Form, Materials: uploadsOf(c.Materials),
		Licenses: choicesOf(c.Materials)}
	if err := s.prepare(ctx, by, it, c, app, ""); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	c.State, c.SubmittedAt, c.UpdatedAt = Submitted, now, now
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.number(ctx, c); err != nil {
			return err
		}
		if err := s.save(ctx, by, c, &Event{Action: ActSubmit, From: Draft, Comment: licenseNote(c)}, ""); err != nil {
			return err
		}
		if err := s.grantLicenses(ctx, by, c); err != nil {
			return err
		}
		return s.addContributions(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CounterApplication is an application made at a counter for a person
// (代办): who they are, and their consent, recorded with the case.
type CounterApplication struct {
	Application
	ApplicantUsername string // the person's ID number, or their username
	Consent           string // how the person consented (e.g. "本人到场书面同意，签字确认")
}

// ReceiveAtCounter records an application made at a counter on a person's
// behalf. by must be counter staff whose scope covers the counter's region
// (their organisation's region). If the competent authority is within the
// counter's scope the case goes straight to it; otherwise it is received
// here (异地代收) and waits to be forwarded. The visit counts as one trip.
func (s *Service) ReceiveAtCounter(ctx context.Context, by *identity.Caller, in CounterApplication) (*Case, error) {
	counterAt, err := s.counterRegion(ctx, by)
	if err != nil {
		return nil, err
	}
	it, err := s.catalog.Item(ctx, in.ItemCode)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Consent) == "" {
		return nil, errs.Fields(map[string]string{"consent": "case.consent_required"})
	}
	u, err := s.counterApplicant(ctx, by, strings.TrimSpace(in.ApplicantUsername), in.Consent)
	if err != nil {
		return nil, err
	}
	applicant := &identity.Caller{UserID: u.ID, Name: u.DisplayName, Kind: u.Kind, PersonID: u.PersonID}
	c := newCase(it, ChannelCounter, s.now().UTC())
	c.ProxyID, c.Consent, c.Trips = by.UserID, strings.TrimSpace(in.Consent), 1
	if err := applicantOf(applicant, it, c); err != nil {
		return nil, err
	}
	// The staff uploaded the materials; they hand them to the applicant.
	app := in.Application
	app.Materials = s.handOver(by, applicant, app.Materials)
	if err := s.prepare(ctx, applicant, it, c, app, counterAt); err != nil {
		return nil, err
	}
	c.State = Submitted
	if !region.Within(c.DecidedAt, counterAt) {
		c.State = Received // 异地代收: the authority is elsewhere; forward after checking
	}
	if err := s.insert(ctx, by, "代办："+c.Consent, c); err != nil {
		return nil, err
	}
	return c, nil
}

// counterApplicant finds the applicant at a counter by their ID number
// (what a person at a counter can show) or, failing that, by username.
func (s *Service) counterApplicant(ctx context.Context, by *identity.Caller, who, consent string) (*identity.User, error) {
	if _, err := identity.ParseIDNumberAt(who, s.now()); err == nil {
		u, err := s.id.CounterApplicant(ctx, by, who, consent)
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Fields(map[string]string{"applicant": "case.applicant_unknown"})
		}
		return u, err
	}
	u, err := s.id.UserByUsername(ctx, who)
	if err != nil || u.Kind != identity.KindPerson {
		return nil, errs.Fields(map[string]string{"applicant": "case.applicant_unknown"})
	}
	return u, nil
}

// counterRegion is where by works a counter: the region of their
// counter-staff grant.
func (s *Service) counterRegion(ctx context.Context, by *identity.Caller) (region.Code, error) {
	if err := identity.Authorize(by, identity.PermCaseReceive, ""); err != nil {
		return "", err
	}
	return by.Scopes(identity.PermCaseReceive)[0], nil
}

// check verifies that action a is allowed in c's state and that the caller
// saw the current version. A stale version answers errs.Conflict
// "case.changed"; a disallowed action errs.Conflict naming what is allowed.
func (s *Service) check(c *Case, a Action, version int) error {
	if version != c.Version {
		return errs.E(errs.Conflict, "case.changed")
	}
	if !allows(a, c.State) {
		var next []errs.Key
		for _, n := range NextActions(c.State) {
			next = append(next, errs.Key("case.action."+string(n)))
		}
		return &errs.Error{Code: errs.Conflict, Msg: "case.transition_not_allowed",
			Args: []any{errs.Key("case.state." + string(c.State)), next}}
	}
	return nil
}

// Act performs a transition other than submission: forward, accept,
// reject, request or answer a correction, pass review, approve, deny,
// complete, withdraw. version is the case version the actor saw; comment
// is required where the law wants it in writing (rejection, correction
// notice, decision).
//
// Returns errs.NotFound if the case is outside the actor's reach,
// errs.Forbidden if the actor may see the case but not take this step,
// errs.Conflict if the state does not allow it or the case changed,
// errs.Invalid if a required comment is missing.
func (s *Service) Act(ctx context.Context, by *identity.Caller, id ids.ID, version int, a Action, comment string) (*Case, error) {
	return s.act(ctx, by, id, version, a, comment, nil)
}

// Supplement answers a request for correction (补齐补正) with new uploads:
// each replaces the material of its form field (uploaded with Upload
// first). It is the correct step, taken by the applicant, with materials.
func (s *Service) Supplement(ctx context.Context, by *identity.Caller, id ids.ID, version int, comment string, mats []MaterialRef) (*Case, error) {
	return s.act(ctx, by, id, version, ActCorrect, comment, func(c *Case, it *catalog.Item) error {
		mats, err := s.checkUploads(ctx, by, it, mats)
		if err != nil {
			return err
		}
		if c.Form == nil {
			c.Form = Form{}
		}
		for _, m := range mats {
			replaced := false
			for i := range c.Materials {
				if c.Materials[i].Field == m.Field {
					c.Materials[i], replaced = m, true
				}
			}
			if !replaced {
				c.Materials = append(c.Materials, m)
			}
			c.Form[m.Field] = m.SHA256
		}
		return nil
	})
}

// checkUploads requires every upload to be for a file field of the item
// and stored, and returns them as the store describes them.
func (s *Service) checkUploads(ctx context.Context, by *identity.Caller, it *catalog.Item, mats []MaterialRef) ([]MaterialRef, error) {
	bad := map[string]string{}
	out := make([]MaterialRef, 0, len(mats))
	for _, m := range mats {
		if !slices.ContainsFunc(it.Form, func(fl catalog.Field) bool { return fl.Name == m.Field && fl.Kind == catalog.FieldFile }) {
			bad[m.Field] = "form.file"
			continue
		}
		m, err := s.stored(ctx, by, m)
		if err = addFields(bad, err); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	return out, nil
}

func (s *Service) act(ctx context.Context, by *identity.Caller, id ids.ID, version int, a Action, comment string,
	change func(c *Case, it *catalog.Item) error) (*Case, error) {
	r, ok := rules[a]
	if !ok || a == ActSubmit {
		return nil, errs.E(errs.Invalid, "case.action_unknown")
	}
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.canSee(by, c) {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	if err := s.check(c, a, version); err != nil {
		return nil, err
	}
	it, err := s.catalog.Item(ctx, c.ItemCode)
	if err != nil {
		return nil, err
	}
	if !s.mayAct(by, c, it, r.by) {
		return nil, errs.E(errs.Forbidden, "case.not_your_step")
	}
	comment = strings.TrimSpace(comment)
	if r.comment && comment == "" {
		return nil, errs.Fields(map[string]string{"comment": "case.comment_required"})
	}
	if len([]rune(comment)) > 2000 {
		return nil, errs.Fields(map[string]string{"comment": "form.too_long"})
	}
	if a == ActApprove || a == ActDeny {
		waiting, err := s.pendingContributors(ctx, it, c.ID)
		if err != nil {
			return nil, err
		}
		if len(waiting) > 0 {
			return nil, errs.WithArgs(errs.Conflict, "case.contributions_pending", strings.Join(waiting, "、"))
		}
	}
	if change != nil {
		if err := change(c, it); err != nil {
			return nil, err
		}
	}
	from := c.State
	now := s.now().UTC()
	c.State, c.UpdatedAt = next(c, a, hasStage(it, catalog.StageReview)), now
	s.clock(c, it, a, from, now)
	switch a {
	case ActApprove, ActDeny, ActReject:
		c.Decision, c.Outcome = comment, Approved
		if a != ActApprove {
			c.Outcome = Denied
		}
	case ActComplete:
		c.CompletedAt = now
	}
	if err := s.save(ctx, by, c, &Event{Action: a, From: from, Comment: comment}, ""); err != nil {
		return nil, err
	}
	return c, nil
}

// clock moves the case's time limit: it starts at acceptance (the
// acceptance day does not count), stops when a correction is requested and
// resumes, moved on by the working days it stood still, when the applicant
// answers.
func (s *Service) clock(c *Case, it *catalog.Item, a Action, from State, now time.Time) {
	switch a {
	case ActAccept:
		c.AcceptedAt = now
		c.Deadline = s.cal.AddWorkdays(now, it.PromisedDays).UTC()
	case ActRequestCorrection:
		c.ResumeState, c.PausedAt = from, now
	case ActCorrect:
		if !c.Deadline.IsZero() {
			if paused := s.cal.WorkdaysBetween(c.PausedAt, now); paused > 0 {
				c.Deadline = s.cal.AddWorkdays(c.Deadline, paused).UTC()
			}
		}
		c.PausedAt, c.ResumeState = time.Time{}, ""
	}
}

func hasStage(it *catalog.Item, st catalog.Stage) bool {
	for _, s := range it.Steps {
		if s.Stage == st {
			return true
		}
	}
	return false
}

// roleFor is the role that performs stage st of item it.
func roleFor(it *catalog.Item, st catalog.Stage) identity.Role {
	for _, s := range it.Steps {
		if s.Stage == st {
			return s.Role
		}
	}
	if st == catalog.StageDecide && len(it.Steps) > 0 { // 即办: acceptance decides
		return it.Steps[len(it.Steps)-1].Role
	}
	return ""
}

// mayAct reports whether by may take a step of kind w on c.
func (s *Service) mayAct(by *identity.Caller, c *Case, it *catalog.Item, w who) bool {
	switch w {
	case byApplicant:
		return by.UserID == c.ApplicantID || (c.ProxyID != "" && by.UserID == c.ProxyID)
	case byCounter:
		return identity.Authorize(by, identity.PermCaseReceive, c.ReceivedAt) == nil
	case byStage:
		return holds(by, roleFor(it, stageOf(c.State)), c)
	case byDecider:
		return holds(by, roleFor(it, catalog.StageDecide), c)
	}
	return false
}

// holds reports whether by holds role at c's authority over c's region.
func holds(by *identity.Caller, role identity.Role, c *Case) bool {
	for _, g := range by.Grants {
		if g.Role == role && g.OrgID == c.AuthorityID && region.Within(c.DecidedAt, g.Scope) {
			return true
		}
	}
	return false
}

// canSee reports whether by may see c: its applicant, the counter staff
// who applied for them, and staff whose case permissions cover the region
// where it is decided or (for counters) where it was received.
func (s *Service) canSee(by *identity.Caller, c *Case) bool {
	if by.Anonymous() {
		return false
	}
	if by.UserID == c.ApplicantID || by.UserID == c.ProxyID {
		return true
	}
	for _, p := range []identity.Permission{identity.PermCaseHandle, identity.PermCaseDecide} {
		if identity.Authorize(by, p, c.DecidedAt) == nil {
			return true
		}
	}
	return identity.Authorize(by, identity.PermCaseReceive, c.ReceivedAt) == nil
}

// contributesTo reports whether by acts for one of c's contributing
// authorities (they see the case they give an opinion on).
func (s *Service) contributesTo(ctx context.Context, by *identity.Caller, id ids.ID) bool {
	if by.Anonymous() || by.Kind != identity.KindStaff {
		return false
	}
	list, err := s.store.Contributions(ctx, id)
	return err == nil && anyContributes(by, list)
}

// mayRead reports whether by may read c: those who can see it, and the
// staff of a contributing authority; a draft only its applicant.
func (s *Service) mayRead(ctx context.Context, by *identity.Caller, c *Case) bool {
	if c.State == Draft && by.UserID != c.ApplicantID {
		return false
	}
	return s.canSee(by, c) || s.contributesTo(ctx, by, c.ID)
}

// History returns the events of a case the caller has just acted on. It
// records no read: the step itself was audited.
func (s *Service) History(ctx context.Context, by *identity.Caller, c *Case) ([]Event, error) {
	if !s.mayRead(ctx, by, c) {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	return s.store.CaseEvents(ctx, c.ID)
}

// Get returns a case with its history. Staff reading a case read the
// applicant's personal data, so the read is audited with the applicant as
// subject.
func (s *Service) Get(ctx context.Context, by *identity.Caller, id ids.ID) (*Case, []Event, error) {
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !s.mayRead(ctx, by, c) {
		return nil, nil, errs.E(errs.NotFound, "not_found")
	}
	evs, err := s.store.CaseEvents(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if by.UserID != c.ApplicantID && by.UserID != c.ProxyID {
		if err := s.audit.Record(ctx, by, "case.read", s.target(c), map[string]any{"number": c.Number}); err != nil {
			return nil, nil, err
		}
	}
	return c, evs, nil
}

// Mine lists the caller's own cases, newest first.
func (s *Service) Mine(ctx context.Context, by *identity.Caller, limit int) ([]Case, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	return s.store.CasesOf(ctx, by.UserID, limit)
}

// openStates are the states of the cases being handled, in workflow order.
var openStates = []State{Received, Submitted, Correction, InReview, InDecision, Decided}

// Queue lists the open cases in the caller's reach in the given states
// (all open states if none), oldest deadline first. Other states (drafts,
// which are their applicants' alone, and finished cases) list nothing.
func (s *Service) Queue(ctx context.Context, by *identity.Caller, states []State, limit int) ([]Case, error) {
	q := QueueQuery{Limit: limit}
	q.DecidedWithin = append(by.Scopes(identity.PermCaseHandle), by.Scopes(identity.PermCaseDecide)...)
	q.ReceivedWithin = by.Scopes(identity.PermCaseReceive)
	if len(q.DecidedWithin)+len(q.ReceivedWithin) == 0 {
		return nil, identity.Authorize(by, identity.PermCaseHandle, "")
	}
	q.States = openStates
	if len(states) > 0 {
		q.States = slices.DeleteFunc(slices.Clone(states), func(st State) bool { return !slices.Contains(openStates, st) })
		if len(q.States) == 0 {
			return nil, nil
		}
	}
	return s.store.CaseQueue(ctx, q)
}

// Status is the traffic light of an open case's time limit.
func (s *Service) Status(c *Case) workday.Status {
	if c.Deadline.IsZero() || !c.Open() {
		return workday.OnTime
	}
	if !c.PausedAt.IsZero() {
		return s.cal.Status(c.Deadline, c.PausedAt, WarnDays)
	}
	return s.cal.Status(c.Deadline, s.now(), WarnDays)
}

// Allowed lists the actions by may take on c now (for buttons).
func (s *Service) Allowed(ctx context.Context, by *identity.Caller, c *Case) []Action {
	it, err := s.catalog.Item(ctx, c.ItemCode)
	if err != nil {
		return nil
	}
	var out []Action
	for _, a := range NextActions(c.State) {
		if a != ActSubmit && s.mayAct(by, c, it, rules[a].by) {
			out = append(out, a)
		}
	}
	return out
}
