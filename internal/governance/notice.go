package governance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Steps that tell people (消息): every step writes an outbox event
// events.<action>; the dispatcher hands these topics — and only these, so
// that reporting stays cheap — to NoticeOf, and notify writes the inboxes
// in the dispatcher's transaction, once per event and person.
//
//   - dispatch (派遣, also a reassignment's approval): the staff of the
//     lead department (主办) and, with their own message, of each
//     assisting one (协办) — whoever holds event.handle at that body;
//   - supervise (督办, by a supervisor or the overdue timer): whoever must
//     act now — the lead and assisting departments' staff while they
//     handle it, the reporter while a reply waits for confirmation, else
//     the dispatchers over the handling region;
//   - escalate (上报上级, by a dispatcher or the timer): the department that
//     had it (it is no longer theirs) and the dispatchers over the new
//     handling region (they must dispatch it);
//   - reply (回复): the reporter, when a person reported it (a citizen on
//     the portal or through Open311, or a grid worker), who must confirm
//     whether it was fixed.
const (
	TopicDispatch  = "events.dispatch"
	TopicSupervise = "events.supervise"
	TopicEscalate  = "events.escalate"
	TopicReply     = "events.reply"
)

// NoticeTopics are the outbox topics NoticeOf answers.
var NoticeTopics = []string{TopicDispatch, TopicSupervise, TopicEscalate, TopicReply}

// StaffGrant is one grant of a staff account, for finding whom to tell.
type StaffGrant struct {
	UserID ids.ID
	Grant  identity.Grant
}

// stepEvent is the part of an event step's outbox payload NoticeOf reads.
type stepEvent struct {
	ID      ids.ID `json:"id"`
	Number  string `json:"number"`
	Version int    `json:"version"` // the step's number
	Lead    ids.ID `json:"lead"`    // the lead department after the step
	// A dispatch's assisting bodies and deadline (absent from outbox
	// rows written before they were added).
	Assist   []ids.ID   `json:"assist"`
	Deadline *time.Time `json:"deadline"`
}

