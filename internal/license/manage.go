package license

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
)

// holds reports whether by is l's holder (the person, or an agent of the
// enterprise).
func holds(by *identity.Caller, l *License) bool {
	if by.Anonymous() {
		return false
	}
	if l.HolderKind == HolderPerson {
		return by.Kind == identity.KindPerson && by.PersonID == l.HolderID
	}
	return by.Kind == identity.KindEnterprise && by.EnterpriseID == l.HolderID
}

// issuerStaff reports whether by may manage l: license.issue in l's
// issuing organisation over its region.
func issuerStaff(by *identity.Caller, l *License) bool {
	return !by.Anonymous() && by.OrgID == l.IssuerID && identity.Authorize(by, identity.PermLicenseIssue, l.Region) == nil
}

// Get returns a licence to its holder and to the issuing organisation's
// officers; errs.NotFound ("license.not_found") for everyone else.
func (s *Service) Get(ctx context.Context, by *identity.Caller, id ids.ID) (*License, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	l, err := s.store.License(ctx, id)
	if err != nil {
		return nil, err
	}
	if !holds(by, l) && !issuerStaff(by, l) {
		return nil, errs.E(errs.NotFound, "license.not_found")
	}
	return l, nil
}

// Wallet lists the caller's own licences (卡包): a person's, or their
// enterprise's for an agent.
func (s *Service) Wallet(ctx context.Context, by *identity.Caller) ([]License, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	switch by.Kind {
	case identity.KindPerson:
		return s.store.HolderLicenses(ctx, by.PersonID)
	case identity.KindEnterprise:
		return s.store.HolderLicenses(ctx, by.EnterpriseID)
	}
	return nil, nil
}

// Issued lists the licences the caller's organisation issued (for
// officers with license.issue), newest first.
func (s *Service) Issued(ctx context.Context, by *identity.Caller, limit int) ([]License, error) {
	if err := identity.Authorize(by, identity.PermLicenseIssue, ""); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	return s.store.IssuerLicenses(ctx, by.OrgID, limit)
}

// Action is a status change an issuer makes.
type Action string

const (
	ActSuspend   Action = "suspend"
	ActRevoke    Action = "revoke"
	ActReinstate Action = "reinstate"
)

// Act suspends (a valid licence), revokes (a valid or suspended one, for
// ever) or reinstates (a suspended one) a licence, with a reason, and
// publishes licenses.<action>. The status list published by this process
// shows it at its next fetch, by other processes within StatusTTL, and
// behind caches within a minute; the online verifier at once.
//
// Returns errs.NotFound unless by is an officer of the issuer, errs.Invalid
// for a missing reason or unknown action, errs.Conflict
// ("license.wrong_state") when the step does not apply.
func (s *Service) Act(ctx context.Context, by *identity.Caller, id ids.ID, act Action, reason string) (*License, error) {
	l, err := s.store.License(ctx, id)
	if err != nil {
		return nil, err
	}
	if !issuerStaff(by, l) {
		return nil, errs.E(errs.NotFound, "license.not_found")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case act != ActSuspend && act != ActRevoke && act != ActReinstate:
		return nil, errs.Fields(map[string]string{"action": "form.choice"})
	case reason == "":
		return nil, errs.Fields(map[string]string{"reason": "form.required"})
	case len([]rune(reason)) > 500:
		return nil, errs.Fields(map[string]string{"reason": "form.too_long"})
	}
	from := l.State
	switch {
	case act == ActSuspend && l.State == StateValid:
		l.State = StateSuspended
	case act == ActRevoke && l.State != StateRevoked:
		l.State = StateRevoked
	case act == ActReinstate && l.State == StateSuspended:
		l.State = StateValid
	default:
		return nil, errs.E(errs.Conflict, "license.wrong_state")
	}
	now := s.clock()
	l.Reason, l.UpdatedAt = reason, now
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.SetLicenseState(ctx, l, from); err != nil {
			return err
		}
		subject := ""
		if l.HolderKind == HolderPerson {
			subject = string(l.HolderID)
		}
		if err := s.audit.Record(ctx, by, "license."+string(act), audit.Target{Type: "license", ID: string(l.ID),
			Region: string(l.Region), Subject: subject}, map[string]any{"number": l.Number, "reason": reason, "state": l.State}); err != nil {
			return err
		}
		return s.store.AddOutbox(ctx, "licenses."+string(act), event(l), now)
	})
	s.states.Delete([2]int64{l.StatusList, int64(l.StatusIndex)})
	if err != nil {
		return nil, err
	}
	s.staleStatus(l.StatusList)
	return l, nil
}

