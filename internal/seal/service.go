package seal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Store is the persistence seals need. Its methods join the transaction in
// the context, if any.
type Store interface {
	// CreateSeal inserts s; errs.Conflict ("seal.exists") if its
	// organisation has a seal of that kind and name that is not revoked.
	CreateSeal(ctx context.Context, s *Seal) error
	// UpdateSeal writes s's state, reason, key and update time if the
	// stored seal still has fromState and fromKey (what the change was
	// decided on); errs.Conflict ("seal.wrong_state") otherwise.
	UpdateSeal(ctx context.Context, s *Seal, fromState State, fromKey string) error
	// Seal returns a seal; errs.NotFound ("seal.not_found") if absent.
	Seal(ctx context.Context, id ids.ID) (*Seal, error)
	// Seals lists the seals of organisations within one of within (none:
	// no seal), by organisation then kind.
	Seals(ctx context.Context, within []region.Code) ([]Seal, error)
	// OrgSeals lists an organisation's seals, active ones first.
	OrgSeals(ctx context.Context, orgID ids.ID) ([]Seal, error)
	// CreateSealKey inserts k.
	CreateSealKey(ctx context.Context, k *Key) error
	// SealKey returns a key; errs.NotFound ("seal.key_not_found") if absent.
	SealKey(ctx context.Context, kid string) (*Key, error)
	// SealKeys lists a seal's keys, newest first.
	SealKeys(ctx context.Context, sealID ids.ID) ([]Key, error)
	// SetSealKeyState moves a key to st at at (retired_at or revoked_at).
	SetSealKeyState(ctx context.Context, kid string, st KeyState, at time.Time) error
	// PublishedSealKeys lists every active and retired key with its seal.
	PublishedSealKeys(ctx context.Context) ([]PublishedKey, error)
	// AddSealUse inserts u.
	AddSealUse(ctx context.Context, u *Use) error
	// SealUses lists a seal's uses, newest first.
	SealUses(ctx context.Context, sealID ids.ID, limit int) ([]Use, error)
	// SealUsesPage lists up to q.Limit+1 uses matching q, newest first
	// (by time, then ID): of q.SealID, or of the seals whose region lies
	// within one of within when q.SealID is "", with SealTitle filled.
	SealUsesPage(ctx context.Context, within []region.Code, q UseQuery) ([]Use, error)
	// SealUseOf returns the use of key kid on the document with hash
	// docHash; errs.NotFound if there is none.
	SealUseOf(ctx context.Context, kid, docHash string) (*Use, error)
	// AuditEntryOf returns the audit entry about a target (the first, if
	// several); errs.NotFound if none.
	AuditEntryOf(ctx context.Context, targetType, targetID string) (*audit.Entry, error)
	// AuditEntryAt returns the entry at seq; errs.NotFound if none.
	AuditEntryAt(ctx context.Context, seq int64) (*audit.Entry, error)
	// SealCoverage counts the organisations within one of within, and
	// those of them with at least one active seal.
	SealCoverage(ctx context.Context, within []region.Code) (withSeal, total int, err error)
	// AuditHead returns the chain's head.
	AuditHead(ctx context.Context) (seq int64, hash string, err error)
}

