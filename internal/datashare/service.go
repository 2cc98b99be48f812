package datashare

import (
	"context"
	"crypto/ed25519"
	"io"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
)

// Store is the persistence datashare needs. Its methods join the
// transaction in the context, if any.
type Store interface {
	// CreateResource inserts r; errs.Conflict ("datashare.resource.exists")
	// if its code is taken.
	CreateResource(ctx context.Context, r *Resource) error
	// UpdateResource rewrites r's description, classes, fields, schema
	// version and load figures.
	UpdateResource(ctx context.Context, r *Resource) error
	// Resource returns one resource; errs.NotFound if absent.
	Resource(ctx context.Context, id ids.ID) (*Resource, error)
	// ResourceByCode returns the resource with code; errs.NotFound if absent.
	ResourceByCode(ctx context.Context, code string) (*Resource, error)
	// Resources lists the resources matching q, by code.
	Resources(ctx context.Context, q ResourceQuery) ([]Resource, error)
	// AddSchema records a schema version.
	AddSchema(ctx context.Context, s *Schema) error
	// Schemas lists a resource's schema versions, newest first.
	Schemas(ctx context.Context, resourceID ids.ID) ([]Schema, error)
	// ReplaceRows replaces every row of a resource by rows, in order.
	ReplaceRows(ctx context.Context, resourceID ids.ID, rows []Row) error
	// Rows returns up to limit rows of a resource from the start-th (0-based).
	Rows(ctx context.Context, resourceID ids.ID, start, limit int) ([]Row, error)
	// ResourceUsage counts the requests, live grants and exchange calls of
	// each resource of a provider.
	ResourceUsage(ctx context.Context, providerID ids.ID, now time.Time) (map[ids.ID]Usage, error)

	// CreateRequest inserts a sharing request.
	CreateRequest(ctx context.Context, q *Request) error
	// Request returns one request; errs.NotFound if absent.
	Request(ctx context.Context, id ids.ID) (*Request, error)
	// DecideRequest writes q's decision if the stored request is still
	// pending, else returns errs.Conflict ("datashare.request_decided").
	DecideRequest(ctx context.Context, q *Request) error
	// Requests lists requests matching f, newest first.
	Requests(ctx context.Context, f RequestFilter) ([]Request, error)
	// CreateGrant inserts an access grant.
	CreateGrant(ctx context.Context, g *Grant) error
	// Grant returns one grant; errs.NotFound if absent.
	Grant(ctx context.Context, id ids.ID) (*Grant, error)
	// GrantBySecret returns the grant whose credential hashes to hash;
	// errs.NotFound if none.
	GrantBySecret(ctx context.Context, hash string) (*Grant, error)
	// UpdateGrant writes g's state, credential hash, delivery and revocation.
	UpdateGrant(ctx context.Context, g *Grant) error
	// GrantCalls counts the exchange calls of each of the grants.
	GrantCalls(ctx context.Context, grantIDs []ids.ID) (map[ids.ID]CallCount, error)
	// Satisfaction counts decided, approved-and-delivered requests by provider.
	Satisfaction(ctx context.Context) ([]Satisfaction, error)

	// AppendExchange appends entries in order: it assigns each its Seq and
	// PrevHash from the log's head, calls seal (which sets Hash and
	// Signature), inserts them and moves the head, holding the head's lock so
	// that appends are serial. Must run inside a transaction.
	AppendExchange(ctx context.Context, entries []*LogEntry, seal func(*LogEntry)) error
	// ExchangeChain calls fn for every entry after seq after, in Seq order,
	// until fn fails.
	ExchangeChain(ctx context.Context, after int64, fn func(*LogEntry) error) error
	// CountExchange counts the entries matching f (Limit is ignored).
	CountExchange(ctx context.Context, f LogFilter) (int64, error)
	// ExchangeEntry returns one entry; errs.NotFound if absent.
	ExchangeEntry(ctx context.Context, id ids.ID) (*LogEntry, error)
	// ExchangeEntries lists entries matching f, newest first.
	ExchangeEntries(ctx context.Context, f LogFilter) ([]LogEntry, error)
}

