package governance

import (
	"time"

	"github.com/digigov/digigov/internal/region"
)

// Every step of the flow has a time limit (环节时限), not only handling: an
// event's Deadline is the end of the limit of the step it waits for, and
// the overdue timer (escalation.go) acts on whichever step runs late. The
// limits follow how a 12345 centre and a 数字城管 command centre work:
//
//   - acceptance and dispatch (受理、派遣), while reported or accepted: the
//     centre works around the clock, so the limit is in natural time —
//     30 minutes for a critical event, one hour for an urgent one, two
//     hours otherwise, counted again from acceptance, escalation or an
//     approved return. Late, the level policy applies as for handling:
//     below the city the event goes up one level (逐级上报), at the city
//     and the province a supervision notice (督办) is sent;
//   - handling (处置), while dispatched or handling: the category's limit
//     in working hours or days from dispatch (category.go); the level
//     policy when late;
//   - review of a return or reassignment request (退单、改派审核): one
//     working day. Late, the dispatchers get a supervision notice; the
//     request is not decided for them (approving would let a department
//     drop an event by waiting, denying would ignore a possibly right
//     objection). A denied request gives the department back its
//     handling deadline: the clock did not stop while it asked;
//   - confirmation by the reporter or the grid worker (核查、确认), while
//     replied: three working days. Late, the timer records the
//     verification itself (逾期未确认，视为核查通过): like a 12345 centre
//     that takes a citizen's silence after the reply as consent, the
//     event goes on to closure; its rating stays unset, so the hotline's
//     call-back still asks the citizen;
//   - closure (结案), while verified: one working day; late, the
//     dispatchers get a supervision notice.
//
// Each deadline is acted on once (timer_at records it); a new deadline
// comes with the next step.
var (
	acceptLimits = map[Urgency]time.Duration{Critical: 30 * time.Minute, Urgent: time.Hour, Normal: 2 * time.Hour}
	ReviewLimit  = Limit{Days: 1}
	VerifyLimit  = Limit{Days: 3}
	CloseLimit   = Limit{Days: 1}
)

// AcceptLimit is the time an event of urgency u may wait for acceptance
// and dispatch.
func AcceptLimit(u Urgency) time.Duration {
	if d, ok := acceptLimits[u]; ok {
		return d
	}
	return acceptLimits[Normal]
}

// stageDeadline is the end of the limit of the step e waits for in its
// state, counted from at; zero for states without one (closed and the
// other ends). Dispatched and handling events get the category's limit.
func (s *Service) stageDeadline(e *Event, at time.Time) time.Time {
	var t time.Time
	switch e.State {
	case Reported, Accepted:
		t = at.Add(AcceptLimit(e.Urgency))
	case Dispatched, Handling:
		t = cat(e).Limit.Deadline(s.cal, at)
	case ReturnRequested:
		t = ReviewLimit.Deadline(s.cal, at)
	case Replied:
		t = VerifyLimit.Deadline(s.cal, at)
	case Verified:
		t = CloseLimit.Deadline(s.cal, at)
	default:
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// stageLimit is the length of the limit of e's current step, for the
// traffic light's warning (a quarter of it left); zero for limits in
// working days, which warn on their last working day.
func stageLimit(e *Event) time.Duration {
	switch e.State {
	case Reported, Accepted:
		return AcceptLimit(e.Urgency)
	case Dispatched, Handling:
		return time.Duration(cat(e).Limit.Hours) * time.Hour
	}
	return 0
}

// overdueAction is what the timer does with e, whose step is late: the
// level policy (escalate or supervise) for acceptance, dispatch and
// handling; supervise for a review or closure; verify for a confirmation.
func overdueAction(e *Event) Action {
	switch e.State {
	case Reported, Accepted, Dispatched, Handling:
		if escalateOverdue[e.Level] && e.Level > region.Province {
			return ActEscalate
		}
		return ActSupervise
	case Replied:
		return ActVerify
	}
	return ActSupervise
}

// overdueNotes are the message keys of the timer's notes, by what it did
// and to which step; the Chinese text is what the history and the audit
// log record (see Step.Note).
var overdueNotes = map[string]string{
	"event.note.overdue_escalate":         "超过办理时限，自动上报上一级",
	"event.note.overdue_supervise":        "超过处置时限，自动督办",
	"event.note.overdue_accept_supervise": "超过受理派遣时限，自动督办",
	"event.note.overdue_review_supervise": "退单/改派申请超过审核时限，自动督办",
	"event.note.overdue_close_supervise":  "核查通过后超过结案时限，自动督办",
	"event.note.overdue_verify":           "超过核查时限未确认，视为核查通过",
}

// overdueNote is the key of the note the timer writes for action a on an
// event in state from.
func overdueNote(a Action, from State) string {
	switch {
	case a == ActEscalate:
		return "event.note.overdue_escalate"
	case a == ActVerify:
		return "event.note.overdue_verify"
	case from == Reported || from == Accepted:
		return "event.note.overdue_accept_supervise"
	case from == ReturnRequested:
		return "event.note.overdue_review_supervise"
	case from == Verified:
		return "event.note.overdue_close_supervise"
	}
	return "event.note.overdue_supervise"
}
