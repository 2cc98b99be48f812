package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// marketPageSize is how many products the market page lists.
const marketPageSize = 20

// marketBody is a body that has products on the market, for the filter.
type marketBody struct {
	ID   ids.ID
	Name string
}

// handleMarket is the public product market: search and browse the
// published products by text, body and theme.
func (s *Server) handleMarket(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	pageNo, _ := strconv.Atoi(v.Get("page"))
	pageNo = max(pageNo, 1)
	q := market.ProductQuery{Text: v.Get("q"), ProviderID: ids.ID(v.Get("body")), Theme: v.Get("theme"),
		Limit: marketPageSize + 1, Offset: (min(pageNo, 10_000) - 1) * marketPageSize}
	list, err := s.market.Market(r.Context(), q)
	if err != nil {
		return err
	}
	more := len(list) > marketPageSize
	if more {
		list = list[:marketPageSize]
	}
	all, err := s.market.Market(r.Context(), market.ProductQuery{Limit: 200})
	if err != nil {
		return err
	}
	var bodies []marketBody
	seen := map[ids.ID]bool{}
	for _, p := range all {
		if !seen[p.ProviderID] {
			seen[p.ProviderID] = true
			bodies = append(bodies, marketBody{p.ProviderID, p.Provider})
		}
	}
	next := ""
	if more {
		nv := url.Values{"q": {q.Text}, "body": {string(q.ProviderID)}, "theme": {q.Theme}, "page": {strconv.Itoa(pageNo + 1)}}
		next = "/market?" + nv.Encode()
	}
	return s.rd.render(w, r, "market_home", &page{Title: "market.title", Face: identity.FacePortal, Data: map[string]any{
		"Products": list, "Q": q.Text, "Body": string(q.ProviderID), "Theme": q.Theme, "Bodies": bodies,
		"Themes": s.market.Themes(), "Next": next}})
}

// marketProductView is what a product's page shows.
type marketProductView struct {
	Product   *market.Product
	Lists     bool // the caller is a CDO of the provider
	Buyer     bool // the caller may order (an enterprise agent)
	Anonymous bool
}

func (s *Server) handleMarketProduct(w http.ResponseWriter, r *http.Request) error {
	return s.renderMarketProduct(w, r, nil)
}

func (s *Server) renderMarketProduct(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	by := caller(r)
	p, err := s.market.Product(r.Context(), by, ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	v := &marketProductView{Product: p, Lists: market.Lists(by, p.ProviderID, p.Region),
		Buyer: identity.Authorize(by, identity.PermMarketOrder, "") == nil, Anonymous: by.Anonymous()}
	pg := &page{Title: "market.product_title", Face: identity.FacePortal, Data: v}
	if refused != nil {
		pg.Status, pg.Errors, pg.Args, pg.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "market_product", pg)
}

// handleMarketMine is the CDO's list of the body's products.
func (s *Server) handleMarketMine(w http.ResponseWriter, r *http.Request) error {
	list, err := s.market.MyProducts(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "market_mine", &page{Title: "market.mine_title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Products": list, "Certify": market.CanCertify(caller(r))}})
}

// marketFormView is what the product form offers.
type marketFormView struct {
	Resources []datashare.Resource
	Chosen    map[string]bool // "resourceID/field" ticked
	Themes    []string
	Models    []market.PriceModel
	Edit      *market.Product // the product edited; nil for a new one
}

func (s *Server) handleMarketProductForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderMarketProductForm(w, r, nil)
}

func (s *Server) renderMarketProductForm(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	res, err := s.market.Resources(r.Context(), caller(r))
	if err != nil {
		return err
	}
	v := &marketFormView{Resources: res, Chosen: map[string]bool{}, Themes: s.market.Themes(), Models: market.PriceModels}
	p := &page{Title: "market.new_title", Face: identity.FaceWorkbench, Data: v}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
		for k, vals := range r.PostForm {
			if id, ok := strings.CutPrefix(k, "fields_"); ok {
				for _, f := range vals {
					v.Chosen[id+"/"+f] = true
				}
			}
		}
	} else {
		p.Form = url.Values{"retention_days": {"180"}, "regions": {"44"}, "period_days": {"365"}, "no_resale": {"1"}, "no_onward": {"1"}}
	}
	return s.rd.render(w, r, "market_product_form", p)
}

// marketProductInput reads the product form: fields_<resource ID> carries
// the fields ticked of each resource, purposes one per line, regions
// separated by commas or spaces, the price in yuan.
func marketProductInput(f url.Values) (market.ProductInput, map[string]string) {
	in := market.ProductInput{Name: f.Get("name"), Description: f.Get("description"), Theme: f.Get("theme"), Terms: f.Get("terms"),
		Fields: map[ids.ID][]string{}, Price: market.Price{Model: market.PriceModel(f.Get("price_model"))}}
	for k, vals := range f {
		if id, ok := strings.CutPrefix(k, "fields_"); ok {
			in.Fields[ids.ID(id)] = vals
		}
	}
	in.Policy.Purposes = strings.Split(f.Get("purposes"), "\n")
	in.Policy.NoResale, in.Policy.NoOnward = f.Get("no_resale") != "", f.Get("no_onward") != ""
	for _, c := range strings.FieldsFunc(f.Get("regions"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		in.Policy.Regions = append(in.Policy.Regions, region.Code(c))
	}
	bad := map[string]string{}
	var err error
	if in.Policy.RetentionDays, err = strconv.Atoi(strings.TrimSpace(f.Get("retention_days"))); err != nil {
		bad["retention_days"] = "market.retention_range"
	}
	if in.PeriodDays, err = strconv.Atoi(strings.TrimSpace(f.Get("period_days"))); err != nil {
		bad["period_days"] = "market.period_range"
	}
	if y := strings.TrimSpace(f.Get("price")); y != "" && in.Price.Model != market.Free {
		fen, ok := market.ParseYuan(y)
		if !ok {
			bad["price"] = "market.price_invalid"
		}
		in.Price.Fen = fen
	}
	return in, bad
}

func (s *Server) handleMarketList(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	in, bad := marketProductInput(r.PostForm)
	p, err := s.market.List(r.Context(), caller(r), in)
	if e := errs.As(err); len(bad) > 0 && (err == nil || e != nil && e.Code == errs.Invalid) {
		if e != nil {
			for k, v := range e.Fields {
				if bad[k] == "" {
					bad[k] = v
				}
			}
		}
		return s.renderMarketProductForm(w, r, errs.As(errs.Fields(bad)))
	}
	if e := formRefusal(err); e != nil {
		return s.renderMarketProductForm(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/market/products/"+string(p.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleMarketPublish(w http.ResponseWriter, r *http.Request) error {
	return s.marketProductAct(w, r, s.market.Publish)
}

func (s *Server) handleMarketWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.marketProductAct(w, r, s.market.Withdraw)
}

func (s *Server) marketProductAct(w http.ResponseWriter, r *http.Request,
	act func(ctx context.Context, by *identity.Caller, id ids.ID) (*market.Product, error)) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p, err := act(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if e := formRefusal(err); e != nil {
		return s.renderMarketProduct(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/market/products/"+string(p.ID), http.StatusSeeOther)
	return nil
}
