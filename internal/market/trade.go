package market

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

func orderTarget(o *Order) audit.Target {
	return audit.Target{Type: "market_order", ID: string(o.ID), Region: string(o.Region)}
}

func contractTarget(c *Contract) audit.Target {
	return audit.Target{Type: "market_contract", ID: string(c.ID), Region: string(c.Region)}
}

// Order files an order of a published product for the caller's
// enterprise, for one of the purposes the product's policy allows.
//
// Returns errs.Unauthenticated, errs.Forbidden for callers who are not
// enterprise agents, errs.NotFound for an unknown product or a draft,
// errs.Conflict if it is not on the market ("market.not_on_market"),
// errs.Invalid with every bad field.
func (s *Service) Order(ctx context.Context, by *identity.Caller, in OrderInput) (*Order, error) {
	entID, err := buyer(by)
	if err != nil {
		return nil, err
	}
	p, err := s.Product(ctx, by, in.ProductID)
	if err != nil {
		return nil, err
	}
	if p.State != Published {
		return nil, errs.E(errs.Conflict, "market.not_on_market")
	}
	in.Purpose, in.PurposeDetail = strings.TrimSpace(in.Purpose), strings.TrimSpace(in.PurposeDetail)
	bad := map[string]string{}
	if !oneOf(in.Purpose, p.Policy.Purposes) {
		bad["purpose"] = "market.purpose_choose"
	}
	switch {
	case in.PurposeDetail == "":
		bad["purpose_detail"] = "form.required"
	case tooLong(in.PurposeDetail, 1000):
		bad["purpose_detail"] = "form.too_long"
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	ent, err := s.store.Enterprise(ctx, entID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	o := &Order{ID: ids.New(), ProductID: p.ID, ProductName: p.Name, ProviderID: p.ProviderID, Provider: p.Provider, Region: p.Region,
		BuyerID: ent.ID, Buyer: ent.Name, BuyerUSCC: string(ent.USCC), AgentID: by.UserID, AgentName: by.Name,
		Purpose: in.Purpose, PurposeDetail: in.PurposeDetail, Price: p.Price, Amount: p.Amount(), State: OrderPending,
		Due: s.cal.AddWorkdays(now, DecideDays).UTC().Truncate(time.Microsecond), CreatedAt: now}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateOrder(ctx, o); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "market.order_filed", orderTarget(o),
			map[string]any{"product": p.ID, "buyer": ent.ID, "purpose": o.Purpose, "amount_fen": o.Amount})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// OrderOf returns an order to the buyer's agents and the provider's CDOs;
// errs.NotFound for anyone else.
func (s *Service) OrderOf(ctx context.Context, by *identity.Caller, id ids.ID) (*Order, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	o, err := s.store.Order(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !buys(by, o.BuyerID) && !lists(by, o.ProviderID, o.Region) {
		return nil, errs.E(errs.NotFound, "market.order.not_found")
	}
	return o, err
}

// decidable reads a pending order for a CDO of its provider.
func (s *Service) decidable(ctx context.Context, by *identity.Caller, id ids.ID) (*Order, error) {
	if err := identity.Authorize(by, identity.PermMarketList, ""); err != nil {
		return nil, err
	}
	o, err := s.store.Order(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !lists(by, o.ProviderID, o.Region) {
		return nil, errs.E(errs.NotFound, "market.order.not_found")
	}
	if err != nil {
		return nil, err
	}
	if o.State != OrderPending {
		return nil, errs.E(errs.Conflict, "market.order_decided")
	}
	return o, nil
}

// Accept accepts a pending order and concludes its contract: the product's
// terms and usage policy as they are now are frozen into the contract's
// text, which the provider's seal signs. The contract then awaits the
// buyer's confirmation.
//
// Returns errs.NotFound unless by lists for the provider, errs.Conflict if
// the order is decided ("market.order_decided"), the product was withdrawn
// ("market.not_on_market") or the body has no active seal
// ("seal.none_active").
func (s *Service) Accept(ctx context.Context, by *identity.Caller, id ids.ID) (*Order, *Contract, error) {
	o, err := s.decidable(ctx, by, id)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.store.Product(ctx, o.ProductID)
	if err != nil {
		return nil, nil, err
	}
	if p.State != Published {
		return nil, nil, errs.E(errs.Conflict, "market.not_on_market")
	}
	now := s.clock()
	c := &Contract{ID: ids.New(), OrderID: o.ID, ProductID: p.ID, ProductName: p.Name, ProviderID: o.ProviderID, Provider: o.Provider,
		Region: o.Region, BuyerID: o.BuyerID, Buyer: o.Buyer, StartsAt: now, EndsAt: now.AddDate(0, 0, p.PeriodDays),
		State: ContractSigned, CreatedAt: now}
	t := &Terms{Contract: c.ID, Order: o.ID, Provider: o.Provider, ProviderID: o.ProviderID, Buyer: o.Buyer, BuyerUSCC: o.BuyerUSCC,
		Product: p.Name, ProductID: p.ID, Sources: p.Sources, Purpose: o.Purpose, Detail: o.PurposeDetail, Terms: p.Terms,
		Policy: p.Policy, Price: p.Price, Amount: o.Amount, StartsAt: c.StartsAt, EndsAt: c.EndsAt, Jurisdiction: p.Region}
	text := t.Canonical()
	c.Text, c.TextHash = string(text), Hash(text)
	o.State, o.DecidedByID, o.DecidedBy, o.DecidedAt, o.ContractID = OrderAccepted, by.UserID, by.Name, now, c.ID
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		sealing, err := sealWith(ctx, s.seals, by, o.ProviderID, text, "market_contract", string(c.ID))
		if err != nil {
			return err
		}
		c.ProviderSeal = *sealing
		if err := s.store.UpdateOrder(ctx, o, OrderPending); err != nil {
			return err
		}
		if err := s.store.CreateContract(ctx, c); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "market.order_accepted", orderTarget(o),
			map[string]any{"contract": c.ID, "late": now.After(o.Due)}); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "market.contract_sealed", contractTarget(c),
			map[string]any{"order": o.ID, "text_sha256": c.TextHash, "kid": c.ProviderSeal.KID})
	})
	if err != nil {
		return nil, nil, err
	}
	return o, c, nil
}