// PublishedKey is a key as the node publishes it, with its seal.
type PublishedKey struct {
	Key  Key
	Seal Seal
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Organizations finds organisations (identity.Service).
type Organizations interface {
	Organization(ctx context.Context, id ids.ID) (*identity.Organization, error)
}

// Deps are the Service's collaborators.
type Deps struct {
	Store Store
	Tx    Transactor
	Audit *audit.Service
	Orgs  Organizations
	Keys  *cryptox.Keyring // encrypts private keys at rest (the default Vault's)
	// Vault keeps the private keys; nil means SoftwareVault{Keys}. A
	// hardware security module plugs in here.
	Vault Vault
	Now   func() time.Time
}

// Service keeps seals: their keys, lifecycle and use log.
type Service struct {
	store   Store
	tx      Transactor
	audit   *audit.Service
	orgs    Organizations
	vault   Vault
	now     func() time.Time
	signers sync.Map      // kid → Signer: decrypted keys, so that signing does not open one per use
	gen     atomic.Uint64 // bumped by every lifecycle change in this process (Generation)
	// tsSigner is the node's timestamp key's signer, once opened.
	tsSigner atomic.Pointer[Signer]
}

// Generation changes whenever a seal of this process changes state or key,
// so that caches of keys (the licence verifier's) can drop what they hold
// at once; other processes' changes reach them when their entries expire.
func (s *Service) Generation() uint64 { return s.gen.Load() }

// NewService returns a Service.
func NewService(d Deps) *Service {
	v := d.Vault
	if v == nil {
		v = SoftwareVault{Keys: d.Keys}
	}
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, orgs: d.Orgs, vault: v, now: d.Now}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// keyAD is the associated data binding an encrypted secret to its key.
func target(se *Seal) audit.Target {
	return audit.Target{Type: "seal", ID: string(se.ID), Region: string(se.Region)}
}

// Create makes a seal for an organisation with a fresh key pair. by must
// hold seal.manage over the organisation's region.
//
// Returns errs.NotFound ("seal.org_unknown") if the organisation does not
// exist or lies outside by's scope, errs.Invalid with every bad field,
// errs.Conflict ("seal.exists") if the organisation has a live (active or
// suspended) seal of that kind and name already; a revoked one does not
// count.
func (s *Service) Create(ctx context.Context, by *identity.Caller, in NewSeal) (*Seal, error) {
	if err := identity.Authorize(by, identity.PermSealManage, ""); err != nil {
		return nil, err
	}
	if fe := in.check(); len(fe) > 0 {
		return nil, errs.Fields(fe)
	}
	// An organisation outside by's scope and one that does not exist
	// answer alike (404), so that existence does not leak.
	org, err := s.orgs.Organization(ctx, in.OrgID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.NotFound, "seal.org_unknown")
	}
	if err != nil {
		return nil, err
	}
	if err := identity.Authorize(by, identity.PermSealManage, org.Region); err != nil {
		return nil, errs.E(errs.NotFound, "seal.org_unknown")
	}
	return s.create(ctx, by, org, in)
}

// CreateAs makes a seal for a trusted caller (demo data, the command line).
func (s *Service) CreateAs(ctx context.Context, actor audit.Actor, in NewSeal) (*Seal, error) {
	if fe := in.check(); len(fe) > 0 {
		return nil, errs.Fields(fe)
	}
	org, err := s.orgs.Organization(ctx, in.OrgID)
	if err != nil {
		return nil, err
	}
	return s.create(ctx, actor, org, in)
}

func (s *Service) create(ctx context.Context, actor audit.Actor, org *identity.Organization, in NewSeal) (*Seal, error) {
	now := s.clock()
	se := &Seal{ID: ids.New(), OrgID: org.ID, OrgName: org.Name, OrgUSCC: string(org.USCC), Region: org.Region,
		Kind: in.Kind, Name: in.Name, Alg: in.Alg, State: Active, CreatedAt: now, UpdatedAt: now}
	k, err := s.newKey(se, now)
	if err != nil {
		return nil, err
	}
	se.KeyID = k.KID
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateSeal(ctx, se); err != nil {
			return err
		}
		if err := s.store.CreateSealKey(ctx, k); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, "seal.created", target(se),
			map[string]any{"org": se.OrgID, "kind": se.Kind, "name": se.Name, "alg": se.Alg, "kid": k.KID})
	})
	if err != nil {
		return nil, err
	}
	return se, nil
}

// newKey generates a key for se in the vault.
func (s *Service) newKey(se *Seal, now time.Time) (*Key, error) {
	sg, blob, err := s.vault.Generate(se.Alg)
	if err != nil {
		return nil, err
	}
	jwk, err := PublicJWK(se.Alg, sg.Public())
	if err != nil {
		return nil, err
	}
	jwk.Kid = sg.KeyID()
	s.signers.Store(sg.KeyID(), sg)
	return &Key{KID: sg.KeyID(), SealID: se.ID, Alg: se.Alg, Public: jwk, PrivateEnc: blob,
		State: KeyActive, CreatedAt: now}, nil
}

