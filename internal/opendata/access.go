package opendata

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// A 有条件开放 (conditionally open) dataset is listed on the portal with its
// conditions like any other, but its data — preview, downloads, the rows
// API — is served only to people whose application (开放申请) its
// publishing body's CDO approved, until the approval expires. Everyone
// else is refused with a sentence that says how to apply.

// Application states.
const (
	AppPending  = "pending"
	AppApproved = "approved"
	AppRefused  = "refused"
	AppRevoked  = "revoked" // approved, then revoked by the body's CDO before it expired
)

// AccessDecideDays is the deadline for the CDO's answer, in working days.
const AccessDecideDays = 10

// MaxAccessDays bounds the period of use an application may ask for (one year).
const MaxAccessDays = 366

// Application is an application to use a conditionally open dataset.
type Application struct {
	ID            ids.ID
	DatasetID     ids.ID
	DatasetName   string
	DatasetTitle  string
	BodyID        ids.ID      // the publishing body
	Region        region.Code // its region
	ApplicantID   ids.ID
	ApplicantName string
	ApplicantKind identity.Kind
	EnterpriseID  ids.ID // enterprise agents: the enterprise they act for
	Purpose       string // 申请用途
	IntendedUse   string // 使用方式 (the product, research or service it feeds)
	Days          int    // the period of use asked for
	Contact       string // clear; sealed at rest (ContactEnc), masked on pages
	ContactEnc    []byte
	State         string
	Due           time.Time // the answer's deadline
	DecidedByID   ids.ID
	DecidedBy     string
	DecidedAt     time.Time
	Reason        string    // the refusal's reason, or a note on the approval
	ExpiresAt     time.Time // approved: the end of use
	CreatedAt     time.Time
	RevokedByID   ids.ID
	RevokedBy     string
	RevokedAt     time.Time
	RevokeReason  string
}

// Live reports whether a is approved and not expired at now.
func (a *Application) Live(now time.Time) bool {
	return a.State == AppApproved && now.Before(a.ExpiresAt)
}

// Overdue reports whether a pending application is past its deadline.
func (a *Application) Overdue(now time.Time) bool { return a.State == AppPending && now.After(a.Due) }

// Status names a's state at now, "expired" included.
func (a *Application) Status(now time.Time) string {
	if a.State == AppApproved && !now.Before(a.ExpiresAt) {
		return "expired"
	}
	return a.State
}

// MaskedContact is the contact as pages show it.
func (a *Application) MaskedContact() string { return datashare.Mask(a.Contact) }

// AppFilter selects applications.
type AppFilter struct {
	ApplicantID ids.ID
	BodyID      ids.ID
	Limit       int
}

// AccessStore is the persistence of conditions and applications; part of Store.
type AccessStore interface {
	// SetConditions records a dataset's conditions of use, making it
	// 有条件开放; "" removes them (the dataset is open to all).
	SetConditions(ctx context.Context, datasetID ids.ID, conditions string, at time.Time) error
	// Conditions returns a dataset's conditions; errs.NotFound if it is
	// open to all.
	Conditions(ctx context.Context, datasetID ids.ID) (string, error)
	// CreateApplication inserts a (with ContactEnc).
	CreateApplication(ctx context.Context, a *Application) error
	// Application returns one application (with ContactEnc); errs.NotFound if absent.
	Application(ctx context.Context, id ids.ID) (*Application, error)
	// DecideApplication writes a's decision if the stored one is still
	// pending, else errs.Conflict ("opendata.application_decided").
	DecideApplication(ctx context.Context, a *Application) error
	// Applications lists applications matching f, newest first.
	Applications(ctx context.Context, f AppFilter) ([]Application, error)
	// LiveApplication returns the applicant's approved application for a
	// dataset that expires last, if it is after now; errs.NotFound if none.
	LiveApplication(ctx context.Context, datasetID, applicantID ids.ID, now time.Time) (*Application, error)
	// RevokeApplication writes a's revocation (RevokedByID, RevokedBy,
	// RevokedAt, RevokeReason) if the stored one is approved and expires
	// after a.RevokedAt, else errs.Conflict ("opendata.application_not_live").
	RevokeApplication(ctx context.Context, a *Application) error
	// BodyGrants lists the staff grants held at a body.
	BodyGrants(ctx context.Context, body ids.ID) ([]BodyGrant, error)
}

// BodyGrant is a grant held at a body, with its holder.
type BodyGrant struct {
	UserID ids.ID
	Grant  identity.Grant
}

func appTarget(a *Application) audit.Target {
	return audit.Target{Type: "opendata_application", ID: string(a.ID), Region: string(a.Region)}
}

