package governance

import (
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/region"
)

// SummaryScope is the region CockpitSummary counts when asked for none:
// the caller's first scope of an event permission ("" if they hold none,
// which CockpitSummary refuses). Callers that add figures of their own to
// the summary (the API's 30-day closure rate, Closure30) use it to count
// the same region.
func SummaryScope(by *identity.Caller) region.Code {
	for _, p := range eventPerms {
		if sc := by.Scopes(p); len(sc) > 0 {
			return sc[0]
		}
	}
	return ""
}