// Get returns a seal to staff holding seal.manage over its region;
// errs.NotFound for everyone else.
func (s *Service) Get(ctx context.Context, by *identity.Caller, id ids.ID) (*Seal, error) {
	if err := identity.Authorize(by, identity.PermSealManage, ""); err != nil {
		return nil, err
	}
	se, err := s.store.Seal(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := identity.Authorize(by, identity.PermSealManage, se.Region); err != nil {
		return nil, errs.E(errs.NotFound, "seal.not_found")
	}
	return se, nil
}

// List lists the seals within by's seal.manage scopes.
func (s *Service) List(ctx context.Context, by *identity.Caller) ([]Seal, error) {
	if err := identity.Authorize(by, identity.PermSealManage, ""); err != nil {
		return nil, err
	}
	return s.store.Seals(ctx, by.Scopes(identity.PermSealManage))
}

// Keys lists a seal's keys (see Get for who may).
func (s *Service) Keys(ctx context.Context, by *identity.Caller, id ids.ID) ([]Key, error) {
	if _, err := s.Get(ctx, by, id); err != nil {
		return nil, err
	}
	return s.store.SealKeys(ctx, id)
}

// Uses lists a seal's use log, newest first (see Get for who may).
func (s *Service) Uses(ctx context.Context, by *identity.Caller, id ids.ID, limit int) ([]Use, error) {
	if _, err := s.Get(ctx, by, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	return s.store.SealUses(ctx, id, limit)
}

// Action is a lifecycle step.
type Action string

const (
	ActSuspend Action = "suspend"
	ActResume  Action = "resume"
	ActRevoke  Action = "revoke"
	ActRotate  Action = "rotate"
)

// Act applies a lifecycle step to a seal: suspend (an active seal, with a
// reason), resume (a suspended one), revoke (an active or suspended one,
// with a reason; for ever: its keys are withdrawn from the JWKS and it
// signs nothing again), rotate (an active seal gets a new key; the old one
// is retired: still published, so what it signed still verifies).
//
// Returns errs.NotFound as Get does, errs.Invalid ("reason") for a missing
// reason or an unknown action, errs.Conflict ("seal.wrong_state") when the step
// does not apply to the seal's state.
func (s *Service) Act(ctx context.Context, by *identity.Caller, id ids.ID, act Action, reason string) (*Seal, error) {
	se, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if (act == ActSuspend || act == ActRevoke) && reason == "" {
		return nil, errs.Fields(map[string]string{"reason": "form.required"})
	}
	if len([]rune(reason)) > 500 {
		return nil, errs.Fields(map[string]string{"reason": "form.too_long"})
	}
	now := s.clock()
	old, oldState := se.KeyID, se.State
	var newKey *Key
	switch {
	case act == ActSuspend && se.State == Active:
		se.State = Suspended
	case act == ActResume && se.State == Suspended:
		se.State = Active
	case act == ActRevoke && se.State != Revoked:
		se.State = Revoked
	case act == ActRotate && se.State == Active:
		if newKey, err = s.newKey(se, now); err != nil {
			return nil, err
		}
		se.KeyID = newKey.KID
	case act != ActSuspend && act != ActResume && act != ActRevoke && act != ActRotate:
		return nil, errs.Fields(map[string]string{"action": "form.choice"})
	default:
		return nil, errs.E(errs.Conflict, "seal.wrong_state")
	}
	if act != ActRotate {
		se.Reason = reason
	}
	se.UpdatedAt = now
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateSeal(ctx, se, oldState, old); err != nil {
			return err
		}
		detail := map[string]any{"reason": reason, "state": se.State}
		switch act {
		case ActRotate:
			if err := s.store.CreateSealKey(ctx, newKey); err != nil {
				return err
			}
			if err := s.store.SetSealKeyState(ctx, old, KeyRetired, now); err != nil {
				return err
			}
			detail["retired_kid"], detail["kid"] = old, newKey.KID
		case ActRevoke:
			keys, err := s.store.SealKeys(ctx, se.ID)
			if err != nil {
				return err
			}
			for _, k := range keys {
				if err := s.store.SetSealKeyState(ctx, k.KID, KeyRevoked, now); err != nil {
					return err
				}
			}
		}
		return s.audit.Record(ctx, by, "seal."+string(act), target(se), detail)
	})
	if err != nil {
		return nil, err
	}
	s.gen.Add(1)
	return se, nil
}

