package cases

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"slices"
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
	Licenses Licenses // 免提交: the applicant's electronic licences instead of copies; nil without
	Now      func() time.Time
}

// Service handles cases.
type Service struct {
	store    Store
	tx       Transactor
	audit    *audit.Service
	id       *identity.Service
	catalog  *catalog.Service
	keys     *cryptox.Keyring
	blobs    blob.Store
	cal      *workday.Calendar
	regions  *region.Tree
	licenses Licenses
	now      func() time.Time
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, id: d.Identity, catalog: d.Catalog, keys: d.Keys,
		blobs: d.Blobs, cal: d.Calendar, regions: d.Regions, licenses: d.Licenses, now: d.Now}
}

// Application is what an applicant (or counter staff for them) fills in.
type Application struct {
	ItemCode  string
	DecideIn  string // region where the case is decided (办理地); default: the applicant's region
	Form      map[string]string
	Materials []MaterialRef // uploaded with Upload first
	// Licenses are materials of the item's guide satisfied by the
	// applicant's electronic licences instead of copies (免提交). Submitting
	// grants the authority their use for the case, in the same transaction.
	Licenses []LicenseChoice
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
	if id != "" {
		return s.updateDraft(ctx, by, id, version, app)
	}
	it, err := s.catalog.Item(ctx, app.ItemCode)
	if err != nil {
		return nil, err
	}
	c := newCase(it, ChannelOnline, s.now().UTC())
	c.Form, c.DecidedAt, c.Version = draftForm(it, app.Form), draftRegion(app.DecideIn), 1
	c.Materials = draftMaterials(append(uploadsOf(app.Materials), draftLicenses(app.Licenses)...))
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

// updateDraft is SaveDraft of an existing draft: only its applicant may
// change it, and it stays a draft of its item (app.ItemCode is ignored).
func (s *Service) updateDraft(ctx context.Context, by *identity.Caller, id ids.ID, version int, app Application) (*Case, error) {
	c, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if by.Anonymous() || c.ApplicantID != by.UserID || c.State != Draft {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	if c.Version != version {
		return nil, errs.E(errs.Conflict, "case.changed")
	}
	it, err := s.catalog.Item(ctx, c.ItemCode)
	if err != nil {
		return nil, err
	}
	c.Form, c.DecidedAt, c.UpdatedAt = draftForm(it, app.Form), draftRegion(app.DecideIn), s.now().UTC()
	uploads, lics := uploadsOf(c.Materials), c.Materials
	if app.Materials != nil {
		uploads = uploadsOf(app.Materials)
	}
	if app.Licenses != nil {
		lics = draftLicenses(app.Licenses)
	} else {
		lics = draftLicenses(choicesOf(lics))
	}
	c.Materials = draftMaterials(append(uploads, lics...))
	return c, s.save(ctx, by, c, nil, "case.draft_saved")
}

// Bounds on what a draft keeps: it is checked only at submission, so these
// only keep a draft from growing without limit.
const (
	maxDraftValue     = 4000 // bytes of one form value
	maxDraftMaterials = 50
	maxMaterialName   = 100 // runes of a material's file name
)

// draftForm keeps the values typed into the item's form fields, trimmed;
// values for names the form does not have, and oversized ones, are dropped.
func draftForm(it *catalog.Item, f map[string]string) Form {
	out := Form{}
	for _, fl := range it.Form {
		if v := strings.TrimSpace(f[fl.Name]); v != "" && len(v) <= maxDraftValue {
			out[fl.Name] = v
		}
	}
	return out
}

// draftRegion keeps the typed region (checked at submission) if it is no
// longer than a region code.
func draftRegion(s string) region.Code {
	if s = strings.TrimSpace(s); len(s) > 12 {
		return ""
	}
	return region.Code(s)
}

// draftMaterials bounds the uploads a draft remembers; they are checked
// against the blob store at submission.
func draftMaterials(mats []MaterialRef) []MaterialRef {
	if len(mats) > maxDraftMaterials {
		mats = mats[:maxDraftMaterials]
	}
	out := make([]MaterialRef, len(mats))
	for i, m := range mats {
		m.Name = truncate(m.Name, maxMaterialName)
		out[i] = m
	}
	return out
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// newCase starts a case of item it, a draft until it is submitted.
func newCase(it *catalog.Item, ch Channel, now time.Time) *Case {
	return &Case{ID: ids.New(), ItemCode: it.Code, ItemName: it.Name, Channel: ch, State: Draft, CreatedAt: now, UpdatedAt: now}
}

// Apply creates and submits an application in one step.
func (s *Service) Apply(ctx context.Context, by *identity.Caller, app Application) (*Case, error) {
	it, err := s.catalog.Item(ctx, app.ItemCode)
	if err != nil {
		return nil, err
	}
	c := newCase(it, ChannelOnline, s.now().UTC())
	if err := applicantOf(by, it, c); err != nil {
		return nil, err
	}
	if err := s.prepare(ctx, by, it, c, app, ""); err != nil {
		return nil, err
	}
	c.State = Submitted
	if err := s.insert(ctx, by, "", c); err != nil {
		return nil, err
	}
	return c, nil
}

// insert writes new cases, each in the state its caller gave it and
// submitted when it was created, numbered, with its submission event and
// contributions, in one transaction: all or none. The forms are sealed
// before the transaction starts, to keep the write short.
func (s *Service) insert(ctx context.Context, by audit.Actor, comment string, list ...*Case) error {
	sealed := make([][]byte, len(list))
	for i, c := range list {
		c.SubmittedAt, c.Version = c.CreatedAt, 1
		var err error
		if sealed[i], err = s.sealForm(c.ID, c.Form); err != nil {
			return err
		}
	}
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		for i, c := range list {
			if err := s.number(ctx, c); err != nil {
				return err
			}
			if err := s.store.CreateCase(ctx, c, sealed[i]); err != nil {
				return err
			}
			if err := s.record(ctx, by, c, ActSubmit, Draft, joinComment(comment, licenseNote(c))); err != nil {
				return err
			}
			if err := s.grantLicenses(ctx, by, c); err != nil {
				return err
			}
			if err := s.addContributions(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// prepare validates the form and materials of an application and routes
// it. Every check runs, so that every problem is reported at once (as
// errs.Invalid, field → message key); nothing of c changes then.
func (s *Service) prepare(ctx context.Context, by *identity.Caller, it *catalog.Item, c *Case, app Application, receivedAt region.Code) error {
	decideIn := strings.TrimSpace(app.DecideIn)
	if decideIn == "" {
		decideIn = s.defaultRegion(ctx, by)
	}
	code, _ := s.regions.Normalize(decideIn)
	bad := map[string]string{}
	form, err := it.CheckForm(app.Form, s.regions, s.now())
	if err = addFields(bad, err); err != nil {
		return err
	}
	mats, err := s.checkMaterials(ctx, by, it, form, app.Materials)
	if err = addFields(bad, err); err != nil {
		return err
	}
	lics, err := s.checkLicenses(ctx, it, c, app.Licenses)
	if err = addFields(bad, err); err != nil {
		return err
	}
	contribs, err := s.contributors(ctx, it, form, c.ID)
	if err = addFields(bad, err); err != nil {
		return err
	}
	org, err := s.route(ctx, it, code, receivedAt)
	if err = addFields(bad, err); err != nil {
		return err
	}
	if len(bad) > 0 {
		return errs.Fields(bad)
	}
	if receivedAt == "" {
		receivedAt = code
	}
	c.Form, c.Materials, c.DecidedAt, c.ReceivedAt, c.pending = form, append(mats, lics...), code, receivedAt, contribs
	c.AuthorityID, c.Authority = org.ID, org.Name
	return nil
}

// addFields adds the field problems of err, if it is errs.Invalid naming
// fields, to bad (a field keeps the first problem found) and returns nil;
// any other error it returns.
func addFields(bad map[string]string, err error) error {
	e := errs.As(err)
	if err == nil || e == nil || e.Code != errs.Invalid || len(e.Fields) == 0 {
		return err
	}
	for k, v := range e.Fields {
		if _, ok := bad[k]; !ok {
			bad[k] = v
		}
	}
	return nil
}

// checkMaterials requires, for every file field that has a value, the
// upload that value names, stored. It returns those uploads, one per
// field, as the case's materials: other uploads are not kept.
func (s *Service) checkMaterials(ctx context.Context, by *identity.Caller, it *catalog.Item, form Form, mats []MaterialRef) ([]MaterialRef, error) {
	bad := map[string]string{}
	var out []MaterialRef
	for _, fl := range it.Form {
		if fl.Kind != catalog.FieldFile || form[fl.Name] == "" {
			continue
		}
		i := slices.IndexFunc(mats, func(m MaterialRef) bool { return m.Field == fl.Name && m.SHA256 == form[fl.Name] })
		if i < 0 {
			bad[fl.Name] = "form.file"
			continue
		}
		m, err := s.stored(ctx, by, mats[i])
		if err = addFields(bad, err); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	return out, nil
}

// stored describes an upload as the blob store has it: its size and type
// are the store's, never the client's. An upload without by's receipt (see
// MaterialRef.Receipt), or a missing or malformed blob, is errs.Invalid,
// "form.file" for the upload's field. The result carries no receipt.
func (s *Service) stored(ctx context.Context, by *identity.Caller, m MaterialRef) (MaterialRef, error) {
	if !s.receiptOK(by, m) {
		return m, errs.Fields(map[string]string{m.Field: "form.file"})
	}
	m.Receipt = ""
	rc, info, err := s.blobs.Open(ctx, m.SHA256)
	if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Invalid) {
		return m, errs.Fields(map[string]string{m.Field: "form.file"})
	}
	if err != nil {
		return m, err
	}
	rc.Close()
	m.Name, m.Size, m.ContentType = truncate(m.Name, maxMaterialName), info.Size, info.ContentType
	return m, nil
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
func (s *Service) number(ctx context.Context, c *Case) error {
	day := c.SubmittedAt.In(workday.Shanghai).Format("20060102")
	prefix, _, _ := strings.Cut(c.ItemCode, "-")
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
	return MaterialRef{Field: field, Name: truncate(name, maxMaterialName), SHA256: info.SHA256, Size: info.Size,
		ContentType: info.ContentType, Receipt: s.receipt(by, info.SHA256)}, nil
}

// receipt is the proof that by uploaded the blob sha: a keyed hash of the
// account and the hash, so it needs no storage and holds on every instance
// that shares the node key.
func (s *Service) receipt(by *identity.Caller, sha string) string {
	return s.keys.BlindIndex("upload receipt", string(by.UserID)+"|"+sha)
}

// handOver gives to the uploads that from uploaded the receipts of to, so
// that to may apply with them (counter staff upload for the person they
// apply for). An upload without from's receipt stays without any.
func (s *Service) handOver(from, to *identity.Caller, mats []MaterialRef) []MaterialRef {
	out := make([]MaterialRef, len(mats))
	for i, m := range mats {
		if s.receiptOK(from, m) {
			m.Receipt = s.receipt(to, m.SHA256)
		} else {
			m.Receipt = ""
		}
		out[i] = m
	}
	return out
}

// receiptOK reports whether m carries by's receipt for its blob.
func (s *Service) receiptOK(by *identity.Caller, m MaterialRef) bool {
	return m.Receipt != "" && hmac.Equal([]byte(m.Receipt), []byte(s.receipt(by, m.SHA256)))
}

// load reads a case with its form opened. A malformed id is errs.NotFound,
// without asking the store.
func (s *Service) load(ctx context.Context, id ids.ID) (*Case, error) {
	if !ids.Valid(string(id)) {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	c, sealed, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Form, err = s.openForm(c.ID, sealed); err != nil {
		return nil, err
	}
	return c, nil
}

// save bumps c's version and writes it, with its transition's event (ev)
// or, for a change that is no transition, an audit entry named action.
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
