package app

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/sqlstore"
)

// The decision sweep's rhythm. A round looks at the cases completed in
// the last decisionSweepRecent; at start-up and then once every
// decisionSweepFullEvery it looks at every completed case (an authority
// that had no seal when its cases completed gets their decisions once it
// has one). Cases completed less than decisionSweepGrace ago are left to
// the event's own path, which is usually under way.
const (
	decisionSweepEvery     = 5 * time.Minute
	decisionSweepRecent    = 48 * time.Hour
	decisionSweepFullEvery = 24 * time.Hour
	decisionSweepGrace     = 2 * time.Minute
	decisionSweepBatch     = 50  // decisions issued per round at most (~100 ms of CPU each)
	decisionSweepPage      = 200 // cases read per query
)

// DecisionSweep is what a round of the decision sweep did.
type DecisionSweep struct {
	Issued      int  // decisions issued (or found issued meanwhile by the event's path)
	NoSeal      int  // cases passed over: their authority has no active seal
	Authorities int  // how many authorities those are
	Failed      int  // cases whose decision cannot be issued as they stand (logged)
	More        bool // the batch was full: there may be more to issue
}

// SweepDecisions issues the missing decision documents (决定书) of the
// cases completed with an outcome in [since, before): those whose
// authority holds no document under sealdoc.DecisionKey, because the node
// stopped between the dispatcher's commit of cases.complete and the
// document's own transaction (the event's path is at most once), or the
// authority had no active seal then. It issues at most max and reports
// More when it stopped there.
//
// An authority without an active seal is tried once per round: its other
// cases are passed over and counted, and the round logs them once. The
// sweep racing the event's path (or another instance's sweep) is safe:
// sealdoc keeps one decision per case under a unique key and hands the
// loser the winner's document. It returns an error only when the
// database, the blob store or the font fails, which the next round
// retries.
func (a *App) SweepDecisions(ctx context.Context, since, before time.Time, max int) (DecisionSweep, error) {
	var r DecisionSweep
	sealless := map[ids.ID]bool{}
	defer func() {
		if r.NoSeal > 0 {
			a.Log.Warn("decisions wait for a seal: authorities without an active seal",
				"authorities", len(sealless), "cases", r.NoSeal)
		}
	}()
	from := sqlstore.PendingDecision{CompletedAt: since}
	for {
		page, err := a.Store.CasesWithoutDecision(ctx, from, before, decisionSweepPage)
		if err != nil {
			return r, err
		}
		for _, p := range page {
			from = p
			if sealless[p.AuthorityID] {
				r.NoSeal++
				continue
			}
			c, _, err := a.Store.Case(ctx, p.CaseID)
			if err != nil {
				return r, err
			}
			d, err := a.Documents.IssueDecision(ctx, decisionOf(c))
			e := errs.As(err)
			switch {
			case err == nil:
				r.Issued++
				a.Log.Info("decision restored by the sweep", "case", c.ID, "document", d.ID, "number", d.Number)
			case e != nil && e.Code == errs.Conflict && e.Msg == "sealdoc.no_font":
				return r, err // every other case would fail alike
			case e != nil && e.Code == errs.Conflict:
				// seal.none_active; or seal.not_active, seal.key_changed
				// when the seal changed under the signature: next round.
				sealless[p.AuthorityID] = true
				r.NoSeal++
				r.Authorities = len(sealless)
			case e != nil && (e.Code == errs.Invalid || e.Code == errs.NotFound):
				// The authority is gone, or the case cannot be laid out:
				// retrying cannot help until someone looks.
				r.Failed++
				a.Log.Error("decision cannot be issued", "case", c.ID, "authority", c.AuthorityID, "err", err)
			default:
				return r, err
			}
			if r.Issued >= max {
				r.More = true
				return r, nil
			}
		}
		if len(page) < decisionSweepPage {
			return r, nil
		}
	}
}
