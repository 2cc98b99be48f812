package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/region"
)

//go:embed templates
var templateFS embed.FS

// renderer parses every page once at start-up, each with the layout and the
// partials, so a page can only reference blocks that exist.
type renderer struct {
	pages   map[string]*template.Template
	msgs    *i18n.Catalog
	assets  *assets
	regions *region.Tree
	unread  func(*reqState) string // the header's unread badge; set by notificationRoutes
}

func newRenderer(msgs *i18n.Catalog, a *assets, regions *region.Tree) (*renderer, error) {
	rd := &renderer{pages: map[string]*template.Template{}, msgs: msgs, assets: a, regions: regions}
	funcs := template.FuncMap{
		// regionName takes a region.Code or a plain string (audit entries
		// keep their region as a string).
		"regionName": func(v any) string {
			var c region.Code
			switch v := v.(type) {
			case region.Code:
				c = v
			case string:
				c = region.Code(v)
			}
			if n := regions.FullName(c); n != "" {
				return n
			}
			return string(c)
		},
		"date": func(t time.Time) string {
			return t.In(shanghai).Format("2006-01-02 15:04")
		},
		"add": func(a, b int) int { return a + b },
		"pct": func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
		"fieldOf": func(p *page, name, label, typ, auto string) fieldView {
			return fieldView{Name: name, Label: p.T(label), Type: typ, Auto: auto, Value: p.Val(name), Error: p.Err(name)}
		},
		"pickerPage": func(p *page, pk *picker) *page { c := *p; c.Data = pk; return &c },
		"withData":   func(p *page, d any) *page { c := *p; c.Data = d; return &c },
		"formFields": func(p *page, fields []catalog.Field, mats map[string]cases.MaterialRef) formFieldsView {
			return formFieldsView{Page: p, Fields: fields, Materials: mats}
		},
		"first":      func(n int, list any) any { return firstN(n, list) },
		"themeTitle": opendata.ThemeTitle,
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		rd.pages[base] = t
	}
	return rd, nil
}

// shanghai is the zone people read times in.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// page is what every template receives.
type page struct {
	rd     *renderer
	st     *reqState
	path   string
	Title  string // message key of the title
	Face   identity.Face
	Data   any
	Errors map[string]string // field → message key
	Args   []any             // arguments of the error messages
	Form   url.Values
	Flash  string // message key
	Status int
}

func (p *page) T(key string, args ...any) string { return p.rd.msgs.T(p.st.Lang, key, args...) }
func (p *page) Lang() string                     { return p.st.Lang }
func (p *page) Elderly() bool                    { return p.st.Elderly }
func (p *page) Caller() *identity.Caller         { return p.st.Caller }
func (p *page) CSRF() string                     { return p.st.CSRF }
func (p *page) Asset(name string) string         { return p.rd.assets.URL(name) }
func (p *page) Path() string                     { return p.path }

// Err returns the translated error of a form field, "" if none.
func (p *page) Err(field string) string {
	if k := p.Errors[field]; k != "" {
		return p.T(k, translateArgs(p.rd.msgs, p.st.Lang, p.Args)...)
	}
	return ""
}

// Val returns the submitted value of a form field, to refill the form.
func (p *page) Val(field string) string { return p.Form.Get(field) }

// Can reports whether the caller holds a permission anywhere.
func (p *page) Can(perm string) bool {
	return len(p.st.Caller.Scopes(identity.Permission(perm))) > 0
}

// RoleName translates a role.
func (p *page) RoleName(r identity.Role) string { return p.T("role." + string(r)) }

// Limit is how many items a list shows: fewer in elderly mode, so each
// screen stays simple.
func (p *page) Limit(n int) int {
	if p.st.Elderly && n > 5 {
		return 5
	}
	return n
}

// render writes a page. Templates execute into a buffer first, so a
// template error becomes a clean 500 instead of half a page.
func (rd *renderer) render(w http.ResponseWriter, r *http.Request, name string, p *page) error {
	t, ok := rd.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	p.rd, p.st, p.path = rd, state(r.Context()), r.URL.RequestURI()
	if p.Face == "" {
		p.Face = p.st.Caller.Face()
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if p.Status != 0 {
		w.WriteHeader(p.Status)
	}
	_, err := buf.WriteTo(w)
	return err
}

// fragment renders a partial template without the layout (htmx swaps).
func (rd *renderer) fragment(w http.ResponseWriter, r *http.Request, name string, p *page) error {
	t, ok := rd.pages["home"]
	if !ok {
		return fmt.Errorf("no templates")
	}
	p.rd, p.st, p.path = rd, state(r.Context()), r.URL.RequestURI()
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := buf.WriteTo(w)
	return err
}

// fieldView is one labelled form input with its error (partials/field.html).
type fieldView struct {
	Name, Label, Type, Auto, Value, Error string
}

// firstN returns at most n items of a slice (for shorter lists in elderly
// mode); other values pass through.
func firstN(n int, list any) any {
	v := reflect.ValueOf(list)
	if v.Kind() != reflect.Slice || v.Len() <= n {
		return list
	}
	return v.Slice(0, n).Interface()
}

// formFieldsView is what partials/form_fields.html renders: an item's (or a
// bundle's shared) form with the uploads made so far.
type formFieldsView struct {
	Page      *page
	Fields    []catalog.Field
	Materials map[string]cases.MaterialRef
}
