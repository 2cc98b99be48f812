package datashare

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// RequestState is where a sharing request stands.
type RequestState string

const (
	Pending  RequestState = "pending"
	Approved RequestState = "approved"
	Refused  RequestState = "refused"
)

// GrantState is where an access grant stands.
type GrantState string

const (
	Awaiting  GrantState = "awaiting"  // approved, credential not yet collected
	Delivered GrantState = "delivered" // credential collected: the exchange serves it until expiry
	Revoked   GrantState = "revoked"
)

// DecideDays is the deadline for the provider's answer, in working days.
const DecideDays = 10

// MaxDays bounds the period a request may ask for (three years).
const MaxDays = 1095

// DefaultRate is a grant's exchange rate limit in calls per second, unless
// the provider sets another.
const DefaultRate = 50

// Request is a sharing request (共享申请): one body asks another for a
// resource.
type Request struct {
	ID            ids.ID
	ResourceID    ids.ID
	ResourceCode  string
	ResourceName  string
	ProviderID    ids.ID
	Provider      string
	Region        region.Code // the provider's
	ConsumerID    ids.ID
	Consumer      string
	RequesterID   ids.ID
	RequesterName string
	Purpose       string
	LegalBasis    string
	Fields        []string
	Days          int
	State         RequestState
	Due           time.Time // the answer's deadline
	DecidedByID   ids.ID
	DecidedBy     string
	DecidedAt     time.Time
	Reason        string   // the refusal's reason, or a note on the approval
	GrantedFields []string // approved: the fields granted
	GrantID       ids.ID
	CreatedAt     time.Time
}

// Overdue reports whether a pending request is past its deadline at now.
func (q *Request) Overdue(now time.Time) bool { return q.State == Pending && now.After(q.Due) }

// Grant is an access grant made by an approval.
type Grant struct {
	ID           ids.ID
	RequestID    ids.ID
	ResourceID   ids.ID
	ResourceCode string
	ProviderID   ids.ID
	ConsumerID   ids.ID
	Consumer     string
	Fields       []string
	RatePerSec   int
	ExpiresAt    time.Time
	SecretHash   string
	State        GrantState
	DeliveredAt  time.Time
	RevokedAt    time.Time
	RevokedBy    string
	RevokeReason string
	Origin       string // "" for a grant made by approving a request; else what it was born from (GrantDirect)
	CreatedAt    time.Time
}

// Live reports whether the exchange serves g at now.
func (g *Grant) Live(now time.Time) bool { return g.State == Delivered && now.Before(g.ExpiresAt) }

// Status names g's state at now, "expired" included.
func (g *Grant) Status(now time.Time) string {
	if g.State != Revoked && !now.Before(g.ExpiresAt) {
		return "expired"
	}
	return string(g.State)
}

// RequestFilter selects requests.
type RequestFilter struct {
	ProviderID ids.ID
	ConsumerID ids.ID
	State      RequestState
	Limit      int
}

// Satisfaction is 需求满足率's numbers for one provider.
type Satisfaction struct {
	ProviderID ids.ID
	Provider   string
	Requests   int
	Decided    int
	Satisfied  int // approved and delivered
}

// Rate is Satisfied/Decided, 0 when nothing is decided.
func (s Satisfaction) Rate() float64 {
	if s.Decided == 0 {
		return 0
	}
	return float64(s.Satisfied) / float64(s.Decided)
}

// RequestInput is what asking for a resource takes.
type RequestInput struct {
	ResourceID ids.ID
	Purpose    string
	LegalBasis string
	Fields     []string
	Days       int
}

func requestTarget(q *Request) audit.Target {
	return audit.Target{Type: "data_request", ID: string(q.ID), Region: string(q.Region)}
}

// requesterGrant returns by's first data.request grant.
func requesterGrant(by *identity.Caller) (identity.Grant, bool) {
	if by.Anonymous() {
		return identity.Grant{}, false
	}
	for _, g := range by.Grants {
		if g.Role.Allows(identity.PermDataRequest) {
			return g, true
		}
	}
	return identity.Grant{}, false
}

// ofConsumer reports whether by acts for body org with data.request.
func ofConsumer(by *identity.Caller, org ids.ID) bool {
	if by.Anonymous() {
		return false
	}
	for _, g := range by.Grants {
		if g.Role.Allows(identity.PermDataRequest) && g.OrgID == org {
			return true
		}
	}
	return false
}

// checkFieldList reports whether names are distinct fields of r.
func checkFieldList(r *Resource, names []string) bool {
	if len(names) == 0 {
		return false
	}
	seen := map[string]bool{}
	for _, n := range names {
		if _, ok := r.Field(n); !ok || seen[n] {
			return false
		}
		seen[n] = true
	}
	return true
}

