package identity

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// PersonSignup is what a citizen fills in to open an account.
type PersonSignup struct {
	Username string
	Name     string
	IDNumber string
	Phone    string
	Password string
}

// EnterpriseSignup is what an enterprise's agent fills in to open an account
// for the enterprise.
type EnterpriseSignup struct {
	Username       string
	EnterpriseName string
	USCC           string
	AgentName      string
	AgentIDNumber  string
	Phone          string
	Password       string
}

// fieldErrors collects field → message key.
type fieldErrors map[string]string

func (f fieldErrors) check(field string, err error) {
	if err == nil {
		return
	}
	if e := errs.As(err); e != nil {
		if k := e.Fields[field]; k != "" {
			f[field] = k
		} else {
			f[field] = e.Msg
		}
		return
	}
	f[field] = "field.invalid"
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return errs.Fields(f)
}

// account checks what every account has: a username, a display name (in
// form field nameField) and a password.
func (f fieldErrors) account(username, nameField, name, password string) {
	if !usernameRE.MatchString(username) {
		f["username"] = "username.invalid"
	}
	if !validName(name) {
		f[nameField] = "name.invalid"
	}
	f.check("password", ValidatePassword(password))
}

// hashIfValid returns the collected field errors, or, when there are none,
// the hash of password: the costly hashing runs only for a valid form.
func (f fieldErrors) hashIfValid(password string) (string, error) {
	if err := f.err(); err != nil {
		return "", err
	}
	return HashPassword(password)
}

// RegisterPerson opens a citizen account. Every field is checked before
// anything is written: the ID number per GB 11643 (length, region, birth
// date, check digit), the phone, the password rule, the username's shape
// and uniqueness. An ID number can hold one account only.
//
// Returns errs.Invalid with per-field message keys, or errs.Conflict.
func (s *Service) RegisterPerson(ctx context.Context, in PersonSignup) (*User, error) {
	fe := fieldErrors{}
	in.Username, in.Name = strings.TrimSpace(in.Username), strings.TrimSpace(in.Name)
	fe.account(in.Username, "name", in.Name, in.Password)
	idn, err := ParseIDNumberAt(in.IDNumber, s.now())
	fe.check("id_number", err)
	ph, err := ParsePhone(in.Phone)
	fe.check("phone", err)
	hash, err := fe.hashIfValid(in.Password)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	p := &Person{ID: ids.New(), Name: in.Name, IDNumber: idn, Phone: ph, Region: s.personRegion(idn), CreatedAt: now}
	u := &User{ID: ids.New(), Username: in.Username, DisplayName: in.Name, PasswordHash: hash,
		Kind: KindPerson, PersonID: p.ID, Locale: "zh-CN", CreatedAt: now}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.uniqueUsername(ctx, u.Username); err != nil {
			return err
		}
		if _, err := s.store.PersonByIDNumberIndex(ctx, s.keys.BlindIndex(idxIDNumber, idn.Clear())); err == nil {
			return errs.Fields(map[string]string{"id_number": "idnumber.taken"})
		} else if !errs.Is(err, errs.NotFound) {
			return err
		}
		if err := s.store.CreatePerson(ctx, s.sealPerson(p)); err != nil {
			return err
		}
		if err := s.store.CreateUser(ctx, u); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.System("registration"), "user.registered",
			audit.Target{Type: "user", ID: string(u.ID), Region: string(p.Region), Subject: string(p.ID)},
			map[string]any{"kind": u.Kind, "username": u.Username})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// RegisterEnterprise opens an account for an enterprise, held by its agent.
// The USCC is checked per GB 32100 and the agent's ID number per GB 11643.
// The agent is recorded as a person (or found, if already known).
func (s *Service) RegisterEnterprise(ctx context.Context, in EnterpriseSignup) (*User, error) {
	fe := fieldErrors{}
	in.Username = strings.TrimSpace(in.Username)
	in.EnterpriseName, in.AgentName = strings.TrimSpace(in.EnterpriseName), strings.TrimSpace(in.AgentName)
	fe.account(in.Username, "agent_name", in.AgentName, in.Password)
	if !validName(in.EnterpriseName) {
		fe["enterprise_name"] = "name.invalid"
	}
	uscc, err := ParseUSCC(in.USCC)
	fe.check("uscc", err)
	idn, err := ParseIDNumberAt(in.AgentIDNumber, s.now())
	fe.check("agent_id_number", err)
	ph, err := ParsePhone(in.Phone)
	fe.check("phone", err)
	hash, err := fe.hashIfValid(in.Password)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	ent := &Enterprise{ID: ids.New(), Name: in.EnterpriseName, USCC: uscc, Region: s.usccRegion(uscc), CreatedAt: now}
	u := &User{ID: ids.New(), Username: in.Username, DisplayName: in.AgentName, PasswordHash: hash,
		Kind: KindEnterprise, EnterpriseID: ent.ID, Locale: "zh-CN", CreatedAt: now}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.uniqueUsername(ctx, u.Username); err != nil {
			return err
		}
		agent, err := s.store.PersonByIDNumberIndex(ctx, s.keys.BlindIndex(idxIDNumber, idn.Clear()))
		switch {
		case err == nil:
			u.PersonID = agent.ID
		case errs.Is(err, errs.NotFound):
			p := &Person{ID: ids.New(), Name: in.AgentName, IDNumber: idn, Phone: ph, Region: s.personRegion(idn), CreatedAt: now}
			if err := s.store.CreatePerson(ctx, s.sealPerson(p)); err != nil {
				return err
			}
			u.PersonID = p.ID
		default:
			return err
		}
		if err := s.store.CreateEnterprise(ctx, ent); err != nil {
			if errs.Is(err, errs.Conflict) {
				return errs.Fields(map[string]string{"uscc": "uscc.taken"})
			}
			return err
		}
		if err := s.store.CreateUser(ctx, u); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.System("registration"), "user.registered",
			audit.Target{Type: "user", ID: string(u.ID), Region: string(ent.Region), Subject: string(u.PersonID)},
			map[string]any{"kind": u.Kind, "username": u.Username, "uscc": string(uscc)})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) uniqueUsername(ctx context.Context, name string) error {
	_, err := s.store.UserByUsername(ctx, name)
	switch {
	case err == nil:
		return errs.Fields(map[string]string{"username": "username.taken"})
	case errs.Is(err, errs.NotFound):
		return nil
	}
	return err
}
