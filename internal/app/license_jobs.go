package app

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// handleLicenseJobs issues licences when cases complete: an item whose
// result is a licence (license.TypeForItem) gets its licence issued to the
// applicant, sealed by the case's authority, in the dispatcher's
// transaction. Cases know nothing of licences; the event is the link.
func (a *App) handleLicenseJobs() {
	a.Jobs.Handle("cases.complete", func(ctx context.Context, ev jobs.Event) error {
		var p struct {
			CaseID string `json:"case_id"`
		}
		if err := json.Unmarshal(ev.Payload, &p); err != nil || p.CaseID == "" {
			return fmt.Errorf("license: payload of %s %s: %v", ev.Topic, ev.ID, err)
		}
		l, err := a.Licenses.IssueForCase(ctx, ids.ID(p.CaseID))
		if err == nil && l != nil {
			a.Log.Info("licence issued for case", "case", p.CaseID, "license", l.ID, "number", l.Number)
		}
		return err
	})
}
