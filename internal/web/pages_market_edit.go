package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// marketProductValues writes a product back as the product form's values,
// the inverse of marketProductInput, with its version.
func marketProductValues(p *market.Product) (url.Values, map[string]bool) {
	f := url.Values{"name": {p.Name}, "description": {p.Description}, "theme": {p.Theme}, "terms": {p.Terms},
		"purposes": {strings.Join(p.Policy.Purposes, "\n")}, "retention_days": {strconv.Itoa(p.Policy.RetentionDays)},
		"price_model": {string(p.Price.Model)}, "period_days": {strconv.Itoa(p.PeriodDays)}, "version": {p.Version()}}
	if p.Price.Model != market.Free {
		f.Set("price", market.Yuan(p.Price.Fen))
	}
	if p.Policy.NoResale {
		f.Set("no_resale", "1")
	}
	if p.Policy.NoOnward {
		f.Set("no_onward", "1")
	}
	var regions []string
	for _, r := range p.Policy.Regions {
		regions = append(regions, string(r))
	}
	f.Set("regions", strings.Join(regions, ", "))
	chosen := map[string]bool{}
	for _, s := range p.Sources {
		for _, fl := range s.Fields {
			chosen[string(s.ResourceID)+"/"+fl.Name] = true
		}
	}
	return f, chosen
}

// editableProduct reads the product to edit: its body's CDOs only (a 404
// for anyone else, as the service answers).
func (s *Server) editableProduct(r *http.Request) (*market.Product, error) {
	p, err := s.market.Product(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return nil, err
	}
	if !market.Lists(caller(r), p.ProviderID, p.Region) {
		return nil, errs.E(errs.NotFound, "market.product.not_found")
	}
	return p, nil
}

func (s *Server) handleMarketEditForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editableProduct(r)
	if err != nil {
		return err
	}
	if p.State == market.Published {
		return s.renderMarketProduct(w, r, formRefusal(errs.E(errs.Conflict, "market.product_not_draft")))
	}
	f, chosen := marketProductValues(p)
	return s.renderMarketEdit(w, r, p, f, chosen, nil)
}

func (s *Server) renderMarketEdit(w http.ResponseWriter, r *http.Request, p *market.Product, f url.Values, chosen map[string]bool,
	refused *errs.Error) error {
	res, err := s.market.Resources(r.Context(), caller(r))
	if err != nil {
		return err
	}
	v := &marketFormView{Resources: res, Chosen: chosen, Themes: s.market.Themes(), Models: market.PriceModels, Edit: p}
	pg := &page{Title: "market.edit_title", Face: identity.FaceWorkbench, Data: v, Form: f}
	if refused != nil {
		pg.Status, pg.Errors, pg.Args = status(refused), errorsOf(refused), refused.Args
	}
	return s.rd.render(w, r, "market_product_form", pg)
}

func (s *Server) handleMarketEdit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, err := s.editableProduct(r)
	if err != nil {
		return err
	}
	chosen := map[string]bool{}
	for k, vals := range r.PostForm {
		if id, ok := strings.CutPrefix(k, "fields_"); ok {
			for _, f := range vals {
				chosen[id+"/"+f] = true
			}
		}
	}
	in, bad := marketProductInput(r.PostForm)
	version, ok := market.ParseVersion(r.PostForm.Get("version"))
	if !ok {
		return s.renderMarketEdit(w, r, p, r.PostForm, chosen, formRefusal(errs.E(errs.Conflict, "market.product_changed")))
	}
	edited, err := s.market.Edit(r.Context(), caller(r), p.ID, version, in)
	if e := errs.As(err); len(bad) > 0 && (err == nil || e != nil && e.Code == errs.Invalid) {
		if e != nil {
			for k, v := range e.Fields {
				if bad[k] == "" {
					bad[k] = v
				}
			}
		}
		return s.renderMarketEdit(w, r, p, r.PostForm, chosen, errs.As(errs.Fields(bad)))
	}
	if e := formRefusal(err); e != nil {
		return s.renderMarketEdit(w, r, p, r.PostForm, chosen, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/market/products/"+string(edited.ID), http.StatusSeeOther)
	return nil
}