// OrgSeal returns the seal an organisation signs with: its active
// 业务专用章 if it has one, else its active 公章. Returns errs.Conflict
// ("seal.none_active") if it has no active seal.
func (s *Service) OrgSeal(ctx context.Context, orgID ids.ID) (*Seal, error) {
	list, err := s.store.OrgSeals(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var official *Seal
	for i := range list {
		if list[i].State != Active {
			continue
		}
		if list[i].Kind == Business {
			return &list[i], nil
		}
		if official == nil {
			official = &list[i]
		}
	}
	if official == nil {
		return nil, errs.E(errs.Conflict, "seal.none_active")
	}
	return official, nil
}

// OrgSealFor returns the seal an organisation seals a kind of document
// with: its active 业务专用章 named one of names if it has one (a decision
// takes the 行政审批专用章), else its active 公章. Returns errs.Conflict
// ("seal.none_active") if it has neither.
func (s *Service) OrgSealFor(ctx context.Context, orgID ids.ID, names ...string) (*Seal, error) {
	list, err := s.store.OrgSeals(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var official *Seal
	for i := range list {
		se := &list[i]
		if se.State != Active {
			continue
		}
		if se.Kind == Business && slices.Contains(names, se.Name) {
			return se, nil
		}
		if se.Kind == Official && official == nil {
			official = se
		}
	}
	if official == nil {
		return nil, errs.E(errs.Conflict, "seal.none_active")
	}
	return official, nil
}

// Signature is what Sign returns.
type Signature struct {
	KID   string
	Alg   Alg
	Sig   []byte
	UseID ids.ID
	At    time.Time
}

// Prepare returns the signer of a seal's current key, for a caller that
// builds the document around the key (a JWS header names kid and alg)
// before Sign. Returns errs.Conflict ("seal.not_active") unless the seal is
// active.
func (s *Service) Prepare(ctx context.Context, se *Seal) (Signer, error) {
	if se.State != Active {
		return nil, errs.E(errs.Conflict, "seal.not_active")
	}
	return s.signer(ctx, se.KeyID)
}

// signer returns the Signer of kid, opening its secret once.
func (s *Service) signer(ctx context.Context, kid string) (Signer, error) {
	if v, ok := s.signers.Load(kid); ok {
		return v.(Signer), nil
	}
	k, err := s.store.SealKey(ctx, kid)
	if err != nil {
		return nil, err
	}
	sg, err := s.vault.Open(k.Alg, kid, k.PrivateEnc)
	if err != nil {
		return nil, err
	}
	if err := checkOpened(sg, kid); err != nil {
		return nil, err
	}
	s.signers.Store(kid, sg)
	return sg, nil
}

// Sign seals msg with seal sealID's current key on behalf of actor and
// records the use (see Record). The caller has checked that actor may use
// the seal.
func (s *Service) Sign(ctx context.Context, actor audit.Actor, sealID ids.ID, kid string, msg []byte, purpose, ref string) (*Signature, error) {
	sg, err := s.signer(ctx, kid)
	if err != nil {
		return nil, err
	}
	sig, err := sg.Sign(msg)
	if err != nil {
		return nil, err
	}
	u, err := s.Record(ctx, actor, sealID, kid, msg, purpose, ref)
	if err != nil {
		return nil, err
	}
	return &Signature{KID: kid, Alg: sg.Alg(), Sig: sig, UseID: u.ID, At: u.At}, nil
}

// Record writes the use of seal sealID's key kid on msg, signed with the
// Signer from Prepare, to the use log (用印记录) with its audit entry, in
// the transaction ctx carries: the audit chain then proves when the seal
// was used. It re-reads the seal in that transaction, so a signature made
// while the seal was suspended, revoked or rotated meanwhile is refused
// and must be thrown away. Signing outside the transaction keeps the
// writer free while the CPU signs.
//
// Returns errs.Conflict ("seal.not_active") unless the seal is active,
// ("seal.key_changed") unless kid is still its current key, errs.NotFound
// if it does not exist.
func (s *Service) Record(ctx context.Context, actor audit.Actor, sealID ids.ID, kid string, msg []byte, purpose, ref string) (*Use, error) {
	var u *Use
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		se, err := s.store.Seal(ctx, sealID)
		if err != nil {
			return err
		}
		if se.State != Active {
			return errs.E(errs.Conflict, "seal.not_active")
		}
		if kid != se.KeyID {
			return errs.E(errs.Conflict, "seal.key_changed")
		}
		sum := sha256.Sum256(msg)
		aid, aname := actor.AuditActor()
		u = &Use{ID: ids.New(), SealID: se.ID, KID: kid, ActorID: aid, ActorName: aname, DocHash: hex.EncodeToString(sum[:]),
			Purpose: purpose, Ref: ref, At: s.clock()}
		if err := s.store.AddSealUse(ctx, u); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, "seal.used", audit.Target{Type: "seal_use", ID: string(u.ID), Region: string(se.Region)},
			map[string]any{"seal": se.ID, "kid": kid, "doc_sha256": u.DocHash, "purpose": purpose, "ref": ref})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// JWKS returns every active and retired key of the node's seals, with the
// organisation and seal each belongs to. Revoked seals' keys are left out:
// a standard verifier must not accept them.
func (s *Service) JWKS(ctx context.Context) (JWKS, error) {
	list, err := s.store.PublishedSealKeys(ctx)
	if err != nil {
		return JWKS{}, err
	}
	out := JWKS{Keys: make([]JWK, 0, len(list))}
	for _, p := range list {
		j := p.Key.Public
		j.Kid, j.Org, j.OrgUSCC, j.SealID, j.SealName, j.Status = p.Key.KID, p.Seal.OrgName, p.Seal.OrgUSCC, string(p.Seal.ID), p.Seal.Title(), string(p.Key.State)
		out.Keys = append(out.Keys, j)
	}
	return out, nil
}

// KeyInfo returns a key of this node, revoked ones included, with its
// seal, for verification; errs.NotFound ("seal.key_not_found") if the node
// has no such key.
func (s *Service) KeyInfo(ctx context.Context, kid string) (*Key, *Seal, error) {
	k, err := s.store.SealKey(ctx, kid)
	if err != nil {
		return nil, nil, err
	}
	se, err := s.store.Seal(ctx, k.SealID)
	if err != nil {
		return nil, nil, err
	}
	return k, se, nil
}

// ProveSigned returns when key kid signed the document whose signed bytes
// hash to docSHA256 (hex), as the audit chain proves it: the use log names
// the use, its audit entry must carry that key and hash, its own hash must
// match its contents, and the next entry (or the head) must link to it, so
// the entry cannot have been written in later without breaking the chain.
//
// Returns errs.NotFound ("seal.use_unproven") when no proof exists.
func (s *Service) ProveSigned(ctx context.Context, kid, docSHA256 string) (time.Time, error) {
	unproven := errs.E(errs.NotFound, "seal.use_unproven")
	u, err := s.store.SealUseOf(ctx, kid, docSHA256)
	if errs.Is(err, errs.NotFound) {
		return time.Time{}, unproven
	}
	if err != nil {
		return time.Time{}, err
	}
	e, err := s.store.AuditEntryOf(ctx, "seal_use", string(u.ID))
	if errs.Is(err, errs.NotFound) {
		return time.Time{}, unproven
	}
	if err != nil {
		return time.Time{}, err
	}
	if e.Action != "seal.used" || e.ComputeHash() != e.Hash ||
		!strings.Contains(e.Detail, `"doc_sha256":"`+docSHA256+`"`) || !strings.Contains(e.Detail, `"kid":"`+kid+`"`) {
		return time.Time{}, unproven
	}
	next, err := s.store.AuditEntryAt(ctx, e.Seq+1)
	switch {
	case err == nil:
		if next.PrevHash != e.Hash {
			return time.Time{}, unproven
		}
	case errs.Is(err, errs.NotFound):
		seq, hash, err := s.store.AuditHead(ctx)
		if err != nil {
			return time.Time{}, err
		}
		if seq != e.Seq || hash != e.Hash {
			return time.Time{}, unproven
		}
	default:
		return time.Time{}, err
	}
	return e.At, nil
}

// Public returns a seal's public particulars (name, organisation, image)
// to anyone: they are printed on what it seals. errs.NotFound if absent.
func (s *Service) Public(ctx context.Context, id ids.ID) (*Seal, error) {
	return s.store.Seal(ctx, id)
}

// Coverage is e-seal coverage (电子印章覆盖率): of the bodies within the
// caller's seal.manage scopes, how many have an active seal.
type Coverage struct {
	WithSeal, Total int
}

// Rate is WithSeal / Total, 0 without bodies.
func (c Coverage) Rate() float64 {
	if c.Total == 0 {
		return 0
	}
	return float64(c.WithSeal) / float64(c.Total)
}

// Coverage counts e-seal coverage within by's seal.manage scopes.
func (s *Service) Coverage(ctx context.Context, by *identity.Caller) (Coverage, error) {
	if err := identity.Authorize(by, identity.PermSealManage, ""); err != nil {
		return Coverage{}, err
	}
	w, t, err := s.store.SealCoverage(ctx, by.Scopes(identity.PermSealManage))
	return Coverage{WithSeal: w, Total: t}, err
}
