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
// from the case page. Rendering and signing take a CPU-bound ~100 ms, so
// they do not run in the dispatcher's transaction (on SQLite that would
// hold the single writer the whole time): the handler only looks whether
// the case has its decision already and, if not, issues it after the
// dispatcher commits — render, hash and sign in memory, then one short
// transaction for the document, the seal's use and the audit entry.
// sealdoc keeps a decision once per case under concurrency (a unique key
// per issuer; a loser's render is discarded and the winner's document
// returned). An authority without an active seal gets no document
// (logged), rather than holding the event back. Cases know nothing of
// documents; the event is the link.
//
// This path is at most once: a crash between the dispatcher's commit and
// the document's transaction loses the document. The decision sweep
// (sealdoc_sweep.go) finds such cases at start-up and periodically and
// issues what is missing.
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
		dec := decisionOf(c)
		if _, err := a.Store.DocumentByKey(ctx, c.AuthorityID, sealdoc.DecisionKey(c.ID)); err == nil {
			return nil // the event came twice
		} else if !errs.Is(err, errs.NotFound) {
			return err
		}
		jobs.AfterCommit(ctx, func(ctx context.Context) {
			// A stopping server finishes this one (it takes a moment).
			a.issueDecision(context.WithoutCancel(ctx), dec)
		})
		return nil
	})
}

// decisionOf is what a completed case's decision document states. The
// applicant holds it: their account, and their enterprise when they
// applied for one, else their person.
func decisionOf(c *cases.Case) sealdoc.Decision {
	h := sealdoc.Holder{UserID: c.ApplicantID, EnterpriseID: c.EnterpriseID}
	if c.EnterpriseID == "" {
		h.PersonID = c.PersonID
	}
	return sealdoc.Decision{CaseID: c.ID, CaseNumber: c.Number, ItemName: c.ItemName,
		Applicant: c.Applicant, AuthorityID: c.AuthorityID, Approved: c.Outcome == cases.Approved, Text: c.Decision,
		SubmittedAt: c.SubmittedAt, Holder: h}
}

// issueDecision issues a case's decision outside any transaction.
func (a *App) issueDecision(ctx context.Context, dec sealdoc.Decision) {
	d, err := a.Documents.IssueDecision(ctx, dec)
	switch {
	case errs.Is(err, errs.Conflict):
		// No active seal, no font: retrying cannot help. The case stays
		// without its document.
		a.Log.Warn("decision not sealed", "case", dec.CaseID, "authority", dec.AuthorityID, "err", err)
	case err != nil:
		a.Log.Error("decision not sealed", "case", dec.CaseID, "authority", dec.AuthorityID, "err", err)
	default:
		a.Log.Info("decision sealed", "case", dec.CaseID, "document", d.ID, "number", d.Number)
	}
}
