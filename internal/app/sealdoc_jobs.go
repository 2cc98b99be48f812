package app

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/sealdoc"
)

// handleDecisionDocuments seals the decision (决定书) of every case that
// completes with an outcome: rendered as a PDF, sealed by the case's
// authority's active seal, downloadable by the applicant and the officers
// from the case page. It runs in the dispatcher's transaction, like the
// licence a case issues; an event that comes twice finds the decision
// issued (sealdoc.Decision is issued once per case). An authority without
// an active seal gets no document (logged), rather than holding the event
// back. Cases know nothing of documents; the event is the link.
func (a *App) handleDecisionDocuments() {
	a.Jobs.Handle("cases.complete", func(ctx context.Context, ev jobs.Event) error {
		var p struct {
			CaseID string `json:"case_id"`
		}
		if err := json.Unmarshal(ev.Payload, &p); err != nil || p.CaseID == "" {
			return fmt.Errorf("sealdoc: payload of %s %s: %v", ev.Topic, ev.ID, err)
		}
		c, _, err := a.Store.Case(ctx, ids.ID(p.CaseID))
		if err != nil {
			return err
		}
		if c.State != cases.Completed || c.Outcome == "" {
			return nil
		}
		h := sealdoc.Holder{UserID: c.ApplicantID, EnterpriseID: c.EnterpriseID}
		if c.EnterpriseID == "" {
			h.PersonID = c.PersonID
		}
		d, err := a.Documents.IssueDecision(ctx, sealdoc.Decision{CaseID: c.ID, CaseNumber: c.Number, ItemName: c.ItemName,
			Applicant: c.Applicant, AuthorityID: c.AuthorityID, Approved: c.Outcome == cases.Approved, Text: c.Decision,
			SubmittedAt: c.SubmittedAt, Holder: h})
		if errs.Is(err, errs.Conflict) {
			// No active seal, no font: retrying cannot help, and failing
			// would hold back the event's other handlers (its licence,
			// its notifications). The case stays without its document.
			a.Log.Warn("decision not sealed", "case", c.ID, "authority", c.AuthorityID, "err", err)
			return nil
		}
		if err == nil {
			a.Log.Info("decision sealed", "case", c.ID, "document", d.ID, "number", d.Number)
		}
		return err
	})
}
