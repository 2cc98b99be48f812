package web

import "github.com/digigov/digigov/internal/governance"

// DueLabel is the message key naming the time limit r's deadline ends:
// handling (处置时限) while dispatched or handling and after the end, the
// limit of the step it waits for otherwise (受理、审核、核查、结案时限).
func (r eventRow) DueLabel() string {
	switch r.State {
	case governance.Reported, governance.Accepted, governance.ReturnRequested, governance.Replied, governance.Verified:
		return "event.due." + string(r.State)
	}
	return "event.deadline"
}