// IssueForCase issues the licence a completed case's item results in, to
// the case's applicant (the person, or the enterprise for enterprise
// licence types), sealed by the case's authority. It is called by the
// outbox dispatcher for cases.complete events; it does nothing (nil, nil)
// for items whose result is no licence, for cases not approved, and when
// the case issued its licence already (events may come twice). The
// licence's fields hold what the case establishes: its number and the
// decision; officers complete the rest by reissuing if a paper form needs
// more.
func (s *Service) IssueForCase(ctx context.Context, caseID ids.ID) (*License, error) {
	c, _, err := s.store.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	typ, ok := TypeForItem(c.ItemCode)
	if !ok || c.State != cases.Completed || c.Outcome != cases.Approved {
		return nil, nil
	}
	org, err := s.people.Organization(ctx, c.AuthorityID)
	if err != nil {
		return nil, err
	}
	var h *holder
	switch {
	case typ.Holder == HolderEnterprise && c.EnterpriseID != "":
		e, err := s.store.Enterprise(ctx, c.EnterpriseID)
		if err != nil {
			return nil, err
		}
		h = &holder{kind: HolderEnterprise, id: e.ID, name: e.Name}
	case typ.Holder == HolderPerson && c.PersonID != "":
		p, err := s.store.Person(ctx, c.PersonID)
		if err != nil {
			return nil, err
		}
		h = &holder{kind: HolderPerson, id: p.ID, name: p.Name, person: p.ID}
	default:
		return nil, nil
	}
	fields := map[string]string{"case_number": c.Number}
	if d := strings.TrimSpace(c.Decision); d != "" {
		fields["decision"] = d
	}
	l, err := s.issue(ctx, audit.System("证照自动签发"), org, typ, h, fields, time.Time{}, time.Time{}, c.ID)
	if errs.Is(err, errs.Conflict) && errs.As(err).Msg == "license.exists" {
		return nil, nil
	}
	return l, err
}

// Present makes a 亮证 code for the holder: a compact JWS by the issuer's
// seal, valid PresentTTL, that verifies offline. A suspended or revoked
// licence presents nothing.
//
// Returns errs.NotFound unless by holds the licence, errs.Conflict
// ("license.not_presentable") unless it is valid, and the seal's errors
// when the issuer's seal cannot sign now.
func (s *Service) Present(ctx context.Context, by *identity.Caller, id ids.ID) (string, time.Time, error) {
	l, err := s.store.License(ctx, id)
	if err != nil {
		return "", time.Time{}, err
	}
	if !holds(by, l) {
		return "", time.Time{}, errs.E(errs.NotFound, "license.not_found")
	}
	now := s.clock()
	if l.State != StateValid || l.Expired(now) {
		return "", time.Time{}, errs.E(errs.Conflict, "license.not_presentable")
	}
	se, err := s.seals.OrgSeal(ctx, l.IssuerID)
	if err != nil {
		return "", time.Time{}, err
	}
	sg, err := s.seals.Prepare(ctx, se)
	if err != nil {
		return "", time.Time{}, err
	}
	typ := l.TypeInfo()
	exp := now.Add(PresentTTL).Truncate(time.Second)
	p := Presentation{LicenseID: "urn:uuid:" + string(l.ID), Number: l.Number, Type: l.Type, TypeName: typ.Name,
		HolderName: l.HolderName, HolderRef: l.HolderRef, Issuer: s.IssuerURL(l.IssuerID), IssuerName: l.IssuerName,
		ValidFrom: unix(l.ValidFrom), ValidUntil: unix(l.ValidUntil), IssuedAt: now.Unix(), Expires: exp.Unix()}
	for _, purpose := range []string{PurposeRevocation, PurposeSuspension} {
		url := s.StatusURL(l.StatusList, purpose)
		p.Status = append(p.Status, StatusEntry{ID: url + "#" + strconv.Itoa(l.StatusIndex), Type: "BitstringStatusListEntry",
			StatusPurpose: purpose, StatusListIndex: strconv.Itoa(l.StatusIndex), StatusListCredential: url})
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return "", time.Time{}, err
	}
	input, err := SigningInput(Header{Alg: string(sg.Alg()), Kid: sg.KeyID(), Typ: TypPresent}, payload)
	if err != nil {
		return "", time.Time{}, err
	}
	var token string
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		sig, err := s.seals.Sign(ctx, by, se.ID, sg.KeyID(), []byte(input), "present", string(l.ID))
		if err != nil {
			return err
		}
		token = Assemble(input, sig.Sig)
		return s.store.AddLicenseUse(ctx, &Use{ID: ids.New(), LicenseID: l.ID, HolderID: l.HolderID, UserID: string(by.UserID),
			UserName: by.Name, Purpose: "present", At: now})
	})
	return token, exp, err
}

