package identity

import (
	"context"
	"fmt"
	"strings"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// NewOrganization is what creating an organisation takes.
type NewOrganization struct {
	Name       string
	USCC       string
	Region     string
	Kind       OrgKind
	Department string // for departments: the department key
	ParentID   ids.ID
}

// CreateOrganization records a government body. by must hold
// PermOrgManage over the body's region (use audit.System-backed
// CreateOrganizationAs for the command line and demo data).
//
// A caller without PermOrgManage anywhere gets its authorization error
// before any validation, so it learns nothing about the input; a malformed
// region is then reported by CreateOrganizationAs as a field error.
func (s *Service) CreateOrganization(ctx context.Context, by *Caller, in NewOrganization) (*Organization, error) {
	if err := Authorize(by, PermOrgManage, ""); err != nil {
		return nil, err
	}
	if code, err := s.regions.Normalize(in.Region); err == nil {
		if err := Authorize(by, PermOrgManage, code); err != nil {
			return nil, err
		}
	}
	return s.CreateOrganizationAs(ctx, by, in)
}

// CreateOrganizationAs records a government body without an authorization
// check, on behalf of actor. Only trusted callers (command line, demo data,
// CreateOrganization after its check) use it.
func (s *Service) CreateOrganizationAs(ctx context.Context, actor audit.Actor, in NewOrganization) (*Organization, error) {
	fe := fieldErrors{}
	in.Name = strings.TrimSpace(in.Name)
	if !validName(in.Name) {
		fe["name"] = "name.invalid"
	}
	uscc, err := ParseUSCC(in.USCC)
	fe.check("uscc", err)
	code, err := s.regions.Normalize(in.Region)
	if err != nil {
		fe["region"] = "region.unknown"
	}
	switch in.Kind {
	case OrgGovernment, OrgDepartment, OrgCenter, OrgStreet, OrgVillage:
	default:
		fe["kind"] = "org.kind_invalid"
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	o := &Organization{ID: ids.New(), Name: in.Name, USCC: uscc, Region: code, Kind: in.Kind, Department: in.Department,
		ParentID: in.ParentID, CreatedAt: s.now().UTC()}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateOrganization(ctx, o); err != nil {
			if errs.Is(err, errs.Conflict) {
				return errs.Fields(map[string]string{"uscc": "uscc.taken"})
			}
			return err
		}
		return s.audit.Record(ctx, actor, "organization.created",
			audit.Target{Type: "organization", ID: string(o.ID), Region: string(o.Region)},
			map[string]any{"name": o.Name, "uscc": string(o.USCC)})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// AuthorityFor finds the body of a department competent for region code at
// a level: the department's body of the region's ancestor at that level
// (the city for a city-level matter), or, where that region has none (东莞
// has no counties), the nearest body above it. Returns errs.NotFound when no
// body of the department covers the region.
func (s *Service) AuthorityFor(ctx context.Context, department string, level region.Level, code region.Code) (*Organization, error) {
	key := fmt.Sprintf("%s/%d/%s", department, level, code)
	now := s.now()
	if o, ok := s.authorities.get(key, now); ok {
		return o, nil
	}
	o, err := s.authorityFor(ctx, department, level, code)
	if err == nil {
		s.authorities.put(key, o, now)
	}
	return o, err
}

func (s *Service) authorityFor(ctx context.Context, department string, level region.Level, code region.Code) (*Organization, error) {
	chain := s.regions.Chain(code)
	for i := len(chain) - 1; i >= 0; i-- {
		if chain[i].Level > level {
			continue
		}
		o, err := s.store.OrganizationByDepartment(ctx, department, chain[i].Code)
		if err == nil || !errs.Is(err, errs.NotFound) {
			return o, err
		}
	}
	return nil, errs.E(errs.NotFound, "authority.not_found")
}

// Organizations lists every organisation (public information).
func (s *Service) Organizations(ctx context.Context) ([]Organization, error) {
	return s.store.Organizations(ctx)
}

// Organization returns one organisation (public information).
func (s *Service) Organization(ctx context.Context, id ids.ID) (*Organization, error) {
	return s.store.Organization(ctx, id)
}

// NewStaff is what creating a staff account takes.
type NewStaff struct {
	Username string
	Name     string
	Password string
	OrgID    ids.ID
	Grants   []Grant // OrgID of each defaults to the account's organisation
}

// CreateStaff opens a staff account with its grants. by must hold
// PermUserManage over every grant's scope: an administrator cannot grant
// more than they hold.
func (s *Service) CreateStaff(ctx context.Context, by *Caller, in NewStaff) (*User, error) {
	if err := Authorize(by, PermUserManage, ""); err != nil {
		return nil, err
	}
	for _, g := range in.Grants {
		// Check the scope CreateStaffAs will store, not the raw input.
		code, err := s.regions.Normalize(string(g.Scope))
		if err != nil {
			continue // reported as a field error by CreateStaffAs
		}
		if err := Authorize(by, PermUserManage, code); err != nil {
			return nil, errs.Fields(map[string]string{"scope": "grant.scope_outside"})
		}
	}
	return s.CreateStaffAs(ctx, by, in)
}

// CreateStaffAs opens a staff account without an authorization check, on
// behalf of actor (command line, demo data, CreateStaff after its check).
func (s *Service) CreateStaffAs(ctx context.Context, actor audit.Actor, in NewStaff) (*User, error) {
	fe := fieldErrors{}
	in.Username, in.Name = strings.TrimSpace(in.Username), strings.TrimSpace(in.Name)
	fe.account(in.Username, "name", in.Name, in.Password)
	if len(in.Grants) == 0 {
		fe["role"] = "grant.required"
	}
	for i, g := range in.Grants {
		if !g.Role.Valid() {
			fe["role"] = "grant.role_invalid"
		}
		code, err := s.regions.Normalize(string(g.Scope))
		if err != nil {
			fe["scope"] = "region.unknown"
		}
		in.Grants[i].Scope = code
		if g.OrgID == "" {
			in.Grants[i].OrgID = in.OrgID
		}
	}
	hash, err := fe.hashIfValid(in.Password)
	if err != nil {
		return nil, err
	}
	u := &User{ID: ids.New(), Username: in.Username, DisplayName: in.Name, PasswordHash: hash,
		Kind: KindStaff, OrgID: in.OrgID, Locale: "zh-CN", CreatedAt: s.now().UTC()}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		org, err := s.store.Organization(ctx, in.OrgID)
		if errs.Is(err, errs.NotFound) {
			return errs.Fields(map[string]string{"org": "org.unknown"})
		} else if err != nil {
			return err
		}
		if err := s.uniqueUsername(ctx, u.Username); err != nil {
			return err
		}
		if err := s.store.CreateUser(ctx, u); err != nil {
			return err
		}
		for _, g := range in.Grants {
			if err := s.store.AddGrant(ctx, u.ID, g); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, actor, "user.created",
			audit.Target{Type: "user", ID: string(u.ID), Region: string(org.Region)},
			map[string]any{"username": u.Username, "grants": in.Grants})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// SetPreferences stores the caller's interface language and elderly mode.
func (s *Service) SetPreferences(ctx context.Context, by *Caller, locale string, elderly bool) error {
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	if locale != "zh-CN" && locale != "en" {
		return errs.Fields(map[string]string{"locale": "locale.invalid"})
	}
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.SetPreferences(ctx, by.UserID, locale, elderly); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "user.preferences_changed", audit.Target{Type: "user", ID: string(by.UserID)},
			map[string]any{"locale": locale, "elderly": elderly})
	})
}

// FindPerson looks a person up by ID number for a member of staff, through
// the blind index (the number is never decrypted to search). by must hold
// PermPersonRead over the person's region; the read is audited with the
// person as subject, so the person can later see who looked them up.
//
// Returns errs.Invalid for a malformed number and errs.NotFound if no such
// person is known or the person is outside by's scope.
func (s *Service) FindPerson(ctx context.Context, by *Caller, idNumber, purpose string) (*Person, error) {
	if err := Authorize(by, PermPersonRead, ""); err != nil {
		return nil, err
	}
	fe := fieldErrors{}
	idn, err := ParseIDNumberAt(idNumber, s.now())
	fe.check("id_number", err)
	if purpose = strings.TrimSpace(purpose); purpose == "" {
		fe["purpose"] = "purpose.required"
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	rec, err := s.store.PersonByIDNumberIndex(ctx, s.keys.BlindIndex(idxIDNumber, idn.Clear()))
	if err != nil {
		return nil, err
	}
	if err := Authorize(by, PermPersonRead, rec.Region); err != nil {
		return nil, err
	}
	p, err := s.openPerson(rec)
	if err != nil {
		return nil, err
	}
	err = s.audit.Record(ctx, by, "person.read",
		audit.Target{Type: "person", ID: string(p.ID), Region: string(p.Region), Subject: string(p.ID)},
		map[string]any{"purpose": purpose})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// CounterApplicant finds the account of a person who is at a counter and
// has consented to proxy handling (代办), by their ID number. Unlike
// FindPerson it is not limited to the counter's region — people may apply
// anywhere (异地代收) — but it needs case.receive and the consent, and the
// read is audited with the consent as its purpose, so the person sees it.
//
// Returns errs.Invalid for a malformed number, errs.NotFound if nobody with
// it has an account.
func (s *Service) CounterApplicant(ctx context.Context, by *Caller, idNumber, consent string) (*User, error) {
	if err := Authorize(by, PermCaseReceive, ""); err != nil {
		return nil, err
	}
	idn, err := ParseIDNumberAt(idNumber, s.now())
	if err != nil {
		return nil, errs.Fields(map[string]string{"applicant": errs.As(err).Msg})
	}
	rec, err := s.store.PersonByIDNumberIndex(ctx, s.keys.BlindIndex(idxIDNumber, idn.Clear()))
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByPerson(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	err = s.audit.Record(ctx, by, "person.read",
		audit.Target{Type: "person", ID: string(rec.ID), Region: string(rec.Region), Subject: string(rec.ID)},
		map[string]any{"purpose": "窗口代办：" + strings.TrimSpace(consent)})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Me returns the person record of a citizen or enterprise agent, for their
// own profile page. Reading one's own data is not audited.
func (s *Service) Me(ctx context.Context, by *Caller) (*Person, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if by.PersonID == "" {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	rec, err := s.store.Person(ctx, by.PersonID)
	if err != nil {
		return nil, err
	}
	return s.openPerson(rec)
}

// DataUse lists who used the caller's personal data: every audited read or
// change whose subject is the caller's person record.
func (s *Service) DataUse(ctx context.Context, by *Caller) ([]audit.Entry, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if by.PersonID == "" {
		return nil, nil
	}
	return s.audit.Entries(ctx, audit.Filter{SubjectID: string(by.PersonID), Limit: 100})
}

// AuditLog lists audit entries within the regions where by holds
// PermAuditRead.
func (s *Service) AuditLog(ctx context.Context, by *Caller, action string, limit int) ([]audit.Entry, error) {
	if err := Authorize(by, PermAuditRead, ""); err != nil {
		return nil, err
	}
	var scopes []string
	for _, c := range by.Scopes(PermAuditRead) {
		scopes = append(scopes, string(c))
	}
	return s.audit.Entries(ctx, audit.Filter{RegionWithin: scopes, Action: action, Limit: limit})
}

// UserByUsername returns a user by username, errs.NotFound if there is
// none (trusted callers: command line, demo data, tests).
func (s *Service) UserByUsername(ctx context.Context, username string) (*User, error) {
	return s.store.UserByUsername(ctx, username)
}

// IssueAPIToken creates an API token for user, on behalf of actor (trusted
// callers: the command line; later the administrator's page). The token is
// returned once; only its hash is stored.
func (s *Service) IssueAPIToken(ctx context.Context, actor audit.Actor, userID ids.ID, name string) (string, error) {
	token, hash := newToken()
	t := &APIToken{ID: ids.New(), TokenHash: hash, UserID: userID, Name: strings.TrimSpace(name), CreatedAt: s.now().UTC()}
	if t.Name == "" {
		t.Name = "api"
	}
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		if _, err := s.store.User(ctx, userID); err != nil {
			return err
		}
		if err := s.store.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, "api_token.issued", audit.Target{Type: "user", ID: string(userID)},
			map[string]any{"name": t.Name, "token_id": t.ID})
	})
	if err != nil {
		return "", err
	}
	return "dg_" + token, nil
}

// RevokeAPITokens ends at once the API tokens of user named name, on
// behalf of actor (trusted callers: the command line), and returns how
// many it ended. This instance forgets them at once; other instances
// within TokenCacheTTL. Open live streams under them end too (they
// re-check their credential).
func (s *Service) RevokeAPITokens(ctx context.Context, actor audit.Actor, userID ids.ID, name string) (int, error) {
	name = strings.TrimSpace(name)
	var n int
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		if _, err = s.store.User(ctx, userID); err != nil {
			return err
		}
		if n, err = s.store.ExpireAPITokens(ctx, userID, name, s.now().UTC()); err != nil || n == 0 {
			return err
		}
		return s.audit.Record(ctx, actor, "api_token.revoked", audit.Target{Type: "user", ID: string(userID)},
			map[string]any{"name": name, "count": n})
	})
	if err != nil {
		return 0, err
	}
	s.tokens.drop(func(c *Caller) bool { return c.UserID == userID })
	return n, nil
}

// Regions returns the region tree the service resolves codes with.
func (s *Service) Regions() *region.Tree { return s.regions }
