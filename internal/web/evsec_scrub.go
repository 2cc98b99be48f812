package web

import (
	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Free text on staff pages and in the API, masked.
//
// People type phone and ID numbers into free text: a caller's number into
// a hotline ticket's description, a reply that names a contact, a progress
// note, an incident's situation report. The structured phone is sealed at
// rest and shown masked, with an audited reveal for the call-back; the
// same number in the text would sidestep both. So every page and JSON body
// that shows these texts passes them through identity.ScrubText (the
// scrubber Open311's public output uses), which masks ID numbers, mobile
// numbers and landlines and leaves everything else (dates, event numbers,
// 12345) as typed. The stored text is unchanged: the hotline operator who
// reveals the caller's phone for the call-back (POST
// /events/{id}/reveal-phone, audited) sees the event's texts in clear on
// that one answer too. And whoever typed a text sees it as typed: the
// reporter their description and address, each account its own comments
// (they know the numbers already; others need the reveal).

// scrubbedEvent is e with its free text masked.
func scrubbedEvent(e governance.Event) governance.Event {
	e.Description = identity.ScrubText(e.Description)
	e.Address = identity.ScrubText(e.Address)
	e.Reply = identity.ScrubText(e.Reply)
	return e
}

// eventFor is e as by is shown it: masked, except the description and
// address by reported.
func eventFor(by *identity.Caller, e *governance.Event) governance.Event {
	if !typedBy(by, e.ReporterID) {
		return scrubbedEvent(*e)
	}
	out := *e // the reporter (and POST /api/v1/events's answer): only the reply to mask, empty at first
	out.Reply = identity.ScrubText(out.Reply)
	return out
}

// typedBy reports whether the account that typed a text is by's.
func typedBy(by *identity.Caller, author ids.ID) bool {
	return !by.Anonymous() && author != "" && by.UserID == author
}

// stepsFor are steps as by is shown them: comments masked except by's own
// (a new slice; the details hold no free text: IDs, codes, message keys).
func stepsFor(by *identity.Caller, steps []governance.Step) []governance.Step {
	if len(steps) == 0 {
		return steps
	}
	out := make([]governance.Step, len(steps))
	for i, st := range steps {
		if !typedBy(by, st.ActorID) {
			st.Comment = identity.ScrubText(st.Comment)
		}
		out[i] = st
	}
	return out
}

// scrubBoard masks the free text of an incident's board in place (the
// board is read for this request alone).
func scrubBoard(b *emergency.Board) {
	if b.Incident != nil {
		inc := *b.Incident
		scrubIncident(&inc)
		b.Incident = &inc
	}
	for i := range b.Tasks {
		b.Tasks[i].Title = identity.ScrubText(b.Tasks[i].Title)
		b.Tasks[i].Note = identity.ScrubText(b.Tasks[i].Note)
	}
	for i := range b.Deployments {
		b.Deployments[i].Note = identity.ScrubText(b.Deployments[i].Note)
	}
	for i := range b.Entries {
		b.Entries[i].Text = identity.ScrubText(b.Entries[i].Text)
	}
}

// scrubIncident masks an incident's free text in place.
func scrubIncident(inc *emergency.Incident) {
	inc.Title = identity.ScrubText(inc.Title)
	inc.Address = identity.ScrubText(inc.Address)
	inc.Summary = identity.ScrubText(inc.Summary)
	inc.Report = identity.ScrubText(inc.Report)
}

// scrubOrgTask masks a department's task and its incident's free text in
// place (read for this request alone).
func scrubOrgTask(t *emergency.OrgTask) {
	t.Title, t.Note = identity.ScrubText(t.Title), identity.ScrubText(t.Note)
	i := &t.Incident
	i.Title, i.Address, i.Summary = identity.ScrubText(i.Title), identity.ScrubText(i.Address), identity.ScrubText(i.Summary)
}
