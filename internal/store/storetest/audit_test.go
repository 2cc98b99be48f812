package storetest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

func TestAuditChain(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			clock := t0
			svc := audit.NewService(sqlstore.New(d), d, func() time.Time { clock = clock.Add(time.Second); return clock })
			for i := 1; i <= 5; i++ {
				tg := audit.Target{Type: "user", ID: fmt.Sprint("u", i), Region: "440106", Subject: "p1"}
				if err := svc.Record(ctx, audit.System("test"), "user.created", tg, map[string]any{"n": i}); err != nil {
					t.Fatal(err)
				}
			}
			res, err := svc.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !res.OK() || res.Checked != 5 || res.HeadSeq != 5 {
				t.Fatalf("fresh chain: %+v", res)
			}
			list, err := svc.Entries(ctx, audit.Filter{SubjectID: "p1", Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 3 || list[0].Seq != 5 || list[0].Detail != `{"n":5}` {
				t.Errorf("entries for subject, newest first: %+v", list)
			}
			if l, _ := svc.Entries(ctx, audit.Filter{RegionWithin: []string{"4403"}}); len(l) != 0 {
				t.Errorf("entries of another region leaked: %d", len(l))
			}
			if l, _ := svc.Entries(ctx, audit.Filter{RegionWithin: []string{"44"}}); len(l) != 5 {
				t.Errorf("entries within 44: got %d, want 5", len(l))
			}

			// An audit entry written in a failed transaction disappears with it.
			_ = d.Transact(ctx, func(ctx context.Context) error {
				svc.Record(ctx, audit.System("test"), "doomed", audit.Target{}, nil)
				return fmt.Errorf("fail")
			})
			if res, _ := svc.Verify(ctx); !res.OK() || res.Checked != 5 {
				t.Fatalf("after rolled back append: %+v", res)
			}

			// Someone edits entry 3 directly in the database.
			if _, err := d.Exec(ctx, `UPDATE audit_log SET actor_name = 'mallory' WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			res, err = svc.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if res.OK() || res.BrokenAt != 3 {
				t.Fatalf("after editing entry 3: %+v, want broken at 3", res)
			}
		})
	}
}

func TestAuditVerifyFindsDeletedTail(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			svc := audit.NewService(sqlstore.New(d), d, time.Now)
			for i := 0; i < 3; i++ {
				if err := svc.Record(ctx, audit.System("test"), "x", audit.Target{}, nil); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := d.Exec(ctx, `DELETE FROM audit_log WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			res, _ := svc.Verify(ctx)
			if res.OK() || res.BrokenAt != 3 {
				t.Fatalf("after deleting the last entry: %+v, want broken at 3", res)
			}
		})
	}
}

// TestAuditVerifyAppendAfterHead: entries appended after Verify read the
// head (simulated by moving the head back) are checked but do not make the
// chain look broken; a head whose hash matches no entry does.
func TestAuditVerifyAppendAfterHead(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			svc := audit.NewService(sqlstore.New(d), d, time.Now)
			for i := 0; i < 3; i++ {
				if err := svc.Record(ctx, audit.System("test"), "x", audit.Target{}, nil); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := d.Exec(ctx, `UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2) WHERE id = 1`); err != nil {
				t.Fatal(err)
			}
			if res, err := svc.Verify(ctx); err != nil || !res.OK() || res.Checked != 3 || res.HeadSeq != 2 {
				t.Fatalf("head behind the chain: %+v, %v; want whole, 3 checked", res, err)
			}
			if _, err := d.Exec(ctx, `UPDATE audit_head SET hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE id = 1`); err != nil {
				t.Fatal(err)
			}
			if res, _ := svc.Verify(ctx); res.OK() || res.BrokenAt != 2 {
				t.Fatalf("head hash of another entry: %+v, want broken at 2", res)
			}
		})
	}
}