// Ask files a sharing request for the caller's body (the body of its first
// data.request grant). A request for a 无条件共享 resource is approved at
// once, with every field asked for.
//
// Returns errs.Unauthenticated, errs.Forbidden without data.request,
// errs.NotFound for an unknown resource, errs.Conflict for a 不予共享
// resource ("datashare.not_shared") or the caller's own body's resource
// ("datashare.own_resource"), errs.Invalid with every bad field.
func (s *Service) Ask(ctx context.Context, by *identity.Caller, in RequestInput) (*Request, error) {
	if err := identity.Authorize(by, identity.PermDataRequest, ""); err != nil {
		return nil, err
	}
	g, _ := requesterGrant(by)
	r, err := s.store.Resource(ctx, in.ResourceID)
	if err != nil {
		return nil, err
	}
	if r.ShareClass == ShareNone {
		return nil, errs.E(errs.Conflict, "datashare.not_shared")
	}
	if r.ProviderID == g.OrgID {
		return nil, errs.E(errs.Conflict, "datashare.own_resource")
	}
	in.Purpose, in.LegalBasis = strings.TrimSpace(in.Purpose), strings.TrimSpace(in.LegalBasis)
	bad := map[string]string{}
	switch {
	case in.Purpose == "":
		bad["purpose"] = "form.required"
	case tooLong(in.Purpose, 1000):
		bad["purpose"] = "form.too_long"
	}
	switch {
	case in.LegalBasis == "":
		bad["legal_basis"] = "form.required"
	case tooLong(in.LegalBasis, 500):
		bad["legal_basis"] = "form.too_long"
	}
	if !checkFieldList(r, in.Fields) {
		bad["fields"] = "datashare.fields_choose"
	}
	if in.Days < 1 || in.Days > MaxDays {
		bad["days"] = "datashare.days_range"
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	consumer, err := s.identity.Organization(ctx, g.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	q := &Request{ID: ids.New(), ResourceID: r.ID, ResourceCode: r.Code, ResourceName: r.Name, ProviderID: r.ProviderID,
		Provider: r.Provider, Region: r.Region, ConsumerID: consumer.ID, Consumer: consumer.Name, RequesterID: by.UserID,
		RequesterName: by.Name, Purpose: in.Purpose, LegalBasis: in.LegalBasis, Fields: in.Fields, Days: in.Days,
		State: Pending, Due: s.cal.AddWorkdays(now, DecideDays).UTC().Truncate(time.Microsecond), CreatedAt: now}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateRequest(ctx, q); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "data.request_filed", requestTarget(q),
			map[string]any{"resource": r.Code, "consumer": q.ConsumerID, "fields": q.Fields, "days": q.Days}); err != nil {
			return err
		}
		if r.ShareClass != ShareOpen {
			return nil
		}
		_, err := s.approve(ctx, audit.System("无条件共享"), q, q.Fields, "无条件共享", DefaultRate)
		return err
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// decidable reads a request for its provider's CDO; errs.NotFound for
// anyone else.
func (s *Service) decidable(ctx context.Context, by *identity.Caller, id ids.ID) (*Request, error) {
	if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
		return nil, err
	}
	q, err := s.store.Request(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !manages(by, &Resource{ProviderID: q.ProviderID, Region: q.Region}) {
		return nil, errs.E(errs.NotFound, "datashare.request.not_found")
	}
	return q, err
}

// ApproveInput is what an approval takes.
type ApproveInput struct {
	Fields     []string // a subset of those asked for; empty: all of them
	Note       string
	RatePerSec int // 0: DefaultRate
}

// Approve grants a pending request, with the fields asked for or fewer,
// for the period asked for, and makes an access grant awaiting delivery.
//
// Returns errs.NotFound unless by is the provider's CDO, errs.Conflict if
// the request is decided ("datashare.request_decided"), errs.Invalid for
// fields that were not asked for.
func (s *Service) Approve(ctx context.Context, by *identity.Caller, id ids.ID, in ApproveInput) (*Request, *Grant, error) {
	q, err := s.decidable(ctx, by, id)
	if err != nil {
		return nil, nil, err
	}
	if q.State != Pending {
		return nil, nil, errs.E(errs.Conflict, "datashare.request_decided")
	}
	if len(in.Fields) == 0 {
		in.Fields = q.Fields
	}
	for _, f := range in.Fields {
		if !slices.Contains(q.Fields, f) {
			return nil, nil, errs.Fields(map[string]string{"fields": "datashare.fields_not_asked"})
		}
	}
	if in.RatePerSec < 0 || in.RatePerSec > 10000 || tooLong(in.Note, 500) {
		return nil, nil, errs.Fields(map[string]string{"note": "form.too_long"})
	}
	if in.RatePerSec == 0 {
		in.RatePerSec = DefaultRate
	}
	var g *Grant
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		g, err = s.approve(ctx, by, q, in.Fields, strings.TrimSpace(in.Note), in.RatePerSec)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return q, g, nil
}

// approve decides q and makes its grant, inside the caller's transaction.
func (s *Service) approve(ctx context.Context, by audit.Actor, q *Request, fields []string, note string, rate int) (*Grant, error) {
	now := s.clock()
	byID, byName := by.AuditActor()
	q.State, q.DecidedByID, q.DecidedBy, q.DecidedAt, q.Reason, q.GrantedFields = Approved, ids.ID(byID), byName, now, note, fields
	g := &Grant{ID: ids.New(), RequestID: q.ID, ResourceID: q.ResourceID, ResourceCode: q.ResourceCode, ProviderID: q.ProviderID,
		ConsumerID: q.ConsumerID, Consumer: q.Consumer, Fields: fields, RatePerSec: rate,
		ExpiresAt: now.AddDate(0, 0, q.Days), State: Awaiting, CreatedAt: now}
	q.GrantID = g.ID
	if err := s.store.DecideRequest(ctx, q); err != nil {
		return nil, err
	}
	if err := s.store.CreateGrant(ctx, g); err != nil {
		return nil, err
	}
	return g, s.audit.Record(ctx, by, "data.request_approved", requestTarget(q),
		map[string]any{"resource": q.ResourceCode, "fields": fields, "grant": g.ID, "expires": g.ExpiresAt, "late": now.After(q.Due)})
}

// Refuse refuses a pending request with a reason.
//
// Returns errs.NotFound unless by is the provider's CDO, errs.Conflict if
// the request is decided, errs.Invalid without a reason.
func (s *Service) Refuse(ctx context.Context, by *identity.Caller, id ids.ID, reason string) (*Request, error) {
	q, err := s.decidable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if q.State != Pending {
		return nil, errs.E(errs.Conflict, "datashare.request_decided")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, errs.Fields(map[string]string{"reason": "datashare.reason_required"})
	case tooLong(reason, 500):
		return nil, errs.Fields(map[string]string{"reason": "form.too_long"})
	}
	now := s.clock()
	q.State, q.DecidedByID, q.DecidedBy, q.DecidedAt, q.Reason = Refused, by.UserID, by.Name, now, reason
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.DecideRequest(ctx, q); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "data.request_refused", requestTarget(q),
			map[string]any{"resource": q.ResourceCode, "reason": reason, "late": now.After(q.Due)})
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// RequestOf returns a request to its provider's CDO and to staff of the
// requesting body with data.request; errs.NotFound for anyone else.
func (s *Service) RequestOf(ctx context.Context, by *identity.Caller, id ids.ID) (*Request, *Grant, error) {
	if err := canBrowse(by); err != nil {
		return nil, nil, err
	}
	q, err := s.store.Request(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !ofConsumer(by, q.ConsumerID) &&
		!manages(by, &Resource{ProviderID: q.ProviderID, Region: q.Region}) {
		return nil, nil, errs.E(errs.NotFound, "datashare.request.not_found")
	}
	if err != nil {
		return nil, nil, err
	}
	if q.GrantID == "" {
		return q, nil, nil
	}
	g, err := s.store.Grant(ctx, q.GrantID)
	if err != nil {
		return nil, nil, err
	}
	return q, g, nil
}

// Inbox lists the requests to the bodies where by is CDO, in state st (all
// if ""), newest first.
func (s *Service) Inbox(ctx context.Context, by *identity.Caller, st RequestState) ([]Request, error) {
	if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
		return nil, err
	}
	var out []Request
	seen := map[ids.ID]bool{}
	for _, g := range by.Grants {
		if !g.Role.Allows(identity.PermDataManage) || seen[g.OrgID] {
			continue
		}
		seen[g.OrgID] = true
		list, err := s.store.Requests(ctx, RequestFilter{ProviderID: g.OrgID, State: st, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, q := range list {
			if manages(by, &Resource{ProviderID: q.ProviderID, Region: q.Region}) {
				out = append(out, q)
			}
		}
	}
	return out, nil
}

// Outgoing lists the requests of the caller's body (its first data.request
// grant), newest first.
func (s *Service) Outgoing(ctx context.Context, by *identity.Caller) ([]Request, error) {
	if err := identity.Authorize(by, identity.PermDataRequest, ""); err != nil {
		return nil, err
	}
	g, _ := requesterGrant(by)
	return s.store.Requests(ctx, RequestFilter{ConsumerID: g.OrgID, Limit: 500})
}

// newSecret returns a fresh credential and its stored hash.
func newSecret() (string, string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret := "dgx_" + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Deliver hands the requesting body its system credential for an approved
// request's grant: a secret shown once and stored only as its hash. Calling
// it again issues a new credential and voids the old one.
//
// Returns errs.NotFound unless by acts for the requesting body with
// data.request, errs.Conflict if the request is not approved, the grant is
// revoked ("datashare.grant_revoked") or expired ("datashare.grant_expired").
func (s *Service) Deliver(ctx context.Context, by *identity.Caller, requestID ids.ID) (*Grant, string, error) {
	if err := identity.Authorize(by, identity.PermDataRequest, ""); err != nil {
		return nil, "", err
	}
	q, err := s.store.Request(ctx, requestID)
	if errs.Is(err, errs.NotFound) || err == nil && !ofConsumer(by, q.ConsumerID) {
		return nil, "", errs.E(errs.NotFound, "datashare.request.not_found")
	}
	if err != nil {
		return nil, "", err
	}
	if q.State != Approved {
		return nil, "", errs.E(errs.Conflict, "datashare.request_not_approved")
	}
	g, err := s.store.Grant(ctx, q.GrantID)
	if err != nil {
		return nil, "", err
	}
	now := s.clock()
	switch {
	case g.State == Revoked:
		return nil, "", errs.E(errs.Conflict, "datashare.grant_revoked")
	case !now.Before(g.ExpiresAt):
		return nil, "", errs.E(errs.Conflict, "datashare.grant_expired")
	}
	secret, hash := newSecret()
	first := g.State == Awaiting
	g.SecretHash, g.State = hash, Delivered
	if first {
		g.DeliveredAt = now
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateGrant(ctx, g); err != nil {
			return err
		}
		s.grants.drop() // the old credential stops at once on this node
		return s.audit.Record(ctx, by, "data.grant_delivered", audit.Target{Type: "data_grant", ID: string(g.ID), Region: string(q.Region)},
			map[string]any{"request": q.ID, "resource": g.ResourceCode, "reissued": !first})
	})
	if err != nil {
		return nil, "", err
	}
	return g, secret, nil
}

// Revoke ends a grant before its expiry, with a reason.
//
// Returns errs.NotFound unless by is the provider's CDO, errs.Conflict if
// it is revoked already, errs.Invalid without a reason.
func (s *Service) Revoke(ctx context.Context, by *identity.Caller, grantID ids.ID, reason string) (*Grant, error) {
	if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
		return nil, err
	}
	g, err := s.store.Grant(ctx, grantID)
	if err != nil {
		return nil, errs.E(errs.NotFound, "datashare.grant.not_found")
	}
	r, err := s.store.Resource(ctx, g.ResourceID)
	if err != nil {
		return nil, err
	}
	if !manages(by, r) {
		return nil, errs.E(errs.NotFound, "datashare.grant.not_found")
	}
	if g.State == Revoked {
		return nil, errs.E(errs.Conflict, "datashare.grant_revoked")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || tooLong(reason, 500) {
		return nil, errs.Fields(map[string]string{"reason": "datashare.reason_required"})
	}
	g.State, g.RevokedAt, g.RevokedBy, g.RevokeReason = Revoked, s.clock(), by.Name, reason
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateGrant(ctx, g); err != nil {
			return err
		}
		s.grants.drop()
		return s.audit.Record(ctx, by, "data.grant_revoked", audit.Target{Type: "data_grant", ID: string(g.ID), Region: string(r.Region)},
			map[string]any{"request": g.RequestID, "resource": g.ResourceCode, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Satisfaction returns 需求满足率 by provider and overall (the total's
// ProviderID is ""), to staff who may browse the catalog and to those who
// view the cockpit.
func (s *Service) Satisfaction(ctx context.Context, by *identity.Caller) ([]Satisfaction, Satisfaction, error) {
	if canBrowse(by) != nil {
		if err := identity.Authorize(by, identity.PermCockpit, ""); err != nil {
			return nil, Satisfaction{}, err
		}
	}
	list, err := s.store.Satisfaction(ctx)
	if err != nil {
		return nil, Satisfaction{}, err
	}
	var total Satisfaction
	for _, x := range list {
		total.Requests += x.Requests
		total.Decided += x.Decided
		total.Satisfied += x.Satisfied
	}
	return list, total, nil
}
