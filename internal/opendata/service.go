package opendata

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
)

// Store is the persistence open data needs. Its methods join the
// transaction in the context, if any.
type Store interface {
	// OpenDataRev returns the head revision of datasets.
	OpenDataRev(ctx context.Context) (int64, error)
	// NextOpenDataRev moves the head revision on and returns it. Must run
	// inside a transaction (it locks the head, so revisions commit in order).
	NextOpenDataRev(ctx context.Context) (int64, error)
	// DatasetsSince lists up to limit datasets whose rev is above rev, by
	// rev, with their organisation and resources' formats.
	DatasetsSince(ctx context.Context, rev int64, limit int) ([]Dataset, error)
	// DatasetsByID returns the datasets with these ids (any order), with
	// organisation and resources; unknown ids are left out.
	DatasetsByID(ctx context.Context, list []ids.ID) ([]Dataset, error)
	// DatasetsAfter lists up to limit active datasets whose name is after
	// name, by name, with organisation and resources.
	DatasetsAfter(ctx context.Context, name string, limit int) ([]Dataset, error)
	// Dataset returns an active dataset by id or name with organisation and
	// resources; errs.NotFound if absent.
	Dataset(ctx context.Context, idOrName string) (*Dataset, error)
	// DatasetBySource returns the dataset published from a catalog resource;
	// errs.NotFound if none.
	DatasetBySource(ctx context.Context, source ids.ID) (*Dataset, error)
	// CreateDataset inserts d with its resources; errs.Conflict
	// ("opendata.dataset.exists") if its name is taken.
	CreateDataset(ctx context.Context, d *Dataset) error
	// UpdateDataset rewrites d's description, rev and modification time.
	UpdateDataset(ctx context.Context, d *Dataset) error
	// DatasetResource returns one resource with its content; errs.NotFound if absent.
	DatasetResource(ctx context.Context, id ids.ID) (*Resource, error)
	// CountDownload adds one download to a resource and its dataset.
	CountDownload(ctx context.Context, datasetID, resourceID ids.ID) error
	// CreatePortalOrg inserts o; errs.Conflict ("opendata.org.exists") if its name is taken.
	CreatePortalOrg(ctx context.Context, o *Org) error
	// PortalOrg returns an organisation by id or name; errs.NotFound if absent.
	PortalOrg(ctx context.Context, idOrName string) (*Org, error)
	// PortalOrgByBody returns the organisation of a government body; errs.NotFound if none.
	PortalOrgByBody(ctx context.Context, body ids.ID) (*Org, error)
	// PortalOrgs lists the organisations by name.
	PortalOrgs(ctx context.Context) ([]Org, error)
	// EnsureGroups inserts the groups that are missing.
	EnsureGroups(ctx context.Context, gs []Group) error
	// Groups lists the groups by name.
	Groups(ctx context.Context) ([]Group, error)

	DataRequestStore
	AccessStore
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Deps are the Service's collaborators.
type Deps struct {
	Store     Store
	Tx        Transactor
	Audit     *audit.Service
	Identity  *identity.Service // bodies' names and regions
	DataShare *datashare.Service
	Keys      *cryptox.Keyring  // seals applicants' contacts
	Calendar  *workday.Calendar // deadlines of applications
	Now       func() time.Time
}

// Service runs the open-data portal.
type Service struct {
	store    Store
	tx       Transactor
	audit    *audit.Service
	identity *identity.Service
	data     *datashare.Service
	keys     *cryptox.Keyring
	cal      *workday.Calendar
	now      func() time.Time
	ix       *index
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, identity: d.Identity, data: d.DataShare, keys: d.Keys, cal: d.Calendar,
		now: d.Now, ix: newIndex()}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// EnsureThemes records the portal's themes (CKAN groups) that are missing.
func (s *Service) EnsureThemes(ctx context.Context) error {
	return s.tx.Transact(ctx, func(ctx context.Context) error { return s.store.EnsureGroups(ctx, Themes) })
}

// PublishInput is what publishing a catalog resource takes.
type PublishInput struct {
	Theme      string
	Tags       []string
	LicenseID  string
	Conditions string // 有条件开放 resources: the conditions of use, required
}

// orgFor returns the organisation of a body, creating it on first use.
func (s *Service) orgFor(ctx context.Context, body ids.ID) (*Org, error) {
	o, err := s.store.PortalOrgByBody(ctx, body)
	if !errs.Is(err, errs.NotFound) {
		return o, err
	}
	b, err := s.identity.Organization(ctx, body)
	if err != nil {
		return nil, err
	}
	name := string(b.Region) + "-" + b.Department
	if b.Department == "" {
		name = string(b.Region) + "-" + strings.ReplaceAll(string(b.ID), "-", "")[:12]
	}
	o = &Org{ID: ids.New(), Name: strings.ReplaceAll(name, "_", "-"), Title: b.Name, Region: b.Region, BodyID: b.ID, CreatedAt: s.clock()}
	return o, s.store.CreatePortalOrg(ctx, o)
}

// Publish opens a catalog resource (无条件开放 or 有条件开放) as a dataset
// with CSV, JSON and XLSX downloads of its public fields, or brings the
// dataset up to date if it was published before. A 有条件开放 resource is
// published with its conditions of use: its data goes only to approved
// applicants (access.go).
//
// Returns errs.NotFound unless by is the resource's provider's CDO,
// errs.Conflict ("datashare.not_open") if its open class is 不予开放,
// errs.Invalid for an unknown theme or licence, or a 有条件开放 resource
// without conditions.
func (s *Service) Publish(ctx context.Context, by *identity.Caller, resourceID ids.ID, in PublishInput) (*Dataset, error) {
	r, err := s.data.OpenResource(ctx, by, resourceID)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	if !contains(themeNames(), in.Theme) {
		bad["theme"] = "form.choice"
	}
	if in.LicenseID == "" {
		in.LicenseID = Licenses[0].ID
	}
	if LicenseOf(in.LicenseID).ID != in.LicenseID {
		bad["license_id"] = "form.choice"
	}
	in.Conditions = strings.TrimSpace(in.Conditions)
	switch {
	case r.OpenClass != datashare.OpenConditional:
		in.Conditions = ""
	case in.Conditions == "":
		bad["conditions"] = "opendata.conditions_required"
	case len([]rune(in.Conditions)) > 1000:
		bad["conditions"] = "form.too_long"
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	now := s.clock()
	var d *Dataset
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		org, err := s.orgFor(ctx, r.ProviderID)
		if err != nil {
			return err
		}
		rev, err := s.store.NextOpenDataRev(ctx)
		if err != nil {
			return err
		}
		d, err = s.store.DatasetBySource(ctx, r.ID)
		switch {
		case errs.Is(err, errs.NotFound):
			d = &Dataset{ID: ids.New(), Name: Slug(r.Code), SourceID: r.ID, OrgID: org.ID, Org: org, State: "active", CreatedAt: now}
			for i, f := range []string{CSV, JSON, XLSX} {
				d.Resources = append(d.Resources, Resource{ID: ids.New(), DatasetID: d.ID, Position: i, Name: r.Name + " (" + f + ")",
					Format: f, CreatedAt: now})
			}
		case err != nil:
			return err
		}
		d.Title, d.Notes, d.LicenseID, d.Groups, d.Tags = r.Name, r.Description, in.LicenseID, []string{in.Theme}, cleanTags(in.Tags)
		d.Frequency, d.Rev, d.ModifiedAt = r.UpdateFrequency, rev, now
		if err == nil {
			err = s.store.UpdateDataset(ctx, d)
		} else {
			err = s.store.CreateDataset(ctx, d)
		}
		if err != nil {
			return err
		}
		if err := s.store.SetConditions(ctx, d.ID, in.Conditions, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "opendata.published", audit.Target{Type: "dataset", ID: string(d.ID), Region: string(r.Region)},
			map[string]any{"name": d.Name, "resource": r.Code, "theme": in.Theme, "conditional": in.Conditions != ""})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func themeNames() []string {
	out := make([]string, len(Themes))
	for i, g := range Themes {
		out[i] = g.Name
	}
	return out
}

// ImportDataset is a dataset brought in whole (the scale generator, a
// harvest): its organisation by name and title, its resources' CSV text.
type ImportDataset struct {
	Name, Title, Notes string
	OrgName, OrgTitle  string
	LicenseID          string
	Groups, Tags       []string
	Frequency          string
	Resources          []ImportResource
	CreatedAt          time.Time
}

// ImportResource is one resource of an imported dataset.
type ImportResource struct {
	Name, Format, Content string
}

// ImportAs adds datasets in one transaction per call, as actor (a system
// job). Organisations are created on first sight. It checks names and
// formats and stops at the first bad dataset (nothing of the call is kept).
func (s *Service) ImportAs(ctx context.Context, actor audit.Actor, list []ImportDataset) error {
	now := s.clock()
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		orgs := map[string]*Org{}
		for _, in := range list {
			if !ValidName(in.Name) || !ValidName(in.OrgName) || strings.TrimSpace(in.Title) == "" {
				return errs.Errorf(errs.Invalid, "opendata: bad dataset %q", in.Name)
			}
			org := orgs[in.OrgName]
			if org == nil {
				o, err := s.store.PortalOrg(ctx, in.OrgName)
				if errs.Is(err, errs.NotFound) {
					o = &Org{ID: ids.New(), Name: in.OrgName, Title: in.OrgTitle, CreatedAt: now}
					err = s.store.CreatePortalOrg(ctx, o)
				}
				if err != nil {
					return err
				}
				org, orgs[in.OrgName] = o, o
			}
			rev, err := s.store.NextOpenDataRev(ctx)
			if err != nil {
				return err
			}
			created := in.CreatedAt
			if created.IsZero() {
				created = now
			}
			d := &Dataset{ID: ids.New(), Name: in.Name, Title: in.Title, Notes: in.Notes, OrgID: org.ID, Org: org,
				LicenseID: LicenseOf(in.LicenseID).ID, Groups: in.Groups, Tags: cleanTags(in.Tags), Frequency: in.Frequency,
				State: "active", Rev: rev, CreatedAt: created.UTC().Truncate(time.Microsecond), ModifiedAt: now}
			for i, r := range in.Resources {
				if r.Format != CSV && r.Format != JSON && r.Format != XLSX {
					return errs.Errorf(errs.Invalid, "opendata: bad format %q", r.Format)
				}
				d.Resources = append(d.Resources, Resource{ID: ids.New(), DatasetID: d.ID, Position: i, Name: r.Name, Format: r.Format,
					Content: r.Content, CreatedAt: now})
			}
			if err := s.store.CreateDataset(ctx, d); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, actor, "opendata.imported", audit.Target{Type: "dataset"}, map[string]any{"datasets": len(list)})
	})
}

// Dataset returns an active dataset by id or name. Anyone may read it.
func (s *Service) Dataset(ctx context.Context, idOrName string) (*Dataset, error) {
	return s.store.Dataset(ctx, idOrName)
}

// DatasetOfResource returns the resource with id and its dataset.
func (s *Service) DatasetOfResource(ctx context.Context, id ids.ID) (*Dataset, *Resource, error) {
	r, err := s.store.DatasetResource(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.store.Dataset(ctx, string(r.DatasetID))
	if err != nil {
		return nil, nil, err
	}
	return d, r, nil
}

// Page lists up to limit active datasets after name, by name: the way to
// walk the whole catalog without holding it (DCAT, package_list).
func (s *Service) Page(ctx context.Context, after string, limit int) ([]Dataset, error) {
	return s.store.DatasetsAfter(ctx, after, limit)
}

// Orgs lists the organisations, by name.
func (s *Service) Orgs(ctx context.Context) ([]Org, error) { return s.store.PortalOrgs(ctx) }

// PortalOrg returns an organisation by id or name.
func (s *Service) Org(ctx context.Context, idOrName string) (*Org, error) {
	return s.store.PortalOrg(ctx, idOrName)
}

// Groups lists the themes, by name.
func (s *Service) Groups(ctx context.Context) ([]Group, error) { return s.store.Groups(ctx) }

// Table is a resource's data as a table: the column names and the rows.
type Table struct {
	Columns []string
	Rows    [][]string
}

// MaxPreview is how many rows a preview shows.
const MaxPreview = 20

// table reads a resource's data, at most limit rows (0: all): from the
// catalog's rows (public fields only) or the stored CSV.
func (s *Service) table(ctx context.Context, d *Dataset, r *Resource, limit int) (*Table, error) {
	if d.SourceID != "" {
		n := limit
		if n == 0 {
			n = datashare.MaxRows
		}
		src, rows, err := s.data.OpenRows(ctx, d.SourceID, 0, n)
		if err != nil {
			return nil, err
		}
		t := &Table{}
		pub := datashare.PublicFields(src.Fields)
		for _, f := range pub {
			t.Columns = append(t.Columns, f.Name)
		}
		for _, row := range rows {
			line := make([]string, len(pub))
			for i, f := range pub {
				line[i] = row[f.Name]
			}
			t.Rows = append(t.Rows, line)
		}
		return t, nil
	}
	content := r.Content
	if content == "" {
		for _, x := range d.Resources {
			if x.Content != "" {
				content = x.Content
				break
			}
		}
	}
	cr := csv.NewReader(strings.NewReader(content))
	cr.FieldsPerRecord = -1
	t := &Table{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errs.E(errs.Invalid, "opendata.content_invalid")
		}
		if t.Columns == nil {
			t.Columns = rec
			continue
		}
		t.Rows = append(t.Rows, rec)
		if limit > 0 && len(t.Rows) == limit {
			break
		}
	}
	return t, nil
}

// Preview returns the first rows of a dataset's first resource: to anyone
// for a dataset open to all, to approved applicants for a 有条件开放 one
// (errs.Unauthenticated or errs.Forbidden otherwise).
func (s *Service) Preview(ctx context.Context, by *identity.Caller, d *Dataset) (*Table, error) {
	if _, err := s.allowed(ctx, by, d); err != nil {
		return nil, err
	}
	if len(d.Resources) == 0 {
		return &Table{}, nil
	}
	return s.table(ctx, d, &d.Resources[0], MaxPreview)
}

// Download returns a resource's file (its content type and bytes) and
// counts the download. A 有条件开放 dataset's files go only to approved
// applicants, and each download is audited.
//
// Returns errs.NotFound, errs.Unauthenticated or errs.Forbidden
// ("opendata.access_required") for a conditional dataset without approval.
func (s *Service) Download(ctx context.Context, by *identity.Caller, datasetName string, resourceID ids.ID) (string, []byte, *Resource, error) {
	d, err := s.store.Dataset(ctx, datasetName)
	if err != nil {
		return "", nil, nil, err
	}
	acc, err := s.allowed(ctx, by, d)
	if err != nil {
		return "", nil, nil, err
	}
	var r *Resource
	for i := range d.Resources {
		if d.Resources[i].ID == resourceID {
			r = &d.Resources[i]
		}
	}
	if r == nil {
		return "", nil, nil, errs.E(errs.NotFound, "opendata.resource.not_found")
	}
	if d.SourceID == "" && r.Content == "" {
		full, err := s.store.DatasetResource(ctx, r.ID)
		if err != nil {
			return "", nil, nil, err
		}
		r.Content = full.Content
	}
	t, err := s.table(ctx, d, r, 0)
	if err != nil {
		return "", nil, nil, err
	}
	ctype, body, err := encode(r.Format, t, d.Title)
	if err != nil {
		return "", nil, nil, err
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CountDownload(ctx, d.ID, r.ID); err != nil {
			return err
		}
		return s.recordUse(ctx, by, d, acc, r.Format, len(t.Rows))
	})
	if err != nil {
		return "", nil, nil, err
	}
	return ctype, body, r, nil
}

