package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// The CKAN Action API (/api/3/action/...), read-only, with CKAN's envelope
// {"help", "success", "result"} and its error objects, so that CKAN
// clients and harvesters work against digigov's open data.

// ckanError is an error as CKAN reports it: an HTTP status and the
// "error" object (with its "__type").
type ckanError struct {
	status int
	body   map[string]any
}

func (e *ckanError) Error() string { return fmt.Sprint(e.body) }

func ckanNotFound() error {
	return &ckanError{http.StatusNotFound, map[string]any{"__type": "Not Found Error", "message": "Not found"}}
}

// ckanValidation is CKAN's Validation Error: field → messages, status 409.
func ckanValidation(fields map[string]string) error {
	body := map[string]any{"__type": "Validation Error"}
	for k, v := range fields {
		body[k] = []string{v}
	}
	return &ckanError{http.StatusConflict, body}
}

func ckanSearchQuery(msg string) error {
	return &ckanError{http.StatusBadRequest, map[string]any{"__type": "Search Query Error", "message": "Search Query is invalid: " + msg}}
}

// ckanParams are an action's parameters: from the query string (GET) or
// the JSON body (POST).
type ckanParams map[string]any

func (p ckanParams) str(k string) (string, bool) {
	v, ok := p[k]
	if !ok || v == nil {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	}
	b, _ := json.Marshal(v)
	return string(b), true
}

// natural reads a non-negative integer parameter (CKAN's
// natural_number_validator), def when absent.
func (p ckanParams) natural(k string, def int, bad map[string]string) int {
	s, ok := p.str(k)
	if !ok || s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		bad[k] = "Invalid integer"
		return def
	}
	if n < 0 {
		bad[k] = "Must be a natural number"
		return def
	}
	return n
}

func (p ckanParams) boolean(k string, def bool, bad map[string]string) bool {
	s, ok := p.str(k)
	if !ok || s == "" {
		return def
	}
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true
	case "false", "0", "no", "off":
		return false
	}
	bad[k] = "Value must be one of: true, false"
	return def
}

// list reads a list parameter: a JSON array in a POST body, or a string
// holding a JSON list (CKAN's convert_to_json_if_string).
func (p ckanParams) list(k string, bad map[string]string) []string {
	v, ok := p[k]
	if !ok || v == nil {
		return nil
	}
	var raw []any
	switch v := v.(type) {
	case []any:
		raw = v
	case string:
		if err := json.Unmarshal([]byte(v), &raw); err != nil {
			bad[k] = "Not a list"
			return nil
		}
	default:
		bad[k] = "Not a list"
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		s, ok := x.(string)
		if !ok {
			bad[k] = "Not a list of strings"
			return nil
		}
		out = append(out, s)
	}
	return out
}

type ckanAction func(ctx context.Context, r *http.Request, p ckanParams) (any, error)

func (s *Server) ckanActions() map[string]ckanAction {
	return map[string]ckanAction{
		"package_list":      s.ckanPackageList,
		"package_search":    s.ckanPackageSearch,
		"package_show":      s.ckanPackageShow,
		"organization_list": s.ckanOrgList,
		"organization_show": s.ckanOrgShow,
		"group_list":        s.ckanGroupList,
		"group_show":        s.ckanGroupShow,
		"tag_list":          s.ckanTagList,
		"resource_show":     s.ckanResourceShow,
		"status_show":       s.ckanStatusShow,
	}
}

