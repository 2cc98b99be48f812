package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// openDataFilters maps the portal's query parameters to search fields.
var openDataFilters = []struct{ param, field string }{
	{"theme", "groups"}, {"org", "organization"}, {"format", "res_format"}, {"tag", "tags"},
}

// facetLink is one value of a facet on the search page.
type facetLink struct {
	Label  string
	Count  int
	URL    string
	Active bool
}

type openDataFacet struct {
	Title string // message key
	Items []facetLink
}

// openDataPageSize is how many datasets a search page lists.
const openDataPageSize = 20

func (s *Server) handleOpenDataHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	res, err := s.opendata.Search(ctx, opendata.Query{Sort: "metadata_modified desc", Rows: 8, Facets: []string{"groups", "organization", "res_format"}, FacetLimit: 20})
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "opendata_home", &page{Title: "opendata.title", Face: identity.FacePortal,
		Data: map[string]any{"Result": res, "Facets": s.openDataFacets(ctx, res, url.Values{})}})
}

// openDataFacets turns search facets into links that add (or remove) a filter.
func (s *Server) openDataFacets(ctx context.Context, res *opendata.Result, q url.Values) []openDataFacet {
	titles := map[string]string{}
	if orgs, err := s.opendata.Orgs(ctx); err == nil {
		for _, o := range orgs {
			titles[o.Name] = o.Title
		}
	}
	var out []openDataFacet
	for _, f := range openDataFilters {
		items := res.Facets[f.field]
		if len(items) == 0 {
			continue
		}
		fc := openDataFacet{Title: "opendata.facet." + f.param}
		for _, it := range items {
			label := it.Name
			switch f.field {
			case "groups":
				label = opendata.ThemeTitle(it.Name)
			case "organization":
				if t := titles[it.Name]; t != "" {
					label = t
				}
			}
			v := url.Values{}
			for k, vs := range q {
				v[k] = vs
			}
			v.Del("page")
			active := q.Get(f.param) == it.Name
			if active {
				v.Del(f.param)
			} else {
				v.Set(f.param, it.Name)
			}
			fc.Items = append(fc.Items, facetLink{Label: label, Count: it.Count, URL: "/opendata/datasets?" + v.Encode(), Active: active})
		}
		out = append(out, fc)
	}
	return out
}

func (s *Server) handleOpenDataSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pg, _ := strconv.Atoi(q.Get("page"))
	pg = min(max(pg, 1), 1<<20) // (pg-1)*page size must not overflow
	query := opendata.Query{Text: q.Get("q"), Filters: map[string][]string{}, Start: (pg - 1) * openDataPageSize, Rows: openDataPageSize,
		Facets: []string{"groups", "organization", "res_format", "tags"}, FacetLimit: 12}
	for _, f := range openDataFilters {
		if v := q.Get(f.param); v != "" {
			query.Filters[f.field] = []string{v}
		}
	}
	if sortBy := q.Get("sort"); sortBy != "" {
		query.Sort = sortBy
	}
	res, err := s.opendata.Search(r.Context(), query)
	if errs.Is(err, errs.Invalid) {
		query.Sort = ""
		res, err = s.opendata.Search(r.Context(), query)
	}
	if err != nil {
		return err
	}
	pages := (res.Count + openDataPageSize - 1) / openDataPageSize
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/opendata/datasets?" + v.Encode()
	}
	data := map[string]any{"Result": res, "Q": q.Get("q"), "Facets": s.openDataFacets(r.Context(), res, q), "Page": pg, "Pages": pages}
	if pg > 1 {
		data["Prev"] = link(pg - 1)
	}
	if pg < pages {
		data["Next"] = link(pg + 1)
	}
	return s.rd.render(w, r, "opendata_search", &page{Title: "opendata.search_title", Face: identity.FacePortal, Data: data})
}

// barChart is a simple bar chart drawn as SVG on the server: the first
// numeric column against the first text column of the preview.
type barChart struct {
	Title  string
	Width  int
	Height int
	Bars   []chartBar
}

type chartBar struct {
	X, Y, W, H float64
	Label      string
	Value      string
	LabelY     float64
	TextX      float64
}

// chartOf picks the columns and scales the bars; nil when the table has
// no column to draw. The values are the first numeric column that is not a
// code, number or year; the labels the text column with the most distinct
// values (a city rather than a month).
func chartOf(t *opendata.Table) *barChart {
	if t == nil || len(t.Rows) == 0 {
		return nil
	}
	num, label, distinct := -1, -1, 0
	for c, name := range t.Columns {
		numeric := true
		seen := map[string]bool{}
		for _, row := range t.Rows {
			if c >= len(row) {
				numeric = false
				break
			}
			seen[row[c]] = true
			if _, err := strconv.ParseFloat(row[c], 64); err != nil {
				numeric = false
			}
		}
		n := strings.ToLower(name)
		codeLike := strings.Contains(n, "code") || strings.HasSuffix(n, "id") || strings.Contains(n, "year") ||
			strings.Contains(n, "代码") || strings.Contains(n, "编号") || strings.Contains(n, "年")
		switch {
		case numeric && !codeLike && num < 0:
			num = c
		case !numeric && len(seen) > distinct:
			label, distinct = c, len(seen)
		}
	}
	if num < 0 {
		return nil
	}
	rows := t.Rows[:min(len(t.Rows), 12)]
	peak := 0.0
	for _, row := range rows {
		v, _ := strconv.ParseFloat(row[num], 64)
		peak = math.Max(peak, v)
	}
	if peak <= 0 {
		return nil
	}
	ch := &barChart{Title: t.Columns[num], Width: 640, Height: 24*len(rows) + 10}
	for i, row := range rows {
		v, _ := strconv.ParseFloat(row[num], 64)
		lbl := strconv.Itoa(i + 1)
		if label >= 0 && label < len(row) {
			lbl = row[label]
		}
		wd := math.Max(0, v/peak*400)
		y := float64(i*24 + 5)
		ch.Bars = append(ch.Bars, chartBar{X: 180, Y: y, W: wd, H: 18, Label: lbl, Value: row[num], LabelY: y + 14, TextX: 186 + wd})
	}
	return ch
}