func (s *Service) sealContact(a *Application) {
	a.ContactEnc = s.keys.Seal([]byte(a.Contact), []byte("opendata-application/"+string(a.ID)))
}

func (s *Service) openContact(a *Application) error {
	b, err := s.keys.Open(a.ContactEnc, []byte("opendata-application/"+string(a.ID)))
	if err != nil {
		return errs.Errorf(errs.Internal, "opendata: contact of application %s: %v", a.ID, err)
	}
	a.Contact = string(b)
	return nil
}

// Access is what a caller may do with a dataset.
type Access struct {
	Conditional bool         // 有条件开放
	Conditions  string       // its conditions of use
	Live        *Application // the caller's approval in force, if any
	Pending     *Application // the caller's application awaiting an answer, if any
	Revoked     *Application // the caller's latest application, if it was revoked
}

// Allowed reports whether the dataset's data may be served to the caller.
func (a *Access) Allowed() bool { return !a.Conditional || a.Live != nil }

// AccessOf says whether by may use d's data: anyone for a dataset open to
// all; for a 有条件开放 one, only a caller with an approval in force.
func (s *Service) AccessOf(ctx context.Context, by *identity.Caller, d *Dataset) (*Access, error) {
	cond, err := s.store.Conditions(ctx, d.ID)
	if errs.Is(err, errs.NotFound) {
		return &Access{}, nil
	}
	if err != nil {
		return nil, err
	}
	a := &Access{Conditional: true, Conditions: cond}
	if by.Anonymous() {
		return a, nil
	}
	live, err := s.store.LiveApplication(ctx, d.ID, by.UserID, s.clock())
	switch {
	case err == nil:
		a.Live = live
	case !errs.Is(err, errs.NotFound):
		return nil, err
	}
	if a.Live == nil {
		list, err := s.store.Applications(ctx, AppFilter{ApplicantID: by.UserID, Limit: 500})
		if err != nil {
			return nil, err
		}
		latest := true
		for i := range list {
			if list[i].DatasetID != d.ID {
				continue
			}
			if latest && list[i].State == AppRevoked {
				a.Revoked = &list[i]
			}
			latest = false
			if list[i].State == AppPending {
				a.Pending = &list[i]
				break
			}
		}
	}
	return a, nil
}

// allowed returns errs.Forbidden ("opendata.access_required") unless by
// may use d's data, with the access found.
func (s *Service) allowed(ctx context.Context, by *identity.Caller, d *Dataset) (*Access, error) {
	a, err := s.AccessOf(ctx, by, d)
	if err != nil {
		return nil, err
	}
	if !a.Allowed() {
		// Forbidden for the anonymous too: a harvester or script gets the
		// sentence, not a sign-in page.
		if by.Anonymous() {
			return nil, errs.E(errs.Forbidden, "opendata.access_sign_in")
		}
		if a.Revoked != nil {
			return nil, &errs.Error{Code: errs.Forbidden, Msg: "opendata.access_revoked", Args: []any{a.Revoked.RevokeReason}}
		}
		return nil, errs.E(errs.Forbidden, "opendata.access_required")
	}
	return a, nil
}

// ApplicationInput is what applying takes.
type ApplicationInput struct {
	Purpose     string
	IntendedUse string
	Days        int
	Contact     string // a phone number or e-mail address
}

