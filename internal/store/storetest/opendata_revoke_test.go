package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestOpenDataRevokeStore: only an approved application that has not
// expired is revoked, once, and its revocation reads back; LiveApplication
// no longer finds it. BodyGrants lists the grants held at a body only.
func TestOpenDataRevokeStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			org, other := newOrg("广州市人力资源和社会保障局", "440100", 1), newOrg("深圳市市场监督管理局", "440300", 1)
			for _, o := range []*identity.Organization{org, other} {
				if err := s.CreateOrganization(ctx, o); err != nil {
					t.Fatal(err)
				}
			}
			o := &opendata.Org{ID: ids.New(), Name: "4401-r", Title: "机关", BodyID: org.ID, Region: "4401", CreatedAt: t0}
			ds := &opendata.Dataset{ID: ids.New(), Name: "cond-r", Title: "有条件", OrgID: o.ID, State: "active", Rev: 1, CreatedAt: t0, ModifiedAt: t0}
			if err := s.CreatePortalOrg(ctx, o); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateDataset(ctx, ds); err != nil {
				t.Fatal(err)
			}
			user := ids.New()
			a := &opendata.Application{ID: ids.New(), DatasetID: ds.ID, DatasetName: ds.Name, DatasetTitle: ds.Title, BodyID: o.BodyID,
				Region: o.Region, ApplicantID: user, ApplicantName: "张明", ApplicantKind: identity.KindPerson, Purpose: "p", IntendedUse: "u",
				Days: 30, ContactEnc: []byte{1}, State: opendata.AppPending, Due: t0.Add(240 * time.Hour), CreatedAt: t0}
			if err := s.CreateApplication(ctx, a); err != nil {
				t.Fatal(err)
			}
			rv := *a
			rv.RevokedByID, rv.RevokedBy, rv.RevokedAt, rv.RevokeReason = ids.New(), "王五", t0.Add(time.Hour), "违反条件"
			if err := s.RevokeApplication(ctx, &rv); !errs.Is(err, errs.Conflict) {
				t.Fatalf("revoking a pending application: %v", err)
			}
			a.State, a.DecidedAt, a.ExpiresAt = opendata.AppApproved, t0, t0.Add(30*24*time.Hour)
			if err := s.DecideApplication(ctx, a); err != nil {
				t.Fatal(err)
			}
			late := rv
			late.RevokedAt = a.ExpiresAt
			if err := s.RevokeApplication(ctx, &late); !errs.Is(err, errs.Conflict) {
				t.Fatalf("revoking at expiry: %v", err)
			}
			if err := s.RevokeApplication(ctx, &rv); err != nil {
				t.Fatal(err)
			}
			if err := s.RevokeApplication(ctx, &rv); !errs.Is(err, errs.Conflict) {
				t.Fatalf("revoking twice: %v", err)
			}
			got, err := s.Application(ctx, a.ID)
			if err != nil || got.State != opendata.AppRevoked || got.RevokedBy != "王五" || got.RevokedByID != rv.RevokedByID ||
				!got.RevokedAt.Equal(rv.RevokedAt) || got.RevokeReason != "违反条件" || !got.ExpiresAt.Equal(a.ExpiresAt) {
				t.Fatalf("revoked application read back: %+v %v", got, err)
			}
			if _, err := s.LiveApplication(ctx, ds.ID, user, t0.Add(2*time.Hour)); !errs.Is(err, errs.NotFound) {
				t.Fatalf("live after revocation: %v", err)
			}

			cdo := &identity.User{ID: ids.New(), Username: "cdo_r", DisplayName: "王五", PasswordHash: "h", Kind: identity.KindStaff,
				OrgID: org.ID, Locale: "zh-CN", CreatedAt: t0}
			sz := &identity.User{ID: ids.New(), Username: "cdo_rs", DisplayName: "赵六", PasswordHash: "h", Kind: identity.KindStaff,
				OrgID: other.ID, Locale: "zh-CN", CreatedAt: t0}
			for _, u := range []*identity.User{cdo, sz} {
				if err := s.CreateUser(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.AddGrant(ctx, cdo.ID, identity.Grant{Role: identity.RoleDataOfficer, OrgID: org.ID, Scope: "4401"}); err != nil {
				t.Fatal(err)
			}
			if err := s.AddGrant(ctx, sz.ID, identity.Grant{Role: identity.RoleDataOfficer, OrgID: other.ID, Scope: "4403"}); err != nil {
				t.Fatal(err)
			}
			list, err := s.BodyGrants(ctx, org.ID)
			if err != nil || len(list) != 1 || list[0].UserID != cdo.ID || list[0].Grant.Role != identity.RoleDataOfficer ||
				list[0].Grant.Scope != "4401" || list[0].Grant.OrgID != org.ID {
				t.Fatalf("body grants: %+v %v", list, err)
			}
		})
	}
}
