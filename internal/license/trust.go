package license

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"sort"
	"strings"
	"sync"
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
	// TimestampKeys are the node's timestamp keys: they sign the
	// timestamp tokens its sealed documents carry (sealdoc.Timestamp).
	TimestampKeys []seal.JWK `json:"timestamp_keys,omitempty"`
	// RevokedKeys are its seals' revoked keys, each with revoked_at: no
	// licence they signed verifies, but a document they sealed before
	// revoked_at does, with a timestamp token by a TimestampKeys key.
	RevokedKeys []seal.JWK `json:"revoked_keys,omitempty"`
}

// TrustedKey is a key imported from another node's trust list.
type TrustedKey struct {
	KID        string
	JWK        seal.JWK
	Source     string // the trust list's issuer
	Node       string // the trust list's node URL: its licences' issuer IDs lie under it ("" for keys imported before it was kept)
	ImportedAt time.Time
	ImportedBy string
	RemovedAt  time.Time // non-zero: withdrawn from trust then (source removed, or left out of a newer list)
	RemovedBy  string
	// RevokedAt is when the source revoked the key, as its trust list's
	// revoked_keys says (the key is then withdrawn too): documents it
	// sealed before then verify with the source's timestamp token.
	RevokedAt time.Time
}

// trustListRecheck is how long the signed trust list is served without
// looking at the keys again, when no seal of this process changed.
// Another process's seal change shows within this time.
const trustListRecheck = 30 * time.Second

// cachedTrustList is the node's signed trust list and what it was signed
// over: re-signing happens only when that changes, so fetching the list
// costs no signature, no seal use and no audit entry.
type cachedTrustList struct {
	mu      sync.Mutex
	jws     string
	issued  time.Time
	content [sha256.Size]byte // of the keys, the issuer and the signing key
	gen     uint64            // seal generation when last checked
	checked time.Time
}

// TrustListJWS returns the node's trust list: every active and retired key
// of its seals, signed as a compact JWS (typ TypTrustList) by the 公章 of
// its highest organisation. The signed list is kept and served again
// until its contents change (a seal created, rotated, revoked; another
// organisation's 公章 taking over the signing): only then is it signed
// anew, which is recorded in that seal's use log and the audit log.
func (s *Service) TrustListJWS(ctx context.Context) (string, error) {
	jws, _, err := s.TrustList(ctx)
	return jws, err
}

