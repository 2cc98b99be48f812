package governance

import (
	"slices"

	"github.com/digigov/digigov/internal/identity"
)

// A report merged into another event (并单) is answered there: the
// citizens and grid workers whose events were merged into e follow e as
// its reporter does. They read it (its reporter's name and phone hidden
// from them), confirm whether it was fixed, rate it, and are told of its
// reply. The merged event's page links to it (merged_into).

// isReporter reports whether by reported e or an event merged into it.
func isReporter(by *identity.Caller, e *Event) bool {
	if by.Anonymous() {
		return false
	}
	return by.UserID == e.ReporterID || slices.Contains(e.CoReporters, by.UserID)
}

// maskForCoReporter hides e's reporter from by when by reads e only as the
// reporter of an event merged into it: the citizen view of someone else's
// report.
func maskForCoReporter(by *identity.Caller, e *Event) {
	if by.UserID == e.ReporterID || !slices.Contains(e.CoReporters, by.UserID) {
		return
	}
	for _, p := range eventPerms {
		if identity.Authorize(by, p, e.Region) == nil {
			return
		}
	}
	if inTeam(by, e, true) {
		return
	}
	e.ReporterName, e.Phone = "", ""
}
