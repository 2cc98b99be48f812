package license

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
)

// Store is the persistence licences need. Its methods join the transaction
// in the context, if any.
type Store interface {
	// NextStatusEntries hands out up to want consecutive entries of the
	// newest status list, starting a new list (of size entries) when it is
	// full: the list's number, the first entry's ordinal (0-based) and how
	// many were handed out (at least 1, fewer at the end of a list).
	NextStatusEntries(ctx context.Context, size, want int, now time.Time) (list int64, first int64, got int, err error)
	// RecordStatusReservation records that a process reserved count
	// entries of list from first under id, in ctx's transaction: the row
	// lives and dies with the reservation.
	RecordStatusReservation(ctx context.Context, id string, list, first int64, count int, now time.Time) error
	// StatusReservationHeld reports whether the reservation id is visible
	// to ctx (committed, or made in ctx's own transaction).
	StatusReservationHeld(ctx context.Context, id string) (bool, error)
	// PruneStatusReservations deletes the reservations whose every entry
	// went to a licence, and those made before before; it returns how
	// many (see Service.PruneStatusReservations).
	PruneStatusReservations(ctx context.Context, before time.Time) (int64, error)
	// StatusListExists reports whether list has been started.
	StatusListExists(ctx context.Context, list int64) (bool, error)
	// CreateLicense inserts l; errs.Conflict ("license.exists") for a
	// number the issuer used already or a case that issued this type.
	CreateLicense(ctx context.Context, l *License) error
	// License returns a licence; errs.NotFound ("license.not_found").
	License(ctx context.Context, id ids.ID) (*License, error)
	// SetLicenseState writes l's state, reason and update time if the
	// stored state is still from (the one the change was decided on);
	// errs.Conflict ("license.wrong_state") if someone changed it first.
	SetLicenseState(ctx context.Context, l *License, from State) error
	// LicenseRef returns the reference stored for a licence ("" if none);
	// SetLicenseRef stores ref unless one is stored already and returns
	// the one stored.
	LicenseRef(ctx context.Context, id ids.ID) (string, error)
	SetLicenseRef(ctx context.Context, id ids.ID, ref string) (string, error)
	// HolderLicenses lists a holder's licences, newest first.
	HolderLicenses(ctx context.Context, holderID ids.ID) ([]License, error)
	// IssuerLicenses lists an issuer's licences, newest first.
	IssuerLicenses(ctx context.Context, issuerID ids.ID, limit int) ([]License, error)
	// StatusIndexes lists the indexes of list's licences in state st.
	StatusIndexes(ctx context.Context, list int64, st State) ([]int, error)
	// LicenseAt returns the state of the licence at an entry; errs.NotFound
	// if no licence holds it.
	LicenseAt(ctx context.Context, list int64, index int) (State, error)
	// StatusSealOrg returns the organisation whose 公章 signs status lists:
	// of those with an active 公章, the highest in the region tree, the
	// oldest first. errs.NotFound if none.
	StatusSealOrg(ctx context.Context) (ids.ID, error)
	Person(ctx context.Context, id ids.ID) (*identity.PersonRecord, error)
	Enterprise(ctx context.Context, id ids.ID) (*identity.Enterprise, error)
	// LicenseEnterpriseByUSCC finds an enterprise; errs.NotFound if none.
	LicenseEnterpriseByUSCC(ctx context.Context, uscc string) (*identity.Enterprise, error)
	Case(ctx context.Context, id ids.ID) (*cases.Case, []byte, error)
	// AddLicenseUse records a use; LicenseUses lists a holder's, newest first.
	AddLicenseUse(ctx context.Context, u *Use) error
	LicenseUses(ctx context.Context, holderID ids.ID, limit int) ([]Use, error)
	// AddOutbox records an event for delivery after commit.
	AddOutbox(ctx context.Context, topic string, payload any, at time.Time) error
	// AddTrustedKey stores (or replaces) an imported key; TrustedKey finds
	// one (errs.NotFound if absent); TrustedKeys lists them by source.
	AddTrustedKey(ctx context.Context, k *TrustedKey) error
	TrustedKey(ctx context.Context, kid string) (*TrustedKey, error)
	TrustedKeys(ctx context.Context) ([]TrustedKey, error)
	// WithdrawTrustedKeys marks withdrawn (at, by) the keys not yet
	// withdrawn of a trust list source, found by its name or, when node is
	// not "", its node URL, except those in keep; it returns how many.
	// TrustedKey still finds a withdrawn key (RemovedAt set); TrustedKeys
	// leaves them out; AddTrustedKey trusts one again.
	WithdrawTrustedKeys(ctx context.Context, source, node string, keep []string, at time.Time, by string) (int, error)
	// SetTrustedTimestampKeys makes keys the timestamp keys trusted from
	// a source (by its name or node URL), withdrawing the others;
	// WithdrawTrustedTimestampKeys withdraws all of a source's.
	SetTrustedTimestampKeys(ctx context.Context, source, node string, keys []seal.JWK, at time.Time) error
	WithdrawTrustedTimestampKeys(ctx context.Context, source string, at time.Time) error
	// AddLicenseGrant stores a grant; CaseLicenseGrants lists a case's
	// (the newest of each licence, revoked ones left out); LicenseGrant
	// returns one (errs.NotFound if absent); HolderLicenseGrants lists a
	// holder's, newest first, with the licence's number and type and the
	// case's number and authority.
	AddLicenseGrant(ctx context.Context, g *Grant) error
	CaseLicenseGrants(ctx context.Context, caseID ids.ID) ([]Grant, error)
	LicenseGrant(ctx context.Context, id ids.ID) (*Grant, error)
	HolderLicenseGrants(ctx context.Context, holderID ids.ID, limit int) ([]Grant, error)
	// RevokeLicenseGrant sets a grant's revocation time if it has none;
	// errs.Conflict ("license.grant_not_active") if it has.
	RevokeLicenseGrant(ctx context.Context, id ids.ID, at time.Time) error
	// AddLicenseAccess records a reading under a legal basis;
	// CaseLicenseAccesses lists those of a case by an organisation, the
	// newest of each licence.
	AddLicenseAccess(ctx context.Context, a *Access) error
	CaseLicenseAccesses(ctx context.Context, caseID, orgID ids.ID) ([]Access, error)
	// LicenseUseRates counts, per group (item, authority, city or county)
	// of the submitted cases decided within one of within of the items
	// named in mats, those cases and those where every material of the
	// item in mats has an unrevoked grant for the case, recorded for that
	// material, of a licence of one of the material's types; most cases
	// first, in one query. Key is the group's key, Name the item's or
	// authority's name ("" for regions).
	LicenseUseRates(ctx context.Context, mats []UseRateMaterial, within []region.Code, by cases.Grouping) ([]UseRate, error)
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// People finds holders and organisations (identity.Service).
type People interface {
	FindPerson(ctx context.Context, by *identity.Caller, idNumber, purpose string) (*identity.Person, error)
	Organization(ctx context.Context, id ids.ID) (*identity.Organization, error)
}

// Deps are the Service's collaborators.
type Deps struct {
	Store   Store
	Tx      Transactor
	Audit   *audit.Service
	Seals   *seal.Service
	People  People
	Cases   CaseReader       // for grants: the holder's cases, the officer's reads
	Items   Items            // the service catalog, for 用证率
	Keys    *cryptox.Keyring // the holder reference's key
	BaseURL string           // public URL of the node: issuer and status list IDs live under it
	Font    string           // TrueType font or collection with Chinese glyphs, for PDFs ("" for the compiled-in font)
	// Documents seals and keeps licence PDFs (PDFDocument); nil: none.
	Documents *sealdoc.Service
	// HTTP fetches other nodes' status lists (证照互认); nil: a client
	// with a five-second timeout.
	HTTP *http.Client
	Now  func() time.Time
}

// Service issues, manages and verifies licences.
type Service struct {
	store     Store
	tx        Transactor
	audit     *audit.Service
	seals     *seal.Service
	people    People
	cases     CaseReader
	items     Items
	keys      *cryptox.Keyring
	base      string
	now       func() time.Time
	lists     sync.Map        // list URL → *cachedList: signed status list credentials
	keyCache  sync.Map        // kid → cachedKey: the online verifier's parsed keys
	states    sync.Map        // [list, index] → cachedState: the online verifier's licence states
	entries   entryPool       // status entries reserved by this process
	trustGen  atomic.Uint64   // bumped by every trust list import or removal here
	trustList cachedTrustList // the node's own signed trust list
	font      string
	remote    *remoteStatuses  // other nodes' status lists
	docs      *sealdoc.Service // licence PDFs as sealed documents
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	s := &Service{store: d.Store, tx: d.Tx, audit: d.Audit, seals: d.Seals, people: d.People, cases: d.Cases, items: d.Items, keys: d.Keys,
		base: strings.TrimRight(d.BaseURL, "/"), now: d.Now, font: d.Font, docs: d.Documents}
	s.remote = newRemoteStatuses(d.HTTP, s.store.TrustedKey, d.Now)
	return s
}

// FontFile is the font file PDFs are set in; "" is the compiled-in font
// (sealdoc.LoadFont).
func (s *Service) FontFile() string { return s.font }

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// IssuerURL is an organisation's issuer ID.
// BaseURL is the node's public URL the credentials' URLs start with.
func (s *Service) BaseURL() string { return s.base }

func (s *Service) IssuerURL(orgID ids.ID) string { return s.base + "/issuers/" + string(orgID) }

// StatusURL is a status list credential's URL.
func (s *Service) StatusURL(list int64, purpose string) string {
	return fmt.Sprintf("%s/credentials/status/%d-%s", s.base, list, purpose)
}

// holderRef names a holder in credentials: a keyed hash of their internal
// ID, so the credential never carries the ID number, and nobody without
// the node key can link it to one.
func (s *Service) holderRef(id ids.ID) string {
	return "urn:digigov:holder:" + s.keys.BlindIndex("license_holder", string(id))
}

// IssueInput is what an issuing officer gives.
type IssueInput struct {
	Type       string
	HolderID   string            // 公民身份号码 for a person's licence, 统一社会信用代码 for an enterprise's
	Fields     map[string]string // the type's fields
	ValidFrom  time.Time         // zero: now
	ValidUntil time.Time         // zero: the type's term from ValidFrom (长期 for types without one)
}

// holder is who a licence is issued to.
type holder struct {
	kind   HolderKind
	id     ids.ID
	name   string
	person ids.ID // for the audit entry's subject
}

// Issue issues a licence of in.Type, sealed with the seal of the officer's
// organisation, and publishes licenses.issued. The officer needs
// license.issue over their organisation's region, and the organisation
// must be of the type's department (a 结婚证 comes from 民政). Looking a
// person up by ID number is audited as a read of their data.
//
// Returns errs.Invalid with every bad field, errs.Forbidden when the
// organisation may not issue the type, errs.NotFound when the holder is
// unknown, errs.Conflict ("seal.none_active") without an active seal.
func (s *Service) Issue(ctx context.Context, by *identity.Caller, in IssueInput) (*License, error) {
	if err := identity.Authorize(by, identity.PermLicenseIssue, ""); err != nil {
		return nil, err
	}
	org, err := s.people.Organization(ctx, by.OrgID)
	if err != nil {
		return nil, err
	}
	if err := identity.Authorize(by, identity.PermLicenseIssue, org.Region); err != nil {
		return nil, errs.E(errs.Forbidden, "license.not_issuer")
	}
	typ, ok := TypeByKey(in.Type)
	if !ok {
		return nil, errs.Fields(map[string]string{"type": "form.choice"})
	}
	if org.Department != typ.Department {
		return nil, errs.WithArgs(errs.Forbidden, "license.wrong_department", errs.Key("license.type."+typ.Key))
	}
	fields, fe := checkFields(typ, in.Fields)
	h, err := s.findHolder(ctx, by, typ, strings.TrimSpace(in.HolderID), fe)
	if len(fe) > 0 {
		return nil, errs.Fields(fe)
	}
	if err != nil {
		return nil, err
	}
	return s.issue(ctx, by, org, typ, h, fields, in.ValidFrom, in.ValidUntil, "")
}

// findHolder resolves the holder's number; bad numbers go into fe.
func (s *Service) findHolder(ctx context.Context, by *identity.Caller, typ Type, number string, fe map[string]string) (*holder, error) {
	if number == "" {
		fe["holder"] = "form.required"
		return nil, nil
	}
	if typ.Holder == HolderPerson {
		p, err := s.people.FindPerson(ctx, by, number, "签发电子证照："+typ.Name)
		if e := errs.As(err); e != nil && e.Code == errs.Invalid {
			fe["holder"] = "license.holder_id_invalid"
			return nil, nil
		}
		if errs.Is(err, errs.NotFound) {
			return nil, errs.E(errs.NotFound, "license.holder_unknown")
		}
		if err != nil {
			return nil, err
		}
		return &holder{kind: HolderPerson, id: p.ID, name: p.Name, person: p.ID}, nil
	}
	u, err := identity.ParseUSCC(number)
	if err != nil {
		fe["holder"] = "license.holder_uscc_invalid"
		return nil, nil
	}
	e, err := s.store.LicenseEnterpriseByUSCC(ctx, string(u))
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.NotFound, "license.holder_unknown")
	}
	if err != nil {
		return nil, err
	}
	return &holder{kind: HolderEnterprise, id: e.ID, name: e.Name}, nil
}

