package license

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
)

// TrustList is what a node publishes for mutual recognition (证照互认): its
// issuers' seal keys, signed by the node. Another province's administrator
// imports the file; from then on licences sealed with those keys verify
// there.
type TrustList struct {
	Type   string     `json:"type"` // "DigigovTrustList"
	Issuer CredIssuer `json:"issuer"`
	Node   string     `json:"node"` // the node's public URL
	Issued string     `json:"issued"`
	Keys   []seal.JWK `json:"keys"`
}

// TrustedKey is a key imported from another node's trust list.
type TrustedKey struct {
	KID        string
	JWK        seal.JWK
	Source     string // the trust list's issuer
	ImportedAt time.Time
	ImportedBy string
	// WithdrawnAt is set when a later import of the same source's list
	// no longer carried the key: its seal was revoked there. What it
	// signed verifies as signed by a revoked seal (this node cannot
	// prove when).
	WithdrawnAt time.Time
}

// TrustListJWS returns the node's trust list: every active and retired key
// of its seals, signed as a compact JWS (typ TypTrustList) by the 公章 of
// its highest organisation.
func (s *Service) TrustListJWS(ctx context.Context) (string, error) {
	set, err := s.seals.JWKS(ctx)
	if err != nil {
		return "", err
	}
	orgID, err := s.store.StatusSealOrg(ctx)
	if errs.Is(err, errs.NotFound) {
		return "", errs.E(errs.Conflict, "seal.none_active")
	}
	if err != nil {
		return "", err
	}
	org, err := s.people.Organization(ctx, orgID)
	if err != nil {
		return "", err
	}
	se, err := s.seals.OrgSeal(ctx, orgID)
	if err != nil {
		return "", err
	}
	sg, err := s.seals.Prepare(ctx, se)
	if err != nil {
		return "", err
	}
	tl := TrustList{Type: "DigigovTrustList", Issuer: CredIssuer{ID: s.IssuerURL(org.ID), Name: org.Name, USCC: string(org.USCC)},
		Node: s.base, Issued: timeString(s.clock()), Keys: set.Keys}
	payload, err := json.Marshal(tl)
	if err != nil {
		return "", err
	}
	input, err := SigningInput(Header{Alg: string(sg.Alg()), Kid: sg.KeyID(), Typ: TypTrustList}, payload)
	if err != nil {
		return "", err
	}
	sig, err := s.seals.Sign(ctx, audit.System("信任列表"), se.ID, sg.KeyID(), []byte(input), "trust_list", s.base)
	if err != nil {
		return "", err
	}
	return Assemble(input, sig.Sig), nil
}

// ImportTrustList reads another node's trust list and trusts its keys.
// Keys an earlier list of the same source carried and this one does not
// (their seals were revoked there) are marked withdrawn, in the same
// transaction.
// The list must be signed by one of its own keys (so it arrived whole);
// trusting the file at all is the administrator's decision, which is
// audited. by needs seal.manage over a whole province (a 2-digit scope).
//
// Returns the number of keys trusted; errs.Invalid ("trust.invalid") for a
// file that is no signed trust list, errs.Forbidden without the
// permission.
func (s *Service) ImportTrustList(ctx context.Context, by *identity.Caller, text string) (int, error) {
	if err := identity.Authorize(by, identity.PermSealManage, ""); err != nil {
		return 0, err
	}
	province := false
	for _, sc := range by.Scopes(identity.PermSealManage) {
		province = province || len(sc) <= 2
	}
	if !province {
		return 0, errs.E(errs.Forbidden, "trust.province_only")
	}
	bad := errs.Fields(map[string]string{"list": "trust.invalid"})
	c, reason := ParseCompact(text)
	if reason != ReasonOK || c.Header.Typ != TypTrustList {
		return 0, bad
	}
	var tl TrustList
	if err := json.Unmarshal(c.Payload, &tl); err != nil || tl.Type != "DigigovTrustList" || len(tl.Keys) == 0 {
		return 0, bad
	}
	keys := KeySet{}
	for _, j := range tl.Keys {
		if alg, pub, err := j.Key(); err == nil && j.Kid == j.Thumbprint() {
			keys[j.Kid] = &KeyInfo{Alg: alg, Public: pub}
		}
	}
	k, ok := keys[c.Header.Kid]
	if !ok || seal.Alg(c.Header.Alg) != k.Alg || !seal.Verify(k.Alg, k.Public, []byte(c.SigningInput), c.Signature) {
		return 0, bad
	}
	source := strings.TrimSpace(tl.Issuer.Name)
	if source == "" {
		source = tl.Node
	}
	now := s.clock()
	n := 0
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		for _, j := range tl.Keys {
			if _, ok := keys[j.Kid]; !ok {
				continue
			}
			if err := s.store.AddTrustedKey(ctx, &TrustedKey{KID: j.Kid, JWK: j, Source: source, ImportedAt: now, ImportedBy: by.Name}); err != nil {
				return err
			}
			n++
		}
		withdrawn, err := s.store.WithdrawTrustedKeys(ctx, source, slices.Collect(maps.Keys(keys)), now)
		if err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "trust_list.imported", audit.Target{Type: "trust_list", ID: tl.Node},
			map[string]any{"source": source, "node": tl.Node, "keys": n, "withdrawn": withdrawn})
	})
	if err != nil {
		return 0, err
	}
	s.trustGen.Add(1)
	return n, nil
}

// TrustedKeys lists the imported keys (for administrators holding
// seal.manage).
func (s *Service) TrustedKeys(ctx context.Context, by *identity.Caller) ([]TrustedKey, error) {
	if err := identity.Authorize(by, identity.PermSealManage, ""); err != nil {
		return nil, err
	}
	return s.store.TrustedKeys(ctx)
}
