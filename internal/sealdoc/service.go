package sealdoc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/blob"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
)

// Store is the persistence documents need. Its methods join the
// transaction in the context, if any.
type Store interface {
	// NextDocumentSerial returns the next serial (1, 2, …) of the numbers
	// that start with prefix, atomically on both engines.
	NextDocumentSerial(ctx context.Context, prefix string) (int64, error)
	// CreateDocument inserts d; errs.Conflict ("sealdoc.exists") when the
	// issuer has a document with d's Key already.
	CreateDocument(ctx context.Context, d *Signed) error
	// Document, DocumentByNumber, DocumentByHash (the PDF's SHA-256) and
	// DocumentByKey find one document; errs.NotFound ("sealdoc.not_found")
	// if there is none.
	Document(ctx context.Context, id ids.ID) (*Signed, error)
	DocumentByNumber(ctx context.Context, number string) (*Signed, error)
	DocumentByHash(ctx context.Context, pdfSHA256 string) (*Signed, error)
	DocumentByKey(ctx context.Context, issuerID ids.ID, key string) (*Signed, error)
	// RefDocuments lists the documents about ref, newest first.
	RefDocuments(ctx context.Context, ref Ref) ([]Signed, error)
	// SupersedeDocuments marks every document of ref and kind but exceptID
	// that is not superseded yet as superseded by number at at; it
	// returns how many.
	SupersedeDocuments(ctx context.Context, ref Ref, kind Kind, exceptID ids.ID, number string, at time.Time) (int, error)
	// ImportedKey finds a key imported from another node's trust list;
	// errs.NotFound if there is none.
	ImportedKey(ctx context.Context, kid string) (*ImportedKey, error)
	// ImportedTimestampKey finds another node's timestamp key imported
	// with its trust list; errs.NotFound if there is none.
	ImportedTimestampKey(ctx context.Context, kid string) (*ImportedKey, error)
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
	Store   Store
	Tx      Transactor
	Audit   *audit.Service
	Seals   *seal.Service
	Orgs    Organizations
	Blobs   blob.Store // where the PDFs are kept
	BaseURL string     // the node's public URL: issuer IDs and the verification URL live under it
	Font    string     // TrueType font or collection with the Chinese glyphs ("" for the compiled-in font)
	Now     func() time.Time
}

// Service renders, seals, keeps and verifies documents.
type Service struct {
	store Store
	tx    Transactor
	audit *audit.Service
	seals *seal.Service
	orgs  Organizations
	blobs blob.Store
	base  string
	font  string
	now   func() time.Time

	subjMu   sync.RWMutex
	subjects map[string]SubjectFunc // Ref.Type → the standing of what documents of that type are about
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, seals: d.Seals, orgs: d.Orgs, blobs: d.Blobs,
		base: strings.TrimRight(d.BaseURL, "/"), font: d.Font, now: d.Now}
}

// MaxPDF is the largest PDF Verify accepts and Issue keeps.
const MaxPDF = 20 << 20

// VerifyURL is the public page that checks document number.
func (s *Service) VerifyURL(number string) string {
	return s.base + "/documents/verify?n=" + url.QueryEscape(number)
}

