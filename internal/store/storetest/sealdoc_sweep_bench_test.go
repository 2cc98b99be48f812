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

// BenchmarkDecisionSweep measures a sweep round's query over 20,000
// completed cases that all have their decision (the usual state: the
// round finds nothing): over all time (start-up, daily) and over the last
// day (every 5 minutes; 1 % of the cases), against the baseline of
// walking the same completed cases through the same index without the
// anti-join.
//
//	go test -run x -bench DecisionSweep -benchtime 20x ./internal/store/storetest/
func BenchmarkDecisionSweep(b *testing.B) {
	const total, recent = 20000, 200
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			f := newSealFixture(b, e)
			s := f.store
			se, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if err != nil {
				b.Fatal(err)
			}
			u := &identity.User{ID: ids.New(), Username: "bench", DisplayName: "张明", PasswordHash: "h",
				Kind: identity.KindPerson, Locale: "zh-CN", CreatedAt: t0}
			if err := s.CreateUser(ctx, u); err != nil {
				b.Fatal(err)
			}
			for lo := 0; lo < total; lo += 1000 {
				err := f.db.Transact(ctx, func(ctx context.Context) error {
					for i := lo; i < lo+1000; i++ {
						done := t0.Add(time.Duration(i-total+recent) * time.Minute * 7) // the last 200 within a day of t0
						c := &cases.Case{ID: ids.New(), Number: fmt.Sprintf("HRSS-%06d", i), ItemCode: "TST-0001", ItemName: "测试事项",
							ApplicantID: u.ID, Applicant: "张明", Channel: cases.ChannelOnline, ReceivedAt: "440106",
							AuthorityID: f.org.ID, Authority: f.org.Name, DecidedAt: "440106", State: cases.Completed,
							Outcome: cases.Approved, SubmittedAt: done, CompletedAt: done, Version: 1, CreatedAt: done, UpdatedAt: done}
						if err := s.CreateCase(ctx, c, []byte("x")); err != nil {
							return err
						}
						d := &sealdoc.Signed{ID: ids.New(), Number: fmt.Sprintf("JD4401002026%06d", i), Kind: sealdoc.KindDecision,
							Title: "准予办理决定书", IssuerID: f.org.ID, IssuerName: f.org.Name, Region: f.org.Region, SealID: se.ID,
							KID: se.KeyID, Alg: se.Alg, PDFSHA256: fmt.Sprintf("%064x", i), PDFSize: 1000, JWS: "a.b.c",
							Ref: sealdoc.CaseRef(c.ID), Key: sealdoc.DecisionKey(c.ID), SignedBy: "系统", SignedAt: done}
						if err := s.CreateDocument(ctx, d); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			if _, err := f.db.W.ExecContext(ctx, "ANALYZE"); err != nil {
				b.Fatal(err)
			}
			end := t0.Add(48 * time.Hour)
			b.Run("baseline-walk-all", func(b *testing.B) {
				for b.Loop() {
					rows, err := f.db.Query(ctx, `SELECT c.id, c.authority_id, c.completed_at FROM cases c
						WHERE c.state = 'completed' AND c.outcome <> '' AND c.completed_at >= ? AND c.completed_at < ?
						ORDER BY c.completed_at, c.id`, time.Time{}, end)
					if err != nil {
						b.Fatal(err)
					}
					n := 0
					for rows.Next() {
						n++
					}
					rows.Close()
					if n != total {
						b.Fatalf("walked %d", n)
					}
				}
			})
			for _, r := range []struct {
				name  string
				since time.Time
			}{{"sweep-all", time.Time{}}, {"sweep-last-day", t0.Add(-24 * time.Hour)}} {
				b.Run(r.name, func(b *testing.B) {
					for b.Loop() {
						page, err := s.CasesWithoutDecision(ctx, sqlstore.PendingDecision{CompletedAt: r.since}, end, 200)
						if err != nil || len(page) != 0 {
							b.Fatalf("%d %v", len(page), err)
						}
					}
				})
			}
		})
	}
}
