package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// The administrator's catalog pages: the list, one item edited as JSON
// (every element of the guide and the form at once, validated as a whole),
// import and export of the whole catalog.

func (s *Server) catalogAdminRoutes(mux *http.ServeMux) {
	mux.Handle("GET /workbench/catalog", s.errorPage(s.handleCatalogAdmin))
	mux.Handle("GET /workbench/catalog/export.json", s.errorPage(s.handleCatalogExport))
	mux.Handle("POST /workbench/catalog/import", s.errorPage(s.handleCatalogImport))
	mux.Handle("GET /workbench/catalog/items/{code}", s.errorPage(s.handleCatalogItemForm))
	mux.Handle("POST /workbench/catalog/items", s.errorPage(s.handleCatalogItemSave))
	mux.Handle("GET /workbench/catalog/bundles/{code}", s.errorPage(s.handleCatalogBundleForm))
	mux.Handle("POST /workbench/catalog/bundles", s.errorPage(s.handleCatalogBundleSave))
}

func (s *Server) catalogAdminPage(w http.ResponseWriter, r *http.Request, p *page) error {
	x, err := s.catalog.Export(r.Context())
	if err != nil {
		return err
	}
	p.Title, p.Face = "catalogadmin.title", identity.FaceWorkbench
	if p.Data == nil {
		p.Data = map[string]any{}
	}
	p.Data.(map[string]any)["Items"] = x.Items
	p.Data.(map[string]any)["Bundles"] = x.Bundles
	return s.rd.render(w, r, "catalog_admin", p)
}

func (s *Server) handleCatalogAdmin(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermCatalogManage, ""); err != nil {
		return err
	}
	p := &page{}
	if r.URL.Query().Get("imported") != "" {
		p.Flash = "catalogadmin.imported"
	}
	return s.catalogAdminPage(w, r, p)
}

// handleCatalogExport downloads the whole catalog as JSON, the same shape
// the import takes: {"items": [...], "bundles": [...]}.
func (s *Server) handleCatalogExport(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermCatalogManage, ""); err != nil {
		return err
	}
	x, err := s.catalog.Export(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="catalog.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(x)
}

// handleCatalogImport takes a catalog file, all or none: the export's
// object of items and bundles, or an array of items alone.
func (s *Server) handleCatalogImport(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermCatalogManage, ""); err != nil {
		return err
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		return s.catalogAdminPage(w, r, &page{Status: http.StatusUnprocessableEntity, Errors: map[string]string{"file": "catalogadmin.file_required"}})
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, 16<<20))
	if err != nil {
		return err
	}
	var x catalog.Export
	if err := json.Unmarshal(raw, &x.Items); err != nil {
		if err := json.Unmarshal(raw, &x); err != nil {
			return s.catalogAdminPage(w, r, &page{Status: http.StatusUnprocessableEntity, Errors: map[string]string{"file": "catalogadmin.not_json"}})
		}
	}
	if _, err := s.catalog.ImportAll(r.Context(), caller(r), x); err != nil {
		if e := errs.As(err); e != nil && e.Code == errs.Invalid {
			return s.catalogAdminPage(w, r, &page{Status: http.StatusUnprocessableEntity, Errors: map[string]string{"file": e.Msg},
				Data: map[string]any{"Problems": e.Fields}})
		}
		return err
	}
	http.Redirect(w, r, "/workbench/catalog?imported=1", http.StatusSeeOther)
	return nil
}

// handleCatalogItemForm shows one item as JSON for editing ("new" for an
// empty one to fill in).
func (s *Server) handleCatalogItemForm(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermCatalogManage, ""); err != nil {
		return err
	}
	var it *catalog.Item
	if code := r.PathValue("code"); code == "new" {
		it = &catalog.Item{Type: catalog.TypePublic, Level: catalog.LevelCity, OnlineDepth: 4, Fee: "不收费",
			Targets: []catalog.Target{catalog.TargetPerson}, Channels: []catalog.Channel{catalog.ChannelOnline},
			Steps: []catalog.Step{{Stage: catalog.StageAccept, Role: identity.RoleCaseOfficer}, {Stage: catalog.StageDecide, Role: identity.RoleDepartmentHead}}}
	} else {
		var err error
		if it, err = s.catalog.Item(r.Context(), code); err != nil {
			return err
		}
	}
	b, _ := json.MarshalIndent(it, "", "  ")
	return s.rd.render(w, r, "catalog_item", &page{Title: "catalogadmin.edit", Face: identity.FaceWorkbench,
		Form: url.Values{"doc": {string(b)}}, Data: map[string]any{"Item": it}})
}

// handleCatalogItemSave validates and saves one item. A change made by
// someone else since the form was opened answers with a sentence, not an
// overwrite.
func (s *Server) handleCatalogItemSave(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermCatalogManage, ""); err != nil {
		return err
	}
	doc := r.PostFormValue("doc")
	var it catalog.Item
	bad := func(e *errs.Error, key string) error {
		p := &page{Title: "catalogadmin.edit", Face: identity.FaceWorkbench, Status: http.StatusUnprocessableEntity,
			Form: url.Values{"doc": {doc}}, Errors: map[string]string{"doc": key}, Data: map[string]any{"Item": &it}}
		if e != nil {
			p.Data.(map[string]any)["Problems"] = e.Fields
			if e.Code == errs.Conflict {
				p.Status = http.StatusConflict
			}
		}
		return s.rd.render(w, r, "catalog_item", p)
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&it); err != nil {
		return bad(nil, "catalogadmin.not_json")
	}
	saved, err := s.catalog.Save(r.Context(), caller(r), it)
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict) {
		return bad(e, e.Msg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/services/"+saved.Code, http.StatusSeeOther)
	return nil
}

// handleCatalogBundleForm shows one bundled matter as JSON for editing
// ("new" for an empty one to fill in).
func (s *Server) handleCatalogBundleForm(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermCatalogManage, ""); err != nil {
		return err
	}
	b := &catalog.Bundle{Code: "BD-", Items: []string{}}
	if code := r.PathValue("code"); code != "new" {
		var err error
		if b, err = s.catalog.Bundle(r.Context(), code); err != nil {
			return err
		}
	}
	doc, _ := json.MarshalIndent(b, "", "  ")
	return s.rd.render(w, r, "catalog_bundle", &page{Title: "catalogadmin.edit_bundle", Face: identity.FaceWorkbench,
		Form: url.Values{"doc": {string(doc)}}, Data: map[string]any{"Bundle": b}})
}

// handleCatalogBundleSave validates and saves one bundled matter, with the
// same version check as an item.
func (s *Server) handleCatalogBundleSave(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermCatalogManage, ""); err != nil {
		return err
	}
	doc := r.PostFormValue("doc")
	var b catalog.Bundle
	bad := func(e *errs.Error, key string) error {
		p := &page{Title: "catalogadmin.edit_bundle", Face: identity.FaceWorkbench, Status: http.StatusUnprocessableEntity,
			Form: url.Values{"doc": {doc}}, Errors: map[string]string{"doc": key}, Data: map[string]any{"Bundle": &b}}
		if e != nil {
			p.Data.(map[string]any)["Problems"] = e.Fields
			if e.Code == errs.Conflict {
				p.Status = http.StatusConflict
			}
		}
		return s.rd.render(w, r, "catalog_bundle", p)
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return bad(nil, "catalogadmin.not_json")
	}
	saved, err := s.catalog.SaveBundle(r.Context(), caller(r), b)
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict) {
		return bad(e, e.Msg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/bundles/"+saved.Code, http.StatusSeeOther)
	return nil
}
