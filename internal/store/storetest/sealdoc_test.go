package storetest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestRevokedSealFreesItsName: an organisation whose seal was revoked can
// have a new seal of the same kind and name; while a seal of that name is
// live (active or suspended) a second one is refused.
func TestRevokedSealFreesItsName(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newSealFixture(t, e)
			ctx := context.Background()
			in := seal.NewSeal{OrgID: f.org.ID, Kind: seal.Business, Name: "行政审批专用章"}
			first, err := f.svc.Create(ctx, f.admin, in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Act(ctx, f.admin, first.ID, seal.ActSuspend, "印章遗失待查"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Create(ctx, f.admin, in); !errs.Is(err, errs.Conflict) {
				t.Errorf("second seal while the first is suspended: %v, want Conflict", err)
			}
			if _, err := f.svc.Act(ctx, f.admin, first.ID, seal.ActRevoke, "印章遗失"); err != nil {
				t.Fatal(err)
			}
			second, err := f.svc.Create(ctx, f.admin, in)
			if err != nil {
				t.Fatalf("new seal after revoking the old one: %v", err)
			}
			if got, err := f.svc.OrgSeal(ctx, f.org.ID); err != nil || got.ID != second.ID {
				t.Errorf("signing seal %v %v, want the new one", got, err)
			}
			if _, err := f.svc.Create(ctx, f.admin, in); !errs.Is(err, errs.Conflict) {
				t.Errorf("third seal beside the live second: %v, want Conflict", err)
			}
		})
	}
}

// TestSealCreateOutsideScope: an administrator of another region creating
// a seal for an organisation outside their scope hears "not found", as
// for an organisation that does not exist.
func TestSealCreateOutsideScope(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newSealFixture(t, e)
			sz := &identity.Caller{UserID: ids.New(), Name: "深圳管理员", Kind: identity.KindStaff,
				Grants: []identity.Grant{{Role: identity.RoleSysAdmin, OrgID: ids.New(), Scope: "4403"}}}
			_, err := f.svc.Create(context.Background(), sz, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if !errs.Is(err, errs.NotFound) {
				t.Errorf("create outside scope: %v, want NotFound", err)
			}
			_, err = f.svc.Create(context.Background(), sz, seal.NewSeal{OrgID: ids.New(), Kind: seal.Official})
			if !errs.Is(err, errs.NotFound) {
				t.Errorf("create for no organisation: %v, want NotFound", err)
			}
		})
	}
}

// TestDocumentStore: documents are found by ID, number, PDF hash and key;
// a second document with the same key is a conflict; serials handed out
// concurrently never repeat.
func TestDocumentStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f := newSealFixture(t, e)
			ctx := context.Background()
			se, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if err != nil {
				t.Fatal(err)
			}
			d := func(n int, key string) *sealdoc.Signed {
				return &sealdoc.Signed{ID: ids.New(), Number: fmt.Sprintf("JD4401002026%06d", n), Kind: sealdoc.KindDecision,
					Title: "准予办理决定书", IssuerID: f.org.ID, IssuerName: f.org.Name, Region: f.org.Region, SealID: se.ID,
					KID: se.KeyID, Alg: se.Alg, PDFSHA256: fmt.Sprintf("%064x", n), PDFSize: 1000, JWS: "a.b.c",
					Ref: sealdoc.Ref{Type: "case", ID: "c1"}, Key: key, Holder: sealdoc.Holder{UserID: "u1"}, SignedBy: "系统",
					SignedAt: t0.Add(time.Duration(n) * time.Minute)}
			}
			a, b := d(1, "case-decision:c1"), d(2, "")
			for _, x := range []*sealdoc.Signed{a, b} {
				if err := f.store.CreateDocument(ctx, x); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.store.CreateDocument(ctx, d(3, "case-decision:c1")); !errs.Is(err, errs.Conflict) {
				t.Errorf("second document with one key: %v, want Conflict", err)
			}
			if err := f.store.CreateDocument(ctx, d(4, "")); err != nil {
				t.Errorf("documents without a key do not collide: %v", err)
			}
			got, err := f.store.DocumentByKey(ctx, f.org.ID, "case-decision:c1")
			if err != nil || got.ID != a.ID || got.Holder.UserID != "u1" || !got.SignedAt.Equal(a.SignedAt) {
				t.Errorf("by key: %+v %v", got, err)
			}
			if got, err := f.store.DocumentByHash(ctx, b.PDFSHA256); err != nil || got.ID != b.ID {
				t.Errorf("by hash: %v %v", got, err)
			}
			if got, err := f.store.DocumentByNumber(ctx, b.Number); err != nil || got.ID != b.ID {
				t.Errorf("by number: %v %v", got, err)
			}
			if _, err := f.store.DocumentByNumber(ctx, "JD0"); !errs.Is(err, errs.NotFound) {
				t.Errorf("unknown number: %v", err)
			}
			list, err := f.store.RefDocuments(ctx, sealdoc.Ref{Type: "case", ID: "c1"})
			if err != nil || len(list) != 3 || list[0].Number != d(4, "").Number {
				t.Errorf("ref documents: %d %v", len(list), err)
			}
			serials := concurrently(t, 8, func(ctx context.Context) (int64, error) {
				return f.store.NextDocumentSerial(ctx, "JD4401002026")
			}, f.tx())
			if len(serials) != 8 {
				t.Errorf("serials %v: repeated", serials)
			}
		})
	}
}

func (f *sealFixture) tx() *db.DB { return f.db }

// concurrently runs fn n times at once, each in its own transaction, and
// returns the distinct results; any error fails the test.
func concurrently(t *testing.T, n int, fn func(ctx context.Context) (int64, error), d *db.DB) map[int64]bool {
	t.Helper()
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var v int64
			err := d.Transact(context.Background(), func(ctx context.Context) error {
				var err error
				v, err = fn(ctx)
				return err
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("concurrent call: %v", err)
				return
			}
			seen[v] = true
		}()
	}
	close(start)
	wg.Wait()
	return seen
}

// TestFirstStatusListRace: processes issuing their first licences at once
// all get entries; status list 1 is created once and no entry is handed
// out twice (on PostgreSQL two first issuances used to collide on the
// list's primary key).
func TestFirstStatusListRace(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			const size, block, n = 100, 30, 8 // 8 blocks of 30 fill list 1 (100) and start lists 2 and 3
			seen := concurrently(t, n, func(ctx context.Context) (int64, error) {
				list, first, got, err := s.NextStatusEntries(ctx, size, block, t0)
				if err != nil {
					return 0, err
				}
				if got < 1 || first+int64(got) > size {
					return 0, fmt.Errorf("block [%d, +%d) of list %d overflows", first, got, list)
				}
				return list*1000 + first, nil
			}, d)
			if len(seen) != n {
				t.Errorf("%d distinct blocks of %d: %v", len(seen), n, seen)
			}
			for _, l := range []int64{1, 2} {
				if ok, err := s.StatusListExists(context.Background(), l); !ok || err != nil {
					t.Errorf("list %d: %v %v", l, ok, err)
				}
			}
		})
	}
}
