package storetest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestPruneStatusReservations: pruning deletes the reservations whose
// every entry went to a licence and those older than the cut-off, keeps
// recent blocks with unused entries, and never moves the lists' counter
// back: the next block starts after every block ever reserved.
func TestPruneStatusReservations(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newSealFixture(t, e)
			s := f.store
			se, err := f.svc.Create(ctx, f.admin, seal.NewSeal{OrgID: f.org.ID, Kind: seal.Official})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			reserve := func(count int, at time.Time) (string, int64, int64) {
				list, first, got, err := s.NextStatusEntries(ctx, license.ListSize, count, at)
				if err != nil || got != count {
					t.Fatalf("reserve %d: %d %v", count, got, err)
				}
				id := ids.New().String()
				if err := s.RecordStatusReservation(ctx, id, list, first, got, at); err != nil {
					t.Fatal(err)
				}
				return id, list, first
			}
			issue := func(list, index int64) {
				n++
				l := &license.License{ID: ids.New(), IssuerID: f.org.ID, IssuerName: f.org.Name, Region: "4401", Type: "resident_id",
					Number: fmt.Sprintf("JM4401002026%05d", n), HolderKind: license.HolderPerson, HolderID: ids.New(), HolderRef: "urn:x",
					HolderName: "张明", Fields: map[string]string{}, ValidFrom: t0, State: license.StateValid, StatusList: list,
					StatusIndex: int(index), SealID: se.ID, KID: se.KeyID, JWS: "x.y.z", IssuedBy: "test", IssuedAt: t0, UpdatedAt: t0}
				if err := s.CreateLicense(ctx, l); err != nil {
					t.Fatal(err)
				}
			}
			old := t0.Add(-48 * time.Hour)
			oldPartial, l1, f1 := reserve(3, old) // a day old, one entry used
			issue(l1, f1)
			settled, l2, f2 := reserve(2, t0) // recent, both entries used
			issue(l2, f2)
			issue(l2, f2+1)
			partial, l3, f3 := reserve(3, t0) // recent, two of three used
			issue(l3, f3)
			issue(l3, f3+2)
			unused, _, _ := reserve(4, t0) // recent, none used

			pruned, err := s.PruneStatusReservations(ctx, t0.Add(-license.ReservationKeep))
			if err != nil || pruned != 2 {
				t.Fatalf("pruned %d (%v), want 2", pruned, err)
			}
			for id, want := range map[string]bool{oldPartial: false, settled: false, partial: true, unused: true} {
				if held, err := s.StatusReservationHeld(ctx, id); err != nil || held != want {
					t.Errorf("reservation held %v (%v), want %v", held, err, want)
				}
			}
			if again, err := s.PruneStatusReservations(ctx, t0.Add(-license.ReservationKeep)); err != nil || again != 0 {
				t.Errorf("second prune: %d %v", again, err)
			}
			_, l5, f5 := reserve(1, t0)
			if l5 != l3 || f5 != f3+3+4 {
				t.Errorf("next entry after pruning: list %d entry %d, want %d/%d", l5, f5, l3, f3+7)
			}
		})
	}
}
