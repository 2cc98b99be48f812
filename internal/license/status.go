package license

import (
	"context"
	"crypto/sha256"
	"strconv"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
)

// StatusTTL is how often a status list's bits are read again, and how
// long caches may keep the list (its Cache-Control max-age). A revocation
// shows in the published list within two of them, under a minute; one
// made in this process is read at the next fetch.
const StatusTTL = 25 * time.Second

// StatusValidity is how long a signed status list is valid (validUntil).
// The node signs a list again only when its bits change or when half of
// this has passed, so fetching lists costs no signature — nor a seal use
// and an audit entry each — while nothing changes.
const StatusValidity = 24 * time.Hour

// cachedList is a signed status list credential, what it was signed over
// and when its bits were last compared.
type cachedList struct {
	mu      sync.Mutex
	jws     string
	made    time.Time // signed
	bits    [sha256.Size]byte
	kid     string    // the key that signed it
	gen     uint64    // seal generation when last checked
	checked time.Time // bits and signing key last read
}

// StatusList returns the signed credential of a status list ("3-revocation"):
// a BitstringStatusListCredential of ListSize entries, GZIP and base64url,
// as a compact JWS by the 公章 of the node's highest organisation, valid
// StatusValidity. Its bits are read from the licences' states at most
// every StatusTTL (at once after a change in this process); it is signed
// again only when they changed or the signed list is past half its
// validity. Signing is recorded in that seal's use log like any signature.
// The time returned is when the list was signed.
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
	gen := s.seals.Generation()
	if c.jws != "" && gen == c.gen && now.Sub(c.checked) < StatusTTL {
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
	sum := sha256.Sum256(bits)
	// The signing key is read again too: a list signed by a seal revoked,
	// suspended or rotated since is signed anew at once (a revoked key
	// leaves the JWKS, so verifiers could no longer check the list).
	org, se, sg, err := s.statusSigner(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	if c.jws != "" && sum == c.bits && sg.KeyID() == c.kid && now.Sub(c.made) < StatusValidity/2 {
		c.checked, c.gen = now, gen
		return c.jws, c.made, nil
	}
	url := s.StatusURL(list, purpose)
	cred := StatusListCredential(url, CredIssuer{ID: s.IssuerURL(org.ID), Name: org.Name, USCC: string(org.USCC)}, purpose, bits, now, StatusValidity, StatusTTL)
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
	c.jws, c.made, c.bits, c.kid, c.gen, c.checked = Assemble(input, sig.Sig), now, sum, sg.KeyID(), gen, now
	return c.jws, now, nil
}

// staleStatus makes the next fetch of a licence's status lists read their
// bits again (a change made in this process).
func (s *Service) staleStatus(list int64) {
	for _, purpose := range []string{PurposeRevocation, PurposeSuspension} {
		if v, ok := s.lists.Load(strconv.FormatInt(list, 10) + "-" + purpose); ok {
			c := v.(*cachedList)
			c.mu.Lock()
			c.checked = time.Time{}
			c.mu.Unlock()
		}
	}
}
