package market

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

func certTarget(c *Certificate) audit.Target {
	return audit.Target{Type: "market_certificate", ID: string(c.ID), Region: string(c.Region)}
}

// RequestCertificate asks for a data asset certificate for one of the
// body's products or catalog resources. The record count and fields are
// read from the asset; the data scope and valuation note are the CDO's.
//
// Returns errs.Forbidden without market.list, errs.NotFound for an asset
// of another body, errs.Invalid with every bad field.
func (s *Service) RequestCertificate(ctx context.Context, by *identity.Caller, in CertificateInput) (*Certificate, error) {
	if err := identity.Authorize(by, identity.PermMarketList, ""); err != nil {
		return nil, err
	}
	in.AssetName, in.Scope, in.ValuationNote = strings.TrimSpace(in.AssetName), strings.TrimSpace(in.Scope), strings.TrimSpace(in.ValuationNote)
	bad := map[string]string{}
	switch {
	case in.Scope == "":
		bad["scope"] = "form.required"
	case tooLong(in.Scope, 1000):
		bad["scope"] = "form.too_long"
	}
	switch {
	case in.ValuationNote == "":
		bad["valuation_note"] = "form.required"
	case tooLong(in.ValuationNote, 1000):
		bad["valuation_note"] = "form.too_long"
	}
	if tooLong(in.AssetName, 100) {
		bad["asset_name"] = "form.too_long"
	}
	c := &Certificate{ID: ids.New(), AssetKind: in.AssetKind, AssetID: in.AssetID, Scope: in.Scope, ValuationNote: in.ValuationNote,
		RequestedBy: by.Name, State: CertRequested, CreatedAt: s.clock()}
	switch in.AssetKind {
	case AssetProduct:
		p, err := s.ownProduct(ctx, by, in.AssetID)
		if err != nil {
			return nil, err
		}
		c.AssetName, c.HolderID, c.Holder, c.Region = p.Name, p.ProviderID, p.Provider, p.Region
		for _, src := range p.Sources {
			c.RecordCount += src.RowCount
			for _, f := range src.Fields {
				c.Fields = append(c.Fields, src.ResourceCode+"."+f.Name)
			}
		}
	case AssetResource:
		mine, _, err := s.data.Mine(ctx, by)
		if err != nil {
			return nil, err
		}
		found := false
		for _, r := range mine {
			if r.ID == in.AssetID && lists(by, r.ProviderID, r.Region) {
				found = true
				c.AssetName, c.HolderID, c.Holder, c.Region, c.RecordCount, c.Fields = r.Name, r.ProviderID, r.Provider, r.Region, r.RowCount, r.FieldNames()
			}
		}
		if !found {
			return nil, errs.E(errs.NotFound, "market.asset.not_found")
		}
	default:
		bad["asset"] = "form.choice"
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	if in.AssetName != "" {
		c.AssetName = in.AssetName
	}
	org, err := s.identity.Organization(ctx, c.HolderID)
	if err != nil {
		return nil, err
	}
	c.HolderUSCC = string(org.USCC)
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateCertificate(ctx, c); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "market.certificate_requested", certTarget(c),
			map[string]any{"asset": c.AssetID, "kind": c.AssetKind, "records": c.RecordCount})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// certifier returns the body by issues certificates for within region r:
// a market.certify grant over a whole province covering r.
func certifier(by *identity.Caller, r region.Code) (identity.Grant, bool) {
	if by.Anonymous() {
		return identity.Grant{}, false
	}
	for _, g := range by.Grants {
		if g.Role.Allows(identity.PermMarketCertify) && len(g.Scope) == 2 && region.Within(r, g.Scope) {
			return g, true
		}
	}
	return identity.Grant{}, false
}

// CanCertify reports whether by issues certificates anywhere.
func CanCertify(by *identity.Caller) bool {
	if by.Anonymous() {
		return false
	}
	for _, g := range by.Grants {
		if g.Role.Allows(identity.PermMarketCertify) && len(g.Scope) == 2 {
			return true
		}
	}
	return false
}

// decidableCert reads a requested certificate for an issuer.
func (s *Service) decidableCert(ctx context.Context, by *identity.Caller, id ids.ID) (*Certificate, identity.Grant, error) {
	if err := identity.Authorize(by, identity.PermMarketCertify, ""); err != nil {
		return nil, identity.Grant{}, err
	}
	c, err := s.store.Certificate(ctx, id)
	if err != nil {
		return nil, identity.Grant{}, err
	}
	g, ok := certifier(by, c.Region)
	if !ok {
		return nil, identity.Grant{}, errs.E(errs.NotFound, "market.certificate.not_found")
	}
	if c.State != CertRequested {
		return nil, identity.Grant{}, errs.E(errs.Conflict, "market.certificate_decided")
	}
	return c, g, nil
}

// IssueCertificate issues a requested certificate: its statement is sealed
// by the issuer body's seal through the Notary.
//
// Returns errs.NotFound unless by holds market.certify over the holder's
// province, errs.Conflict if it is decided or the issuer has no active
// seal ("seal.none_active").
func (s *Service) IssueCertificate(ctx context.Context, by *identity.Caller, id ids.ID) (*Certificate, error) {
	c, g, err := s.decidableCert(ctx, by, id)
	if err != nil {
		return nil, err
	}
	issuer, err := s.identity.Organization(ctx, g.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	c.Number = fmt.Sprintf("GDDA-%d-%s", now.In(shanghai).Year(), strings.ToUpper(string(c.ID)[len(c.ID)-8:]))
	st := &Statement{Type: StatementType, Number: c.Number, Certificate: c.ID, AssetName: c.AssetName, AssetKind: c.AssetKind,
		AssetID: c.AssetID, Holder: c.Holder, HolderUSCC: c.HolderUSCC, HolderRegion: c.Region, Scope: c.Scope,
		RecordCount: c.RecordCount, Fields: c.Fields, ValuationNote: c.ValuationNote, Issuer: issuer.Name, IssuedAt: now}
	c.State, c.DecidedBy, c.DecidedAt = CertIssued, by.Name, now
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		doc, err := s.notary.Seal(ctx, by, issuer.ID, st.Canonical(), "data_asset_certificate", string(c.ID))
		if err != nil {
			return err
		}
		c.Document = doc
		if err := s.store.UpdateCertificate(ctx, c, CertRequested); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "market.certificate_issued", certTarget(c),
			map[string]any{"number": c.Number, "sha256": doc.Hash, "kid": doc.Seal.KID})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// RefuseCertificate refuses a requested certificate with a reason.
func (s *Service) RefuseCertificate(ctx context.Context, by *identity.Caller, id ids.ID, reason string) (*Certificate, error) {
	c, _, err := s.decidableCert(ctx, by, id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || tooLong(reason, 500) {
		return nil, errs.Fields(map[string]string{"reason": "market.reason_required"})
	}
	c.State, c.Reason, c.DecidedBy, c.DecidedAt = CertRefused, reason, by.Name, s.clock()
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateCertificate(ctx, c, CertRequested); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "market.certificate_refused", certTarget(c), map[string]any{"reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CertificateOf returns a certificate: an issued one to anyone (it is
// meant to be shown and verified), a requested or refused one to the
// holder's CDOs and the issuers. errs.NotFound otherwise.
func (s *Service) CertificateOf(ctx context.Context, by *identity.Caller, id ids.ID) (*Certificate, error) {
	c, err := s.store.Certificate(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.State != CertIssued && !lists(by, c.HolderID, c.Region) {
		if _, ok := certifier(by, c.Region); !ok {
			return nil, errs.E(errs.NotFound, "market.certificate.not_found")
		}
	}
	return c, nil
}

// Certificates lists the certificates of the bodies where by holds
// market.list, and for issuers the requests awaiting them.
func (s *Service) Certificates(ctx context.Context, by *identity.Caller) (mine, awaiting []Certificate, err error) {
	if err := identity.Authorize(by, identity.PermMarketList, ""); err != nil {
		return nil, nil, err
	}
	seen := map[ids.ID]bool{}
	for _, g := range by.Grants {
		if !g.Role.Allows(identity.PermMarketList) || seen[g.OrgID] {
			continue
		}
		seen[g.OrgID] = true
		list, err := s.store.Certificates(ctx, g.OrgID, "", 200)
		if err != nil {
			return nil, nil, err
		}
		mine = append(mine, list...)
	}
	if CanCertify(by) {
		list, err := s.store.Certificates(ctx, "", CertRequested, 200)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range list {
			if _, ok := certifier(by, c.Region); ok {
				awaiting = append(awaiting, c)
			}
		}
	}
	return mine, awaiting, nil
}

// Verify checks a sealed document: as stored for a certificate, or as
// someone pasted it.
func (s *Service) Verify(ctx context.Context, d *Sealed) (bool, string, error) {
	if d == nil || d.Format != FormatStatement {
		return false, "market.verify.malformed", nil
	}
	return s.notary.Check(ctx, d)
}

// VerifyContract checks the provider's seal on a contract's text.
func (s *Service) VerifyContract(ctx context.Context, c *Contract) (bool, string, error) {
	return checkSealing(ctx, s.seals, []byte(c.Text), c.TextHash, &c.ProviderSeal)
}

// shanghai is the zone certificate numbers take their year in.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()
