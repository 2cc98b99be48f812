package governance

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Act is one step on an event.
type Act struct {
	Action  Action
	Version int // the version the actor saw
	Comment string
	Photos  []PhotoRef // progress, reply, verification: uploaded by the actor
	Lead    ids.ID     // dispatch; reassignment request (suggested) and approval
	Assist  []ids.ID   // dispatch
	Target  ids.ID     // merge: the event to merge into
	Rating  int        // callback: 1–5, the reporter's satisfaction
	Reason  string     // reject: one of RejectReasons (ReasonDuplicate merges into Target)
	Parts   []Part     // split
}

// Part is one event a split makes.
type Part struct {
	Category    string
	Description string
}

// MaxComment is the longest comment a step takes.
const MaxComment = 2000

// Do performs a step on an event: any action of the flow but report. It
// writes the step, its audit entry and its outbox event (events.<action>)
// in one transaction.
//
// Returns errs.NotFound if the event is outside by's reach, errs.Forbidden
// if by may see it but not take this step, errs.Conflict if the state does
// not allow it ("event.transition_not_allowed", naming the allowed steps)
// or the event changed since version ("event.changed"), and errs.Invalid
// for missing or bad input.
func (s *Service) Do(ctx context.Context, by *identity.Caller, id ids.ID, in Act) (*Event, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	e, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSee(by, e) {
		return nil, errs.E(errs.NotFound, "event.not_found")
	}
	if in.Action == ActReject && in.Reason == ReasonDuplicate {
		in.Action = ActMerge // a duplicate is merged (并单), not rejected
	}
	r, ok := rules[in.Action]
	if !ok {
		return nil, errs.Fields(map[string]string{"action": "event.action_unknown"})
	}
	if err := s.may(by, e, r.by); err != nil {
		return nil, err
	}
	if err := check(e, in); err != nil {
		return nil, err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	fe := map[string]string{}
	if r.comment && utf8.RuneCountInString(in.Comment) < 2 {
		fe["comment"] = "event.comment_required"
	}
	if utf8.RuneCountInString(in.Comment) > MaxComment {
		fe["comment"] = "form.too_long"
	}
	if in.Action == ActReject && !validReason(in.Reason) {
		fe["reason"] = "event.reject_reason_required"
	}
	photos := s.photoHashes(by, in.Photos, fe)
	if len(fe) > 0 {
		return nil, errs.Fields(fe)
	}
	from := e.State
	e.UpdatedAt, e.Version = s.clock(), e.Version+1
	st := &Step{Action: in.Action, From: from, Comment: in.Comment, Photos: photos, Detail: map[string]any{}}
	if in.Reason != "" && (in.Action == ActReject || in.Action == ActMerge) && validReason(in.Reason) {
		st.Detail["reason"] = in.Reason
	}
	var more func(ctx context.Context) error // writes beyond the event itself
	switch in.Action {
	case ActAccept:
		e.State, e.AcceptedAt = Accepted, e.UpdatedAt
	case ActDispatch:
		return s.dispatch(ctx, by, e, in)
	case ActMerge:
		more, err = s.merge(ctx, by, e, in, st)
	case ActSplit:
		more, err = s.split(ctx, by, e, in, st)
	case ActRequestReturn, ActRequestReassign:
		p := &Pending{Action: in.Action, From: from, Reason: in.Comment, By: e.Lead, Deadline: e.Deadline}
		if in.Action == ActRequestReassign && in.Lead != "" {
			o, err := s.orgFor(ctx, e, in.Lead)
			if err != nil {
				return nil, err
			}
			st.Detail["suggested"] = o
		}
		e.State, e.Pending = ReturnRequested, p
	case ActApprove:
		return s.approve(ctx, by, e, in, st)
	case ActDeny:
		restore := e.Pending.Deadline // the handling clock went on while the department asked
		e.State, e.Pending = next(e, in.Action), nil
		e.Deadline = restore
		if restore.IsZero() {
			e.Deadline = s.stageDeadline(e, e.UpdatedAt)
		}
	case ActReply:
		e.State, e.Reply = Replied, in.Comment
	case ActClose:
		e.State, e.ClosedAt = Closed, e.UpdatedAt
	case ActCallback:
		if in.Rating < 1 || in.Rating > 5 {
			return nil, errs.Fields(map[string]string{"rating": "event.rating_range"})
		}
		if e.Rating != 0 {
			return nil, errs.E(errs.Conflict, "event.rated")
		}
		e.Rating, e.RatedAt = in.Rating, e.UpdatedAt
		st.Detail["rating"] = in.Rating
	case ActReopen:
		e.State, e.ClosedAt, e.Rating, e.RatedAt = Handling, zeroTime, 0, zeroTime
		if e.Lead.ID == "" {
			e.State = Accepted
		}
	case ActEscalate:
		if err := s.escalate(e, st); err != nil {
			return nil, err
		}
	case ActSupervise:
		e.Supervised++
	default:
		e.State = next(e, in.Action)
	}
	if err != nil {
		return nil, err
	}
	// A new step brings its time limit; taking an event keeps the
	// handling deadline of its dispatch, and the ends keep the last one
	// (the traffic light judges them at their closing).
	if e.State != from && e.State.Open() && in.Action != ActDeny && !(from == Dispatched && e.State == Handling) {
		e.Deadline = s.stageDeadline(e, e.UpdatedAt)
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateEvent(ctx, e); err != nil {
			return err
		}
		if err := s.record(ctx, by, e, st); err != nil {
			return err
		}
		if more != nil {
			return more(ctx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.changed(e.Region)
	return e, nil
}

// may reports whether by may take a step of kind w on e (which by sees).
func (s *Service) may(by *identity.Caller, e *Event, w who) error {
	ok := false
	switch w {
	case byDispatcher:
		ok = identity.Authorize(by, identity.PermEventDispatch, e.HandlingRegion()) == nil
	case byLead:
		ok = inTeam(by, e, false)
	case byTeam:
		ok = inTeam(by, e, true)
	case byVerifier:
		ok = by.UserID == e.ReporterID || identity.Authorize(by, identity.PermEventVerify, e.Region) == nil
	case bySupervisor:
		ok = identity.Authorize(by, identity.PermEventSupervise, e.Region) == nil
	case byCallback:
		ok = by.UserID == e.ReporterID || identity.Authorize(by, identity.PermEventReport, e.Region) == nil ||
			identity.Authorize(by, identity.PermEventDispatch, e.HandlingRegion()) == nil
	}
	if !ok {
		return errs.E(errs.Forbidden, "event.not_yours")
	}
	return nil
}

// check verifies that in's action is allowed in e's state and that the
// actor saw the current version.
func check(e *Event, in Act) error {
	if in.Version != e.Version {
		return errs.E(errs.Conflict, "event.changed")
	}
	if !allows(in.Action, e.State) {
		var nx []errs.Key
		for _, a := range NextActions(e.State) {
			nx = append(nx, errs.Key("event.action."+string(a)))
		}
		return &errs.Error{Code: errs.Conflict, Msg: "event.transition_not_allowed",
			Args: []any{errs.Key("event.state." + string(e.State)), nx}}
	}
	return nil
}

// orgFor finds an organisation that may handle e: one within e's handling
// region, or one whose region covers e's region.
func (s *Service) orgFor(ctx context.Context, e *Event, id ids.ID) (OrgRef, error) {
	bad := errs.Fields(map[string]string{"lead": "event.org_unknown"})
	if !ids.Valid(string(id)) {
		return OrgRef{}, bad
	}
	o, err := s.dir.Organization(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return OrgRef{}, bad
	}
	if err != nil {
		return OrgRef{}, err
	}
	if !region.Within(o.Region, e.HandlingRegion()) && !region.Within(e.Region, o.Region) {
		return OrgRef{}, errs.Fields(map[string]string{"lead": "event.org_outside"})
	}
	return OrgRef{ID: o.ID, Name: o.Name}, nil
}

// dispatch sends e (accepted) to the chosen lead and assisting bodies; with
// no lead chosen, to the body the routing rule names.
func (s *Service) dispatch(ctx context.Context, by *identity.Caller, e *Event, in Act) (*Event, error) {
	var lead OrgRef
	if in.Lead == "" {
		r := s.route(ctx, e.Category, e.Region)
		o, err := s.dir.AuthorityFor(ctx, r.Department, e.Level, e.Region)
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Fields(map[string]string{"lead": "event.no_authority"})
		}
		if err != nil {
			return nil, err
		}
		lead = OrgRef{ID: o.ID, Name: o.Name}
	} else {
		var err error
		if lead, err = s.orgFor(ctx, e, in.Lead); err != nil {
			return nil, err
		}
	}
	var assist []OrgRef
	for _, id := range in.Assist {
		o, err := s.orgFor(ctx, e, id)
		if err != nil {
			return nil, errs.Fields(map[string]string{"assist": "event.org_unknown"})
		}
		if o.ID != lead.ID {
			assist = append(assist, o)
		}
	}
	e.Version-- // dispatchTo counts the step
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		return s.dispatchTo(ctx, by, e, lead, assist, in.Comment, nil)
	})
	if err != nil {
		return nil, err
	}
	s.changed(e.Region)
	return e, nil
}

// approve grants a department's return or reassignment request: a return
// sends the event back to the dispatcher (accepted, no department); a
// reassignment dispatches it to the body in.Lead names (or the one the
// department suggested).
func (s *Service) approve(ctx context.Context, by *identity.Caller, e *Event, in Act, st *Step) (*Event, error) {
	p := e.Pending
	if p != nil && p.Action == ActRequestReassign {
		if in.Lead == "" {
			return nil, errs.Fields(map[string]string{"lead": "event.lead_required"})
		}
		lead, err := s.orgFor(ctx, e, in.Lead)
		if err != nil {
			return nil, err
		}
		err = s.tx.Transact(ctx, func(ctx context.Context) error {
			e.State = Accepted
			st.To = Accepted
			if err := s.store.UpdateEvent(ctx, e); err != nil {
				return err
			}
			st.Detail["approved"] = p.Action
			if err := s.record(ctx, by, e, st); err != nil {
				return err
			}
			return s.dispatchTo(ctx, by, e, lead, nil, in.Comment, map[string]any{"reassigned_from": p.By.ID})
		})
		if err != nil {
			return nil, err
		}
		s.changed(e.Region)
		return e, nil
	}
	e.State, e.Pending, e.Lead, e.Assist = Accepted, nil, OrgRef{}, nil
	e.Deadline = s.stageDeadline(e, e.UpdatedAt)
	st.Detail["approved"] = ActRequestReturn
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateEvent(ctx, e); err != nil {
			return err
		}
		return s.record(ctx, by, e, st)
	})
	if err != nil {
		return nil, err
	}
	s.changed(e.Region)
	return e, nil
}

