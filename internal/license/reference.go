package license

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// TypReference is the typ of a licence reference: what a licence's PDF
// carries in its QR code.
const TypReference = "digigov-ref+jwt"

// Reference is the payload of the QR code printed on a licence's PDF: a
// compact statement, by the issuer's seal, of the licence's number, type,
// holder, issuer, validity and status entry. Unlike a 亮证 code it does
// not expire (the paper outlives minutes); unlike the credential it leaves
// the licence's fields out, so its size is bounded whatever the fields
// hold and it always fits a QR code. It verifies offline like the
// credential: signature, issuer bound to the key, dates, status lists.
type Reference struct {
	LicenseID  string `json:"lid"`
	Number     string `json:"num"`
	Type       string `json:"lt"`
	TypeName   string `json:"ltn"`
	HolderName string `json:"hn"`
	Issuer     string `json:"iss"`
	IssuerName string `json:"isn"`
	ValidFrom  int64  `json:"nbf"`          // the licence's validFrom (Unix seconds)
	ValidUntil int64  `json:"vu,omitempty"` // 0 if 长期
	IssuedAt   int64  `json:"iat"`          // of the reference
	// StatusList is the licence's status list URL without the purpose
	// ("…/credentials/status/3"): its entries are StatusList + "-revocation"
	// and + "-suspension", at StatusIndex.
	StatusList  string `json:"sl"`
	StatusIndex int    `json:"si"`
}

// maxRefName bounds the holder's and issuer's names in a reference (in
// characters): with them the whole reference stays under 1,400 bytes, a
// QR code of version 25 or less at error correction M.
const maxRefName = 120

// entries returns the status entries the reference stands for.
func (p *Reference) entries() ([]StatusEntry, bool) {
	if p.StatusList == "" || p.StatusIndex < 0 || p.StatusIndex >= ListSize {
		return nil, false
	}
	var out []StatusEntry
	for _, purpose := range []string{PurposeRevocation, PurposeSuspension} {
		url := p.StatusList + "-" + purpose
		out = append(out, StatusEntry{ID: url + "#" + strconv.Itoa(p.StatusIndex), Type: "BitstringStatusListEntry",
			StatusPurpose: purpose, StatusListIndex: strconv.Itoa(p.StatusIndex), StatusListCredential: url})
	}
	return out, true
}

func (p *Reference) fill(r *Result) {
	r.LicenseID, r.Number, r.Type, r.TypeName, r.HolderName = p.LicenseID, p.Number, p.Type, p.TypeName, p.HolderName
	r.Issuer, r.ValidFrom, r.ValidUntil = p.Issuer, fromUnix(p.ValidFrom), fromUnix(p.ValidUntil)
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// Reference returns the licence's reference (see Reference) for its PDF,
// to those who may open the licence (Get). It is signed by the issuer's
// seal the first time it is asked for — recorded in the seal's use log and
// the audit log — and stored, so later downloads sign nothing.
//
// Returns Get's errors, and the seal's (errs.Conflict "seal.not_active")
// when the issuer's seal cannot sign a first reference now.
func (s *Service) Reference(ctx context.Context, by *identity.Caller, id ids.ID) (string, error) {
	l, err := s.Get(ctx, by, id)
	if err != nil {
		return "", err
	}
	if ref, err := s.store.LicenseRef(ctx, l.ID); err != nil || ref != "" {
		return ref, err
	}
	se, err := s.seals.OrgSeal(ctx, l.IssuerID)
	if err != nil {
		return "", err
	}
	sg, err := s.seals.Prepare(ctx, se)
	if err != nil {
		return "", err
	}
	p := Reference{LicenseID: "urn:uuid:" + string(l.ID), Number: l.Number, Type: l.Type, TypeName: l.TypeInfo().Name,
		HolderName: clip(l.HolderName, maxRefName), Issuer: s.IssuerURL(l.IssuerID), IssuerName: l.IssuerName,
		ValidFrom: unix(l.ValidFrom), ValidUntil: unix(l.ValidUntil), IssuedAt: s.clock().Unix(),
		StatusList: strings.TrimSuffix(s.StatusURL(l.StatusList, PurposeRevocation), "-"+PurposeRevocation), StatusIndex: l.StatusIndex}
	if len([]rune(p.IssuerName)) > maxRefName {
		p.IssuerName = "" // the verifier names the issuer from the key; a clipped name would not match it
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	input, err := SigningInput(Header{Alg: string(sg.Alg()), Kid: sg.KeyID(), Typ: TypReference}, payload)
	if err != nil {
		return "", err
	}
	var ref string
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		sig, err := s.seals.Sign(ctx, by, se.ID, sg.KeyID(), []byte(input), "license_ref", string(l.ID))
		if err != nil {
			return err
		}
		ref = Assemble(input, sig.Sig)
		stored, err := s.store.SetLicenseRef(ctx, l.ID, ref)
		if err != nil {
			return err
		}
		if stored != ref {
			return errRefRace
		}
		return nil
	})
	if err == errRefRace {
		return s.store.LicenseRef(ctx, l.ID)
	}
	return ref, err
}

// errRefRace rolls back a reference signed while another request stored
// one first: that one is kept (and its seal use), this one is dropped.
var errRefRace = errs.E(errs.Conflict, "license.ref_race")
