package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/blob"
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
)

// Limits on uploaded materials.
const (
	MaxMaterialBytes = 10 << 20 // 10 MB per file
	WarnDays         = 2        // a deadline this many working days away turns the queue yellow
)

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Deps are the Service's collaborators.
type Deps struct {
	Store    Store
	Tx       Transactor
	Audit    *audit.Service
	Identity *identity.Service
	Catalog  *catalog.Service
	Keys     *cryptox.Keyring
	Blobs    blob.Store
	Calendar *workday.Calendar
	Regions  *region.Tree
	Now      func() time.Time
}

// Service handles cases.
type Service struct {
	store   Store
	tx      Transactor
	audit   *audit.Service
	id      *identity.Service
	catalog *catalog.Service
	keys    *cryptox.Keyring
	blobs   blob.Store
	cal     *workday.Calendar
	regions *region.Tree
	now     func() time.Time
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, id: d.Identity, catalog: d.Catalog, keys: d.Keys,
		blobs: d.Blobs, cal: d.Calendar, regions: d.Regions, now: d.Now}
}

// Application is what an applicant (or counter staff for them) fills in.
type Application struct {
	ItemCode  string
	DecideIn  string // region where the case is decided (办理地); default: the applicant's region
	Form      map[string]string
	Materials []MaterialRef // uploaded with Upload first
}

func (s *Service) sealForm(id ids.ID, f Form) ([]byte, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return s.keys.Seal(b, []byte("case/"+string(id))), nil
}

func (s *Service) openForm(id ids.ID, sealed []byte) (Form, error) {
	if len(sealed) == 0 {
		return Form{}, nil
	}
	b, err := s.keys.Open(sealed, []byte("case/"+string(id)))
	if err != nil {
		return nil, err
	}
	var f Form
	return f, json.Unmarshal(b, &f)
}

// applicantOf checks that by may apply for item and fills the applicant.
func applicantOf(by *identity.Caller, it *catalog.Item, c *Case) error {
	switch {
	case by.Anonymous():
		return errs.E(errs.Unauthenticated, "auth.required")
	case by.Kind == identity.KindPerson && has(it.Targets, catalog.TargetPerson):
	case by.Kind == identity.KindEnterprise && has(it.Targets, catalog.TargetEnterprise):
		c.EnterpriseID = by.EnterpriseID
	default:
		return errs.E(errs.Forbidden, "case.target_mismatch")
	}
	c.ApplicantID, c.PersonID, c.Applicant = by.UserID, by.PersonID, by.Name
	return nil
}