// TrustList is TrustListJWS with the time the list was signed (for
// Last-Modified).
func (s *Service) TrustList(ctx context.Context) (string, time.Time, error) {
	c := &s.trustList
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.clock()
	gen := s.seals.Generation()
	if c.jws != "" && gen == c.gen && now.Sub(c.checked) < trustListRecheck {
		return c.jws, c.issued, nil
	}
	set, err := s.seals.JWKS(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	orgID, err := s.store.StatusSealOrg(ctx)
	if errs.Is(err, errs.NotFound) {
		return "", time.Time{}, errs.E(errs.Conflict, "seal.none_active")
	}
	if err != nil {
		return "", time.Time{}, err
	}
	org, err := s.people.Organization(ctx, orgID)
	if err != nil {
		return "", time.Time{}, err
	}
	se, err := s.seals.OrgSeal(ctx, orgID)
	if err != nil {
		return "", time.Time{}, err
	}
	sg, err := s.seals.Prepare(ctx, se)
	if err != nil {
		return "", time.Time{}, err
	}
	// The timestamp key is made now if the node has none yet, so that the
	// list names it before the first document is sealed.
	if _, err := s.seals.TimestampSigner(ctx); err != nil {
		return "", time.Time{}, err
	}
	tsKeys, err := s.seals.TimestampKeys(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	revoked, err := s.seals.RevokedKeys(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	issuer := CredIssuer{ID: s.IssuerURL(org.ID), Name: org.Name, USCC: string(org.USCC)}
	content, err := json.Marshal(struct {
		Issuer            CredIssuer
		Keys, TS, Revoked []seal.JWK
		Kid               string
	}{issuer, set.Keys, tsKeys, revoked, sg.KeyID()})
	if err != nil {
		return "", time.Time{}, err
	}
	sum := sha256.Sum256(content)
	if c.jws != "" && sum == c.content {
		c.gen, c.checked = gen, now
		return c.jws, c.issued, nil
	}
	tl := TrustList{Type: "DigigovTrustList", Issuer: issuer, Node: s.base, Issued: timeString(now), Keys: set.Keys,
		TimestampKeys: tsKeys, RevokedKeys: revoked}
	payload, err := json.Marshal(tl)
	if err != nil {
		return "", time.Time{}, err
	}
	input, err := SigningInput(Header{Alg: string(sg.Alg()), Kid: sg.KeyID(), Typ: TypTrustList}, payload)
	if err != nil {
		return "", time.Time{}, err
	}
	sig, err := s.seals.Sign(ctx, audit.System("信任列表"), se.ID, sg.KeyID(), []byte(input), "trust_list", s.base)
	if err != nil {
		return "", time.Time{}, err
	}
	c.jws, c.issued, c.content, c.gen, c.checked = Assemble(input, sig.Sig), now, sum, gen, now
	return c.jws, c.issued, nil
}

// ImportTrustList reads another node's trust list and trusts its keys.
// The list must be signed by one of its own keys (so it arrived whole);
// trusting the file at all is the administrator's decision, which is
// audited. A list of a source imported before (the same issuer name or
// node URL) replaces that source's key set: keys it no longer carries are
// withdrawn, and licences they signed no longer verify. by needs
// seal.manage over a whole province (a 2-digit scope).
//
// Returns the number of keys trusted; errs.Invalid ("trust.invalid") for a
// file that is no signed trust list, errs.Forbidden without the
// permission.
func (s *Service) ImportTrustList(ctx context.Context, by *identity.Caller, text string) (int, error) {
	if err := authorizeTrust(by); err != nil {
		return 0, err
	}
	tl, keys, source, ok := ParseTrustList(text)
	if !ok {
		return 0, errs.Fields(map[string]string{"list": "trust.invalid"})
	}
	bad := errs.Fields(map[string]string{"list": "trust.invalid"})
	// Revoked keys, with when, and timestamp keys: well-formed ones only,
	// never one that is also listed as active (the list contradicts
	// itself: it is refused).
	var revoked []TrustedKey
	for _, j := range tl.RevokedKeys {
		at, err := time.Parse(time.RFC3339Nano, j.RevokedAt)
		if _, _, kerr := j.Key(); kerr != nil || err != nil || j.Kid != j.Thumbprint() {
			continue
		}
		if _, active := keys[j.Kid]; active {
			return 0, bad
		}
		revoked = append(revoked, TrustedKey{KID: j.Kid, JWK: j, RevokedAt: at.UTC()})
	}
	var tsKeys []seal.JWK
	for _, j := range tl.TimestampKeys {
		if _, _, err := j.Key(); err != nil || j.Kid != j.Thumbprint() {
			continue
		}
		if _, active := keys[j.Kid]; active {
			return 0, bad // a seal key is no timestamp key
		}
		tsKeys = append(tsKeys, j)
	}
	if err := s.checkTrustClaims(ctx, by, source, tl); err != nil {
		return 0, err
	}
	now := s.clock()
	n := 0
	var kept []string
	for kid := range keys {
		kept = append(kept, kid)
	}
	sort.Strings(kept)
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		withdrawn, err := s.store.WithdrawTrustedKeys(ctx, source, tl.Node, kept, now, by.Name)
		if err != nil {
			return err
		}
		for _, j := range tl.Keys {
			if _, ok := keys[j.Kid]; !ok {
				continue
			}
			if err := s.store.AddTrustedKey(ctx, &TrustedKey{KID: j.Kid, JWK: j, Source: source, Node: tl.Node, ImportedAt: now, ImportedBy: by.Name}); err != nil {
				return err
			}
			n++
		}
		for _, r := range revoked {
			r.Source, r.Node, r.ImportedAt, r.ImportedBy = source, tl.Node, now, by.Name
			if err := s.store.AddTrustedKey(ctx, &r); err != nil {
				return err
			}
		}
		if err := s.store.SetTrustedTimestampKeys(ctx, source, tl.Node, tsKeys, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "trust_list.imported", audit.Target{Type: "trust_list", ID: tl.Node},
			map[string]any{"source": source, "node": tl.Node, "keys": n, "withdrawn": withdrawn, "issued": tl.Issued,
				"revoked_keys": len(revoked), "timestamp_keys": len(tsKeys)})
	})
	s.trustGen.Add(1)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// ParseTrustList reads a trust list (a compact JWS, typ
// TypTrustList) and checks that it is signed by one of its own keys, so
// that it arrived whole; whether to trust it at all is the caller's
// decision. It returns the list, its keys (malformed keys and keys whose
// kid is not their thumbprint left out) and its source name (the issuer's
// name, else the node URL); ok is false for anything else.
func ParseTrustList(text string) (tl *TrustList, keys KeySet, source string, ok bool) {
	c, reason := ParseCompact(text)
	if reason != ReasonOK || c.Header.Typ != TypTrustList {
		return nil, nil, "", false
	}
	tl = &TrustList{}
	if err := json.Unmarshal(c.Payload, tl); err != nil || tl.Type != "DigigovTrustList" || len(tl.Keys) == 0 {
		return nil, nil, "", false
	}
	keys = KeySet{}
	for _, j := range tl.Keys {
		if alg, pub, err := j.Key(); err == nil && j.Kid == j.Thumbprint() {
			keys[j.Kid] = &KeyInfo{Alg: alg, Public: pub, Org: j.Org, OrgUSCC: j.OrgUSCC}
		}
	}
	k, found := keys[c.Header.Kid]
	if !found || seal.Alg(c.Header.Alg) != k.Alg || !seal.Verify(k.Alg, k.Public, []byte(c.SigningInput), c.Signature) {
		return nil, nil, "", false
	}
	source = strings.TrimSpace(tl.Issuer.Name)
	if source == "" {
		source = tl.Node
	}
	for _, k := range keys {
		k.Source, k.IssuerBase = source, tl.Node
	}
	return tl, keys, source, true
}

// RemoveTrustSource withdraws trust from every key of a source imported
// before (mutual recognition ended): licences they signed are refused from
// then on, with ReasonTrustWithdrawn. The keys are kept, marked, so the
// verifier can say why. by needs what ImportTrustList needs; the removal
// is audited.
//
// Returns the number of keys withdrawn; errs.NotFound ("trust.source_unknown")
// when the source has no trusted key.
func (s *Service) RemoveTrustSource(ctx context.Context, by *identity.Caller, source string) (int, error) {
	if err := authorizeTrust(by); err != nil {
		return 0, err
	}
	source = strings.TrimSpace(source)
	if source == "" {
		return 0, errs.Fields(map[string]string{"source": "form.required"})
	}
	n := 0
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		if n, err = s.store.WithdrawTrustedKeys(ctx, source, "", nil, s.clock(), by.Name); err != nil {
			return err
		}
		if n == 0 {
			return errs.E(errs.NotFound, "trust.source_unknown")
		}
		if err := s.store.WithdrawTrustedTimestampKeys(ctx, source, s.clock()); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "trust_list.removed", audit.Target{Type: "trust_list", ID: source},
			map[string]any{"source": source, "keys": n})
	})
	s.trustGen.Add(1)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// authorizeTrust checks that by may change what the node trusts:
