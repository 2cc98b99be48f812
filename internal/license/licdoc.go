package license

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
)

// RefType is the sealdoc.Ref type of a licence's PDF documents.
const RefType = "license"

// PDFDocument returns a licence's PDF, a registered sealed document
// (sealdoc, kind KindLicense): the first time it is asked for, it is laid
// out (PDF), sealed by the issuing seal — a detached signature over the
// SHA-256 of those exact bytes, recorded in the seal's use log and the
// audit log — and kept in the blob store; later downloads get the same
// bytes, so every copy the holder ever downloaded verifies. The PDF is
// made on the first download, not at issuance: issuance stays fast, and
// most licences are never printed.
//
// The document's key is a fingerprint of what the PDF shows: the
// licence's particulars, its signed reference (the QR code) and the seal
// that seals it. When that changes — the licence's seal was revoked and
// the issuer seals with another — the next download seals a new PDF that
// supersedes the old one: the old file still verifies as authentic, but
// "superseded" by the new number.
//
// Returns Get's errors, errs.Conflict ("seal.none_active") when the
// issuer has no seal to seal a first PDF with, sealdoc's errors.
func (s *Service) PDFDocument(ctx context.Context, by *identity.Caller, id ids.ID) (*sealdoc.Signed, error) {
	if s.docs == nil {
		return nil, errs.Errorf(errs.Internal, "license: no document service wired")
	}
	l, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	ref, err := s.Reference(ctx, by, id)
	if err != nil {
		return nil, err
	}
	se, err := s.pdfSeal(ctx, l)
	if err != nil {
		return nil, err
	}
	key, err := pdfKey(l, ref, se)
	if err != nil {
		return nil, err
	}
	d, err := s.docs.KeyedPDF(ctx, l.IssuerID, key)
	if !errs.Is(err, errs.NotFound) {
		return d, err
	}
	var holder sealdoc.Holder
	if l.HolderKind == HolderEnterprise {
		holder.EnterpriseID = l.HolderID
	} else {
		holder.PersonID = l.HolderID
	}
	typ := l.TypeInfo()
	doc := sealdoc.Document{Kind: sealdoc.KindLicense, Title: clip(typ.Name, 40), SealID: se.ID,
		Ref: sealdoc.Ref{Type: RefType, ID: string(l.ID)}, Key: key, Holder: holder, Supersede: true,
		Layout: func(font *sealdoc.Font, number string, _ time.Time) ([]byte, error) {
			return PDF(font, l, ref, se.OrgName, se.Name, number)
		}}
	d, err = s.docs.IssueAs(ctx, by, l.IssuerID, doc)
	if e := errs.As(err); e != nil && e.Code == errs.Conflict && e.Msg == "sealdoc.exists" {
		return s.docs.KeyedPDF(ctx, l.IssuerID, key) // another download sealed it first
	}
	return d, err
}

// pdfSeal is the seal a licence's PDF is sealed with: the licence's own
// seal while it is active, else the issuer's current seal (OrgSeal).
func (s *Service) pdfSeal(ctx context.Context, l *License) (*seal.Seal, error) {
	se, err := s.seals.Public(ctx, l.SealID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if err == nil && se.State == seal.Active {
		return se, nil
	}
	return s.seals.OrgSeal(ctx, l.IssuerID)
}

// pdfKey is the sealdoc key of a licence's PDF: the licence's ID and a
// fingerprint of everything the PDF shows.
func pdfKey(l *License, ref string, se *seal.Seal) (string, error) {
	b, err := json.Marshal(struct {
		Number, Type, Holder, Issuer string
		Fields                       map[string]string
		From, Until                  time.Time
		Ref                          string
		Seal, SealOrg, SealName      string
	}{l.Number, l.Type, l.HolderName, l.IssuerName, l.Fields, l.ValidFrom.UTC(), l.ValidUntil.UTC(), ref,
		string(se.ID), se.OrgName, se.Name})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "license-pdf:" + string(l.ID) + ":" + hex.EncodeToString(sum[:12]), nil
}

// DocumentSubject is the standing of the licence a sealed PDF is about,
// for the document verifier (sealdoc.Service.OnRef): a genuine PDF of a
// licence revoked since is authentic, but the licence is revoked.
func (s *Service) DocumentSubject(ctx context.Context, id string) (sealdoc.Subject, error) {
	l, err := s.store.License(ctx, ids.ID(id))
	if err != nil {
		return sealdoc.Subject{}, err
	}
	if l.State == StateValid && l.Expired(s.clock()) {
		return sealdoc.Subject{State: "expired"}, nil
	}
	return sealdoc.Subject{State: string(l.State)}, nil
}
