package market

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
)

// Store is the persistence the market needs. Its methods join the
// transaction in the context, if any.
type Store interface {
	CreateProduct(ctx context.Context, p *Product) error
	// UpdateProduct writes p if the stored product is still in state was,
	// else returns errs.Conflict ("market.product_changed").
	UpdateProduct(ctx context.Context, p *Product, was ProductState) error
	// EditProduct writes p if the stored product is still in p's state,
	// last changed at version (its UpdatedAt), else returns
	// errs.Conflict ("market.product_changed").
	EditProduct(ctx context.Context, p *Product, version time.Time) error
	// Product returns one product; errs.NotFound ("market.product.not_found").
	Product(ctx context.Context, id ids.ID) (*Product, error)
	// Products lists the products matching q, newest first.
	Products(ctx context.Context, q ProductQuery) ([]Product, error)

	CreateOrder(ctx context.Context, o *Order) error
	// UpdateOrder writes o if the stored order is still in state was, else
	// returns errs.Conflict ("market.order_decided").
	UpdateOrder(ctx context.Context, o *Order, was OrderState) error
	Order(ctx context.Context, id ids.ID) (*Order, error)
	// Orders lists the orders matching f, newest first.
	Orders(ctx context.Context, f OrderFilter) ([]Order, error)

	CreateContract(ctx context.Context, c *Contract) error
	// UpdateContract writes c if the stored contract is still in state
	// was, else returns errs.Conflict ("market.contract_changed").
	UpdateContract(ctx context.Context, c *Contract, was ContractState) error
	Contract(ctx context.Context, id ids.ID) (*Contract, error)

	CreateCertificate(ctx context.Context, c *Certificate) error
	// UpdateCertificate writes c if the stored one is still in state was,
	// else returns errs.Conflict ("market.certificate_decided").
	UpdateCertificate(ctx context.Context, c *Certificate, was CertState) error
	Certificate(ctx context.Context, id ids.ID) (*Certificate, error)
	// Certificates lists certificates of a holder ("" for all) in a state
	// ("" for all), newest first.
	Certificates(ctx context.Context, holderID ids.ID, st CertState, limit int) ([]Certificate, error)

	// Enterprise returns an enterprise; errs.NotFound if absent.
	Enterprise(ctx context.Context, id ids.ID) (*identity.Enterprise, error)
}

// ProductQuery selects products.
type ProductQuery struct {
	ProviderID ids.ID
	Theme      string
	Text       string
	State      ProductState // "" for every state
	Limit      int
	Offset     int
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Data is what the market needs of datashare.Service.
type Data interface {
	Mine(ctx context.Context, by *identity.Caller) ([]datashare.Resource, map[ids.ID]datashare.Usage, error)
	GrantDirect(ctx context.Context, actor audit.Actor, in datashare.DirectGrant) (*datashare.Grant, string, error)
	ReissueDirect(ctx context.Context, actor audit.Actor, grantID ids.ID, origin string) (*datashare.Grant, string, error)
	EndDirect(ctx context.Context, actor audit.Actor, grantID ids.ID, origin, reason string) error
	GrantCalls(ctx context.Context, grantIDs []ids.ID) (map[ids.ID]datashare.CallCount, error)
}

// Deps are the Service's collaborators.
type Deps struct {
	Store    Store
	Tx       Transactor
	Audit    *audit.Service
	Identity *identity.Service // organisation names
	Data     Data
	Seals    Seals
	Notary   Notary // SealedPDFs in the node; nil: SealStatements over Seals
	Calendar *workday.Calendar
	Regions  *region.Tree
	Themes   []string // the theme names products may carry
	Now      func() time.Time
}

// Service runs the data market.
type Service struct {
	store    Store
	tx       Transactor
	audit    *audit.Service
	identity *identity.Service
	data     Data
	seals    Seals
	notary   Notary
	cal      *workday.Calendar
	regions  *region.Tree
	themes   []string
	now      func() time.Time
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	n := d.Notary
	if n == nil {
		n = SealStatements{Seals: d.Seals}
	}
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, identity: d.Identity, data: d.Data, seals: d.Seals, notary: n,
		cal: d.Calendar, regions: d.Regions, themes: d.Themes, now: d.Now}
}