// Refuse refuses a pending order with a reason.
//
// Returns errs.NotFound unless by lists for the provider, errs.Conflict if
// the order is decided, errs.Invalid without a reason.
func (s *Service) Refuse(ctx context.Context, by *identity.Caller, id ids.ID, reason string) (*Order, error) {
	o, err := s.decidable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, errs.Fields(map[string]string{"reason": "market.reason_required"})
	case tooLong(reason, 500):
		return nil, errs.Fields(map[string]string{"reason": "form.too_long"})
	}
	now := s.clock()
	o.State, o.DecidedByID, o.DecidedBy, o.DecidedAt, o.Reason = OrderRefused, by.UserID, by.Name, now, reason
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateOrder(ctx, o, OrderPending); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "market.order_refused", orderTarget(o), map[string]any{"reason": reason, "late": now.After(o.Due)})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// ContractOf returns a contract to the buyer's agents and the provider's
// CDOs; errs.NotFound for anyone else.
func (s *Service) ContractOf(ctx context.Context, by *identity.Caller, id ids.ID) (*Contract, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	c, err := s.store.Contract(ctx, id)
	if errs.Is(err, errs.NotFound) || err == nil && !buys(by, c.BuyerID) && !lists(by, c.ProviderID, c.Region) {
		return nil, errs.E(errs.NotFound, "market.contract.not_found")
	}
	return c, err
}

// Credential is a system credential for one resource of a contract, shown
// once.
type Credential struct {
	ResourceCode string
	Fields       []string
	Secret       string
}