// escalate hands e to the level above: its department's body there must
// dispatch it again. A province-level event has no level above.
func (s *Service) escalate(e *Event, st *Step) error {
	if e.Level <= region.Province {
		return errs.E(errs.Conflict, "event.top_level")
	}
	st.Detail["from_level"], st.Detail["to_level"] = int(e.Level), int(e.Level-1)
	if e.Lead.ID != "" {
		st.Detail["from_lead"] = e.Lead.ID
	}
	if len(e.Assist) > 0 {
		from := make([]ids.ID, len(e.Assist))
		for i, a := range e.Assist {
			from[i] = a.ID
		}
		st.Detail["from_assist"] = from
	}
	e.Level--
	e.Escalated++
	e.Lead, e.Assist, e.Pending = OrgRef{}, nil, nil
	if e.State != Reported {
		e.State = Accepted
	}
	e.Deadline = s.stageDeadline(e, e.UpdatedAt) // acceptance and dispatch at the level above
	st.Detail["handling_region"] = e.HandlingRegion()
	return nil
}

// merge marks e a duplicate of another open event (并单).
func (s *Service) merge(ctx context.Context, by *identity.Caller, e *Event, in Act, st *Step) (func(context.Context) error, error) {
	if in.Target == "" || in.Target == e.ID {
		return nil, errs.Fields(map[string]string{"target": "event.merge_target"})
	}
	t, err := s.load(ctx, in.Target)
	if err != nil || !canSee(by, t) || !t.State.Open() {
		return nil, errs.Fields(map[string]string{"target": "event.merge_target"})
	}
	e.State, e.MergedInto = Merged, t.ID
	st.Detail["into"], st.Detail["into_number"] = t.ID, t.Number
	return nil, nil
}