// handleCKAN answers /api/3/action/{action} for GET and POST.
func (s *Server) handleCKAN() http.Handler {
	actions := s.ckanActions()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("action")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		fn, ok := actions[name]
		if !ok {
			writeJSON(w, http.StatusBadRequest, "Bad request - Action name not known: "+name)
			return
		}
		p := ckanParams{}
		if r.Method == http.MethodPost && r.ContentLength != 0 {
			dec := json.NewDecoder(r.Body)
			dec.UseNumber()
			if err := dec.Decode(&p); err != nil {
				writeJSON(w, http.StatusBadRequest, "Bad request - JSON Error: "+err.Error())
				return
			}
		}
		for k, v := range r.URL.Query() {
			if _, set := p[k]; !set {
				p[k] = v[len(v)-1]
			}
		}
		help := s.origin(r) + "/api/3/action/help_show?name=" + name
		res, err := fn(r.Context(), r, p)
		if err != nil {
			ce, ok := err.(*ckanError)
			if !ok {
				if errs.Is(err, errs.NotFound) {
					ce = ckanNotFound().(*ckanError)
				} else if errs.Is(err, errs.Invalid) {
					e := errs.As(err)
					fields := map[string]string{}
					for k, v := range e.Fields {
						fields[k] = s.msgs.T("en", v)
					}
					ce = ckanValidation(fields).(*ckanError)
				} else {
					s.log.Error("ckan action failed", "request_id", state(r.Context()).ID, "action", name, "err", err)
					ce = &ckanError{http.StatusInternalServerError, map[string]any{"__type": "Internal Server Error", "message": "Internal server error"}}
				}
			}
			writeJSON(w, ce.status, map[string]any{"help": help, "success": false, "error": ce.body})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"help": help, "success": true, "result": res})
	})
}

// origin is the scheme and host the request came to, for absolute URLs.
func (s *Server) origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func ckanTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }

func (s *Server) ckanOrg(o *opendata.Org, count int) map[string]any {
	return map[string]any{"id": string(o.ID), "name": o.Name, "title": o.Title, "display_name": o.Title, "description": o.Description,
		"image_url": "", "image_display_url": "", "created": ckanTime(o.CreatedAt), "is_organization": true,
		"approval_status": "approved", "state": "active", "type": "organization", "package_count": count}
}

func ckanGroup(g opendata.Group, count int) map[string]any {
	return map[string]any{"id": g.Name, "name": g.Name, "title": g.Title, "display_name": g.Title, "description": g.Description,
		"image_url": "", "image_display_url": "", "is_organization": false, "approval_status": "approved", "state": "active",
		"type": "group", "package_count": count}
}

// The dicts of search results are structs, not maps: encoding a page of
// a thousand packages stays cheap (no key sorting, no map per value).

type ckanResourceDict struct {
	ID              string  `json:"id"`
	PackageID       string  `json:"package_id"`
	Name            string  `json:"name"`
	Description     string  `json:"description"`
	Format          string  `json:"format"`
	URL             string  `json:"url"`
	Position        int     `json:"position"`
	Created         string  `json:"created"`
	LastModified    string  `json:"last_modified"`
	Mimetype        string  `json:"mimetype"`
	State           string  `json:"state"`
	URLType         *string `json:"url_type"`
	DatastoreActive bool    `json:"datastore_active"`
	Size            *int    `json:"size"`
	Downloads       int     `json:"downloads"`
}

func (s *Server) ckanResource(r *http.Request, d *opendata.Dataset, x *opendata.Resource) ckanResourceDict {
	return ckanResourceDict{ID: string(x.ID), PackageID: string(d.ID), Name: x.Name, Description: x.Description, Format: x.Format,
		URL: s.origin(r) + downloadPath(d, x), Position: x.Position, Created: ckanTime(x.CreatedAt), LastModified: ckanTime(d.ModifiedAt),
		Mimetype: mimeOf(x.Format), State: "active", Downloads: x.Downloads}
}

func mimeOf(format string) string {
	switch format {
	case opendata.JSON:
		return "application/json"
	case opendata.XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv"
}

func downloadPath(d *opendata.Dataset, x *opendata.Resource) string {
	return "/opendata/datasets/" + d.Name + "/resources/" + string(x.ID) + "/download"
}

type ckanOrgDict struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Title          string `json:"title"`
	DisplayName    string `json:"display_name"`
	Description    string `json:"description"`
	ImageURL       string `json:"image_url"`
	Created        string `json:"created"`
	IsOrganization bool   `json:"is_organization"`
	ApprovalStatus string `json:"approval_status"`
	State          string `json:"state"`
	Type           string `json:"type"`
}