// ResourceQuery selects resources.
type ResourceQuery struct {
	ProviderID ids.ID // "" for every body
	Text       string // in code, name or description
	OpenClass  OpenClass
	Limit      int
	Offset     int
}

// Usage is how much a resource is used.
type Usage struct {
	Requests     int
	LiveGrants   int // delivered and not expired
	Calls        int // exchange calls served
	RefusedCalls int // exchange calls refused
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Deps are the Service's collaborators.
type Deps struct {
	Store    Store
	Tx       Transactor
	Audit    *audit.Service
	Identity *identity.Service // organisation names
	Calendar *workday.Calendar
	Key      ed25519.PrivateKey // signs the exchange message log
	Now      func() time.Time
}

// Service runs the catalog, sharing and the exchange.
type Service struct {
	store    Store
	tx       Transactor
	audit    *audit.Service
	identity *identity.Service
	cal      *workday.Calendar
	key      ed25519.PrivateKey
	now      func() time.Time
	limits   *limiter
	log      logBatcher
	checked  checkpoint          // how far this node has verified the message log
	grants   ttlCache[*Grant]    // by credential hash, for the exchange
	codes    ttlCache[*Resource] // by code, for the exchange
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, identity: d.Identity, cal: d.Calendar,
		key: d.Key, now: d.Now, limits: newLimiter()}
}

// clock is now, in UTC at the microsecond precision both engines keep.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// PublicKey is the key that checks the message log's signatures.
func (s *Service) PublicKey() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

func resourceTarget(r *Resource) audit.Target {
	return audit.Target{Type: "data_resource", ID: string(r.ID), Region: string(r.Region)}
}

// cdoGrant returns by's data.manage grant for org (the first one if org is
// ""), or false.
func cdoGrant(by *identity.Caller, org ids.ID) (identity.Grant, bool) {
	if by.Anonymous() {
		return identity.Grant{}, false
	}
	for _, g := range by.Grants {
		if g.Role.Allows(identity.PermDataManage) && (org == "" || g.OrgID == org) {
			return g, true
		}
	}
	return identity.Grant{}, false
}

// manages reports whether by is a CDO of r's provider whose scope covers r.
func manages(by *identity.Caller, r *Resource) bool {
	if by.Anonymous() {
		return false
	}
	for _, g := range by.Grants {
		if g.Role.Allows(identity.PermDataManage) && g.OrgID == r.ProviderID && region.Within(r.Region, g.Scope) {
			return true
		}
	}
	return false
}

// Manages reports whether by may maintain r and answer requests for it.
func Manages(by *identity.Caller, r *Resource) bool { return manages(by, r) }

// canBrowse reports whether by may read the catalog: staff who manage data
// or may request it.
func canBrowse(by *identity.Caller) error {
	if err := identity.Authorize(by, identity.PermDataRequest, ""); err == nil {
		return nil
	}
	return identity.Authorize(by, identity.PermDataManage, "")
}

// Register records a new resource of the CDO's body (the first body where
// by holds data.manage) with schema version 1, by as its responsible CDO.
//
// Returns errs.Unauthenticated, errs.Forbidden for callers without
// data.manage, errs.Invalid with every bad field at once, errs.Conflict
// ("datashare.resource.exists") if the code is taken.
func (s *Service) Register(ctx context.Context, by *identity.Caller, in ResourceInput) (*Resource, error) {
	if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
		return nil, err
	}
	g, _ := cdoGrant(by, "")
	if err := in.check(); err != nil {
		return nil, err
	}
	org, err := s.identity.Organization(ctx, g.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	r := &Resource{ID: ids.New(), ProviderID: org.ID, Provider: org.Name, Region: org.Region, CDOID: by.UserID, CDOName: by.Name,
		SchemaVersion: 1, CreatedAt: now, UpdatedAt: now}
	r.apply(in)
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateResource(ctx, r); err != nil {
			return err
		}
		if err := s.store.AddSchema(ctx, &Schema{ResourceID: r.ID, Version: 1, Fields: r.Fields, CreatedBy: by.Name, CreatedAt: now}); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "data.resource_registered", resourceTarget(r),
			map[string]any{"code": r.Code, "share": r.ShareClass, "open": r.OpenClass, "fields": len(r.Fields)})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Resource) apply(in ResourceInput) {
	r.Code, r.Name, r.Description, r.Classification, r.Fields = in.Code, in.Name, in.Description, in.Classification, in.Fields
	r.UpdateFrequency, r.Format, r.SourceSystem = in.UpdateFrequency, in.Format, in.SourceSystem
	r.ShareClass, r.ShareConditions, r.ShareBasis, r.OpenClass = in.ShareClass, in.ShareConditions, in.ShareBasis, in.OpenClass
}

