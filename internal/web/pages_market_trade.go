package web

import (
	"encoding/json"
	"net/http"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// marketFace is the face a market page takes for the caller: staff see it
// in the workbench, enterprises in the portal.
func marketFace(by *identity.Caller) identity.Face {
	if by != nil && by.Kind == identity.KindStaff {
		return identity.FaceWorkbench
	}
	return identity.FacePortal
}

func (s *Server) handleMarketOrder(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	o, err := s.market.Order(r.Context(), caller(r), market.OrderInput{ProductID: ids.ID(r.PathValue("id")),
		Purpose: r.PostFormValue("purpose"), PurposeDetail: r.PostFormValue("purpose_detail")})
	if e := formRefusal(err); e != nil {
		return s.renderMarketProduct(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/market/orders/"+string(o.ID), http.StatusSeeOther)
	return nil
}

// handleMarketOrders is the order history: an enterprise's orders, or the
// orders to a CDO's body, with state, amounts and calls.
func (s *Server) handleMarketOrders(w http.ResponseWriter, r *http.Request) error {
	by := caller(r)
	lines, err := s.market.History(r.Context(), by)
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "market_orders", &page{Title: "market.orders_title", Face: marketFace(by),
		Data: map[string]any{"Lines": lines, "Buyer": by.Kind == identity.KindEnterprise, "Now": s.market.Now()}})
}

// marketOrderView is what an order's page shows.
type marketOrderView struct {
	Order    *market.Order
	Provider bool // the caller decides it
	Overdue  bool
}

func (s *Server) handleMarketOrderPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderMarketOrder(w, r, nil)
}

func (s *Server) renderMarketOrder(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	by := caller(r)
	o, err := s.market.OrderOf(r.Context(), by, ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	v := &marketOrderView{Order: o, Provider: market.Lists(by, o.ProviderID, o.Region), Overdue: o.Overdue(s.market.Now())}
	p := &page{Title: "market.order_title", Face: marketFace(by), Data: v}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "market_order", p)
}

func (s *Server) handleMarketAccept(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, c, err := s.market.Accept(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if e := formRefusal(err); e != nil {
		return s.renderMarketOrder(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/market/contracts/"+string(c.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleMarketRefuse(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	o, err := s.market.Refuse(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("reason"))
	if e := formRefusal(err); e != nil {
		return s.renderMarketOrder(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/market/orders/"+string(o.ID), http.StatusSeeOther)
	return nil
}

// marketContractView is what a contract's page shows.
type marketContractView struct {
	Contract    *market.Contract
	Terms       *market.Terms
	Status      string
	Provider    bool
	Buyer       bool
	SealOK      bool
	SealReason  string
	Usage       market.Usage
	Credentials []market.Credential // shown once, just after confirmation or reissue
}

func (s *Server) handleMarketContract(w http.ResponseWriter, r *http.Request) error {
	return s.renderMarketContract(w, r, nil, nil)
}

func (s *Server) renderMarketContract(w http.ResponseWriter, r *http.Request, creds []market.Credential, refused *errs.Error) error {
	ctx, by := r.Context(), caller(r)
	c, err := s.market.ContractOf(ctx, by, ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	t, err := c.Terms()
	if err != nil {
		return err
	}
	v := &marketContractView{Contract: c, Terms: t, Status: c.Status(s.market.Now()), Provider: market.Lists(by, c.ProviderID, c.Region),
		Buyer: by.Kind == identity.KindEnterprise && by.EnterpriseID == c.BuyerID, Credentials: creds}
	if v.SealOK, v.SealReason, err = s.market.VerifyContract(ctx, c); err != nil {
		return err
	}
	if v.Usage, err = s.market.ContractUsage(ctx, c, t.Price, t.Amount); err != nil {
		return err
	}
	p := &page{Title: "market.contract_title", Face: marketFace(by), Data: v}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	if len(creds) > 0 {
		w.Header().Set("Cache-Control", "no-store")
	}
	return s.rd.render(w, r, "market_contract", p)
}

func (s *Server) handleMarketConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if r.PostFormValue("agree") == "" {
		return s.renderMarketContract(w, r, nil, errs.As(errs.Fields(map[string]string{"agree": "market.agree_required"})))
	}
	_, creds, err := s.market.Confirm(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("hash"))
	if e := formRefusal(err); e != nil {
		return s.renderMarketContract(w, r, nil, e)
	}
	if err != nil {
		return err
	}
	return s.renderMarketContract(w, r, creds, nil)
}

func (s *Server) handleMarketReissue(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, creds, err := s.market.Reissue(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if e := formRefusal(err); e != nil {
		return s.renderMarketContract(w, r, nil, e)
	}
	if err != nil {
		return err
	}
	return s.renderMarketContract(w, r, creds, nil)
}

func (s *Server) handleMarketTerminate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	c, err := s.market.Terminate(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("reason"))
	if e := formRefusal(err); e != nil {
		return s.renderMarketContract(w, r, nil, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/market/contracts/"+string(c.ID), http.StatusSeeOther)
	return nil
}

// marketContractFile is a contract as downloaded: the text as signed, its
// hash, the provider's seal signature and the buyer's confirmation.
type marketContractFile struct {
	Contract       ids.ID          `json:"contract"`
	State          string          `json:"state"`
	Text           json.RawMessage `json:"text"`
	TextSHA256     string          `json:"text_sha256"`
	ProviderSeal   market.Sealing  `json:"provider_seal"`
	BuyerConfirmed any             `json:"buyer_confirmed,omitempty"`
	BuyerHash      string          `json:"buyer_confirmed_sha256,omitempty"`
	Verify         string          `json:"verify"`
}

// handleMarketContractDownload sends the contract as a JSON file whose
// text field holds the signed bytes as they are (a verifier hashes them
// again and checks the signature with the key at /.well-known/jwks.json).
func (s *Server) handleMarketContractDownload(w http.ResponseWriter, r *http.Request) error {
	c, err := s.market.ContractOf(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	f := marketContractFile{Contract: c.ID, State: c.Status(s.market.Now()), Text: json.RawMessage(c.Text), TextSHA256: c.TextHash,
		ProviderSeal: c.ProviderSeal, BuyerHash: c.BuyerHash, Verify: "/.well-known/jwks.json"}
	if !c.BuyerConfirmed.IsZero() {
		f.BuyerConfirmed = map[string]any{"at": c.BuyerConfirmed, "agent": c.BuyerAgent}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="contract-`+string(c.ID)+`.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}