func (s *Server) handleOpenDataset(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.opendata.Dataset(ctx, r.PathValue("name"))
	if err != nil {
		return err
	}
	return s.renderOpenDataset(w, r, d, nil)
}

func (s *Server) renderOpenDataset(w http.ResponseWriter, r *http.Request, d *opendata.Dataset, refused *errs.Error) error {
	ctx := r.Context()
	acc, err := s.opendata.AccessOf(ctx, caller(r), d)
	if err != nil {
		return err
	}
	var t *opendata.Table
	if acc.Allowed() { // a 有条件开放 dataset's rows only to approved applicants (pages_opendata_access.go)
		if t, err = s.opendata.Preview(ctx, caller(r), d); err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
	}
	p := &page{Title: "opendata.dataset_title", Face: identity.FacePortal,
		Data: map[string]any{"Dataset": d, "License": opendata.LicenseOf(d.LicenseID), "Table": t, "Chart": chartOf(t), "Access": acc}}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "opendata_dataset", p)
}

func (s *Server) handleOpenDataDownload(w http.ResponseWriter, r *http.Request) error {
	ctype, body, x, err := s.opendata.Download(r.Context(), caller(r), r.PathValue("name"), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	ext := strings.ToLower(x.Format)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"; filename*=UTF-8''%s.%s`,
		r.PathValue("name"), ext, url.PathEscape(x.Name), ext))
	_, err = w.Write(body)
	return err
}

func (s *Server) handleOpenDataLicense(w http.ResponseWriter, r *http.Request) error {
	return s.rd.render(w, r, "opendata_license", &page{Title: "opendata.license_title", Face: identity.FacePortal, Data: opendata.Licenses})
}

func (s *Server) handlePublish(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	d, err := s.opendata.Publish(r.Context(), caller(r), ids.ID(r.PathValue("id")), opendata.PublishInput{
		Theme: r.PostFormValue("theme"), Tags: strings.FieldsFunc(r.PostFormValue("tags"), func(c rune) bool { return c == ',' || c == '，' || c == ' ' }),
		LicenseID: r.PostFormValue("license_id"), Conditions: r.PostFormValue("conditions")})
	if e := formRefusal(err); e != nil {
		return s.renderDataResource(w, r, &dataResourceView{Loaded: -1}, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/opendata/datasets/"+d.Name, http.StatusSeeOther)
	return nil
}

func (s *Server) handleDataRequestsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDataRequests(w, r, nil)
}

func (s *Server) renderDataRequests(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	st := r.URL.Query().Get("state")
	if st != opendata.RequestClosed && st != "" {
		st = opendata.RequestOpen
	}
	list, err := s.opendata.DataRequests(r.Context(), st, 100)
	if err != nil {
		return err
	}
	p := &page{Title: "opendata.requests_title", Face: identity.FacePortal, Data: map[string]any{"Requests": list, "State": st}}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "opendata_requests", p)
}

func (s *Server) handleDataRequestCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	dr, err := s.opendata.AskForData(r.Context(), caller(r), r.PostFormValue("title"), r.PostFormValue("description"), "")
	if e := formRefusal(err); e != nil {
		return s.renderDataRequests(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/opendata/requests/"+string(dr.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleDataRequestPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDataRequestPage(w, r, nil)
}

func (s *Server) renderDataRequestPage(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	v, err := s.opendata.DataRequest(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	p := &page{Title: "opendata.request_title", Face: identity.FacePortal, Data: v}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "opendata_request", p)
}

// afterRequestStep returns to a data request's page.
func (s *Server) afterRequestStep(w http.ResponseWriter, r *http.Request, err error) error {
	if e := formRefusal(err); e != nil {
		return s.renderDataRequestPage(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/opendata/requests/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) handleDataRequestComment(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, err := s.opendata.CommentOn(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("comment"))
	return s.afterRequestStep(w, r, err)
}

func (s *Server) handleDataRequestClose(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, err := s.opendata.CloseRequest(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("dataset"), r.PostFormValue("note"))
	return s.afterRequestStep(w, r, err)
}

func (s *Server) handleDataRequestFollow(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	err := s.opendata.Follow(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("follow") != "0")
	return s.afterRequestStep(w, r, err)
}
