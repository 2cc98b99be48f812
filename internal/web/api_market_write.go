package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// The market's write API: the same service calls, and so the same checks,
// as the pages. Bad input is a 422 with one entry per field, what the
// caller may not see is a 404, and credentials are in the answer of the
// call that made them only.

// MarketSourceInput names the fields a product offers from one of the
// body's catalog resources.
type MarketSourceInput struct {
	ResourceID string   `json:"resource_id,omitempty" doc:"a catalog resource of the CDO's body"`
	Fields     []string `json:"fields,omitempty" doc:"the names of the fields offered"`
}

// MarketProductInput is a product as created or edited.
type MarketProductInput struct {
	Name          string              `json:"name,omitempty"`
	Description   string              `json:"description,omitempty"`
	Theme         string              `json:"theme,omitempty" doc:"an open-data theme"`
	Sources       []MarketSourceInput `json:"sources,omitempty"`
	Terms         string              `json:"terms,omitempty"`
	Purposes      []string            `json:"purposes,omitempty" doc:"the purposes the data may be used for"`
	NoResale      bool                `json:"no_resale,omitempty"`
	NoOnward      bool                `json:"no_onward_transfer,omitempty"`
	RetentionDays int                 `json:"retention_days,omitempty"`
	Regions       []string            `json:"regions,omitempty" doc:"region codes where the data may be stored and processed"`
	PriceModel    string              `json:"price_model,omitempty" doc:"free, per_call or subscription"`
	PriceFen      int64               `json:"price_fen,omitempty" doc:"fen per call or per month; ignored when free"`
	PeriodDays    int                 `json:"period_days,omitempty"`
}

func (b *MarketProductInput) input() market.ProductInput {
	in := market.ProductInput{Name: b.Name, Description: b.Description, Theme: b.Theme, Terms: b.Terms, Fields: map[ids.ID][]string{},
		Price: market.Price{Model: market.PriceModel(b.PriceModel), Fen: b.PriceFen}, PeriodDays: b.PeriodDays,
		Policy: market.Policy{Purposes: b.Purposes, NoResale: b.NoResale, NoOnward: b.NoOnward, RetentionDays: b.RetentionDays}}
	for _, s := range b.Sources {
		in.Fields[ids.ID(s.ResourceID)] = append(in.Fields[ids.ID(s.ResourceID)], s.Fields...)
	}
	for _, r := range b.Regions {
		in.Policy.Regions = append(in.Policy.Regions, region.Code(r))
	}
	return in
}

// MarketProductEdit is an edit: the product as the editor saw it (its
// version) and what it becomes.
type MarketProductEdit struct {
	Version string `json:"version,omitempty" doc:"the product's version as read (GET gives it); 409 if it changed meanwhile"`
	MarketProductInput
}

func marketWritten(p *market.Product) marketProductBody { return marketProductBodyOf(p) }

// MarketOrderInput is an order.
type MarketOrderInput struct {
	Purpose       string `json:"purpose,omitempty" doc:"one of the product's purposes"`
	PurposeDetail string `json:"purpose_detail,omitempty"`
}

// MarketOrderWritten is an order after a change.
type MarketOrderWritten struct {
	ID         string    `json:"id"`
	ProductID  string    `json:"product_id"`
	State      string    `json:"state" enum:"pending,accepted,refused"`
	Purpose    string    `json:"purpose"`
	AmountFen  int64     `json:"amount_fen"`
	Due        time.Time `json:"due"`
	Reason     string    `json:"reason,omitempty"`
	ContractID string    `json:"contract_id,omitempty"`
}

func marketOrderWritten(o *market.Order) MarketOrderWritten {
	return MarketOrderWritten{ID: string(o.ID), ProductID: string(o.ProductID), State: string(o.State), Purpose: o.Purpose,
		AmountFen: o.Amount, Due: o.Due, Reason: o.Reason, ContractID: string(o.ContractID)}
}