// Uses lists who used the caller's licences, newest first (用证记录).
func (s *Service) Uses(ctx context.Context, by *identity.Caller) ([]Use, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	holder := by.PersonID
	if by.Kind == identity.KindEnterprise {
		holder = by.EnterpriseID
	}
	if holder == "" {
		return nil, nil
	}
	return s.store.LicenseUses(ctx, holder, 200)
}

// keyCacheTTL is how long the node's verifier reuses a key it read: a
// seal's revocation reaches the verifier within this time.
const keyCacheTTL = 5 * time.Second

// nodeKeys finds keys among this node's seals, revoked ones included (they
// verify only with a proof from the audit chain). Parsed keys are cached
// for keyCacheTTL, or until a seal of this process changes.
type nodeKeys struct {
	s     *Service
	seals *seal.Service
	now   func() time.Time
	cache *sync.Map // kid → cachedKey
}

type cachedKey struct {
	k   *KeyInfo
	at  time.Time
	gen uint64
}

func (k nodeKeys) Key(ctx context.Context, kid string) (*KeyInfo, error) {
	now := k.now()
	gen := k.seals.Generation() + k.s.trustGen.Load()<<32
	if v, ok := k.cache.Load(kid); ok && now.Sub(v.(cachedKey).at) < keyCacheTTL && v.(cachedKey).gen == gen {
		return v.(cachedKey).k, nil
	}
	key, se, err := k.seals.KeyInfo(ctx, kid)
	if errs.Is(err, errs.NotFound) {
		// Not ours: perhaps another province's, from a trust list.
		tk, terr := k.s.store.TrustedKey(ctx, kid)
		if terr != nil {
			return nil, terr
		}
		ki, err := trustedKeyInfo(tk)
		if err != nil {
			return nil, err
		}
		k.cache.Store(kid, cachedKey{ki, now, gen})
		return ki, nil
	}
	if err != nil {
		return nil, err
	}
	alg, pub, err := key.Public.Key()
	if err != nil {
		return nil, err
	}
	ki := &KeyInfo{Alg: alg, Public: pub, Org: se.OrgName, OrgUSCC: se.OrgUSCC, RevokedAt: key.RevokedAt, Issuer: k.s.IssuerURL(se.OrgID)}
	k.cache.Store(kid, cachedKey{ki, now, gen})
	return ki, nil
}

// nodeStatuses reads this node's licence states directly, without a cache
// across verifications, so a revocation shows at once. Within one
// verification the state is read once for both entries (revocation and
// suspension point at the same licence).
type nodeStatuses struct {
	s    *Service
	memo map[[2]int64]State
}

func (n *nodeStatuses) StatusBit(ctx context.Context, url string, index int) (bool, error) {
	list, purpose, ok := n.s.parseStatusURL(url)
	if !ok {
		return false, errs.E(errs.NotFound, "license.status_unknown")
	}
	key := [2]int64{list, int64(index)}
	st, seen := n.memo[key]
	if !seen {
		var err error
		st, err = n.s.licenseState(ctx, key)
		if err != nil {
			return false, err
		}
		n.memo[key] = st
	}
	if purpose == PurposeRevocation {
		return st == StateRevoked, nil
	}
	return st == StateSuspended, nil
}

