package license

import (
	"context"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
)

// StatusTTL is how long a signed status list is reused: by this node's
// cache and, through Cache-Control, by verifiers'. A revocation shows in
// the published list within two of them, under a minute.
const StatusTTL = 25 * time.Second

// cachedList is a signed status list credential and when it was made.
type cachedList struct {
	mu   sync.Mutex
	jws  string
	made time.Time
}

// StatusList returns the signed credential of a status list ("3-revocation"):
// a BitstringStatusListCredential of ListSize entries, GZIP and base64url,
// as a compact JWS by the 公章 of the node's highest organisation. It is
// rebuilt from the licences' states when older than StatusTTL; building
// it signs, so it is recorded in that seal's use log like any signature.
//
// Returns errs.NotFound ("license.status_unknown") for a list that does
// not exist.
func (s *Service) StatusList(ctx context.Context, id string) (string, time.Time, error) {
	list, purpose, ok := ParseListID(id)
	if !ok {
		return "", time.Time{}, errs.E(errs.NotFound, "license.status_unknown")
	}
	v, _ := s.lists.LoadOrStore(id, &cachedList{})
	c := v.(*cachedList)
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.clock()
	if c.jws != "" && now.Sub(c.made) < StatusTTL {
		return c.jws, c.made, nil
	}
	exists, err := s.store.StatusListExists(ctx, list)
	if err != nil {
		return "", time.Time{}, err
	}
	if !exists {
		return "", time.Time{}, errs.E(errs.NotFound, "license.status_unknown")
	}
	st := StateRevoked
	if purpose == PurposeSuspension {
		st = StateSuspended
	}
	idx, err := s.store.StatusIndexes(ctx, list, st)
	if err != nil {
		return "", time.Time{}, err
	}
	bits := NewBitstring(ListSize)
	for _, i := range idx {
		bits.Set(i)
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
	url := s.StatusURL(list, purpose)
	cred := StatusListCredential(url, CredIssuer{ID: s.IssuerURL(org.ID), Name: org.Name, USCC: string(org.USCC)}, purpose, bits, now, 2*StatusTTL)
	payload, err := cred.marshal()
	if err != nil {
		return "", time.Time{}, err
	}
	input, err := SigningInput(Header{Alg: string(sg.Alg()), Kid: sg.KeyID(), Typ: TypStatusList}, payload)
	if err != nil {
		return "", time.Time{}, err
	}
	sig, err := s.seals.Sign(ctx, audit.System("状态列表"), se.ID, sg.KeyID(), []byte(input), "status_list", id)
	if err != nil {
		return "", time.Time{}, err
	}
	c.jws, c.made = Assemble(input, sig.Sig), now
	return c.jws, now, nil
}