// seal.manage over a whole province (a 2-digit scope).
func authorizeTrust(by *identity.Caller) error {
	if err := identity.Authorize(by, identity.PermSealManage, ""); err != nil {
		return err
	}
	for _, sc := range by.Scopes(identity.PermSealManage) {
		if len(sc) <= 2 {
			return nil
		}
	}
	return errs.E(errs.Forbidden, "trust.province_only")
}

// TrustedKeyInfo returns a key trusted through an imported trust list, as
// verifiers use it (for other packages verifying what such keys sign,
// such as sealed documents). Returns errs.NotFound ("verify.unknown_key")
// for a key never imported and ("verify.trust_withdrawn") for one whose
// trust was withdrawn.
func (s *Service) TrustedKeyInfo(ctx context.Context, kid string) (*KeyInfo, error) {
	tk, err := s.store.TrustedKey(ctx, kid)
	if err != nil {
		return nil, err
	}
	if !tk.RemovedAt.IsZero() {
		return nil, errs.E(errs.NotFound, "verify.trust_withdrawn")
	}
	return trustedKeyInfo(tk)
}

func trustedKeyInfo(tk *TrustedKey) (*KeyInfo, error) {
	alg, pub, err := tk.JWK.Key()
	if err != nil {
		return nil, err
	}
	return &KeyInfo{Alg: alg, Public: pub, Org: tk.JWK.Org, OrgUSCC: tk.JWK.OrgUSCC, Source: tk.Source, IssuerBase: tk.Node,
		Withdrawn: tk.RemovedAt}, nil
}

// TrustSource is one trust list imported here, with its keys.
type TrustSource struct {
	Source, Node string
	Keys         []TrustedKey
	ImportedAt   time.Time
	ImportedBy   string
}

// TrustSources lists the trusted keys grouped by source, for
// administrators holding seal.manage.
func (s *Service) TrustSources(ctx context.Context, by *identity.Caller) ([]TrustSource, error) {
	keys, err := s.TrustedKeys(ctx, by)
	if err != nil {
		return nil, err
	}
	var out []TrustSource
	for _, k := range keys {
		if len(out) == 0 || out[len(out)-1].Source != k.Source {
			out = append(out, TrustSource{Source: k.Source, Node: k.Node})
		}
		ts := &out[len(out)-1]
		ts.Keys = append(ts.Keys, k)
		if k.ImportedAt.After(ts.ImportedAt) {
			ts.ImportedAt, ts.ImportedBy = k.ImportedAt, k.ImportedBy
		}
	}
	return out, nil
}

// TrustedKeys lists the imported keys (for administrators holding
// seal.manage).
func (s *Service) TrustedKeys(ctx context.Context, by *identity.Caller) ([]TrustedKey, error) {
	if err := identity.Authorize(by, identity.PermSealManage, ""); err != nil {
		return nil, err
	}
	return s.store.TrustedKeys(ctx)
}