// Update rewrites a resource's description (its code stays). Changed
// fields make a new schema version; rows loaded under an older schema keep
// only the values of fields that still exist.
//
// Returns errs.NotFound if the resource does not exist or by is not its
// provider's CDO, errs.Invalid with every bad field.
func (s *Service) Update(ctx context.Context, by *identity.Caller, id ids.ID, in ResourceInput) (*Resource, error) {
	r, err := s.manageable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	in.Code = r.Code
	if err := in.check(); err != nil {
		return nil, err
	}
	changed := !sameFields(r.Fields, in.Fields)
	r.apply(in)
	r.UpdatedAt = s.clock()
	if changed {
		r.SchemaVersion++
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateResource(ctx, r); err != nil {
			return err
		}
		if changed {
			if err := s.store.AddSchema(ctx, &Schema{ResourceID: r.ID, Version: r.SchemaVersion, Fields: r.Fields, CreatedBy: by.Name, CreatedAt: r.UpdatedAt}); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, by, "data.resource_updated", resourceTarget(r),
			map[string]any{"code": r.Code, "schema_version": r.SchemaVersion})
	})
	s.codes.drop()
	if err != nil {
		return nil, err
	}
	return r, nil
}

// manageable reads a resource for its provider's CDO; errs.NotFound for
// anyone else.
func (s *Service) manageable(ctx context.Context, by *identity.Caller, id ids.ID) (*Resource, error) {
	if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
		return nil, err
	}
	r, err := s.store.Resource(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !manages(by, r) {
		return nil, errs.E(errs.NotFound, "datashare.resource.not_found")
	}
	return r, err
}

// Resource returns a catalog entry to staff who may browse the catalog.
//
// Returns errs.Unauthenticated, errs.Forbidden for callers who may neither
// manage nor request data, errs.NotFound.
func (s *Service) Resource(ctx context.Context, by *identity.Caller, id ids.ID) (*Resource, error) {
	if err := canBrowse(by); err != nil {
		return nil, err
	}
	return s.store.Resource(ctx, id)
}

// ResourceByCode is Resource by the resource's code.
func (s *Service) ResourceByCode(ctx context.Context, by *identity.Caller, code string) (*Resource, error) {
	if err := canBrowse(by); err != nil {
		return nil, err
	}
	return s.store.ResourceByCode(ctx, code)
}

// Catalog lists resources for staff who may browse the catalog: the whole
// government's catalog is visible to every body, so that they can find
// what to request.
func (s *Service) Catalog(ctx context.Context, by *identity.Caller, q ResourceQuery) ([]Resource, error) {
	if err := canBrowse(by); err != nil {
		return nil, err
	}
	q.Text = strings.TrimSpace(q.Text)
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	return s.store.Resources(ctx, q)
}

// Mine lists the resources of the bodies where by is CDO, with their usage.
func (s *Service) Mine(ctx context.Context, by *identity.Caller) ([]Resource, map[ids.ID]Usage, error) {
	if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
		return nil, nil, err
	}
	var out []Resource
	usage := map[ids.ID]Usage{}
	seen := map[ids.ID]bool{}
	for _, g := range by.Grants {
		if !g.Role.Allows(identity.PermDataManage) || seen[g.OrgID] {
			continue
		}
		seen[g.OrgID] = true
		list, err := s.store.Resources(ctx, ResourceQuery{ProviderID: g.OrgID, Limit: 1000})
		if err != nil {
			return nil, nil, err
		}
		u, err := s.store.ResourceUsage(ctx, g.OrgID, s.clock())
		if err != nil {
			return nil, nil, err
		}
		for k, v := range u {
			usage[k] = v
		}
		for _, r := range list {
			if manages(by, &r) {
				out = append(out, r)
			}
		}
	}
	return out, usage, nil
}

