package web_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/store/storetest"
)

// loseDecisions drains the outbox the way a node that crashed right after
// the dispatcher's commit leaves it: every event processed, no work after
// the commit done — so a completed case has no decision document and no
// event will bring one.
func loseDecisions(t *testing.T, n *licenseNode) {
	t.Helper()
	d := jobs.New(n.App.Store, n.App.DB, jobs.Options{})
	d.Handle("cases.", func(ctx context.Context, ev jobs.Event) error {
		jobs.AfterCommit(ctx, func(context.Context) {}) // the crash: nothing after the commit runs
		return nil
	})
	for {
		k, err := d.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			break
		}
	}
}

func sweepAll(t *testing.T, n *licenseNode) app.DecisionSweep {
	t.Helper()
	r, err := n.App.SweepDecisions(context.Background(), time.Time{}, time.Now().Add(time.Hour), 50)
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	return r
}

// TestDecisionSweepRestoresLostDecision: a case completed while the node
// crashed between the outbox commit and the decision's own transaction
// has no decision, and nothing brings it — until the sweep: it issues the
// decision, which the applicant then finds on the case page, downloads,
// and verifies as genuine; a second sweep issues nothing more.
func TestDecisionSweepRestoresLostDecision(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			ctx := context.Background()
			c := completeCaseNoOutbox(t, n, "HRSS-0009")
			loseDecisions(t, n)
			for range 3 { // the node's own dispatcher, later: nothing brings the decision
				if _, err := n.App.Jobs.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := n.App.Store.DocumentByKey(ctx, c.AuthorityID, sealdoc.DecisionKey(c.ID)); !errs.Is(err, errs.NotFound) {
				t.Fatalf("before the sweep: %v, want no decision", err)
			}
			applicant := n.Client(t)
			applicant.Login("citizen", "digigov2026")
			if k := applicant.Get("/cases/" + string(c.ID)).Doc.Find("#case-documents a.doc-pdf").Length(); k != 0 {
				t.Fatalf("case page shows %d documents before the sweep", k)
			}

			// Within the grace period the sweep leaves the case to the
			// event's path.
			if r, err := n.App.SweepDecisions(ctx, time.Time{}, c.CompletedAt, 50); err != nil || r.Issued != 0 {
				t.Fatalf("sweep before the case's completion time: %+v %v", r, err)
			}
			if r := sweepAll(t, n); r.Issued != 1 || r.NoSeal != 0 || r.More {
				t.Fatalf("sweep: %+v, want one decision issued", r)
			}

			page := applicant.Get("/cases/" + string(c.ID))
			links := page.Doc.Find("#case-documents a.doc-pdf")
			if links.Length() != 1 {
				t.Fatalf("case page shows %d documents after the sweep, want 1", links.Length())
			}
			if got := page.Doc.Find("#case-documents strong").Text(); got != "准予办理决定书" {
				t.Errorf("decision title %q", got)
			}
			href, _ := links.Attr("href")
			pdf := applicant.Get(href)
			if pdf.StatusCode != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF-") {
				t.Fatalf("applicant's download: %d", pdf.StatusCode)
			}
			sigHref, _ := page.Doc.Find("#case-documents a.doc-sig").Attr("href")
			sig := applicant.Get(sigHref).Body
			v := n.verifyDoc([]byte(pdf.Body), sig)
			if !v.Genuine || v.Title != "准予办理决定书" || v.Number == "" || v.Issuer == "" {
				t.Errorf("restored decision verifies as %+v", v)
			}
			if v := n.verifyDoc([]byte(pdf.Body), ""); !v.Genuine {
				t.Errorf("restored decision looked up by its hash: %+v", v)
			}

			if r := sweepAll(t, n); r.Issued != 0 {
				t.Errorf("second sweep issued %d", r.Issued)
			}
			if docs, err := n.App.Store.RefDocuments(ctx, sealdoc.CaseRef(c.ID)); err != nil || len(docs) != 1 {
				t.Errorf("case has %d documents (%v), want 1", len(docs), err)
			}
		})
	}
}

// TestDecisionSweepRacesEventPath: sweeps of several instances running
// while the event's own path issues the same decision end with one
// document and no error anywhere.
func TestDecisionSweepRacesEventPath(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			ctx := context.Background()
			c := completeCaseNoOutbox(t, n, "HRSS-0010")
			const sweepers = 3
			var wg sync.WaitGroup
			errc := make(chan error, sweepers+1)
			start := make(chan struct{})
			wg.Add(sweepers + 1)
			go func() {
				defer wg.Done()
				<-start
				_, err := n.App.Jobs.RunOnce(ctx) // the event's path, after its commit
				errc <- err
			}()
			for range sweepers {
				go func() {
					defer wg.Done()
					<-start
					_, err := n.App.SweepDecisions(ctx, time.Time{}, time.Now().Add(time.Hour), 50)
					errc <- err
				}()
			}
			close(start)
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Errorf("racer: %v", err)
				}
			}
			docs, err := n.App.Store.RefDocuments(ctx, sealdoc.CaseRef(c.ID))
			if err != nil || len(docs) != 1 {
				t.Fatalf("case has %d decision documents (%v), want 1", len(docs), err)
			}
			if r := sweepAll(t, n); r.Issued != 0 {
				t.Errorf("a later sweep issued %d", r.Issued)
			}
		})
	}
}

// TestDecisionSweepWaitsForSeal: the cases of an authority without an
// active seal are passed over (one attempt per round, one log line per
// round, no error) and get their decisions once the authority has a seal
// again.
func TestDecisionSweepWaitsForSeal(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	ctx := context.Background()
	first := completeCaseNoOutbox(t, n, "HRSS-0009")
	second := completeCaseNoOutbox(t, n, "HRSS-0010")
	loseDecisions(t, n)
	admin := n.Caller(t, "admin")
	for _, se := range mustSeals(t, n, admin) {
		if se.OrgID == first.AuthorityID && se.State != seal.Revoked {
			if _, err := n.App.Seals.Act(ctx, admin, se.ID, seal.ActRevoke, "印章更换"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if second.AuthorityID != first.AuthorityID {
		t.Fatalf("test cases decided by two authorities")
	}
	before := strings.Count(n.Log.String(), "decisions wait for a seal")
	r := sweepAll(t, n)
	if r.Issued != 0 || r.NoSeal != 2 || r.Authorities != 1 {
		t.Errorf("sweep without a seal: %+v, want 2 cases of 1 authority passed over", r)
	}
	if got := strings.Count(n.Log.String(), "decisions wait for a seal") - before; got != 1 {
		t.Errorf("%d log lines for one round, want 1", got)
	}
	if _, err := n.App.Seals.Create(ctx, admin, seal.NewSeal{OrgID: first.AuthorityID, Kind: seal.Official}); err != nil {
		t.Fatal(err)
	}
	if r := sweepAll(t, n); r.Issued != 2 || r.NoSeal != 0 {
		t.Errorf("sweep with a new seal: %+v, want 2 issued", r)
	}
	for _, c := range []*cases.Case{first, second} {
		if _, err := n.App.Store.DocumentByKey(ctx, c.AuthorityID, sealdoc.DecisionKey(c.ID)); err != nil {
			t.Errorf("case %s: %v", c.Number, err)
		}
	}
}