// Apply files an application to use a conditionally open dataset. Anyone
// signed in may: a person, an enterprise's agent, staff.
//
// Returns errs.Unauthenticated, errs.NotFound for an unknown dataset,
// errs.Conflict if the dataset is open to all ("opendata.not_conditional"),
// if the caller has an application pending ("opendata.application_pending")
// or an approval in force ("opendata.application_live"), errs.Invalid with
// every bad field.
func (s *Service) Apply(ctx context.Context, by *identity.Caller, datasetName string, in ApplicationInput) (*Application, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "opendata.access_sign_in")
	}
	d, err := s.store.Dataset(ctx, datasetName)
	if err != nil {
		return nil, err
	}
	acc, err := s.AccessOf(ctx, by, d)
	if err != nil {
		return nil, err
	}
	switch {
	case !acc.Conditional:
		return nil, errs.E(errs.Conflict, "opendata.not_conditional")
	case acc.Live != nil:
		return nil, errs.E(errs.Conflict, "opendata.application_live")
	case acc.Pending != nil:
		return nil, errs.E(errs.Conflict, "opendata.application_pending")
	}
	in.Purpose, in.IntendedUse, in.Contact = strings.TrimSpace(in.Purpose), strings.TrimSpace(in.IntendedUse), strings.TrimSpace(in.Contact)
	bad := map[string]string{}
	for k, v := range map[string]string{"purpose": in.Purpose, "intended_use": in.IntendedUse} {
		switch {
		case v == "":
			bad[k] = "form.required"
		case utf8.RuneCountInString(v) > 1000:
			bad[k] = "form.too_long"
		}
	}
	if in.Days < 1 || in.Days > MaxAccessDays {
		bad["days"] = "opendata.days_range"
	}
	if !validContact(in.Contact) {
		bad["contact"] = "opendata.contact_invalid"
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	if d.Org == nil || d.Org.BodyID == "" {
		return nil, errs.E(errs.Conflict, "opendata.not_conditional")
	}
	now := s.clock()
	a := &Application{ID: ids.New(), DatasetID: d.ID, DatasetName: d.Name, DatasetTitle: d.Title, BodyID: d.Org.BodyID,
		Region: d.Org.Region, ApplicantID: by.UserID, ApplicantName: by.Name, ApplicantKind: by.Kind, EnterpriseID: by.EnterpriseID,
		Purpose: in.Purpose, IntendedUse: in.IntendedUse, Days: in.Days, Contact: in.Contact, State: AppPending,
		Due: s.cal.AddWorkdays(now, AccessDecideDays).UTC().Truncate(time.Microsecond), CreatedAt: now}
	s.sealContact(a)
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateApplication(ctx, a); err != nil {
			return err
		}
		if err := s.store.AddOutbox(ctx, TopicApplicationApplied, appEvent(by, a, ""), now); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "opendata.access_applied", appTarget(a),
			map[string]any{"dataset": d.Name, "days": a.Days, "kind": a.ApplicantKind})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// validContact accepts a mainland mobile number or an e-mail address.
func validContact(c string) bool {
	if len(c) == 11 && c[0] == '1' && strings.Trim(c, "0123456789") == "" {
		return true
	}
	at := strings.IndexByte(c, '@')
	return at > 0 && at < len(c)-3 && strings.Contains(c[at:], ".") && len(c) <= 100 && !strings.ContainsAny(c, " <>\"")
}

// decides reports whether by is a CDO of the body that published a (its
// data.manage grant for the body covers the body's region).
func decides(by *identity.Caller, a *Application) bool {
	return datashare.Manages(by, &datashare.Resource{ProviderID: a.BodyID, Region: a.Region})
}