// encode writes t in format.
func encode(format string, t *Table, title string) (string, []byte, error) {
	var buf bytes.Buffer
	switch format {
	case JSON:
		out := make([]map[string]string, len(t.Rows))
		for i, row := range t.Rows {
			m := make(map[string]string, len(t.Columns))
			for j, c := range t.Columns {
				if j < len(row) {
					m[c] = row[j]
				}
			}
			out[i] = m
		}
		err := json.NewEncoder(&buf).Encode(out)
		return "application/json; charset=utf-8", buf.Bytes(), err
	case XLSX:
		f := excelize.NewFile()
		defer f.Close()
		sheet := "Sheet1"
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return "", nil, err
		}
		cells := func(row []string) []any {
			out := make([]any, len(row))
			for i, v := range row {
				out[i] = v
			}
			return out
		}
		if err := sw.SetRow("A1", cells(t.Columns)); err != nil {
			return "", nil, err
		}
		for i, row := range t.Rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, cells(row)); err != nil {
				return "", nil, err
			}
		}
		if err := sw.Flush(); err != nil {
			return "", nil, err
		}
		f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "digigov"})
		err = f.Write(&buf)
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes(), err
	}
	buf.WriteString("\ufeff") // so that spreadsheet programs read the Chinese as UTF-8
	w := csv.NewWriter(&buf)
	w.Write(t.Columns)
	w.WriteAll(t.Rows)
	return "text/csv; charset=utf-8", buf.Bytes(), w.Error()
}
