package web_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestDecisionOncePerCaseUnderConcurrency: completions of one case racing
// each other (the event delivered twice at once, a retry meeting the
// first attempt) render in parallel outside any transaction, yet the case
// ends with exactly one decision document, every caller gets that one, and
// the losers' numbers stay unused.
func TestDecisionOncePerCaseUnderConcurrency(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			c := completeCase(t, n, "HRSS-0009", true, "材料齐全")
			ctx := context.Background()
			first, err := n.App.Store.DocumentByKey(ctx, c.AuthorityID, sealdoc.DecisionKey(c.ID))
			if err != nil {
				t.Fatalf("completed case has no decision: %v", err)
			}
			// A second case, whose decision is issued by racing callers.
			c2 := completeCaseNoOutbox(t, n, "HRSS-0010")
			dec := sealdoc.Decision{CaseID: c2.ID, CaseNumber: c2.Number, ItemName: c2.ItemName, Applicant: c2.Applicant,
				AuthorityID: c2.AuthorityID, Approved: true, Text: "同意", SubmittedAt: c2.SubmittedAt,
				Holder: sealdoc.Holder{UserID: c2.ApplicantID, PersonID: c2.PersonID}}
			const racers = 6
			got := make([]*sealdoc.Signed, racers)
			errc := make([]error, racers)
			var wg sync.WaitGroup
			for i := range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					got[i], errc[i] = n.App.Documents.IssueDecision(ctx, dec)
				}()
			}
			wg.Wait()
			for i := range racers {
				if errc[i] != nil {
					t.Fatalf("racer %d: %v", i, errc[i])
				}
				if got[i].ID != got[0].ID {
					t.Errorf("racer %d got document %s, racer 0 %s", i, got[i].ID, got[0].ID)
				}
			}
			docs, err := n.App.Store.RefDocuments(ctx, sealdoc.CaseRef(c2.ID))
			if err != nil || len(docs) != 1 {
				t.Fatalf("case has %d decision documents (%v), want 1", len(docs), err)
			}
			if docs[0].ID == first.ID {
				t.Fatal("second case got the first case's document")
			}
		})
	}
}

// completeCaseNoOutbox is completeCase without running the outbox: the
// case is completed, its decision not yet issued.
func completeCaseNoOutbox(t *testing.T, n *licenseNode, item string) *cases.Case {
	t.Helper()
	ctx := context.Background()
	it := apptest.TestItem(item, catalog.LevelCity, catalog.ScopeProvince)
	it.Steps = []catalog.Step{{Stage: catalog.StageAccept, Role: identity.RoleCaseOfficer}, {Stage: catalog.StageDecide, Role: identity.RoleDepartmentHead}}
	if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{it}); err != nil {
		t.Fatal(err)
	}
	c, err := n.App.Cases.Apply(ctx, n.Caller(t, "citizen"), cases.Application{ItemCode: item, DecideIn: "440106",
		Form: map[string]string{"reason": "申请", "phone": "13800138000"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		who string
		a   cases.Action
	}{{"officer", cases.ActAccept}, {"head", cases.ActApprove}, {"head", cases.ActComplete}} {
		if c, err = n.App.Cases.Act(ctx, n.Caller(t, st.who), c.ID, c.Version, st.a, "同意"); err != nil {
			t.Fatalf("%s: %v", st.a, err)
		}
	}
	return c
}

// TestStaffDocumentDownloadAudited: the decision PDF names the applicant,
// so an officer downloading it leaves a "document.read" entry about the
// applicant (who can see it among the reads of their data); the applicant
// downloading their own decision leaves none.
func TestStaffDocumentDownloadAudited(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	c := completeCase(t, n, "HRSS-0009", true, "材料齐全")
	ctx := context.Background()
	d, err := n.App.Store.DocumentByKey(ctx, c.AuthorityID, sealdoc.DecisionKey(c.ID))
	if err != nil {
		t.Fatal(err)
	}
	href := "/documents/" + string(d.ID) + "/pdf"
	reads := func() []audit.Entry {
		t.Helper()
		es, err := n.App.Audit.Entries(ctx, audit.Filter{Action: "document.read", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	applicant := n.Client(t)
	applicant.Login("citizen", "digigov2026")
	if r := applicant.Get(href); r.StatusCode != http.StatusOK {
		t.Fatalf("applicant download: %d", r.StatusCode)
	}
	if es := reads(); len(es) != 0 {
		t.Errorf("the holder's own download was audited as a read: %+v", es)
	}
	officer := n.Client(t)
	officer.Login("officer", "digigov2026")
	if r := officer.Get(href); r.StatusCode != http.StatusOK {
		t.Fatalf("officer download: %d", r.StatusCode)
	}
	es := reads()
	if len(es) != 1 {
		t.Fatalf("officer download left %d document.read entries, want 1", len(es))
	}
	if e := es[0]; e.TargetID != string(d.ID) || e.SubjectID != string(c.PersonID) || e.SubjectID == "" || e.ActorName == "" {
		t.Errorf("read entry %+v: want target %s, subject %s", e, d.ID, c.PersonID)
	}
}