// Schemas lists a resource's schema versions, newest first, to staff who
// may browse the catalog.
func (s *Service) Schemas(ctx context.Context, by *identity.Caller, id ids.ID) ([]Schema, error) {
	if _, err := s.Resource(ctx, by, id); err != nil {
		return nil, err
	}
	return s.store.Schemas(ctx, id)
}

// Upload formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// LoadRows replaces a resource's rows with those of an upload in format
// (FormatCSV or FormatJSON), all or none.
//
// Returns errs.NotFound if the resource does not exist or by is not its
// provider's CDO, errs.Invalid ("datashare.rows_invalid", with LoadErrors
// listing every row in error) for a malformed upload, which loads nothing.
func (s *Service) LoadRows(ctx context.Context, by *identity.Caller, id ids.ID, format string, body io.Reader) (*Resource, error) {
	r, err := s.manageable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	var rows []Row
	switch format {
	case FormatCSV:
		rows, err = ParseCSV(r.Fields, body)
	case FormatJSON:
		rows, err = ParseJSON(r.Fields, body)
	default:
		return nil, errs.Fields(map[string]string{"format": "datashare.upload_format"})
	}
	if err != nil {
		return nil, err
	}
	r.RowCount, r.Filled, r.LoadedAt = len(rows), filled(r.Fields, rows), s.clock()
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.ReplaceRows(ctx, r.ID, rows); err != nil {
			return err
		}
		if err := s.store.UpdateResource(ctx, r); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "data.rows_loaded", resourceTarget(r),
			map[string]any{"code": r.Code, "rows": r.RowCount, "format": format, "schema_version": r.SchemaVersion})
	})
	s.codes.drop()
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Preview returns up to limit rows of a resource to its provider's CDO.
func (s *Service) Preview(ctx context.Context, by *identity.Caller, id ids.ID, limit int) ([]Row, error) {
	r, err := s.manageable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	return s.store.Rows(ctx, r.ID, 0, min(max(limit, 1), 100))
}

// OpenRows returns rows of a resource whose open class is 无条件开放, with
// only its public fields, for the open-data portal. It needs no caller:
// the resource is open to everyone.
//
// Returns errs.NotFound if the resource does not exist or is not open.
func (s *Service) OpenRows(ctx context.Context, id ids.ID, start, limit int) (*Resource, []Row, error) {
	r, err := s.store.Resource(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if r.OpenClass != OpenFree {
		return nil, nil, errs.E(errs.NotFound, "datashare.resource.not_found")
	}
	rows, err := s.store.Rows(ctx, id, start, limit)
	if err != nil {
		return nil, nil, err
	}
	pub := PublicFields(r.Fields)
	for i, row := range rows {
		out := make(Row, len(pub))
		for _, f := range pub {
			if v, ok := row[f.Name]; ok {
				out[f.Name] = v
			}
		}
		rows[i] = out
	}
	return r, rows, nil
}

// PublicFields are the fields that may be opened to the public.
func PublicFields(fs []Field) []Field {
	var out []Field
	for _, f := range fs {
		if f.Sensitivity == Public {
			out = append(out, f)
		}
	}
	return out
}

// OpenResource returns a resource for publishing as open data: it must be
// 无条件开放 and by its provider's CDO.
func (s *Service) OpenResource(ctx context.Context, by *identity.Caller, id ids.ID) (*Resource, error) {
	r, err := s.manageable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if r.OpenClass != OpenFree {
		return nil, errs.E(errs.Conflict, "datashare.not_open")
	}
	return r, nil
}