// Confirm is the buyer's signature: the agent confirms the contract text
// whose hash is textHash (the one the page showed), the contract comes
// into force, and each of its resources becomes an access grant of the
// exchange for the buyer until the contract's end. It returns the
// credentials, shown once.
//
// Returns errs.NotFound unless by is an agent of the buyer, errs.Conflict
// if the contract is not awaiting the buyer ("market.contract_changed")
// or has ended, errs.Invalid if textHash is not the contract's
// ("market.hash_mismatch").
func (s *Service) Confirm(ctx context.Context, by *identity.Caller, id ids.ID, textHash string) (*Contract, []Credential, error) {
	if _, err := buyer(by); err != nil {
		return nil, nil, err
	}
	c, err := s.ContractOf(ctx, by, id)
	if err != nil {
		return nil, nil, err
	}
	if !buys(by, c.BuyerID) {
		return nil, nil, errs.E(errs.NotFound, "market.contract.not_found")
	}
	if c.State != ContractSigned {
		return nil, nil, errs.E(errs.Conflict, "market.contract_changed")
	}
	now := s.clock()
	if !now.Before(c.EndsAt) {
		return nil, nil, errs.E(errs.Conflict, "market.contract_ended")
	}
	if strings.TrimSpace(textHash) != c.TextHash {
		return nil, nil, errs.Fields(map[string]string{"hash": "market.hash_mismatch"})
	}
	t, err := c.Terms()
	if err != nil {
		return nil, nil, err
	}
	c.State, c.BuyerConfirmed, c.BuyerAgent, c.BuyerHash = ContractActive, now, by.Name, c.TextHash
	var creds []Credential
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		c.Deliveries, creds = nil, nil
		for _, src := range t.Sources {
			g, secret, err := s.data.GrantDirect(ctx, by, datashare.DirectGrant{ResourceID: src.ResourceID, ConsumerID: c.BuyerID,
				Consumer: c.Buyer, Fields: src.FieldNames(), ExpiresAt: c.EndsAt, Origin: c.Origin()})
			if err != nil {
				return err
			}
			c.Deliveries = append(c.Deliveries, Delivery{GrantID: g.ID, ResourceCode: g.ResourceCode, Fields: g.Fields})
			creds = append(creds, Credential{ResourceCode: g.ResourceCode, Fields: g.Fields, Secret: secret})
		}
		if err := s.store.UpdateContract(ctx, c, ContractSigned); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "market.contract_confirmed", contractTarget(c),
			map[string]any{"text_sha256": c.TextHash, "grants": len(c.Deliveries), "ends": c.EndsAt})
	})
	if err != nil {
		return nil, nil, err
	}
	return c, creds, nil
}

// Reissue gives the buyer new credentials for an active contract's grants
// and voids the old ones.
//
// Returns errs.NotFound unless by is an agent of the buyer, errs.Conflict
// unless the contract is active and running.
func (s *Service) Reissue(ctx context.Context, by *identity.Caller, id ids.ID) (*Contract, []Credential, error) {
	if _, err := buyer(by); err != nil {
		return nil, nil, err
	}
	c, err := s.ContractOf(ctx, by, id)
	if err != nil {
		return nil, nil, err
	}
	if !buys(by, c.BuyerID) {
		return nil, nil, errs.E(errs.NotFound, "market.contract.not_found")
	}
	if c.Status(s.clock()) != string(ContractActive) {
		return nil, nil, errs.E(errs.Conflict, "market.contract_not_active")
	}
	var creds []Credential
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		creds = nil
		for _, d := range c.Deliveries {
			g, secret, err := s.data.ReissueDirect(ctx, by, d.GrantID, c.Origin())
			if err != nil {
				return err
			}
			creds = append(creds, Credential{ResourceCode: g.ResourceCode, Fields: g.Fields, Secret: secret})
		}
		return s.audit.Record(ctx, by, "market.credentials_reissued", contractTarget(c), map[string]any{"grants": len(c.Deliveries)})
	})
	if err != nil {
		return nil, nil, err
	}
	return c, creds, nil
}

