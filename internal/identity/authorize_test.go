package identity

import (
	"testing"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// TestAuthorize covers role × scope × target region: a grant covers its
// region and everything below it, nothing beside or above it, and only for
// the permissions its role carries. Outside the scope the answer is "not
// found", so existence does not leak.
func TestAuthorize(t *testing.T) {
	staff := func(role Role, scope region.Code) *Caller {
		return &Caller{UserID: "u", Kind: KindStaff, Grants: []Grant{{Role: role, OrgID: "o", Scope: scope}}}
	}
	citizen := &Caller{UserID: "c", Kind: KindPerson}
	tests := []struct {
		name   string
		caller *Caller
		perm   Permission
		target region.Code
		want   errs.Code // "" for allowed
	}{
		{"anonymous", nil, PermPersonRead, "440106", errs.Unauthenticated},
		{"anonymous zero caller", &Caller{}, PermWorkbench, "", errs.Unauthenticated},
		{"citizen has no staff permission", citizen, PermPersonRead, "440106", errs.NotFound},
		{"citizen cannot open the workbench", citizen, PermWorkbench, "", errs.Forbidden},

		{"counter in own county", staff(RoleCounterStaff, "440106"), PermPersonRead, "440106", ""},
		{"counter in a town of own county", staff(RoleCounterStaff, "440106"), PermPersonRead, "440106006", ""},
		{"counter in a village of own county", staff(RoleCounterStaff, "440106"), PermPersonRead, "440106006002", ""},
		{"counter in the neighbouring county", staff(RoleCounterStaff, "440106"), PermPersonRead, "440104", errs.NotFound},
		{"counter at the city above", staff(RoleCounterStaff, "440106"), PermPersonRead, "4401", errs.NotFound},
		{"counter in another province", staff(RoleCounterStaff, "440106"), PermPersonRead, "110101", errs.NotFound},
		{"counter lacks audit.read", staff(RoleCounterStaff, "440106"), PermAuditRead, "440106", errs.NotFound},

		{"city officer in any county of the city", staff(RoleCaseOfficer, "4401"), PermCaseHandle, "440104", ""},
		{"city officer in another city", staff(RoleCaseOfficer, "4401"), PermCaseHandle, "440304", errs.NotFound},
		{"officer cannot decide", staff(RoleCaseOfficer, "4401"), PermCaseDecide, "440104", errs.NotFound},
		{"head decides", staff(RoleDepartmentHead, "4401"), PermCaseDecide, "440104", ""},

		{"grid worker in own village", staff(RoleGridWorker, "440106006002"), PermEventHandle, "440106006002", ""},
		{"grid worker in next village", staff(RoleGridWorker, "440106006002"), PermEventHandle, "440106006004", errs.NotFound},
		{"grid worker not in cockpit", staff(RoleGridWorker, "440106006002"), PermCockpit, "", errs.Forbidden},

		{"leader of the province sees a village", staff(RoleLeader, "44"), PermCockpit, "440106006002", ""},
		{"leader of the province not another", staff(RoleLeader, "44"), PermCockpit, "4503", errs.NotFound},
		{"duty officer commands in the city", staff(RoleDutyOfficer, "4401"), PermEventCommand, "440106", ""},
		{"data officer manages data", staff(RoleDataOfficer, "44"), PermDataManage, "4403", ""},
		{"data officer cannot read persons", staff(RoleDataOfficer, "44"), PermPersonRead, "4403", errs.NotFound},
		{"admin manages users in province", staff(RoleSysAdmin, "44"), PermUserManage, "440106", ""},
		{"admin does not decide cases", staff(RoleSysAdmin, "44"), PermCaseDecide, "440106", errs.NotFound},
		{"empty target needs the permission somewhere", staff(RoleSysAdmin, "44"), PermUserManage, "", ""},
		{"malformed target is outside every scope", staff(RoleSysAdmin, "44"), PermUserManage, "44x", errs.NotFound},
		{"a scope is not a prefix of a longer sibling code", staff(RoleCounterStaff, "4401"), PermPersonRead, "440", errs.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Authorize(tt.caller, tt.perm, tt.target)
			if got := errs.CodeOf(err); got != tt.want {
				t.Errorf("Authorize(%s, %s) = %v, want %q", tt.perm, tt.target, err, tt.want)
			}
		})
	}

	t.Run("two grants: the union of their scopes", func(t *testing.T) {
		c := &Caller{UserID: "u", Kind: KindStaff, Grants: []Grant{
			{Role: RoleCounterStaff, Scope: "440106"}, {Role: RoleCounterStaff, Scope: "440304"},
		}}
		for target, want := range map[region.Code]bool{"440106001": true, "440304": true, "440104": false} {
			if got := Authorize(c, PermPersonRead, target) == nil; got != want {
				t.Errorf("target %s: allowed %v, want %v", target, got, want)
			}
		}
	})
}

func TestFace(t *testing.T) {
	tests := []struct {
		c    *Caller
		want Face
	}{
		{nil, FacePortal},
		{&Caller{UserID: "p", Kind: KindPerson}, FacePortal},
		{&Caller{UserID: "e", Kind: KindEnterprise}, FacePortal},
		{&Caller{UserID: "s", Kind: KindStaff, Grants: []Grant{{Role: RoleCaseOfficer, Scope: "4401"}}}, FaceWorkbench},
		{&Caller{UserID: "l", Kind: KindStaff, Grants: []Grant{{Role: RoleLeader, Scope: "44"}}}, FaceCockpit},
	}
	for _, tt := range tests {
		if got := tt.c.Face(); got != tt.want {
			t.Errorf("%+v: face %s, want %s", tt.c, got, tt.want)
		}
	}
}

func TestPasswords(t *testing.T) {
	h, err := HashPassword("abc12345")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "abc12345") || CheckPassword(h, "abc12346") || CheckPassword("garbage", "abc12345") {
		t.Error("password check wrong")
	}
	for _, bad := range []string{
		"$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHQ$a2V5a2V5", // zero passes: argon2 would panic
		"$argon2id$v=19$m=19456,t=2,p=0$c2FsdHNhbHQ$a2V5a2V5", // zero lanes: argon2 would panic
	} {
		if CheckPassword(bad, "abc12345") {
			t.Errorf("CheckPassword(%q) matched", bad)
		}
	}
	h2, _ := HashPassword("abc12345")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
	for pw, want := range map[string]string{"short1": "password.length", "abcdefgh": "password.weak", "12345678": "password.weak", "abc12345": ""} {
		err := ValidatePassword(pw)
		got := ""
		if e := errs.As(err); e != nil {
			got = e.Fields["password"]
		}
		if got != want {
			t.Errorf("ValidatePassword(%q) = %q, want %q", pw, got, want)
		}
	}
}