type ckanTagDict struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	DisplayName  string  `json:"display_name"`
	State        string  `json:"state"`
	VocabularyID *string `json:"vocabulary_id"`
}

type ckanGroupRef struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Title           string `json:"title"`
	DisplayName     string `json:"display_name"`
	Description     string `json:"description"`
	ImageDisplayURL string `json:"image_display_url"`
}

type ckanExtra struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ckanPackageDict is a dataset as CKAN's package_show answers it.
type ckanPackageDict struct {
	ID                     string             `json:"id"`
	Name                   string             `json:"name"`
	Title                  string             `json:"title"`
	Notes                  string             `json:"notes"`
	Author                 *string            `json:"author"`
	AuthorEmail            *string            `json:"author_email"`
	Maintainer             *string            `json:"maintainer"`
	MaintainerEmail        *string            `json:"maintainer_email"`
	LicenseID              string             `json:"license_id"`
	LicenseTitle           string             `json:"license_title"`
	LicenseURL             string             `json:"license_url"`
	IsOpen                 bool               `json:"isopen"`
	MetadataCreated        string             `json:"metadata_created"`
	MetadataModified       string             `json:"metadata_modified"`
	Organization           ckanOrgDict        `json:"organization"`
	OwnerOrg               string             `json:"owner_org"`
	Private                bool               `json:"private"`
	State                  string             `json:"state"`
	Type                   string             `json:"type"`
	Version                *string            `json:"version"`
	URL                    string             `json:"url"`
	NumResources           int                `json:"num_resources"`
	NumTags                int                `json:"num_tags"`
	Resources              []ckanResourceDict `json:"resources"`
	Tags                   []ckanTagDict      `json:"tags"`
	Groups                 []ckanGroupRef     `json:"groups"`
	RelationshipsAsObject  []any              `json:"relationships_as_object"`
	RelationshipsAsSubject []any              `json:"relationships_as_subject"`
	Extras                 []ckanExtra        `json:"extras"`
}

func (s *Server) ckanPackage(r *http.Request, d *opendata.Dataset) ckanPackageDict {
	lic := opendata.LicenseOf(d.LicenseID)
	p := ckanPackageDict{ID: string(d.ID), Name: d.Name, Title: d.Title, Notes: d.Notes, LicenseID: lic.ID, LicenseTitle: lic.Title,
		LicenseURL: lic.URL, IsOpen: true, MetadataCreated: ckanTime(d.CreatedAt), MetadataModified: ckanTime(d.ModifiedAt),
		OwnerOrg: string(d.OrgID), State: "active", Type: "dataset", URL: s.origin(r) + "/opendata/datasets/" + d.Name,
		NumResources: len(d.Resources), NumTags: len(d.Tags), Resources: make([]ckanResourceDict, len(d.Resources)),
		Tags: make([]ckanTagDict, len(d.Tags)), Groups: make([]ckanGroupRef, len(d.Groups)),
		RelationshipsAsObject: []any{}, RelationshipsAsSubject: []any{},
		Extras: []ckanExtra{{"update_frequency", d.Frequency}, {"downloads", strconv.Itoa(d.Downloads)}, {"access_rights", accessRights(d)}}}
	p.IsOpen = !d.Conditional // CKAN's isopen: usable by anyone without asking
	if o := d.Org; o != nil {
		p.Organization = ckanOrgDict{ID: string(o.ID), Name: o.Name, Title: o.Title, DisplayName: o.Title, Description: o.Description,
			Created: ckanTime(o.CreatedAt), IsOrganization: true, ApprovalStatus: "approved", State: "active", Type: "organization"}
	}
	for i := range d.Resources {
		p.Resources[i] = s.ckanResource(r, d, &d.Resources[i])
	}
	for i, t := range d.Tags {
		p.Tags[i] = ckanTagDict{ID: t, Name: t, DisplayName: t, State: "active"}
	}
	for i, g := range d.Groups {
		p.Groups[i] = ckanGroupRef{ID: g, Name: g, Title: opendata.ThemeTitle(g), DisplayName: opendata.ThemeTitle(g)}
	}
	return p
}