// StatusBitFrom implements SourcedStatuses: this node's lists are read
// directly; another node's are fetched and checked against the keys of
// the trust list source.
func (n *nodeStatuses) StatusBitFrom(ctx context.Context, source, url, purpose string, index int) (bool, error) {
	if _, _, ok := n.s.parseStatusURL(url); ok {
		return n.StatusBit(ctx, url, index)
	}
	return n.s.remote.bit(ctx, source, url, purpose, index)
}

// stateCacheTTL is how long the node's verifier reuses a licence state it
// read. A change made in this process drops the entry at once (Act); one
// made by another instance shows within this time.
const stateCacheTTL = 2 * time.Second

type cachedState struct {
	st State
	at time.Time
}

// licenseState returns the state of the licence at a status entry (valid
// for an entry no licence holds), through the short cache.
func (s *Service) licenseState(ctx context.Context, key [2]int64) (State, error) {
	now := s.now()
	if v, ok := s.states.Load(key); ok && now.Sub(v.(cachedState).at) < stateCacheTTL {
		return v.(cachedState).st, nil
	}
	st, err := s.store.LicenseAt(ctx, key[0], int(key[1]))
	if errs.Is(err, errs.NotFound) {
		st, err = StateValid, nil
	}
	if err != nil {
		return "", err
	}
	s.states.Store(key, cachedState{st, now})
	return st, nil
}

// parseStatusURL splits one of this node's status list URLs.
func (s *Service) parseStatusURL(url string) (int64, string, bool) {
	rest, ok := strings.CutPrefix(url, s.base+"/credentials/status/")
	if !ok {
		return 0, "", false
	}
	return ParseListID(rest)
}

// ParseListID splits a status list's ID ("3-revocation").
func ParseListID(id string) (int64, string, bool) {
	num, purpose, ok := strings.Cut(id, "-")
	if !ok || (purpose != PurposeRevocation && purpose != PurposeSuspension) {
		return 0, "", false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 1 || strconv.FormatInt(n, 10) != num {
		return 0, "", false
	}
	return n, purpose, true
}

// Verifier returns the node's online verifier: this node's seal keys
// (revoked ones with the audit chain's proof) and keys imported from
// trust lists, and this node's licence states read directly.
func (s *Service) Verifier() *Verifier {
	return &Verifier{Keys: nodeKeys{s, s.seals, s.now, &s.keyCache}, Statuses: &nodeStatuses{s, map[[2]int64]State{}}, Prover: s.seals, Now: s.now}
}

// Verify checks a licence JWS or 亮证 code with the node's online verifier
// (see Verifier.Verify). Anyone may verify: it reads nothing that the
// credential does not carry itself.
func (s *Service) Verify(ctx context.Context, text string, qr bool) *Result {
	return s.Verifier().Verify(ctx, text, qr)
}

// IssueAs issues a licence for a trusted caller (demo data, imports): org
// issues a licence of typeKey to the person or enterprise holderID, with
// the fields as given (required ones checked). It is the same issuance as
// Issue without the officer's checks.
func (s *Service) IssueAs(ctx context.Context, actor audit.Actor, orgID ids.ID, typeKey string, holderID ids.ID,
	fields map[string]string, from, until time.Time) (*License, error) {
	typ, ok := TypeByKey(typeKey)
	if !ok {
		return nil, errs.Fields(map[string]string{"type": "form.choice"})
	}
	org, err := s.people.Organization(ctx, orgID)
	if err != nil {
		return nil, err
	}
	fields, fe := checkFields(typ, fields)
	if len(fe) > 0 {
		return nil, errs.Fields(fe)
	}
	h := &holder{kind: typ.Holder, id: holderID}
	if typ.Holder == HolderPerson {
		p, err := s.store.Person(ctx, holderID)
		if err != nil {
			return nil, err
		}
		h.name, h.person = p.Name, p.ID
	} else {
		e, err := s.store.Enterprise(ctx, holderID)
		if err != nil {
			return nil, err
		}
		h.name = e.Name
	}
	return s.issue(ctx, actor, org, typ, h, fields, from, until, "")
}
