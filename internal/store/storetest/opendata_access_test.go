package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestOpenDataAccessStore: conditions make a dataset conditional and go
// away with ""; an application keeps its sealed contact byte for byte, is
// decided once, and is live only between approval and expiry; followers
// and feed states read back on both engines.
func TestOpenDataAccessStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			o := &opendata.Org{ID: ids.New(), Name: "4401-y", Title: "机关", BodyID: ids.New(), Region: "4401", CreatedAt: t0}
			ds := &opendata.Dataset{ID: ids.New(), Name: "cond", Title: "有条件", OrgID: o.ID, State: "active", Rev: 1, CreatedAt: t0, ModifiedAt: t0}
			err := d.Transact(ctx, func(ctx context.Context) error {
				if err := s.CreatePortalOrg(ctx, o); err != nil {
					return err
				}
				return s.CreateDataset(ctx, ds)
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Conditions(ctx, ds.ID); !errs.Is(err, errs.NotFound) {
				t.Fatalf("conditions of an open dataset: %v", err)
			}
			for _, c := range []string{"仅限研究", "仅限公益研究"} {
				if err := s.SetConditions(ctx, ds.ID, c, t0); err != nil {
					t.Fatal(err)
				}
			}
			if c, err := s.Conditions(ctx, ds.ID); err != nil || c != "仅限公益研究" {
				t.Fatalf("conditions: %q %v", c, err)
			}

			user := ids.New()
			sealed := []byte{0, 1, 2, 250, 255}
			a := &opendata.Application{ID: ids.New(), DatasetID: ds.ID, DatasetName: ds.Name, DatasetTitle: ds.Title, BodyID: o.BodyID,
				Region: o.Region, ApplicantID: user, ApplicantName: "张明", ApplicantKind: identity.KindPerson, Purpose: "p", IntendedUse: "u",
				Days: 30, ContactEnc: sealed, State: opendata.AppPending, Due: t0.Add(240 * time.Hour), CreatedAt: t0}
			if err := s.CreateApplication(ctx, a); err != nil {
				t.Fatal(err)
			}
			got, err := s.Application(ctx, a.ID)
			if err != nil || string(got.ContactEnc) != string(sealed) || !got.Due.Equal(a.Due) || !got.ExpiresAt.IsZero() {
				t.Fatalf("application read back: %+v %v", got, err)
			}
			if _, err := s.LiveApplication(ctx, ds.ID, user, t0); !errs.Is(err, errs.NotFound) {
				t.Fatalf("live while pending: %v", err)
			}
			a.State, a.DecidedAt, a.ExpiresAt = opendata.AppApproved, t0, t0.Add(30*24*time.Hour)
			if err := s.DecideApplication(ctx, a); err != nil {
				t.Fatal(err)
			}
			if err := s.DecideApplication(ctx, a); !errs.Is(err, errs.Conflict) {
				t.Fatalf("second decision: %v", err)
			}
			if live, err := s.LiveApplication(ctx, ds.ID, user, t0.Add(time.Hour)); err != nil || live.ID != a.ID {
				t.Fatalf("live after approval: %v", err)
			}
			if _, err := s.LiveApplication(ctx, ds.ID, user, a.ExpiresAt); !errs.Is(err, errs.NotFound) {
				t.Fatalf("live at expiry: %v", err)
			}
			if _, err := s.LiveApplication(ctx, ds.ID, ids.New(), t0.Add(time.Hour)); !errs.Is(err, errs.NotFound) {
				t.Fatalf("someone else's approval: %v", err)
			}
			for _, f := range []opendata.AppFilter{{ApplicantID: user}, {BodyID: o.BodyID}} {
				if list, err := s.Applications(ctx, f); err != nil || len(list) != 1 {
					t.Fatalf("applications %+v: %d %v", f, len(list), err)
				}
			}
			if list, _ := s.Applications(ctx, opendata.AppFilter{BodyID: ids.New()}); len(list) != 0 {
				t.Fatalf("another body's applications: %d", len(list))
			}
			if err := s.SetConditions(ctx, ds.ID, "", t0); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Conditions(ctx, ds.ID); !errs.Is(err, errs.NotFound) {
				t.Fatalf("conditions removed: %v", err)
			}

			// Followers of a data request, and feed states.
			dr := &opendata.DataRequest{ID: ids.New(), Title: "t", Description: "d", UserID: user, State: opendata.RequestOpen, CreatedAt: t0}
			if err := s.CreateDataRequest(ctx, dr); err != nil {
				t.Fatal(err)
			}
			other := ids.New()
			for _, u := range []ids.ID{user, other, user} {
				if err := s.SetFollow(ctx, dr.ID, u, true, t0); err != nil {
					t.Fatal(err)
				}
			}
			if f, err := s.Followers(ctx, dr.ID); err != nil || len(f) != 2 {
				t.Fatalf("followers: %v %v", f, err)
			}

			r := &datashare.Resource{ID: ids.New(), Code: "F/1", Name: "平台", Classification: datashare.Thematic, SchemaVersion: 1,
				Fields: []datashare.Field{{Name: "a", Type: datashare.TypeString, Sensitivity: datashare.Public}}, UpdateFrequency: "daily",
				Format: "table", ShareClass: datashare.ShareOpen, OpenClass: datashare.OpenFree, ProviderID: ids.New(), Region: "44",
				CreatedAt: t0, UpdatedAt: t0}
			if err := s.CreateResource(ctx, r); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FeedOf(ctx, r.ID); !errs.Is(err, errs.NotFound) {
				t.Fatalf("feed of an uploaded resource: %v", err)
			}
			for _, n := range []int{3, 7} {
				if err := s.SetFeed(ctx, &datashare.FeedState{ResourceID: r.ID, Feed: datashare.FeedCaseStats, RefreshedAt: t0, Rows: n}); err != nil {
					t.Fatal(err)
				}
			}
			if f, err := s.FeedOf(ctx, r.ID); err != nil || f.Rows != 7 || !f.RefreshedAt.Equal(t0) || f.Feed != datashare.FeedCaseStats {
				t.Fatalf("feed: %+v %v", f, err)
			}
			if list, err := s.FeedStates(ctx); err != nil || len(list) != 1 {
				t.Fatalf("feed states: %v %v", list, err)
			}
		})
	}
}