func (s *Server) ckanPackageList(ctx context.Context, r *http.Request, p ckanParams) (any, error) {
	bad := map[string]string{}
	limit, offset := p.natural("limit", -1, bad), p.natural("offset", 0, bad)
	if len(bad) > 0 {
		return nil, ckanValidation(bad)
	}
	names := []string{}
	after, skipped := "", 0
	for limit < 0 || len(names) < limit {
		page, err := s.opendata.Page(ctx, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, d := range page {
			if skipped < offset {
				skipped++
				continue
			}
			if limit >= 0 && len(names) == limit {
				break
			}
			names = append(names, d.Name)
		}
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].Name
	}
	return names, nil
}

// parseSolr reads CKAN's q and fq: words, and field:value filters (values
// may be quoted; a leading + is allowed; *:* matches everything).
func parseSolr(q string, filters map[string][]string) (words []string, err error) {
	for q = strings.TrimSpace(q); q != ""; q = strings.TrimSpace(q) {
		var tok string
		tok, q = nextToken(q)
		if tok == "*:*" || tok == "AND" || tok == "+" {
			continue
		}
		field, value, isFilter := strings.Cut(strings.TrimPrefix(tok, "+"), ":")
		if !isFilter {
			words = append(words, strings.Trim(tok, `"`))
			continue
		}
		if strings.HasPrefix(value, `"`) && !strings.HasSuffix(value, `"`) || value == "" {
			return nil, fmt.Errorf("%q", tok)
		}
		value = strings.Trim(value, `"`)
		switch field {
		case "organization", "groups", "tags", "res_format", "license_id", "name":
			filters[field] = append(filters[field], value)
		case "text":
			words = append(words, value)
		default:
			return nil, fmt.Errorf("undefined field %s", field)
		}
	}
	return words, nil
}

// nextToken splits off the first whitespace-separated token, keeping
// quoted parts whole.
func nextToken(s string) (string, string) {
	quoted := false
	for i, c := range s {
		switch {
		case c == '"':
			quoted = !quoted
		case (c == ' ' || c == '\t') && !quoted:
			return s[:i], s[i:]
		}
	}
	return s, ""
}

// MaxCKANRows is CKAN's ckan.search.rows_max: rows above it are cut to it.
const MaxCKANRows = opendata.MaxRows