// NoticeOf reads the outbox event of a step and returns whom to tell, in
// groups that get different messages (a person in two groups is told once,
// by the first). It returns nothing for other topics and for steps that
// concern nobody. It reads the event, its step and the grants of the
// bodies concerned: one query each; a dispatch, whose payload says all
// it needs, only the grants.
func (s *Service) NoticeOf(ctx context.Context, topic string, payload []byte) ([]notify.Notice, error) {
	var p stepEvent
	if err := json.Unmarshal(payload, &p); err != nil || p.ID == "" {
		return nil, fmt.Errorf("governance: payload of %s: %v", topic, err)
	}
	if topic == TopicDispatch && p.Deadline != nil && p.Number != "" {
		return s.dispatchNotices(ctx, p.ID, p.Number, p.Lead, p.Assist, *p.Deadline)
	}
	e, _, err := s.store.Event(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	link := "/events/" + url.PathEscape(string(e.ID))
	notice := func(users []ids.ID, stem string, args ...string) notify.Notice {
		return notify.Notice{Users: users, Stem: "notify.event." + stem, Args: append([]string{e.Number}, args...), Link: link}
	}
	switch topic {
	case TopicDispatch:
		lead, assist, deadline := p.Lead, make([]ids.ID, len(e.Assist)), e.Deadline
		for i, a := range e.Assist {
			assist[i] = a.ID
		}
		if e.Version != p.Version {
			// The event moved on (the batch came late): the step says
			// whom it was dispatched to.
			st, err := s.stepOf(ctx, e, p.Version)
			if err != nil {
				return nil, err
			}
			assist = nil
			if list, ok := st.Detail["assist"].([]any); ok {
				for _, x := range list {
					if m, ok := x.(map[string]any); ok {
						if id, ok := m["id"].(string); ok {
							assist = append(assist, ids.ID(id))
						}
					}
				}
			}
			if v, ok := st.Detail["deadline"].(string); ok {
				deadline, _ = time.Parse(time.RFC3339Nano, v)
			}
		}
		return s.dispatchNotices(ctx, e.ID, e.Number, lead, assist, deadline)
	case TopicSupervise:
		st, err := s.stepOf(ctx, e, p.Version)
		if err != nil {
			return nil, err
		}
		stem, args := "supervise", []string{identity.ScrubText(st.Comment)}
		if _, auto := st.Detail["note"]; auto {
			stem, args = "supervise_auto", nil
		}
		switch {
		case e.State == Replied:
			if !reporterConfirms(e) {
				return nil, nil
			}
			return []notify.Notice{notice([]ids.ID{e.ReporterID}, stem, args...)}, nil
		case (e.State == Dispatched || e.State == Handling) && e.Lead.ID != "":
			orgs := []ids.ID{e.Lead.ID}
			for _, a := range e.Assist {
				orgs = append(orgs, a.ID)
			}
			staff, err := s.staffOf(ctx, orgs, nil)
			if err != nil {
				return nil, err
			}
			return []notify.Notice{notice(staff.handlers(orgs), stem, args...)}, nil
		}
		// Waiting for the dispatcher: acceptance, dispatch, a return or
		// reassignment request, closure.
		staff, err := s.staffOf(ctx, nil, ancestors(e.HandlingRegion()))
		if err != nil {
			return nil, err
		}
		return []notify.Notice{notice(staff.dispatchers(e.HandlingRegion()), stem, args...)}, nil
	case TopicEscalate:
		st, err := s.stepOf(ctx, e, p.Version)
		if err != nil {
			return nil, err
		}
		var from []ids.ID
		if v, ok := st.Detail["from_lead"].(string); ok && v != "" {
			from = append(from, ids.ID(v))
		}
		if list, ok := st.Detail["from_assist"].([]any); ok {
			for _, x := range list {
				if v, ok := x.(string); ok {
					from = append(from, ids.ID(v))
				}
			}
		}
		h := e.HandlingRegion()
		staff, err := s.staffOf(ctx, from, ancestors(h))
		if err != nil {
			return nil, err
		}
		suffix, args := "", []string{identity.ScrubText(st.Comment)}
		if _, auto := st.Detail["note"]; auto {
			suffix, args = "_auto", nil
		}
		return []notify.Notice{notice(staff.dispatchers(h), "escalate_to"+suffix, args...),
			notice(staff.handlers(from), "escalate_from"+suffix, args...)}, nil
	case TopicReply:
		// The reporters of the events merged into it are told too: their
		// report is answered here (merged.go).
		users, err := s.store.MergedReporters(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		if reporterConfirms(e) {
			users = append([]ids.ID{e.ReporterID}, users...)
		}
		if len(users) == 0 {
			return nil, nil
		}
		return []notify.Notice{notice(users, "reply")}, nil
	}
	return nil, nil
}

// dispatchNotices tells the staff of the lead and assisting bodies of a
// dispatch, each group its own message with the deadline.
func (s *Service) dispatchNotices(ctx context.Context, id ids.ID, number string, lead ids.ID, assist []ids.ID, deadline time.Time) ([]notify.Notice, error) {
	staff, err := s.staffOf(ctx, append([]ids.ID{lead}, assist...), nil)
	if err != nil {
		return nil, err
	}
	due := deadline.In(shanghai).Format("2006-01-02 15:04")
	link := "/events/" + url.PathEscape(string(id))
	return []notify.Notice{
		{Users: staff.handlers([]ids.ID{lead}), Stem: "notify.event.dispatch_lead", Args: []string{number, due}, Link: link},
		{Users: staff.handlers(assist), Stem: "notify.event.dispatch_assist", Args: []string{number, due}, Link: link},
	}, nil
}

// reporterConfirms reports whether e's reporter is a person who confirms
// the result: a citizen (portal, Open311) or the grid worker who found it.
// Hotline callers have no account (the call-back reaches them), and
// sensors and other systems confirm nothing.
func reporterConfirms(e *Event) bool {
	switch e.Source {
	case SourcePortal, SourceOpen311, SourceGrid:
		return ids.Valid(string(e.ReporterID))
	}
	return false
}

// stepOf returns step seq of e.
func (s *Service) stepOf(ctx context.Context, e *Event, seq int) (*Step, error) {
	steps, err := s.store.EventSteps(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for i := range steps {
		if steps[i].Seq == seq {
			return &steps[i], nil
		}
	}
	return &Step{Detail: map[string]any{}}, nil
}

// staff is a set of grants to pick people from.
type staff []StaffGrant

func (s *Service) staffOf(ctx context.Context, orgs []ids.ID, scopes []region.Code) (staff, error) {
	var keep []ids.ID
	for _, o := range orgs {
		if o != "" {
			keep = append(keep, o)
		}
	}
	if len(keep) == 0 && len(scopes) == 0 {
		return nil, nil
	}
	return s.store.EventStaff(ctx, keep, scopes)
}

// handlers lists the holders of event.handle at one of orgs.
func (st staff) handlers(orgs []ids.ID) []ids.ID {
	var out []ids.ID
	seen := map[ids.ID]bool{}
	for _, g := range st {
		if seen[g.UserID] || !g.Grant.Role.Allows(identity.PermEventHandle) {
			continue
		}
		for _, o := range orgs {
			if o != "" && g.Grant.OrgID == o {
				seen[g.UserID] = true
				out = append(out, g.UserID)
				break
			}
		}
	}
	return out
}

// dispatchers lists the holders of event.dispatch whose scope covers h.
func (st staff) dispatchers(h region.Code) []ids.ID {
	var out []ids.ID
	seen := map[ids.ID]bool{}
	for _, g := range st {
		if !seen[g.UserID] && g.Grant.Role.Allows(identity.PermEventDispatch) && region.Within(h, g.Grant.Scope) {
			seen[g.UserID] = true
			out = append(out, g.UserID)
		}
	}
	return out
}

// ancestors lists c and the codes above it (the scopes that cover c).
func ancestors(c region.Code) []region.Code {
	var out []region.Code
	for _, l := range []region.Level{region.Province, region.City, region.County, region.Town, region.Village} {
		if n := codeLen(l); n <= len(c) {
			out = append(out, c[:n])
		}
	}
	return out
}
