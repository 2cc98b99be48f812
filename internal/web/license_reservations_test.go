package web_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/store/storetest"
)

// TestReservationPruningKeepsEntriesUnique: pruning the status-entry
// reservations, even the block a node is still handing out, never gives
// an entry to two licences: the node notices its block's row is gone,
// reserves a new block, and both licences verify with their own status.
func TestReservationPruningKeepsEntriesUnique(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			ctx := context.Background()
			issue := func(card string) issued {
				var l issued
				body := `{"type":"social_security_card","holder":"` + citizenID + `","fields":{"card_number":"` + card + `","issue_place":"广州市"}}`
				if code := n.api(http.MethodPost, "/api/v1/licenses", "officer", body, &l); code != http.StatusCreated {
					t.Fatalf("issue: %d", code)
				}
				return l
			}
			first := issue("D44010600001")
			// The hourly pruning keeps the node's recent, partly used block.
			if k, err := n.App.Licenses.PruneStatusReservations(ctx); err != nil || k != 0 {
				t.Fatalf("hourly prune: %d %v, want 0", k, err)
			}
			// A prune with a cut-off in the future takes the block in use.
			if k, err := n.App.Store.PruneStatusReservations(ctx, time.Now().Add(time.Hour)); err != nil || k < 1 {
				t.Fatalf("prune all: %d %v", k, err)
			}
			second := issue("D44010600002")
			var rows int
			if err := n.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM status_reservations`).Scan(&rows); err != nil || rows != 1 {
				t.Errorf("%d reservations after the next issuance (%v), want 1: the node's new block", rows, err)
			}
			if second.StatusList == first.StatusList && second.StatusIndex == first.StatusIndex {
				t.Fatalf("both licences got entry %s/%d", first.StatusList, first.StatusIndex)
			}
			if code := n.api(http.MethodPost, "/api/v1/licenses/"+second.ID+"/revoke", "officer", `{"reason":"测试"}`, nil); code != http.StatusOK {
				t.Fatalf("revoke: %d", code)
			}
			if v := n.verify(first.JWS, false); v.Verdict != "valid" {
				t.Errorf("first licence: %+v", v)
			}
			if v := n.verify(second.JWS, false); v.Verdict != "revoked" {
				t.Errorf("second licence: %+v", v)
			}
		})
	}
}
