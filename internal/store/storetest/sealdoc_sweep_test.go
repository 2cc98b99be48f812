package storetest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestCasesWithoutDecision: the decision sweep's anti-join finds exactly
// the cases completed with an outcome, within its time window, whose
// authority holds no decision document for them — not a case whose
// decision exists, nor one whose only "decision" was issued by another
// organisation, nor cases still under way, refused or without an
// outcome — in order of completion, page by page without repeats or gaps
// even when cases share a completion time.
func TestCasesWithoutDecision(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newSealFixture(t, e)
			s := f.store
			se, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if err != nil {
				t.Fatal(err)
			}
			other := &identity.Organization{ID: ids.New(), Name: "广州市人力资源和社会保障局", USCC: "11440100MB2C9257XX", Region: "4401",
				Kind: identity.OrgDepartment, CreatedAt: t0}
			if err := s.CreateOrganization(ctx, other); err != nil {
				t.Fatal(err)
			}
			applicant := &identity.User{ID: ids.New(), Username: "sweep", DisplayName: "张明", PasswordHash: "h",
				Kind: identity.KindPerson, Locale: "zh-CN", CreatedAt: t0}
			if err := s.CreateUser(ctx, applicant); err != nil {
				t.Fatal(err)
			}
			n := 0
			mk := func(state cases.State, outcome cases.Outcome, done time.Time) *cases.Case {
				n++
				c := &cases.Case{ID: ids.New(), Number: fmt.Sprintf("HRSS-20261126-%04d", n), ItemCode: "TST-0001",
					ItemName: "测试事项", ApplicantID: applicant.ID, Applicant: "张明", Channel: cases.ChannelOnline,
					ReceivedAt: "440106", AuthorityID: f.org.ID, Authority: f.org.Name, DecidedAt: "440106",
					State: state, Outcome: outcome, SubmittedAt: t0, CompletedAt: done, Version: 1, CreatedAt: t0, UpdatedAt: t0}
				if err := s.CreateCase(ctx, c, []byte("sealed")); err != nil {
					t.Fatal(err)
				}
				return c
			}
			doc := func(issuer *identity.Organization, c *cases.Case) {
				n++
				d := &sealdoc.Signed{ID: ids.New(), Number: fmt.Sprintf("JD4401002026%06d", n), Kind: sealdoc.KindDecision,
					Title: "准予办理决定书", IssuerID: issuer.ID, IssuerName: issuer.Name, Region: issuer.Region, SealID: se.ID,
					KID: se.KeyID, Alg: se.Alg, PDFSHA256: fmt.Sprintf("%064x", n), PDFSize: 1000, JWS: "a.b.c",
					Ref: sealdoc.CaseRef(c.ID), Key: sealdoc.DecisionKey(c.ID), SignedBy: "系统", SignedAt: t0}
				if err := s.CreateDocument(ctx, d); err != nil {
					t.Fatal(err)
				}
			}
			at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
			missing1 := mk(cases.Completed, cases.Approved, at(1))
			tieA := mk(cases.Completed, cases.Denied, at(2)) // two completions at one instant
			tieB := mk(cases.Completed, cases.Approved, at(2))
			foreign := mk(cases.Completed, cases.Approved, at(3)) // "its" decision is another issuer's
			doc(other, foreign)
			done := mk(cases.Completed, cases.Denied, at(4)) // has its decision
			doc(f.org, done)
			mk(cases.Completed, "", at(5))              // completed without an outcome
			mk(cases.InDecision, cases.Approved, at(6)) // still under way
			mk(cases.Rejected, cases.Denied, at(7))     // refused, not completed
			late := mk(cases.Completed, cases.Approved, at(60))
			early := mk(cases.Completed, cases.Approved, at(-60))

			want := []ids.ID{missing1.ID, tieA.ID, tieB.ID, foreign.ID}
			if tieB.ID < tieA.ID {
				want[1], want[2] = tieB.ID, tieA.ID
			}
			// Page by one: the cursor walks ties by ID.
			var got []ids.ID
			from := sqlstore.PendingDecision{CompletedAt: at(0)}
			for range 10 {
				page, err := s.CasesWithoutDecision(ctx, from, at(30), 1)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				if page[0].AuthorityID != f.org.ID {
					t.Errorf("authority %s, want %s", page[0].AuthorityID, f.org.ID)
				}
				got = append(got, page[0].CaseID)
				from = page[0]
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("pages of one: %v, want %v", got, want)
			}
			// One page over all time: the early and late ones too.
			all, err := s.CasesWithoutDecision(ctx, sqlstore.PendingDecision{}, at(120), 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 6 || all[0].CaseID != early.ID || all[5].CaseID != late.ID || !all[0].CompletedAt.Equal(early.CompletedAt) {
				t.Errorf("all time: %+v", all)
			}
			// Issuing the missing decision takes the case off the list.
			doc(f.org, missing1)
			if page, err := s.CasesWithoutDecision(ctx, sqlstore.PendingDecision{CompletedAt: at(0)}, at(30), 100); err != nil || len(page) != 3 || page[0].CaseID != want[1] {
				t.Errorf("after issuing: %+v %v", page, err)
			}
		})
	}
}