// ApplicationFor returns an application, with its contact, to its
// applicant and to the publishing body's CDOs; errs.NotFound for anyone
// else.
func (s *Service) ApplicationFor(ctx context.Context, by *identity.Caller, id ids.ID) (*Application, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	a, err := s.store.Application(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && a.ApplicantID != by.UserID && !decides(by, a) {
		return nil, errs.E(errs.NotFound, "opendata.application.not_found")
	}
	if err != nil {
		return nil, err
	}
	return a, s.openContact(a)
}

// CanDecide reports whether by may decide a.
func CanDecide(by *identity.Caller, a *Application) bool { return decides(by, a) }

// MyApplications lists the caller's applications, newest first.
func (s *Service) MyApplications(ctx context.Context, by *identity.Caller) ([]Application, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	return s.store.Applications(ctx, AppFilter{ApplicantID: by.UserID, Limit: 500})
}

// ApplicationInbox lists the applications to the bodies where by is CDO,
// newest first.
func (s *Service) ApplicationInbox(ctx context.Context, by *identity.Caller) ([]Application, error) {
	if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
		return nil, err
	}
	var out []Application
	seen := map[ids.ID]bool{}
	for _, g := range by.Grants {
		if !g.Role.Allows(identity.PermDataManage) || seen[g.OrgID] {
			continue
		}
		seen[g.OrgID] = true
		list, err := s.store.Applications(ctx, AppFilter{BodyID: g.OrgID, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if decides(by, &a) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// decidable reads an application for a CDO of its publishing body.
func (s *Service) decidable(ctx context.Context, by *identity.Caller, id ids.ID) (*Application, error) {
	if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
		return nil, err
	}
	a, err := s.store.Application(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !decides(by, a) {
		return nil, errs.E(errs.NotFound, "opendata.application.not_found")
	}
	if err != nil {
		return nil, err
	}
	if a.State != AppPending {
		return nil, errs.E(errs.Conflict, "opendata.application_decided")
	}
	return a, nil
}

// ApproveApplication approves a pending application: the applicant may
// use the dataset's data for the days asked for, from now.
//
// Returns errs.NotFound unless by is a CDO of the publishing body,
// errs.Conflict if it is decided already, errs.Invalid for a note too long.
func (s *Service) ApproveApplication(ctx context.Context, by *identity.Caller, id ids.ID, note string) (*Application, error) {
	a, err := s.decidable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if note = strings.TrimSpace(note); utf8.RuneCountInString(note) > 500 {
		return nil, errs.Fields(map[string]string{"note": "form.too_long"})
	}
	now := s.clock()
	a.State, a.DecidedByID, a.DecidedBy, a.DecidedAt, a.Reason, a.ExpiresAt = AppApproved, by.UserID, by.Name, now, note, now.AddDate(0, 0, a.Days)
	return a, s.decide(ctx, by, a, TopicApplicationApproved, "opendata.access_approved", map[string]any{"dataset": a.DatasetName, "expires": a.ExpiresAt, "late": now.After(a.Due)})
}

// RefuseApplication refuses a pending application with a reason.
//
// Returns errs.NotFound unless by is a CDO of the publishing body,
// errs.Conflict if it is decided already, errs.Invalid without a reason.
func (s *Service) RefuseApplication(ctx context.Context, by *identity.Caller, id ids.ID, reason string) (*Application, error) {
	a, err := s.decidable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	switch reason = strings.TrimSpace(reason); {
	case reason == "":
		return nil, errs.Fields(map[string]string{"reason": "opendata.reason_required"})
	case utf8.RuneCountInString(reason) > 500:
		return nil, errs.Fields(map[string]string{"reason": "form.too_long"})
	}
	now := s.clock()
	a.State, a.DecidedByID, a.DecidedBy, a.DecidedAt, a.Reason = AppRefused, by.UserID, by.Name, now, reason
	return a, s.decide(ctx, by, a, TopicApplicationRefused, "opendata.access_refused", map[string]any{"dataset": a.DatasetName, "reason": reason, "late": now.After(a.Due)})
}

func (s *Service) decide(ctx context.Context, by *identity.Caller, a *Application, topic, action string, detail map[string]any) error {
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.DecideApplication(ctx, a); err != nil {
			return err
		}
		if err := s.store.AddOutbox(ctx, topic, appEvent(by, a, a.Reason), a.DecidedAt); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, action, appTarget(a), detail)
	})
}

// RowsPage is one page of a dataset's data through the rows API.
type RowsPage struct {
	Columns []string
	Rows    [][]string
	Start   int
	Total   int
}

// MaxRowsPage bounds one page of the rows API.
const MaxRowsPage = 1000

// Rows returns a page of a dataset's data (the rows API). A conditionally
// open dataset's data goes only to callers with an approval in force, and
// each such use is audited.
//
// Returns errs.NotFound for an unknown dataset, errs.Forbidden
// ("opendata.access_required", "opendata.access_sign_in") without an approval,
// errs.Invalid for a bad page.
func (s *Service) Rows(ctx context.Context, by *identity.Caller, datasetName string, start, rows int) (*RowsPage, error) {
	if rows == 0 {
		rows = 100
	}
	if start < 0 || rows < 1 || rows > MaxRowsPage {
		return nil, errs.Fields(map[string]string{"rows": "opendata.rows_range"})
	}
	d, err := s.store.Dataset(ctx, datasetName)
	if err != nil {
		return nil, err
	}
	acc, err := s.allowed(ctx, by, d)
	if err != nil {
		return nil, err
	}
	if len(d.Resources) == 0 {
		return &RowsPage{Start: start}, nil
	}
	r := &d.Resources[0]
	if d.SourceID == "" && r.Content == "" {
		full, err := s.store.DatasetResource(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		r.Content = full.Content
	}
	t, err := s.table(ctx, d, r, 0)
	if err != nil {
		return nil, err
	}
	p := &RowsPage{Columns: t.Columns, Start: start, Total: len(t.Rows)}
	if start < len(t.Rows) {
		p.Rows = t.Rows[start:min(len(t.Rows), start+rows)]
	}
	if err := s.recordUse(ctx, by, d, acc, "api", len(p.Rows)); err != nil {
		return nil, err
	}
	return p, nil
}

// recordUse audits the use of a conditionally open dataset's data.
func (s *Service) recordUse(ctx context.Context, by *identity.Caller, d *Dataset, acc *Access, how string, rows int) error {
	if !acc.Conditional {
		return nil
	}
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		return s.audit.Record(ctx, by, "opendata.access_used", appTarget(acc.Live),
			map[string]any{"dataset": d.Name, "how": how, "rows": rows})
	})
}
