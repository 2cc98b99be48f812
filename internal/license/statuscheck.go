package license

import (
	"crypto"
	"encoding/json"
	"time"

	"github.com/digigov/digigov/internal/seal"
)

// More reasons a status list cannot be used (see StatusUnreachable …).
const (
	StatusWrongList    = "wrong_list"    // the credential's id is not the URL the licence's status entry points to
	StatusWrongPurpose = "wrong_purpose" // a list for another statusPurpose (revocation / suspension)
	StatusNotLoaded    = "not_loaded"    // an offline verifier (StatusCache) has no list for the URL
)

// CheckedList is a status list credential whose signature, type, id,
// purpose and validity were checked (CheckStatusList).
type CheckedList struct {
	ID         string    // the credential's id: the URL it is served at
	Purpose    string    // PurposeRevocation or PurposeSuspension
	ValidUntil time.Time // zero if the list states none
	Bits       Bitstring
	Source     string // the source of the key that signed it: "" for own keys, else the trust list
}

// CheckStatusList is what a verifier checks of a status list credential
// (a compact JWS) before using its bits: signed with alg and pub; a
// BitstringStatusListCredential; its id listURL ("" accepts any id) and
// its statusPurpose purpose ("" accepts revocation or suspension, any
// other purpose is refused); valid at now (validUntil not passed). Both
// the fetch of another node's lists (remote.go) and the offline cache
// (StatusCache.AddList) use it. The error carries the reason
// (StatusErrorReason): StatusNotList, StatusBadSignature, StatusWrongList,
// StatusWrongPurpose, StatusExpired.
func CheckStatusList(c *Compact, alg seal.Alg, pub crypto.PublicKey, listURL, purpose string, now time.Time) (*CheckedList, error) {
	if c.Header.Typ != TypStatusList {
		return nil, &statusError{StatusNotList}
	}
	if seal.Alg(c.Header.Alg) != alg || !seal.Verify(alg, pub, []byte(c.SigningInput), c.Signature) {
		return nil, &statusError{StatusBadSignature}
	}
	var cred struct {
		ID         string   `json:"id"`
		Type       []string `json:"type"`
		ValidUntil string   `json:"validUntil"`
		Subject    struct {
			Type          string `json:"type"`
			StatusPurpose string `json:"statusPurpose"`
			EncodedList   string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if json.Unmarshal(c.Payload, &cred) != nil || cred.ID == "" || cred.Subject.Type != "BitstringStatusList" ||
		!hasType(cred.Type, "BitstringStatusListCredential") {
		return nil, &statusError{StatusNotList}
	}
	if listURL != "" && cred.ID != listURL {
		return nil, &statusError{StatusWrongList}
	}
	switch p := cred.Subject.StatusPurpose; {
	case p != PurposeRevocation && p != PurposeSuspension:
		return nil, &statusError{StatusWrongPurpose}
	case purpose != "" && p != purpose:
		return nil, &statusError{StatusWrongPurpose}
	}
	out := &CheckedList{ID: cred.ID, Purpose: cred.Subject.StatusPurpose}
	if cred.ValidUntil != "" {
		until, err := parseTime(cred.ValidUntil)
		if err != nil {
			return nil, &statusError{StatusNotList}
		}
		if !now.Before(until) {
			return nil, &statusError{StatusExpired}
		}
		out.ValidUntil = until
	}
	bits, err := DecodeBitstring(cred.Subject.EncodedList)
	if err != nil {
		return nil, &statusError{StatusNotList}
	}
	out.Bits = bits
	return out, nil
}