// Terminate ends a contract before its end, with a reason, and revokes its
// grants at once. The provider's CDOs and the buyer's agents may.
//
// Returns errs.NotFound for anyone else, errs.Conflict if it is
// terminated already, errs.Invalid without a reason.
func (s *Service) Terminate(ctx context.Context, by *identity.Caller, id ids.ID, reason string) (*Contract, error) {
	c, err := s.ContractOf(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if c.State == ContractTerminated {
		return nil, errs.E(errs.Conflict, "market.contract_changed")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, errs.Fields(map[string]string{"reason": "market.reason_required"})
	case tooLong(reason, 500):
		return nil, errs.Fields(map[string]string{"reason": "form.too_long"})
	}
	was := c.State
	c.State, c.TerminatedAt, c.TerminatedBy, c.TerminateReason = ContractTerminated, s.clock(), by.Name, reason
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		for _, d := range c.Deliveries {
			if err := s.data.EndDirect(ctx, by, d.GrantID, c.Origin(), "合同终止："+reason); err != nil {
				return err
			}
		}
		if err := s.store.UpdateContract(ctx, c, was); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "market.contract_terminated", contractTarget(c), map[string]any{"reason": reason, "from": was})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Usage is what a contract's calls came to, from the exchange's log.
type Usage struct {
	datashare.CallCount
	Due int64 // fen: the up-front amount, or calls served × price per call
}

// ContractUsage counts the calls under a contract and what they cost.
func (s *Service) ContractUsage(ctx context.Context, c *Contract, price Price, upfront int64) (Usage, error) {
	var grants []ids.ID
	for _, d := range c.Deliveries {
		grants = append(grants, d.GrantID)
	}
	m, err := s.data.GrantCalls(ctx, grants)
	if err != nil {
		return Usage{}, err
	}
	var u Usage
	for _, n := range m {
		u.Served, u.Refused, u.Rows = u.Served+n.Served, u.Refused+n.Refused, u.Rows+n.Rows
	}
	u.Due = upfront
	if price.Model == PerCall {
		u.Due = u.Served * price.Fen
	}
	return u, nil
}

// HistoryLine is one order in an order history, with its contract and
// the calls made under it.
type HistoryLine struct {
	Order    Order
	Contract *Contract
	Usage    Usage
}

// History lists the orders of the caller: an enterprise agent's
// enterprise's orders, or the orders to the bodies where a CDO holds
// market.list, newest first, with state, amounts and calls.
func (s *Service) History(ctx context.Context, by *identity.Caller) ([]HistoryLine, error) {
	var orders []Order
	if e, err := buyer(by); err == nil {
		if orders, err = s.store.Orders(ctx, OrderFilter{BuyerID: e, Limit: 200}); err != nil {
			return nil, err
		}
	} else {
		if err := identity.Authorize(by, identity.PermMarketList, ""); err != nil {
			return nil, err
		}
		seen := map[ids.ID]bool{}
		for _, g := range by.Grants {
			if !g.Role.Allows(identity.PermMarketList) || seen[g.OrgID] {
				continue
			}
			seen[g.OrgID] = true
			list, err := s.store.Orders(ctx, OrderFilter{ProviderID: g.OrgID, Limit: 200})
			if err != nil {
				return nil, err
			}
			for _, o := range list {
				if lists(by, o.ProviderID, o.Region) {
					orders = append(orders, o)
				}
			}
		}
	}
	out := make([]HistoryLine, len(orders))
	for i, o := range orders {
		out[i].Order = o
		if o.ContractID == "" {
			out[i].Usage.Due = 0
			continue
		}
		c, err := s.store.Contract(ctx, o.ContractID)
		if err != nil {
			return nil, err
		}
		out[i].Contract = c
		if out[i].Usage, err = s.ContractUsage(ctx, c, o.Price, o.Amount); err != nil {
			return nil, err
		}
	}
	return out, nil
}
