// Package governance runs events (事件) of 一网统管: the problems citizens,
// grid workers (网格员), 12345 hotline operators, sensors and other systems
// report, and the one flow that takes each to its end:
//
//	report (上报) → accept (立案) or reject (不予立案: not ours, or a duplicate merged
//	into another event, 并单) → dispatch (派遣) to the responsible department at the
//	right level, one lead department (主办) and any assisting ones (协办) → handle
//	(处置) with progress notes and photos → reply (回复) → verify (核查) by the grid
//	worker or the reporter → close (结案) → call-back (回访) and rating.
//
// Beside the main line: a department may ask to return (退单) or reassign
// (改派) an event, which the dispatcher approves or denies; the dispatcher may
// split (拆单) an event into several, escalate (上报) it to the level above —
// the five levels province, city, county, town and village follow the region
// codes of 2, 4, 6, 9 and 12 digits — and reopen a closed one. A supervisor
// sends supervision notices (督办). Every step records who, when and why in
// the event's history, the audit log and the outbox, in one transaction;
// events carry a version, so of two dispatchers acting on the same version
// exactly one wins and the other gets a conflict naming what is allowed now.
//
// Categories (category.go) form a tree; each leaf names the responsible
// department type, the handling level and the time limit in working hours
// or working days, counted on the working-day clock. Routing rules
// (routing.go) refine "category + region → department and level" and say
// where dispatch may be automatic; a report near an open event of the same
// category is flagged as a possible duplicate and left to a person. Overdue
// events are escalated or supervised by the level's rule (escalation.go),
// by a timer any instance may run.
//
// Scope: staff see the events whose region lies within their grants' scope,
// reporters their own reports; everyone else gets "not found". A reporter's
// phone number is sealed at rest and only ever shown masked.
package governance