// Themes are the theme names products may carry.
func (s *Service) Themes() []string { return s.themes }

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// lists reports whether by holds market.list for body org over region r.
func lists(by *identity.Caller, org ids.ID, r region.Code) bool {
	if by.Anonymous() {
		return false
	}
	for _, g := range by.Grants {
		if g.Role.Allows(identity.PermMarketList) && g.OrgID == org && region.Within(r, g.Scope) {
			return true
		}
	}
	return false
}

// Lists reports whether by may manage products and orders of body org in r.
func Lists(by *identity.Caller, org ids.ID, r region.Code) bool { return lists(by, org, r) }

// listerOrg returns the first body where by holds market.list.
func listerOrg(by *identity.Caller) (ids.ID, bool) {
	if by.Anonymous() {
		return "", false
	}
	for _, g := range by.Grants {
		if g.Role.Allows(identity.PermMarketList) {
			return g.OrgID, true
		}
	}
	return "", false
}

// buyer returns the enterprise by orders for; errs.Forbidden for callers
// who are not enterprise agents.
func buyer(by *identity.Caller) (ids.ID, error) {
	if err := identity.Authorize(by, identity.PermMarketOrder, ""); err != nil {
		return "", err
	}
	return by.EnterpriseID, nil
}

// buys reports whether by is an agent of the enterprise id.
func buys(by *identity.Caller, id ids.ID) bool {
	e, err := buyer(by)
	return err == nil && e == id
}

func productTarget(p *Product) audit.Target {
	return audit.Target{Type: "market_product", ID: string(p.ID), Region: string(p.Region)}
}