// split replaces e by several new events, accepted at e's level, one per part.
func (s *Service) split(ctx context.Context, by *identity.Caller, e *Event, in Act, st *Step) (func(context.Context) error, error) {
	if len(in.Parts) < 2 || len(in.Parts) > 10 {
		return nil, errs.Fields(map[string]string{"parts": "event.split_parts"})
	}
	children := make([]*Event, len(in.Parts))
	for i, p := range in.Parts {
		c, ok := CategoryOf(strings.TrimSpace(p.Category))
		d := strings.TrimSpace(p.Description)
		if !ok || !c.Leaf() {
			return nil, errs.Fields(map[string]string{"parts": "event.category_unknown"})
		}
		if n := utf8.RuneCountInString(d); n < MinDescription || n > MaxDescription {
			return nil, errs.Fields(map[string]string{"parts": "event.description_length"})
		}
		ch := *e
		ch.ID, ch.Version, ch.Category, ch.Description, ch.ParentID = ids.New(), 1, c.Code, d, e.ID
		ch.State, ch.AcceptedAt, ch.CreatedAt, ch.Pending = Accepted, e.UpdatedAt, e.UpdatedAt, nil
		// The sending system's ID names the parent (unique per source): a
		// part is our own event, reached through ParentID.
		ch.ExternalID = ""
		ch.Deadline = s.stageDeadline(&ch, e.UpdatedAt)
		r := s.route(ctx, c.Code, e.Region)
		ch.Department = r.Department
		children[i] = &ch
	}
	e.State = Split
	var list []ids.ID
	for _, ch := range children {
		list = append(list, ch.ID)
	}
	st.Detail["children"] = list
	return func(ctx context.Context) error {
		sealed, idx := s.sealPhone(e)
		for i, ch := range children {
			ch.Number = e.Number + "-" + string(rune('1'+i))
			if i >= 9 {
				ch.Number = e.Number + "-" + "1" + string(rune('0'+i-9))
			}
			var chSealed []byte
			if sealed != nil {
				chSealed, _ = s.sealPhone(ch)
			}
			if err := s.store.CreateEvent(ctx, ch, chSealed, idx); err != nil {
				return err
			}
			if err := s.record(ctx, by, ch, &Step{Action: ActSplit, From: Reported,
				Detail: map[string]any{"parent": e.ID, "parent_number": e.Number}}); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// Allowed lists the steps by may take on e now, in flow order (for buttons).
func (s *Service) Allowed(by *identity.Caller, e *Event) []Action {
	if by.Anonymous() || !canSee(by, e) {
		return nil
	}
	var out []Action
	for _, a := range NextActions(e.State) {
		if s.may(by, e, rules[a].by) == nil {
			out = append(out, a)
		}
	}
	return out
}