// Issue renders d as a PDF, seals it with a seal of organisation orgID
// and keeps it: the PDF in the blob store, its record with the detached
// signature in the documents table, the seal's use in its use log, and an
// audit entry, the last three in one transaction. by must be staff of
// orgID holding document.issue over its region.
//
// Returns errs.NotFound if the organisation does not exist, is not by's or
// lies outside by's scope (or d.SealID is not its seal), errs.Invalid
// with every bad field of d, errs.Conflict ("seal.none_active",
// "seal.not_active") when no seal can sign, ("sealdoc.exists") for a
// second document with d.Key, ("sealdoc.no_font") without the font.
func (s *Service) Issue(ctx context.Context, by *identity.Caller, orgID ids.ID, d Document) (*Signed, error) {
	if err := identity.Authorize(by, identity.PermDocumentIssue, ""); err != nil {
		return nil, err
	}
	if by.OrgID != orgID {
		return nil, errs.E(errs.NotFound, "sealdoc.org_not_found")
	}
	org, err := s.orgs.Organization(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if err := identity.Authorize(by, identity.PermDocumentIssue, org.Region); err != nil {
		return nil, errs.E(errs.NotFound, "sealdoc.org_not_found")
	}
	return s.issue(ctx, by, org, d)
}

// IssueAs is Issue for a trusted caller (an event handler, demo data): it
// checks no permission.
func (s *Service) IssueAs(ctx context.Context, actor audit.Actor, orgID ids.ID, d Document) (*Signed, error) {
	org, err := s.orgs.Organization(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return s.issue(ctx, actor, org, d)
}

func (s *Service) issue(ctx context.Context, actor audit.Actor, org *identity.Organization, d Document) (*Signed, error) {
	if fe := d.check(); len(fe) > 0 {
		return nil, errs.Fields(fe)
	}
	if d.Key != "" {
		if _, err := s.store.DocumentByKey(ctx, org.ID, d.Key); err == nil {
			return nil, errExists
		} else if !errs.Is(err, errs.NotFound) {
			return nil, err
		}
	}
	se, err := s.sealOf(ctx, org.ID, d.Kind, d.SealID)
	if err != nil {
		return nil, err
	}
	sg, err := s.seals.Prepare(ctx, se)
	if err != nil {
		return nil, err
	}
	font, err := LoadFont(s.font)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	prefix := kindCodes[d.Kind] + (string(org.Region) + "000000")[:6] + fmt.Sprint(now.In(shanghai).Year())
	var serial int64
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		var err error
		serial, err = s.store.NextDocumentSerial(ctx, prefix)
		return err
	})
	if err != nil {
		return nil, err
	}
	_, aname := actor.AuditActor()
	doc := &Signed{ID: ids.New(), Number: fmt.Sprintf("%s%06d", prefix, serial), Kind: d.Kind, Title: d.Title,
		IssuerID: org.ID, IssuerName: org.Name, Region: org.Region, SealID: se.ID, KID: sg.KeyID(), Alg: sg.Alg(),
		Ref: d.Ref, Key: d.Key, Holder: d.Holder, SignedBy: aname, SignedAt: now}
	qr := d.QR
	if qr == "" {
		qr = s.VerifyURL(doc.Number)
	}
	// Render and sign outside any transaction: the CPU works while the
	// single writer serves others.
	var pdf []byte
	if d.Layout != nil {
		pdf, err = d.Layout(font, doc.Number, now)
	} else {
		pdf, err = render(font, &d, layout{Number: doc.Number, IssuerName: org.Name, SealOrg: se.OrgName, SealName: se.Name, Date: now, QR: qr})
	}
	if err == nil && len(pdf) > MaxPDF {
		err = fmt.Errorf("%d bytes, more than %d", len(pdf), MaxPDF)
	}
	if err != nil {
		return nil, fmt.Errorf("sealdoc: render: %w", err)
	}
	sum := sha256.Sum256(pdf)
	doc.PDFSHA256, doc.PDFSize, doc.PDF = hex.EncodeToString(sum[:]), int64(len(pdf)), pdf
	st := &Statement{Issuer: s.base + "/issuers/" + string(org.ID), IssuerName: org.Name, ID: string(doc.ID), Number: doc.Number,
		Kind: d.Kind, Title: d.Title, SealID: string(se.ID), IssuedAt: now.Unix(), SHA256: doc.PDFSHA256, Size: doc.PDFSize}
	input, err := signingInput(sg.Alg(), sg.KeyID(), st)
	if err != nil {
		return nil, err
	}
	sig, err := sg.Sign([]byte(input))
	if err != nil {
		return nil, err
	}
	doc.JWS = input + "." + b64.EncodeToString(sig)
	tsg, err := s.seals.TimestampSigner(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.blobs.Put(ctx, bytes.NewReader(pdf), MaxPDF, []string{"application/pdf"}); err != nil {
		return nil, err
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		u, err := s.seals.Record(ctx, actor, se.ID, sg.KeyID(), []byte(input), "document", string(doc.ID))
		if err != nil {
			return err
		}
		// The timestamp token names the use's audit entry: signed here,
		// once that entry is written, in the same transaction.
		if doc.TST, err = s.stamp(ctx, tsg, doc, input, string(u.ID), u.At); err != nil {
			return err
		}
		if err := s.store.CreateDocument(ctx, doc); err != nil {
			return err
		}
		detail := map[string]any{"number": doc.Number, "kind": doc.Kind, "title": doc.Title, "kid": doc.KID,
			"pdf_sha256": doc.PDFSHA256, "ref": doc.Ref.Type + ":" + doc.Ref.ID}
		if d.Supersede && d.Ref.Type != "" {
			n, err := s.store.SupersedeDocuments(ctx, d.Ref, d.Kind, doc.ID, doc.Number, now)
			if err != nil {
				return err
			}
			detail["superseded"] = n
		}
		return s.audit.Record(ctx, actor, "document.issued",
			audit.Target{Type: "document", ID: string(doc.ID), Region: string(doc.Region), Subject: string(doc.Holder.PersonID)}, detail)
	})
	if err != nil {
		if errs.Is(err, errs.Conflict) && d.Key != "" {
			// Lost a race for d.Key (two completions of one case, say):
			// the winner's document stands, this render is discarded. Its
			// PDF differs from every other (its own number and time), so
			// no document refers to its blob.
			if derr := s.blobs.Delete(context.WithoutCancel(ctx), doc.PDFSHA256); derr != nil {
				err = fmt.Errorf("%w (and removing the discarded PDF: %v)", err, derr)
			}
		}
		return nil, err
	}
	return doc, nil
}