// List records a new product of the CDO's body (the first body where by
// holds market.list) as a draft, built on resources of that body.
//
// Returns errs.Unauthenticated, errs.Forbidden without market.list,
// errs.Invalid with every bad field at once.
func (s *Service) List(ctx context.Context, by *identity.Caller, in ProductInput) (*Product, error) {
	if err := identity.Authorize(by, identity.PermMarketList, ""); err != nil {
		return nil, err
	}
	orgID, _ := listerOrg(by)
	org, err := s.identity.Organization(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if !lists(by, org.ID, org.Region) {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	bad := map[string]string{}
	in.check(s.themes, s.regions, bad)
	sources, key, err := s.sources(ctx, by, org.ID, in.Fields)
	if err != nil {
		return nil, err
	}
	if key != "" {
		bad["fields"] = key
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	now := s.clock()
	p := &Product{ID: ids.New(), Name: in.Name, Description: in.Description, Theme: in.Theme, ProviderID: org.ID, Provider: org.Name,
		Region: org.Region, CDOID: by.UserID, CDOName: by.Name, Sources: sources, Terms: in.Terms, Policy: in.Policy,
		Price: in.Price, PeriodDays: in.PeriodDays, State: Draft, CreatedAt: now, UpdatedAt: now}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateProduct(ctx, p); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "market.product_listed", productTarget(p),
			map[string]any{"name": p.Name, "sources": len(p.Sources), "price": p.Price, "period_days": p.PeriodDays})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// sources reads the body's resources the fields name and builds the
// product's sources; a resource of another body is "unknown".
func (s *Service) sources(ctx context.Context, by *identity.Caller, org ids.ID, fields map[ids.ID][]string) ([]Source, string, error) {
	mine, _, err := s.data.Mine(ctx, by)
	if err != nil {
		return nil, "", err
	}
	var rs []*datashare.Resource
	for i := range mine {
		if mine[i].ProviderID == org {
			rs = append(rs, &mine[i])
		}
	}
	for id, f := range fields {
		if len(f) > 0 && !has(rs, id) {
			return nil, "market.fields_unknown", nil
		}
	}
	src, key := offer(rs, fields)
	return src, key, nil
}

func has(rs []*datashare.Resource, id ids.ID) bool {
	for _, r := range rs {
		if r.ID == id {
			return true
		}
	}
	return false
}

// ownProduct reads a product for a CDO of its body; errs.NotFound for
// anyone else.
func (s *Service) ownProduct(ctx context.Context, by *identity.Caller, id ids.ID) (*Product, error) {
	if err := identity.Authorize(by, identity.PermMarketList, ""); err != nil {
		return nil, err
	}
	p, err := s.store.Product(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !lists(by, p.ProviderID, p.Region) {
		return nil, errs.E(errs.NotFound, "market.product.not_found")
	}
	return p, err
}

// Publish puts a draft or withdrawn product on the market.
//
// Returns errs.NotFound unless by lists for the product's body,
// errs.Conflict if it is published already.
func (s *Service) Publish(ctx context.Context, by *identity.Caller, id ids.ID) (*Product, error) {
	return s.setState(ctx, by, id, Published, "market.product_published")
}

// Withdraw takes a published product off the market; contracts already
// concluded run on.
func (s *Service) Withdraw(ctx context.Context, by *identity.Caller, id ids.ID) (*Product, error) {
	return s.setState(ctx, by, id, Withdrawn, "market.product_withdrawn")
}

func (s *Service) setState(ctx context.Context, by *identity.Caller, id ids.ID, to ProductState, action string) (*Product, error) {
	p, err := s.ownProduct(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if p.State == to || to == Withdrawn && p.State != Published {
		return nil, errs.E(errs.Conflict, "market.product_state")
	}
	was := p.State
	p.State, p.UpdatedAt = to, s.clock()
	if to == Published {
		p.PublishedAt = p.UpdatedAt
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateProduct(ctx, p, was); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, action, productTarget(p), map[string]any{"name": p.Name, "from": was})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Product returns a product: a published or withdrawn one to anyone, a
// draft only to a CDO of its body. errs.NotFound otherwise.
func (s *Service) Product(ctx context.Context, by *identity.Caller, id ids.ID) (*Product, error) {
	p, err := s.store.Product(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.State == Draft && !lists(by, p.ProviderID, p.Region) {
		return nil, errs.E(errs.NotFound, "market.product.not_found")
	}
	return p, nil
}

// Market lists published products for anyone, by text, body and theme.
func (s *Service) Market(ctx context.Context, q ProductQuery) ([]Product, error) {
	q.State, q.Text = Published, strings.TrimSpace(q.Text)
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	q.Offset = max(q.Offset, 0)
	if q.Offset > 100_000 {
		return nil, nil
	}
	if tooLong(q.Text, 100) {
		return nil, errs.Fields(map[string]string{"q": "form.too_long"})
	}
	return s.store.Products(ctx, q)
}

// MyProducts lists every product (drafts included) of the bodies where by
// holds market.list.
func (s *Service) MyProducts(ctx context.Context, by *identity.Caller) ([]Product, error) {
	if err := identity.Authorize(by, identity.PermMarketList, ""); err != nil {
		return nil, err
	}
	var out []Product
	seen := map[ids.ID]bool{}
	for _, g := range by.Grants {
		if !g.Role.Allows(identity.PermMarketList) || seen[g.OrgID] {
			continue
		}
		seen[g.OrgID] = true
		list, err := s.store.Products(ctx, ProductQuery{ProviderID: g.OrgID, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			if lists(by, p.ProviderID, p.Region) {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// Resources lists the catalog resources by may build products on.
func (s *Service) Resources(ctx context.Context, by *identity.Caller) ([]datashare.Resource, error) {
	if err := identity.Authorize(by, identity.PermMarketList, ""); err != nil {
		return nil, err
	}
	orgID, _ := listerOrg(by)
	mine, _, err := s.data.Mine(ctx, by)
	if err != nil {
		return nil, err
	}
	var out []datashare.Resource
	for _, r := range mine {
		if r.ProviderID == orgID && r.ShareClass != datashare.ShareNone {
			out = append(out, r)
		}
	}
	return out, nil
}

// Now is the market's clock, for pages that show deadlines and expiry.
func (s *Service) Now() time.Time { return s.clock() }