// Appends keep one chain whichever Store (or process) writes them, after a
// rolled-back append too, and under concurrent writers.
func TestAuditChainSeveralWriters(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			one := audit.NewService(sqlstore.New(d), d, time.Now)
			two := audit.NewService(sqlstore.New(d), d, time.Now)
			rec := func(ctx context.Context, svc *audit.Service, what string) {
				t.Helper()
				if err := svc.Record(ctx, audit.System("test"), what, audit.Target{Type: "t", ID: what}, nil); err != nil {
					t.Fatal(err)
				}
			}
			rec(ctx, one, "a")
			rec(ctx, two, "b") // one's idea of the head is stale now
			rec(ctx, one, "c")
			_ = d.Transact(ctx, func(ctx context.Context) error {
				rec(ctx, one, "doomed")
				return fmt.Errorf("fail")
			})
			rec(ctx, two, "d") // takes the place of the rolled-back entry
			rec(ctx, one, "e") // one's cached head has the right number and the wrong hash
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					svc := one
					if i%2 == 1 {
						svc = two
					}
					for j := range 5 {
						if err := svc.Record(ctx, audit.System("test"), "p", audit.Target{ID: fmt.Sprint(i, j)}, nil); err != nil {
							t.Error(err)
						}
						// Rolled-back appends among the concurrent ones (on
						// SQLite, savepoints undone inside a group commit).
						_ = d.Transact(ctx, func(ctx context.Context) error {
							if err := svc.Record(ctx, audit.System("test"), "doomed", audit.Target{ID: fmt.Sprint(i, j)}, nil); err != nil {
								t.Error(err)
							}
							return fmt.Errorf("fail")
						})
					}
				}()
			}
			wg.Wait()
			res, err := one.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !res.OK() || res.Checked != 45 || res.HeadSeq != 45 {
				t.Fatalf("chain written by two stores: %+v, want 45 entries whole", res)
			}
		})
	}
}

// TestAuditRecordAll: entries appended together take consecutive places
// in the chain, in order, between single appends of the same and of
// another store, and a rolled-back batch leaves no trace.
func TestAuditRecordAll(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			one := audit.NewService(sqlstore.New(d), d, time.Now)
			two := audit.NewService(sqlstore.New(d), d, time.Now)
			batch := func(ctx context.Context, svc *audit.Service, names ...string) error {
				var recs []audit.Record
				for _, n := range names {
					recs = append(recs, audit.Record{Actor: audit.System("test"), Action: n, Target: audit.Target{Type: "t", ID: n},
						Detail: map[string]any{"n": n}})
				}
				return svc.RecordAll(ctx, recs...)
			}
			if err := one.Record(ctx, audit.System("test"), "a", audit.Target{}, nil); err != nil {
				t.Fatal(err)
			}
			if err := batch(ctx, one, "b", "c", "d"); err != nil {
				t.Fatal(err)
			}
			if err := batch(ctx, two, "e", "f"); err != nil { // two's head is unknown to it: read
				t.Fatal(err)
			}
			_ = d.Transact(ctx, func(ctx context.Context) error {
				if err := batch(ctx, one, "doomed1", "doomed2"); err != nil {
					t.Error(err)
				}
				return fmt.Errorf("fail")
			})
			if err := batch(ctx, one, "g", "h"); err != nil { // one's cached head is stale twice over
				t.Fatal(err)
			}
			if err := two.Record(ctx, audit.System("test"), "i", audit.Target{}, nil); err != nil {
				t.Fatal(err)
			}
			res, err := one.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !res.OK() || res.Checked != 9 || res.HeadSeq != 9 {
				t.Fatalf("chain with batches: %+v, want 9 entries whole", res)
			}
			list, err := one.Entries(ctx, audit.Filter{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := len(list) - 1; i >= 0; i-- {
				got = append(got, fmt.Sprint(list[i].Seq, " ", list[i].Action))
			}
			if fmt.Sprint(got) != "[1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h 9 i]" {
				t.Errorf("chain order: %v", got)
			}
		})
	}
}