func (s *Server) ckanPackageSearch(ctx context.Context, r *http.Request, p ckanParams) (any, error) {
	bad := map[string]string{}
	rows, start := p.natural("rows", 10, bad), p.natural("start", 0, bad)
	facetLimit := 50
	if v, ok := p.str("facet.limit"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad["facet.limit"] = "Invalid integer"
		}
		facetLimit = n
	}
	facet := p.boolean("facet", true, bad)
	fields := p.list("facet.field", bad)
	sortBy, _ := p.str("sort")
	sortBy = strings.Join(strings.Fields(strings.ReplaceAll(sortBy, ",", ", ")), " ")
	if sortBy != "" && !slices.Contains(opendata.SortOrders, sortBy) {
		bad["sort"] = "Invalid sort: " + sortBy
	}
	for _, f := range fields {
		if !slices.Contains(opendata.FacetFields, f) {
			bad["facet.field"] = "Unknown facet field: " + f
		}
	}
	if len(bad) > 0 {
		return nil, ckanValidation(bad)
	}
	rows = min(rows, MaxCKANRows)
	if !facet {
		fields = nil
	}
	filters := map[string][]string{}
	q, _ := p.str("q")
	words, err := parseSolr(q, filters)
	if err != nil {
		return nil, ckanSearchQuery(err.Error())
	}
	fq, _ := p.str("fq")
	if _, err := parseSolr(fq, filters); err != nil {
		return nil, ckanSearchQuery(err.Error())
	}
	if sortBy == "" {
		sortBy = opendata.SortOrders[0]
	}
	res, err := s.opendata.Search(ctx, opendata.Query{Text: strings.Join(words, " "), Filters: filters, Sort: sortBy,
		Start: start, Rows: rows, Facets: fields, FacetLimit: facetLimit})
	if err != nil {
		return nil, err
	}
	results := make([]ckanPackageDict, len(res.Datasets))
	for i := range res.Datasets {
		results[i] = s.ckanPackage(r, &res.Datasets[i])
	}
	facets, searchFacets := map[string]any{}, map[string]any{}
	for _, f := range fields {
		counts, items := map[string]int{}, []map[string]any{}
		for _, it := range res.Facets[f] {
			counts[it.Name] = it.Count
			display := it.Name
			if f == "groups" {
				display = opendata.ThemeTitle(it.Name)
			}
			items = append(items, map[string]any{"name": it.Name, "display_name": display, "count": it.Count})
		}
		facets[f] = counts
		searchFacets[f] = map[string]any{"title": f, "items": items}
	}
	return map[string]any{"count": res.Count, "sort": sortBy, "facets": facets, "search_facets": searchFacets, "results": results}, nil
}

func (s *Server) ckanPackageShow(ctx context.Context, r *http.Request, p ckanParams) (any, error) {
	id, _ := p.str("id")
	if id == "" {
		return nil, ckanValidation(map[string]string{"id": "Missing value"})
	}
	d, err := s.opendata.Dataset(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.ckanPackage(r, d), nil
}

func (s *Server) ckanResourceShow(ctx context.Context, r *http.Request, p ckanParams) (any, error) {
	id, _ := p.str("id")
	if id == "" {
		return nil, ckanValidation(map[string]string{"id": "Missing value"})
	}
	if !ids.Valid(id) {
		return nil, ckanNotFound()
	}
	d, x, err := s.opendata.DatasetOfResource(ctx, ids.ID(id))
	if err != nil {
		return nil, err
	}
	return s.ckanResource(r, d, x), nil
}

// ckanListing sorts, pages and shapes organisations or groups as CKAN's
// *_list actions do.
type ckanListed struct {
	name, title string
	count       int
	dict        map[string]any
}

func ckanList(p ckanParams, items []ckanListed, filterKey string) (any, error) {
	bad := map[string]string{}
	all := p.boolean("all_fields", false, bad)
	limit, offset := p.natural("limit", -1, bad), p.natural("offset", 0, bad)
	only := p.list(filterKey, bad)
	sortBy, _ := p.str("sort")
	if sortBy == "" {
		sortBy = "name asc"
	}
	switch sortBy {
	case "name asc", "name desc", "title asc", "title desc", "package_count desc", "package_count asc", "name", "title", "package_count":
	default:
		bad["sort"] = "Invalid sort: " + sortBy
	}
	if len(bad) > 0 {
		return nil, ckanValidation(bad)
	}
	if only != nil {
		items = slices.DeleteFunc(items, func(x ckanListed) bool { return !slices.Contains(only, x.name) })
	}
	field, dir, _ := strings.Cut(sortBy, " ")
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		var c int
		switch field {
		case "title":
			c = strings.Compare(a.title, b.title)
		case "package_count":
			c = a.count - b.count
		default:
			c = strings.Compare(a.name, b.name)
		}
		if c == 0 {
			return a.name < b.name
		}
		if dir == "desc" || (field == "package_count" && dir == "") {
			return c > 0
		}
		return c < 0
	})
	if offset < len(items) {
		items = items[offset:]
	} else {
		items = nil
	}
	if limit >= 0 && limit < len(items) {
		items = items[:limit]
	}
	if all {
		out := make([]map[string]any, len(items))
		for i, x := range items {
			out[i] = x.dict
		}
		return out, nil
	}
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = x.name
	}
	return out, nil
}