// MarketContractBody is a contract.
type MarketContractBody struct {
	ID        string    `json:"id"`
	OrderID   string    `json:"order_id"`
	ProductID string    `json:"product_id"`
	Provider  string    `json:"provider"`
	Buyer     string    `json:"buyer"`
	Status    string    `json:"status" doc:"provider_signed, active, expired or terminated"`
	Text      string    `json:"text" doc:"the canonical contract text, as sealed by the provider"`
	TextHash  string    `json:"text_hash" doc:"SHA-256 of text, hex; confirming names it"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Reason    string    `json:"terminate_reason,omitempty"`
}

func (s *Server) marketContractBody(c *market.Contract) MarketContractBody {
	return MarketContractBody{ID: string(c.ID), OrderID: string(c.OrderID), ProductID: string(c.ProductID), Provider: c.Provider,
		Buyer: c.Buyer, Status: c.Status(s.market.Now()), Text: c.Text, TextHash: c.TextHash, StartsAt: c.StartsAt, EndsAt: c.EndsAt,
		Reason: c.TerminateReason}
}

// MarketCredential is a system credential of the exchange, shown once.
type MarketCredential struct {
	ResourceCode string   `json:"resource_code"`
	Fields       []string `json:"fields"`
	Secret       string   `json:"secret" doc:"shown in this answer only: keep it"`
}

// MarketContractWithCredentials is a contract and the credentials the call
// made.
type MarketContractWithCredentials struct {
	Contract    MarketContractBody `json:"contract"`
	Credentials []MarketCredential `json:"credentials"`
}

func (s *Server) marketCredentials(c *market.Contract, cs []market.Credential) MarketContractWithCredentials {
	out := MarketContractWithCredentials{Contract: s.marketContractBody(c), Credentials: make([]MarketCredential, 0, len(cs))}
	for _, x := range cs {
		out.Credentials = append(out.Credentials, MarketCredential{ResourceCode: x.ResourceCode, Fields: x.Fields, Secret: x.Secret})
	}
	return out
}

// MarketReason is a refusal's or a termination's reason.
type MarketReason struct {
	Reason string `json:"reason,omitempty"`
}

// MarketConfirmInput is the buyer's signature.
type MarketConfirmInput struct {
	TextHash string `json:"text_hash,omitempty" doc:"the SHA-256 of the contract text the buyer read"`
}

// MarketCertificateInput asks for a data asset certificate.
type MarketCertificateInput struct {
	AssetKind     string `json:"asset_kind,omitempty" doc:"product or resource"`
	AssetID       string `json:"asset_id,omitempty"`
	AssetName     string `json:"asset_name,omitempty"`
	Scope         string `json:"data_scope,omitempty"`
	ValuationNote string `json:"valuation_note,omitempty"`
}

// MarketCertificateBody is a data asset certificate.
type MarketCertificateBody struct {
	ID        string `json:"id"`
	Number    string `json:"number,omitempty"`
	AssetKind string `json:"asset_kind"`
	AssetID   string `json:"asset_id"`
	AssetName string `json:"asset_name"`
	Holder    string `json:"holder"`
	State     string `json:"state"`
	Reason    string `json:"reason,omitempty"`
	Download  string `json:"download,omitempty" doc:"the sealed document, once issued"`
}

func marketCertificateBody(c *market.Certificate) MarketCertificateBody {
	b := MarketCertificateBody{ID: string(c.ID), Number: c.Number, AssetKind: c.AssetKind, AssetID: string(c.AssetID),
		AssetName: c.AssetName, Holder: c.Holder, State: string(c.State), Reason: c.Reason}
	if c.Document != nil {
		b.Download = "/market/certificates/" + string(c.ID) + "/download"
	}
	return b
}

func (s *Server) registerMarketWriteAPI(api huma.API) {
	tags := []string{"market"}
	type idIn struct {
		ID string `path:"id"`
	}
	type productIn struct {
		Body MarketProductInput
	}
	type productOut struct{ Body marketProductBody }
	huma.Register(api, huma.Operation{OperationID: "create-market-product", Method: http.MethodPost, Path: "/api/v1/market/products",
		DefaultStatus: http.StatusCreated, Summary: "List a data product (a draft)", Tags: tags, Security: bearer,
		Description: "A CDO (market.list) lists a product of their body, built on its catalog resources; it starts as a draft."},
		func(ctx context.Context, in *productIn) (*productOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			p, err := s.market.List(ctx, by, in.Body.input())
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &productOut{Body: marketWritten(p)}, nil
		})
	type editIn struct {
		ID   string `path:"id"`
		Body MarketProductEdit
	}
	huma.Register(api, huma.Operation{OperationID: "edit-market-product", Method: http.MethodPut, Path: "/api/v1/market/products/{id}",
		Summary: "Edit a draft or withdrawn product", Tags: tags, Security: bearer,
		Description: "409 if the product changed since the version given, or if it is published (withdraw it first)."},
		func(ctx context.Context, in *editIn) (*productOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			v, ok := market.ParseVersion(in.Body.Version)
			if !ok {
				return nil, s.problem(ctx, errs.Fields(map[string]string{"version": "market.version_bad"}))
			}
			p, err := s.market.Edit(ctx, by, ids.ID(in.ID), v, in.Body.input())
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &productOut{Body: marketWritten(p)}, nil
		})
	for _, a := range []struct {
		op, path, summary string
		act               func(ctx context.Context, by *identity.Caller, id ids.ID) (*market.Product, error)
	}{
		{"publish-market-product", "publish", "Put a product on the market", s.market.Publish},
		{"withdraw-market-product", "withdraw", "Take a product off the market", s.market.Withdraw},
	} {
		huma.Register(api, huma.Operation{OperationID: a.op, Method: http.MethodPost, Path: "/api/v1/market/products/{id}/" + a.path,
			Summary: a.summary, Tags: tags, Security: bearer},
			func(ctx context.Context, in *idIn) (*productOut, error) {
				by, err := s.apiCaller(ctx)
				if err != nil {
					return nil, err
				}
				p, err := a.act(ctx, by, ids.ID(in.ID))
				if err != nil {
					return nil, s.problem(ctx, err)
				}
				return &productOut{Body: marketWritten(p)}, nil
			})
	}
	type orderIn struct {
		ID   string `path:"id"`
		Body MarketOrderInput
	}
	type orderOut struct{ Body MarketOrderWritten }
	huma.Register(api, huma.Operation{OperationID: "order-market-product", Method: http.MethodPost, Path: "/api/v1/market/products/{id}/orders",
		DefaultStatus: http.StatusCreated, Summary: "Order a data product", Tags: tags, Security: bearer,
		Description: "An enterprise's agent orders a published product for one of its purposes; the provider answers within ten working days."},
		func(ctx context.Context, in *orderIn) (*orderOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			o, err := s.market.Order(ctx, by, market.OrderInput{ProductID: ids.ID(in.ID), Purpose: in.Body.Purpose,
				PurposeDetail: in.Body.PurposeDetail})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &orderOut{Body: marketOrderWritten(o)}, nil
		})
	type acceptOut struct {
		Body struct {
			Order    MarketOrderWritten `json:"order"`
			Contract MarketContractBody `json:"contract"`
		}
	}
	huma.Register(api, huma.Operation{OperationID: "accept-market-order", Method: http.MethodPost, Path: "/api/v1/market/orders/{id}/accept",
		Summary: "Accept an order", Tags: tags, Security: bearer,
		Description: "The provider's CDO accepts: the contract text is sealed with the body's seal and awaits the buyer's confirmation."},
		func(ctx context.Context, in *idIn) (*acceptOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			o, c, err := s.market.Accept(ctx, by, ids.ID(in.ID))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &acceptOut{}
			out.Body.Order, out.Body.Contract = marketOrderWritten(o), s.marketContractBody(c)
			return out, nil
		})
	type reasonIn struct {
		ID   string `path:"id"`
		Body MarketReason
	}
	huma.Register(api, huma.Operation{OperationID: "refuse-market-order", Method: http.MethodPost, Path: "/api/v1/market/orders/{id}/refuse",
		Summary: "Refuse an order, with a reason", Tags: tags, Security: bearer},
		func(ctx context.Context, in *reasonIn) (*orderOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			o, err := s.market.Refuse(ctx, by, ids.ID(in.ID), in.Body.Reason)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &orderOut{Body: marketOrderWritten(o)}, nil
		})
	type contractOut struct{ Body MarketContractBody }
	huma.Register(api, huma.Operation{OperationID: "get-market-contract", Method: http.MethodGet, Path: "/api/v1/market/contracts/{id}",
		Summary: "One contract", Tags: tags, Security: bearer, Description: "For the provider's CDOs and the buyer's agents; 404 for anyone else."},
		func(ctx context.Context, in *idIn) (*contractOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			c, err := s.market.ContractOf(ctx, by, ids.ID(in.ID))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &contractOut{Body: s.marketContractBody(c)}, nil
		})
	type confirmIn struct {
		ID   string `path:"id"`
		Body MarketConfirmInput
	}
	type credsOut struct{ Body MarketContractWithCredentials }
	huma.Register(api, huma.Operation{OperationID: "confirm-market-contract", Method: http.MethodPost, Path: "/api/v1/market/contracts/{id}/confirm",
		Summary: "Confirm (sign) a contract", Tags: tags, Security: bearer,
		Description: "The buyer's agent confirms the text whose SHA-256 is text_hash; the contract comes into force and the exchange credentials are in this answer, once."},
		func(ctx context.Context, in *confirmIn) (*credsOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			c, cs, err := s.market.Confirm(ctx, by, ids.ID(in.ID), in.Body.TextHash)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &credsOut{Body: s.marketCredentials(c, cs)}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "reissue-market-credentials", Method: http.MethodPost, Path: "/api/v1/market/contracts/{id}/credentials",
		Summary: "Reissue a contract's credentials", Tags: tags, Security: bearer,
		Description: "The buyer's agent replaces the credentials (the old ones stop working); the new ones are in this answer, once."},
		func(ctx context.Context, in *idIn) (*credsOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			c, cs, err := s.market.Reissue(ctx, by, ids.ID(in.ID))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &credsOut{Body: s.marketCredentials(c, cs)}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "terminate-market-contract", Method: http.MethodPost, Path: "/api/v1/market/contracts/{id}/terminate",
		Summary: "Terminate a contract, with a reason", Tags: tags, Security: bearer,
		Description: "Either party ends the contract early; its access grants are revoked."},
		func(ctx context.Context, in *reasonIn) (*contractOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			c, err := s.market.Terminate(ctx, by, ids.ID(in.ID), in.Body.Reason)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &contractOut{Body: s.marketContractBody(c)}, nil
		})
	type certIn struct {
		Body MarketCertificateInput
	}
	type certOut struct{ Body MarketCertificateBody }
	huma.Register(api, huma.Operation{OperationID: "request-market-certificate", Method: http.MethodPost, Path: "/api/v1/market/certificates",
		DefaultStatus: http.StatusCreated, Summary: "Ask for a data asset certificate (公共数据资产凭证)", Tags: tags, Security: bearer},
		func(ctx context.Context, in *certIn) (*certOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			c, err := s.market.RequestCertificate(ctx, by, market.CertificateInput{AssetKind: in.Body.AssetKind, AssetID: ids.ID(in.Body.AssetID),
				AssetName: in.Body.AssetName, Scope: in.Body.Scope, ValuationNote: in.Body.ValuationNote})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &certOut{Body: marketCertificateBody(c)}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "issue-market-certificate", Method: http.MethodPost, Path: "/api/v1/market/certificates/{id}/issue",
		Summary: "Issue a data asset certificate as a sealed document", Tags: tags, Security: bearer},
		func(ctx context.Context, in *idIn) (*certOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			c, err := s.market.IssueCertificate(ctx, by, ids.ID(in.ID))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &certOut{Body: marketCertificateBody(c)}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "refuse-market-certificate", Method: http.MethodPost, Path: "/api/v1/market/certificates/{id}/refuse",
		Summary: "Refuse a data asset certificate, with a reason", Tags: tags, Security: bearer},
		func(ctx context.Context, in *reasonIn) (*certOut, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			c, err := s.market.RefuseCertificate(ctx, by, ids.ID(in.ID), in.Body.Reason)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &certOut{Body: marketCertificateBody(c)}, nil
		})
}