// checkFields keeps the type's fields, trimmed, and reports missing
// required ones, over-long ones and unknown ones.
func checkFields(typ Type, in map[string]string) (map[string]string, map[string]string) {
	out, fe := map[string]string{}, map[string]string{}
	known := map[string]bool{}
	for _, f := range typ.Fields {
		known[f.Name] = true
		v := strings.TrimSpace(in[f.Name])
		switch {
		case v == "" && f.Required:
			fe["field_"+f.Name] = "form.required"
		case utf8.RuneCountInString(v) > 200:
			fe["field_"+f.Name] = "form.too_long"
		case v != "":
			out[f.Name] = v
		}
	}
	for k := range in {
		if !known[k] {
			fe["field_"+k] = "license.field_unknown"
		}
	}
	return out, fe
}

// issue signs and stores a licence. It runs in one transaction: the status
// entry, the signature with its seal use and audit entry, the licence, its
// own audit entry and the outbox event commit together or not at all.
func (s *Service) issue(ctx context.Context, actor audit.Actor, org *identity.Organization, typ Type, h *holder,
	fields map[string]string, from, until time.Time, caseID ids.ID) (*License, error) {
	se, err := s.seals.OrgSeal(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	sg, err := s.seals.Prepare(ctx, se)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	if from.IsZero() {
		from = now
	}
	from = from.UTC().Truncate(time.Second)
	if until.IsZero() && typ.ValidYears > 0 {
		until = from.AddDate(typ.ValidYears, 0, 0)
	}
	until = until.UTC().Truncate(time.Second)
	if !until.IsZero() && !until.After(from) {
		return nil, errs.Fields(map[string]string{"valid_until": "license.until_before_from"})
	}
	_, aname := actor.AuditActor()
	l := &License{ID: ids.New(), IssuerID: org.ID, IssuerName: org.Name, Region: org.Region, Type: typ.Key,
		HolderKind: h.kind, HolderID: h.id, HolderRef: s.holderRef(h.id), HolderName: h.name, Fields: fields,
		ValidFrom: from, ValidUntil: until, State: StateValid, SealID: se.ID, KID: sg.KeyID(), CaseID: caseID,
		IssuedBy: aname, IssuedAt: now, UpdatedAt: now}
	// The status entry (and with it the number) first, from a block this
	// process reserved; then the signature outside any transaction, so
	// that signing uses every core while the single writer commits; then
	// everything the issuance records, in one transaction. Entries of
	// failed issuances, or left in a block when the process stops, stay
	// unused: harmless, their bits stay 0.
	list, n, err := s.entries.take(ctx, s, now)
	if err != nil {
		return nil, err
	}
	l.StatusList, l.StatusIndex = list, listIndex(n)
	l.Number = fmt.Sprintf("%s%s%d%09d", typ.Code, (string(org.Region) + "000000")[:6], from.In(shanghai).Year(), (list-1)*ListSize+n+1)
	payload, err := s.credential(l, typ, org).marshal()
	if err != nil {
		return nil, err
	}
	input, err := SigningInput(Header{Alg: string(sg.Alg()), Kid: sg.KeyID(), Typ: TypCredential}, payload)
	if err != nil {
		return nil, err
	}
	sig, err := sg.Sign([]byte(input))
	if err != nil {
		return nil, err
	}
	l.JWS = Assemble(input, sig)
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if _, err := s.seals.Record(ctx, actor, se.ID, sg.KeyID(), []byte(input), "license", string(l.ID)); err != nil {
			return err
		}
		if err := s.store.CreateLicense(ctx, l); err != nil {
			return err
		}
		t := audit.Target{Type: "license", ID: string(l.ID), Region: string(l.Region), Subject: string(h.person)}
		if err := s.audit.Record(ctx, actor, "license.issued", t,
			map[string]any{"number": l.Number, "type": l.Type, "kid": l.KID, "case": l.CaseID}); err != nil {
			return err
		}
		return s.store.AddOutbox(ctx, "licenses.issued", event(l), now)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func event(l *License) map[string]any {
	return map[string]any{"license_id": l.ID, "number": l.Number, "type": l.Type, "issuer": l.IssuerID,
		"holder": l.HolderID, "state": l.State, "case_id": l.CaseID}
}

// shanghai is the zone licence years are counted in.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// credential builds l's credential.
func (s *Service) credential(l *License, typ Type, org *identity.Organization) Credential {
	subject := map[string]any{"id": l.HolderRef, "name": l.HolderName, "licenseType": typ.Key, "licenseNumber": l.Number}
	if l.HolderKind == HolderPerson {
		subject["type"] = "Person"
	} else {
		subject["type"] = "Organization"
	}
	for k, v := range l.Fields {
		subject[k] = v
	}
	entry := func(purpose string) StatusEntry {
		url := s.StatusURL(l.StatusList, purpose)
		return StatusEntry{ID: url + "#" + strconv.Itoa(l.StatusIndex), Type: "BitstringStatusListEntry", StatusPurpose: purpose,
			StatusListIndex: strconv.Itoa(l.StatusIndex), StatusListCredential: url}
	}
	return Credential{
		Context:          []any{ContextV2, map[string]any{"@vocab": s.base + "/ns/licenses#"}},
		ID:               "urn:uuid:" + string(l.ID),
		Type:             []string{"VerifiableCredential", LicenseVCType, typ.VCType},
		Name:             typ.Name,
		Issuer:           CredIssuer{ID: s.IssuerURL(org.ID), Name: org.Name, USCC: string(org.USCC)},
		ValidFrom:        timeString(l.ValidFrom),
		ValidUntil:       timeString(l.ValidUntil),
		Subject:          subject,
		CredentialStatus: []StatusEntry{entry(PurposeRevocation), entry(PurposeSuspension)},
	}
}

// entryBlock is how many status entries a process reserves at once, so
// that an issuance does not commit a transaction of its own for its entry.
const entryBlock = 64

// entryPool hands out the status entries a process reserved. The database
// is the authority: a block is reserved (status_lists' counter moved, a
// status_reservations row written) in the context of the issuance that
// needed it, which may be a caller's transaction that later rolls back
// (an issuing handler failing, or the outbox dispatcher rolling back a
// batch's savepoint). Then the counter moves back and the same entries
// would be reserved again. So before handing out an entry the pool checks
// that its block's row is visible to the caller's context: committed, or
// written in the caller's own transaction, in which case the licence
// commits or rolls back together with it (a rollback to a savepoint taken
// before the reservation also undoes everything written after it). A block
// that is gone is dropped and a new one reserved. The licences' UNIQUE
// (status_list, status_index) turns any remaining reuse into an error.
type entryPool struct {
	mu    sync.Mutex
	token string // the block's status_reservations id; "" when empty
	list  int64
	next  int64
	left  int
}

// take returns one entry, reserving a new block when the pool is empty or
// its block was rolled back.
func (p *entryPool) take(ctx context.Context, s *Service, now time.Time) (int64, int64, error) {
	p.mu.Lock()
	token, list, n, ok := p.token, p.list, p.next, p.left > 0
	if ok {
		p.next++
		p.left--
	}
	p.mu.Unlock()
	if ok {
		held, err := s.store.StatusReservationHeld(ctx, token)
		if err != nil {
			return 0, 0, err
		}
		if held {
			return list, n, nil
		}
		p.drop(token)
	}
	// The pool's lock is not held here: on PostgreSQL the reservation may
	// wait for another transaction's row lock, and that transaction may
	// itself be asking the pool for an entry.
	token = ids.New().String()
	var first int64
	var got int
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		list, first, got, err = s.store.NextStatusEntries(ctx, ListSize, entryBlock, now)
		if err != nil {
			return err
		}
		return s.store.RecordStatusReservation(ctx, token, list, first, got, now)
	})
	if err != nil {
		return 0, 0, err
	}
	p.mu.Lock()
	p.token, p.list, p.next, p.left = token, list, first+1, got-1
	p.mu.Unlock()
	return list, first, nil
}

// drop empties the pool if it still holds the block token.
func (p *entryPool) drop(token string) {
	p.mu.Lock()
	if p.token == token {
		p.token, p.left = "", 0
	}
	p.mu.Unlock()
}
