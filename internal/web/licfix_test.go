package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestLicenseStatusEntriesSurviveRollback rolls back issuances the way the
// outbox dispatcher does (a savepoint in the batch's transaction undone
// because another handler failed), after they made the process reserve a
// block of status entries, then issues more: every licence keeps its own
// status entry, and revoking one changes only its own status.
func TestLicenseStatusEntriesSurviveRollback(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startLicense(t, e)
			ctx := context.Background()
			a := n.App
			officer, err := a.Identity.UserByUsername(ctx, "officer")
			if err != nil {
				t.Fatal(err)
			}
			citizen, err := a.Identity.UserByUsername(ctx, "citizen")
			if err != nil {
				t.Fatal(err)
			}
			actor := audit.System("licfix test")
			issue := func(ctx context.Context, i int) (*license.License, error) {
				return a.Licenses.IssueAs(ctx, actor, officer.OrgID, "social_security_card", citizen.PersonID,
					map[string]string{"card_number": fmt.Sprintf("D4401%07d", i), "issue_place": "广州市"}, time.Time{}, time.Time{})
			}
			// More issuances than a block holds, so at least one block is
			// reserved inside the savepoint that is then undone.
			errHandler := errors.New("another handler of the batch failed")
			err = a.DB.Transact(ctx, func(ctx context.Context) error {
				err := a.Store.Savepoint(ctx, func(ctx context.Context) error {
					for i := range 70 {
						if _, err := issue(ctx, i); err != nil {
							return fmt.Errorf("issue %d in the batch: %w", i, err)
						}
					}
					return errHandler
				})
				if !errors.Is(err, errHandler) {
					return err
				}
				return nil // the batch goes on, as the dispatcher's does
			})
			if err != nil {
				t.Fatalf("batch: %v", err)
			}
			// Afterwards: issuances outside any transaction, in a
			// transaction, and through the API all get entries of their own.
			var got []*license.License
			for i := range 70 {
				l, err := issue(ctx, 100+i)
				if err != nil {
					t.Fatalf("issue %d after the rollback: %v", i, err)
				}
				got = append(got, l)
			}
			if err := a.DB.Transact(ctx, func(ctx context.Context) error {
				for i := range 5 {
					l, err := issue(ctx, 200+i)
					if err != nil {
						return err
					}
					got = append(got, l)
				}
				return nil
			}); err != nil {
				t.Fatalf("issue in a transaction: %v", err)
			}
			var viaAPI issued
			body := `{"type":"social_security_card","holder":"` + citizenID + `","fields":{"card_number":"D44010699887","issue_place":"广州市"}}`
			if code := n.api(http.MethodPost, "/api/v1/licenses", "officer", body, &viaAPI); code != http.StatusCreated {
				t.Fatalf("issue through the API: %d", code)
			}
			// Every stored licence has its own entry (the database's
			// UNIQUE would refuse a second one; check anyway).
			rows, err := a.DB.Query(ctx, `SELECT status_list, status_index, COUNT(*) FROM licenses GROUP BY status_list, status_index HAVING COUNT(*) > 1`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var list, index, c int64
				rows.Scan(&list, &index, &c)
				t.Errorf("status entry %d#%d shared by %d licences", list, index, c)
			}
			rows.Close()
			seen := map[[2]int64]bool{}
			for _, l := range got {
				k := [2]int64{l.StatusList, int64(l.StatusIndex)}
				if seen[k] {
					t.Errorf("entry %v handed out twice", k)
				}
				seen[k] = true
			}
			// Revoking one licence revokes it alone.
			victim := got[3]
			if code := n.api(http.MethodPost, "/api/v1/licenses/"+string(victim.ID)+"/revoke", "officer", `{"reason":"核实冒领"}`, nil); code != http.StatusOK {
				t.Fatalf("revoke: %d", code)
			}
			for _, l := range got {
				want := "valid"
				if l.ID == victim.ID {
					want = "revoked"
				}
				if v := n.verify(l.JWS, false); v.Verdict != want {
					t.Errorf("licence %s (entry %d#%d): %s, want %s", l.Number, l.StatusList, l.StatusIndex, v.Verdict, want)
				}
			}
			if v := n.verify(viaAPI.JWS, false); v.Verdict != "valid" {
				t.Errorf("licence issued through the API: %s", v.Verdict)
			}
		})
	}
}