// SaveDraft creates (id == "") or updates a draft. Drafts keep whatever
// was typed, checked later at submission, so an applicant can resume on
// another device. version is the draft's version the applicant saw.
func (s *Service) SaveDraft(ctx context.Context, by *identity.Caller, id ids.ID, version int, app Application) (*Case, error) {
	it, err := s.catalog.Item(ctx, app.ItemCode)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if id == "" {
		c := &Case{ID: ids.New(), ItemCode: it.Code, ItemName: it.Name, Channel: ChannelOnline, State: Draft,
			Form: trimForm(app.Form), Materials: app.Materials, Version: 1, CreatedAt: now, UpdatedAt: now,
			DecidedAt: region.Code(app.DecideIn)}
		if err := applicantOf(by, it, c); err != nil {
			return nil, err
		}
		sealed, err := s.sealForm(c.ID, c.Form)
		if err != nil {
			return nil, err
		}
		err = s.tx.Transact(ctx, func(ctx context.Context) error {
			if err := s.store.CreateCase(ctx, c, sealed); err != nil {
				return err
			}
			return s.audit.Record(ctx, by, "case.draft_saved", s.target(c), nil)
		})
		return c, err
	}
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.ApplicantID != by.UserID || c.State != Draft {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	if c.Version != version {
		return nil, errs.E(errs.Conflict, "case.changed")
	}
	c.Form, c.DecidedAt, c.UpdatedAt = trimForm(app.Form), region.Code(app.DecideIn), now
	if app.Materials != nil {
		c.Materials = app.Materials
	}
	return c, s.save(ctx, by, c, nil, "case.draft_saved")
}

func trimForm(f map[string]string) Form {
	out := Form{}
	for k, v := range f {
		if len(out) >= 100 {
			break
		}
		if v = strings.TrimSpace(v); v != "" && len(k) <= 40 && len(v) <= 4000 {
			out[k] = v
		}
	}
	return out
}

// Apply creates and submits an application in one step.
func (s *Service) Apply(ctx context.Context, by *identity.Caller, app Application) (*Case, error) {
	it, err := s.catalog.Item(ctx, app.ItemCode)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	c := &Case{ID: ids.New(), ItemCode: it.Code, ItemName: it.Name, Channel: ChannelOnline, State: Draft,
		Materials: app.Materials, CreatedAt: now, UpdatedAt: now}
	if err := applicantOf(by, it, c); err != nil {
		return nil, err
	}
	if err := s.prepare(ctx, by, it, c, app, ""); err != nil {
		return nil, err
	}
	c.State, c.SubmittedAt, c.Version = Submitted, now, 1
	sealed, err := s.sealForm(c.ID, c.Form)
	if err != nil {
		return nil, err
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.number(ctx, c, it); err != nil {
			return err
		}
		if err := s.store.CreateCase(ctx, c, sealed); err != nil {
			return err
		}
		return s.record(ctx, by, c, ActSubmit, Draft, "")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// prepare validates the form and materials of an application and routes it.
func (s *Service) prepare(ctx context.Context, by *identity.Caller, it *catalog.Item, c *Case, app Application, receivedAt region.Code) error {
	decideIn := strings.TrimSpace(app.DecideIn)
	if decideIn == "" {
		decideIn = s.defaultRegion(ctx, by)
	}
	code, _ := s.regions.Normalize(decideIn)
	form, ferr := it.CheckForm(app.Form, s.regions, s.now())
	bad := map[string]string{}
	if e := errs.As(ferr); e != nil {
		for k, v := range e.Fields {
			bad[k] = v
		}
	} else if ferr != nil {
		return ferr
	}
	if err := s.checkMaterials(ctx, it, form, app.Materials); err != nil {
		for k, v := range errs.As(err).Fields {
			bad[k] = v
		}
	}
	contribs, cbad := s.contributors(ctx, it, form, c.ID)
	for k, v := range cbad {
		if _, ok := bad[k]; !ok {
			bad[k] = v
		}
	}
	rt, rerr := s.route(ctx, it, code, receivedAt)
	if e := errs.As(rerr); e != nil && e.Code == errs.Invalid {
		for k, v := range e.Fields {
			bad[k] = v
		}
	} else if rerr != nil {
		return rerr
	}
	if len(bad) > 0 {
		return errs.Fields(bad) // every problem at once; nothing is saved as submitted
	}
	c.Form, c.DecidedAt, c.pending = form, code, contribs
	c.AuthorityID, c.Authority = rt.Authority.ID, rt.Authority.Name
	if receivedAt == "" {
		receivedAt = code
	}
	c.ReceivedAt = receivedAt
	return nil
}

// checkMaterials requires a stored upload for every file field that has a
// value, and that the form's file fields point at the uploads.
func (s *Service) checkMaterials(ctx context.Context, it *catalog.Item, form Form, mats []MaterialRef) error {
	bad := map[string]string{}
	byField := map[string]MaterialRef{}
	for _, m := range mats {
		byField[m.Field] = m
	}
	for _, fl := range it.Form {
		if fl.Kind != catalog.FieldFile || form[fl.Name] == "" {
			continue
		}
		m, ok := byField[fl.Name]
		if !ok || m.SHA256 != form[fl.Name] {
			bad[fl.Name] = "form.file"
			continue
		}
		rc, _, err := s.blobs.Open(ctx, m.SHA256)
		if err != nil {
			bad[fl.Name] = "form.file"
			continue
		}
		rc.Close()
	}
	if len(bad) > 0 {
		return errs.Fields(bad)
	}
	return nil
}

// defaultRegion is where an applicant's case is decided unless they say:
// the region of their person record (from the ID number).
func (s *Service) defaultRegion(ctx context.Context, by *identity.Caller) string {
	if me, err := s.id.Me(ctx, by); err == nil {
		return string(me.Region)
	}
	return ""
}

// number gives a submitted case its readable number: the item's
// department prefix, the region where it is decided (办理地), the day and a
// sequence of that prefix, region and day (HRSS440106-20261126-0007). One
// authority decides one department's matters in a region, so the numbers
// are unique per authority, and consecutive.
func (s *Service) number(ctx context.Context, c *Case, it *catalog.Item) error {
	day := c.SubmittedAt.In(workday.Shanghai).Format("20060102")
	prefix, _, _ := strings.Cut(it.Code, "-")
	series := prefix + string(c.DecidedAt)
	n, err := s.store.NextCaseNumber(ctx, series, day)
	if err != nil {
		return err
	}
	c.Number = fmt.Sprintf("%s-%s-%04d", series, day, n)
	return nil
}

// Upload stores a material for an application: at most MaxMaterialBytes, a
// PDF, JPEG, PNG or OFD document (sniffed from its bytes, not trusted from
// the name). Uploading needs a signed-in applicant or counter staff.
func (s *Service) Upload(ctx context.Context, by *identity.Caller, field, name string, r io.Reader) (MaterialRef, error) {
	if by.Anonymous() {
		return MaterialRef{}, errs.E(errs.Unauthenticated, "auth.required")
	}
	info, err := s.blobs.Put(ctx, r, MaxMaterialBytes, blob.Documents)
	if err != nil {
		if e := errs.As(err); e != nil && (e.Code == errs.TooLarge || e.Code == errs.Invalid) {
			key := "case.material_type"
			if e.Code == errs.TooLarge {
				key = "case.material_too_large"
			}
			return MaterialRef{}, &errs.Error{Code: e.Code, Msg: key, Args: []any{MaxMaterialBytes >> 20},
				Fields: map[string]string{field: key}}
		}
		return MaterialRef{}, err
	}
	if len([]rune(name)) > 100 {
		name = string([]rune(name)[:100])
	}
	return MaterialRef{Field: field, Name: name, SHA256: info.SHA256, Size: info.Size, ContentType: info.ContentType}, nil
}

// load reads a case with its form opened.
func (s *Service) load(ctx context.Context, id ids.ID) (*Case, error) {
	c, sealed, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Form, err = s.openForm(c.ID, sealed); err != nil {
		return nil, err
	}
	return c, nil
}

// save writes c (version already bumped by the caller through save) with
// its audit entry.
func (s *Service) save(ctx context.Context, by audit.Actor, c *Case, ev *Event, action string) error {
	c.Version++
	sealed, err := s.sealForm(c.ID, c.Form)
	if err != nil {
		return err
	}
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateCase(ctx, c, sealed); err != nil {
			return err
		}
		if ev != nil {
			return s.record(ctx, by, c, ev.Action, ev.From, ev.Comment)
		}
		return s.audit.Record(ctx, by, action, s.target(c), nil)
	})
}

// record writes a transition's event, its audit entry and its outbox
// event, in the transaction of ctx.
func (s *Service) record(ctx context.Context, by audit.Actor, c *Case, a Action, from State, comment string) error {
	id, name := by.AuditActor()
	// The case's version numbers its events: every transition bumps it, so
	// it is unique and ordered without reading the last event first.
	ev := &Event{CaseID: c.ID, Seq: c.Version, Action: a, From: from, To: c.State, ActorID: id, ActorName: name, Comment: comment, At: c.UpdatedAt}
	if err := s.store.AddCaseEvent(ctx, ev); err != nil {
		return err
	}
	if a == ActSubmit {
		for i := range c.pending {
			if err := s.contribStore().AddContribution(ctx, &c.pending[i]); err != nil {
				return err
			}
		}
	}
	if err := s.audit.Record(ctx, by, "case."+string(a), s.target(c), map[string]any{"number": c.Number, "from": from, "to": c.State}); err != nil {
		return err
	}
	return s.store.AddOutbox(ctx, "cases."+string(a), map[string]any{
		"case_id": c.ID, "number": c.Number, "item": c.ItemCode, "authority": c.AuthorityID,
		"region": c.DecidedAt, "from": from, "to": c.State, "applicant": c.ApplicantID,
	}, c.UpdatedAt)
}

func (s *Service) target(c *Case) audit.Target {
	return audit.Target{Type: "case", ID: string(c.ID), Region: string(c.DecidedAt), Subject: string(c.PersonID)}
}
