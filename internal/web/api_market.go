package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Huma names schemas after these types: they carry the market prefix so
// that they cannot collide with another domain's.

type marketFieldBody struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Masked      bool   `json:"masked" doc:"a sensitive field: served masked only"`
}

type marketSourceBody struct {
	ResourceCode string            `json:"resource_code" doc:"the catalog resource; call /exchange/v1/resources/{code}/rows under a contract"`
	ResourceName string            `json:"resource_name"`
	RowCount     int               `json:"row_count"`
	Fields       []marketFieldBody `json:"fields"`
}

type marketPolicyBody struct {
	Purposes      []string `json:"purposes" doc:"the purposes the data may be used for; an order names one"`
	NoResale      bool     `json:"no_resale"`
	NoOnward      bool     `json:"no_onward_transfer"`
	RetentionDays int      `json:"retention_days"`
	Regions       []string `json:"regions" doc:"region codes where the data may be stored and processed"`
}

type marketProductBody struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Description string             `json:"description"`
	Theme       string             `json:"theme"`
	ProviderID  string             `json:"provider_id"`
	Provider    string             `json:"provider"`
	Region      string             `json:"region"`
	Sources     []marketSourceBody `json:"sources"`
	Terms       string             `json:"terms"`
	Policy      marketPolicyBody   `json:"policy"`
	PriceModel  string             `json:"price_model" enum:"free,per_call,subscription"`
	PriceFen    int64              `json:"price_fen" doc:"fen per call or per month; 0 when free"`
	PeriodDays  int                `json:"period_days" doc:"how long a contract runs"`
	State       string             `json:"state" enum:"draft,published,withdrawn"`
	PublishedAt *time.Time         `json:"published_at,omitempty"`
	Version     string             `json:"version" doc:"pass it back to edit the product (its CDOs only)"`
}

func marketProductBodyOf(p *market.Product) marketProductBody {
	b := marketProductBody{ID: string(p.ID), Name: p.Name, Description: p.Description, Theme: p.Theme, ProviderID: string(p.ProviderID),
		Provider: p.Provider, Region: string(p.Region), Terms: p.Terms, PriceModel: string(p.Price.Model), PriceFen: p.Price.Fen,
		PeriodDays: p.PeriodDays, State: string(p.State), PublishedAt: timePtr(p.PublishedAt), Version: p.Version(),
		Policy: marketPolicyBody{Purposes: p.Policy.Purposes, NoResale: p.Policy.NoResale, NoOnward: p.Policy.NoOnward,
			RetentionDays: p.Policy.RetentionDays, Regions: []string{}}}
	for _, r := range p.Policy.Regions {
		b.Policy.Regions = append(b.Policy.Regions, string(r))
	}
	for _, s := range p.Sources {
		sb := marketSourceBody{ResourceCode: s.ResourceCode, ResourceName: s.ResourceName, RowCount: s.RowCount}
		for _, f := range s.Fields {
			sb.Fields = append(sb.Fields, marketFieldBody{Name: f.Name, Type: f.Type, Description: f.Description, Masked: f.Masked})
		}
		b.Sources = append(b.Sources, sb)
	}
	return b
}

type marketOrderBody struct {
	ID           string    `json:"id"`
	ProductID    string    `json:"product_id"`
	Product      string    `json:"product"`
	Provider     string    `json:"provider"`
	Buyer        string    `json:"buyer"`
	Purpose      string    `json:"purpose"`
	State        string    `json:"state" enum:"pending,accepted,refused"`
	PriceModel   string    `json:"price_model"`
	PriceFen     int64     `json:"price_fen"`
	AmountFen    int64     `json:"amount_fen" doc:"up front (subscriptions)"`
	Due          time.Time `json:"due" doc:"the provider's answer is due by then (ten working days)"`
	Reason       string    `json:"reason,omitempty"`
	ContractID   string    `json:"contract_id,omitempty"`
	Contract     string    `json:"contract_state,omitempty" doc:"provider_signed, active, expired or terminated"`
	CallsServed  int64     `json:"calls_served" doc:"exchange calls served under the contract, from the signed message log"`
	CallsRefused int64     `json:"calls_refused"`
	DueFen       int64     `json:"due_fen" doc:"what the contract has come to: the up-front amount, or calls served × price per call"`
	CreatedAt    time.Time `json:"created_at"`
}

func (s *Server) registerMarketAPI(api huma.API) {
	tags := []string{"market"}
	type marketListIn struct {
		Q      string `query:"q" maxLength:"100"`
		Org    string `query:"body" doc:"a provider body's ID"`
		Theme  string `query:"theme"`
		Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
		Offset int    `query:"offset" minimum:"0" maximum:"100000" default:"0"`
	}
	type marketListOut struct {
		Body struct {
			Items []marketProductBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{OperationID: "list-market-products", Method: http.MethodGet, Path: "/api/v1/market/products",
		Summary: "Data products on the market (数据产品)", Tags: tags,
		Description: "Public: the published products, newest first; q searches name, description and provider; body and theme filter."},
		func(ctx context.Context, in *marketListIn) (*marketListOut, error) {
			list, err := s.market.Market(ctx, market.ProductQuery{Text: in.Q, ProviderID: ids.ID(in.Org), Theme: in.Theme,
				Limit: in.Limit, Offset: in.Offset})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &marketListOut{}
			out.Body.Items = make([]marketProductBody, 0, len(list))
			for i := range list {
				out.Body.Items = append(out.Body.Items, marketProductBodyOf(&list[i]))
			}
			return out, nil
		})
	type marketIDIn struct {
		ID string `path:"id"`
	}
	type marketProductOut struct{ Body marketProductBody }
	huma.Register(api, huma.Operation{OperationID: "get-market-product", Method: http.MethodGet, Path: "/api/v1/market/products/{id}",
		Summary: "One data product", Tags: tags, Description: "Public for published and withdrawn products; drafts only for the provider's CDOs."},
		func(ctx context.Context, in *marketIDIn) (*marketProductOut, error) {
			p, err := s.market.Product(ctx, state(ctx).Caller, ids.ID(in.ID))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &marketProductOut{Body: marketProductBodyOf(p)}, nil
		})
	type marketOrdersOut struct {
		Body struct {
			Items []marketOrderBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{OperationID: "list-market-orders", Method: http.MethodGet, Path: "/api/v1/market/orders",
		Summary: "Order history", Tags: tags, Security: bearer,
		Description: "An enterprise's orders, or the orders to the bodies of a CDO (market.list), newest first, with the calls made under each contract."},
		func(ctx context.Context, _ *struct{}) (*marketOrdersOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			lines, err := s.market.History(ctx, by)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &marketOrdersOut{}
			out.Body.Items = make([]marketOrderBody, 0, len(lines))
			now := s.market.Now()
			for _, l := range lines {
				o := l.Order
				b := marketOrderBody{ID: string(o.ID), ProductID: string(o.ProductID), Product: o.ProductName, Provider: o.Provider,
					Buyer: o.Buyer, Purpose: o.Purpose, State: string(o.State), PriceModel: string(o.Price.Model), PriceFen: o.Price.Fen,
					AmountFen: o.Amount, Due: o.Due, Reason: o.Reason, ContractID: string(o.ContractID), CallsServed: l.Usage.Served,
					CallsRefused: l.Usage.Refused, DueFen: l.Usage.Due, CreatedAt: o.CreatedAt}
				if l.Contract != nil {
					b.Contract = l.Contract.Status(now)
				}
				out.Body.Items = append(out.Body.Items, b)
			}
			return out, nil
		})
}
