package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 26, 9, 30, 0, 123456000, time.UTC)

func newOrg(name, region string, seq int) *identity.Organization {
	uscc := identity.MakeUSCC('1', '1', region+"000000"[:6-len(region)], "0000000"+string(rune('0'+seq)))
	return &identity.Organization{ID: ids.New(), Name: name, USCC: uscc, Region: regionOf(region),
		Kind: identity.OrgDepartment, CreatedAt: t0}
}

func TestIdentityStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)

			org := newOrg("广州市人力资源和社会保障局", "440100", 1)
			if err := s.CreateOrganization(ctx, org); err != nil {
				t.Fatal(err)
			}
			got, err := s.Organization(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(org, got); diff != "" {
				t.Errorf("organization round trip (-want +got):\n%s", diff)
			}
			dup := newOrg("另一个机构", "440100", 1)
			if err := s.CreateOrganization(ctx, dup); !errs.Is(err, errs.Conflict) {
				t.Errorf("duplicate USCC: got %v, want Conflict", err)
			}
			if _, err := s.Organization(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
				t.Errorf("missing organization: got %v, want NotFound", err)
			}

			p := &identity.PersonRecord{ID: ids.New(), Name: "张三", IDNumberEnc: []byte{1, 2, 3}, IDNumberIdx: "idx-1",
				PhoneEnc: []byte{4, 5}, PhoneIdx: "ph-1", Region: "440106", CreatedAt: t0}
			if err := s.CreatePerson(ctx, p); err != nil {
				t.Fatal(err)
			}
			gp, err := s.PersonByIDNumberIndex(ctx, "idx-1")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(p, gp); diff != "" {
				t.Errorf("person round trip (-want +got):\n%s", diff)
			}
			if _, err := s.PersonByIDNumberIndex(ctx, "nope"); !errs.Is(err, errs.NotFound) {
				t.Errorf("missing person: got %v", err)
			}
			p2 := *p
			p2.ID = ids.New()
			if err := s.CreatePerson(ctx, &p2); !errs.Is(err, errs.Conflict) {
				t.Errorf("same ID number twice: got %v, want Conflict", err)
			}

			u := &identity.User{ID: ids.New(), Username: "zhangsan", DisplayName: "张三", PasswordHash: "h",
				Kind: identity.KindPerson, PersonID: p.ID, Locale: "zh-CN", CreatedAt: t0}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateUser(ctx, &identity.User{ID: ids.New(), Username: "zhangsan", DisplayName: "x", PasswordHash: "h", Kind: identity.KindPerson, Locale: "en", CreatedAt: t0}); !errs.Is(err, errs.Conflict) {
				t.Errorf("duplicate username: got %v, want Conflict", err)
			}
			lock := t0.Add(15 * time.Minute)
			if err := s.RecordLogin(ctx, u.ID, 3, lock); err != nil {
				t.Fatal(err)
			}
			if err := s.SetPreferences(ctx, u.ID, "en", true); err != nil {
				t.Fatal(err)
			}
			gu, err := s.UserByUsername(ctx, "zhangsan")
			if err != nil {
				t.Fatal(err)
			}
			want := *u
			want.FailedLogins, want.LockedUntil, want.Locale, want.Elderly = 3, lock, "en", true
			if diff := cmp.Diff(&want, gu); diff != "" {
				t.Errorf("user after login record and preferences (-want +got):\n%s", diff)
			}

			staff := &identity.User{ID: ids.New(), Username: "officer", DisplayName: "李四", PasswordHash: "h",
				Kind: identity.KindStaff, OrgID: org.ID, Locale: "zh-CN", CreatedAt: t0}
			if err := s.CreateUser(ctx, staff); err != nil {
				t.Fatal(err)
			}
			grants := []identity.Grant{
				{Role: identity.RoleCaseOfficer, OrgID: org.ID, Scope: "4401"},
				{Role: identity.RoleCounterStaff, OrgID: org.ID, Scope: "440106"},
			}
			for _, g := range grants {
				if err := s.AddGrant(ctx, staff.ID, g); err != nil {
					t.Fatal(err)
				}
			}
			gg, err := s.Grants(ctx, staff.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(grants, gg); diff != "" {
				t.Errorf("grants (-want +got):\n%s", diff)
			}

			se := &identity.Session{TokenHash: "th", UserID: u.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
			if err := s.CreateSession(ctx, se); err != nil {
				t.Fatal(err)
			}
			if gs, err := s.SessionByHash(ctx, "th", t0.Add(time.Minute)); err != nil || gs.UserID != u.ID || gs.CSRF != "c" {
				t.Errorf("live session: %+v, %v", gs, err)
			}
			if _, err := s.SessionByHash(ctx, "th", t0.Add(2*time.Hour)); !errs.Is(err, errs.NotFound) {
				t.Errorf("expired session: got %v, want NotFound", err)
			}
			old := &identity.Session{TokenHash: "old", UserID: u.ID, CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}
			if err := s.CreateSession(ctx, old); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteExpiredSessions(ctx, t0.Add(30*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SessionByHash(ctx, "old", t0); !errs.Is(err, errs.NotFound) {
				t.Errorf("expired session survived the sweep: %v", err)
			}
			if _, err := s.SessionByHash(ctx, "th", t0); err != nil {
				t.Errorf("live session swept: %v", err)
			}
			if err := s.DeleteSession(ctx, "th"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SessionByHash(ctx, "th", t0); !errs.Is(err, errs.NotFound) {
				t.Errorf("deleted session: got %v, want NotFound", err)
			}

			tok := &identity.APIToken{ID: ids.New(), TokenHash: "ah", UserID: staff.ID, Name: "bench", CreatedAt: t0}
			if err := s.CreateAPIToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
			if gt, err := s.APITokenByHash(ctx, "ah", t0.Add(1000*time.Hour)); err != nil || gt.UserID != staff.ID {
				t.Errorf("token without expiry: %+v, %v", gt, err)
			}
			// Revoking ends the named tokens of the user, not others.
			other := &identity.APIToken{ID: ids.New(), TokenHash: "ah2", UserID: staff.ID, Name: "other", CreatedAt: t0}
			if err := s.CreateAPIToken(ctx, other); err != nil {
				t.Fatal(err)
			}
			if n, err := s.ExpireAPITokens(ctx, staff.ID, "bench", t0.Add(time.Hour)); err != nil || n != 1 {
				t.Errorf("expire: %d, %v; want 1", n, err)
			}
			if _, err := s.APITokenByHash(ctx, "ah", t0.Add(time.Hour+time.Second)); !errs.Is(err, errs.NotFound) {
				t.Errorf("revoked token: got %v, want NotFound", err)
			}
			if _, err := s.APITokenByHash(ctx, "ah2", t0.Add(2*time.Hour)); err != nil {
				t.Errorf("other token revoked too: %v", err)
			}
			if n, err := s.ExpireAPITokens(ctx, staff.ID, "bench", t0.Add(2*time.Hour)); err != nil || n != 0 {
				t.Errorf("expire again: %d, %v; want 0", n, err)
			}
		})
	}
}

// TestTransactionRollsBack checks the promise services rely on: when a
// transaction fails, none of its writes remain.
func TestTransactionRollsBack(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			org := newOrg("天河区政务服务数据管理局", "440106", 2)
			err := d.Transact(ctx, func(ctx context.Context) error {
				if err := s.CreateOrganization(ctx, org); err != nil {
					return err
				}
				return errs.E(errs.Invalid, "later step failed")
			})
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("Transact returned %v", err)
			}
			if _, err := s.Organization(ctx, org.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("write of a failed transaction is visible: %v", err)
			}
		})
	}
}

// TestTextNoDatabaseCanStore: a NUL byte or broken UTF-8 is refused as
// invalid input on writes and finds nothing on lookups, on both engines
// (PostgreSQL would otherwise fail with a server error).
func TestTextNoDatabaseCanStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s := sqlstore.New(storetest.Open(t, e))
			for _, bad := range []string{"a\x00b", "a\xffb"} {
				if _, err := s.UserByUsername(ctx, bad); !errs.Is(err, errs.NotFound) {
					t.Errorf("lookup of %q: %v, want NotFound", bad, err)
				}
				o := newOrg(bad, "440100", 3)
				if err := s.CreateOrganization(ctx, o); !errs.Is(err, errs.Invalid) {
					t.Errorf("organisation named %q: %v, want Invalid", bad, err)
				}
			}
		})
	}
}