// sealOf is the seal a document of org is sealed with: the one named, or
// the 行政审批专用章 for a decision and the 公章 for anything else.
func (s *Service) sealOf(ctx context.Context, orgID ids.ID, kind Kind, sealID ids.ID) (*seal.Seal, error) {
	if sealID == "" {
		if kind == KindDecision {
			return s.seals.OrgSealFor(ctx, orgID, "行政审批专用章")
		}
		return s.seals.OrgSealFor(ctx, orgID)
	}
	se, err := s.seals.Public(ctx, sealID)
	if err != nil {
		return nil, err
	}
	if se.OrgID != orgID {
		return nil, errs.E(errs.NotFound, "seal.not_found")
	}
	return se, nil
}

// readable reports whether by may read d: its holder, staff of its issuer
// with document.issue over its region, administrators of seals there.
func readable(by *identity.Caller, d *Signed) bool {
	if by.Anonymous() {
		return false
	}
	switch {
	case holds(by, d):
		return true
	case by.OrgID == d.IssuerID && identity.Authorize(by, identity.PermDocumentIssue, d.Region) == nil:
		return true
	}
	return identity.Authorize(by, identity.PermSealManage, d.Region) == nil
}

// holds reports whether by is d's holder (its account, person or
// enterprise).
func holds(by *identity.Caller, d *Signed) bool {
	h := d.Holder
	return h.UserID != "" && by.UserID == h.UserID ||
		h.PersonID != "" && by.PersonID == h.PersonID && by.Kind == identity.KindPerson ||
		h.EnterpriseID != "" && by.EnterpriseID == h.EnterpriseID
}

// Get returns a document's record to those who may read it (its holder,
// its issuer's staff, seal administrators of its region); errs.NotFound
// for everyone else.
func (s *Service) Get(ctx context.Context, by *identity.Caller, id ids.ID) (*Signed, error) {
	d, err := s.store.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	if !readable(by, d) {
		return nil, errs.E(errs.NotFound, "sealdoc.not_found")
	}
	return d, nil
}

// PDF returns a document with its PDF (see Get for who may). The PDF
// carries its holder's personal data (a decision names the applicant and
// the case), so anyone but the holder reading it — staff of the issuer, a
// seal administrator — leaves a "document.read" audit entry whose subject
// is the holder, before the bytes are handed out.
func (s *Service) PDF(ctx context.Context, by *identity.Caller, id ids.ID) (*Signed, error) {
	d, err := s.Get(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if !holds(by, d) {
		err := s.audit.Record(ctx, by, "document.read",
			audit.Target{Type: "document", ID: string(d.ID), Region: string(d.Region), Subject: string(d.Holder.PersonID)},
			map[string]any{"number": d.Number, "title": d.Title, "ref": d.Ref.Type + ":" + d.Ref.ID})
		if err != nil {
			return nil, err
		}
	}
	rc, _, err := s.blobs.Open(ctx, d.PDFSHA256)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if d.PDF, err = io.ReadAll(io.LimitReader(rc, MaxPDF+1)); err != nil {
		return nil, err
	}
	return d, nil
}

// KeyedPDF returns issuer orgID's document with key, with its PDF, to a
// trusted caller (the domain that issues it, having checked who asks); its
// errs.NotFound ("sealdoc.not_found") if there is none.
func (s *Service) KeyedPDF(ctx context.Context, orgID ids.ID, key string) (*Signed, error) {
	d, err := s.store.DocumentByKey(ctx, orgID, key)
	if err != nil {
		return nil, err
	}
	return s.PDFAs(ctx, d.ID)
}

// ForRef lists the documents about ref that by may read, newest first.
func (s *Service) ForRef(ctx context.Context, by *identity.Caller, ref Ref) ([]Signed, error) {
	all, err := s.store.RefDocuments(ctx, ref)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for i := range all {
		if readable(by, &all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}