func (s *Server) ckanOrgList(ctx context.Context, _ *http.Request, p ckanParams) (any, error) {
	orgs, err := s.opendata.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	counts, _, err := s.opendata.Counts(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]ckanListed, len(orgs))
	for i := range orgs {
		o := &orgs[i]
		items[i] = ckanListed{o.Name, o.Title, counts[o.Name], s.ckanOrg(o, counts[o.Name])}
	}
	return ckanList(p, items, "organizations")
}

func (s *Server) ckanGroupList(ctx context.Context, _ *http.Request, p ckanParams) (any, error) {
	groups, err := s.opendata.Groups(ctx)
	if err != nil {
		return nil, err
	}
	_, counts, err := s.opendata.Counts(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]ckanListed, len(groups))
	for i, g := range groups {
		items[i] = ckanListed{g.Name, g.Title, counts[g.Name], ckanGroup(g, counts[g.Name])}
	}
	return ckanList(p, items, "groups")
}

// ckanShowPackages adds a group's or organisation's datasets (up to 1000)
// when include_datasets is set.
func (s *Server) ckanShowPackages(ctx context.Context, r *http.Request, p ckanParams, dict map[string]any, field, name string) (any, error) {
	bad := map[string]string{}
	include := p.boolean("include_datasets", false, bad)
	if len(bad) > 0 {
		return nil, ckanValidation(bad)
	}
	res, err := s.opendata.Search(ctx, opendata.Query{Filters: map[string][]string{field: {name}}, Sort: "name asc", Rows: MaxCKANRows})
	if err != nil {
		return nil, err
	}
	dict["package_count"] = res.Count
	if include {
		pk := make([]ckanPackageDict, len(res.Datasets))
		for i := range res.Datasets {
			pk[i] = s.ckanPackage(r, &res.Datasets[i])
		}
		dict["packages"] = pk
	}
	return dict, nil
}

func (s *Server) ckanOrgShow(ctx context.Context, r *http.Request, p ckanParams) (any, error) {
	id, _ := p.str("id")
	if id == "" {
		return nil, ckanValidation(map[string]string{"id": "Missing value"})
	}
	o, err := s.opendata.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.ckanShowPackages(ctx, r, p, s.ckanOrg(o, 0), "organization", o.Name)
}

func (s *Server) ckanGroupShow(ctx context.Context, r *http.Request, p ckanParams) (any, error) {
	id, _ := p.str("id")
	if id == "" {
		return nil, ckanValidation(map[string]string{"id": "Missing value"})
	}
	groups, err := s.opendata.Groups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		if g.Name == id {
			return s.ckanShowPackages(ctx, r, p, ckanGroup(g, 0), "groups", g.Name)
		}
	}
	return nil, ckanNotFound()
}

func (s *Server) ckanTagList(ctx context.Context, _ *http.Request, p ckanParams) (any, error) {
	bad := map[string]string{}
	all := p.boolean("all_fields", false, bad)
	if len(bad) > 0 {
		return nil, ckanValidation(bad)
	}
	q, _ := p.str("query")
	tags, err := s.opendata.Tags(ctx, q)
	if err != nil {
		return nil, err
	}
	if !all {
		return tags, nil
	}
	out := make([]map[string]any, len(tags))
	for i, t := range tags {
		out[i] = map[string]any{"id": t, "name": t, "display_name": t, "vocabulary_id": nil}
	}
	return out, nil
}

func (s *Server) ckanStatusShow(_ context.Context, r *http.Request, _ ckanParams) (any, error) {
	return map[string]any{"site_title": "广东省公共数据开放平台 (digigov)", "site_description": "digigov 公共数据开放",
		"site_url": s.origin(r), "ckan_version": "2.10.4", "error_emails_to": nil, "locale_default": "zh_Hans_CN",
		"extensions": []string{"digigov", "dcat", "datarequests"}, "digigov_version": s.version}, nil
}
