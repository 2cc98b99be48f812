package market

import (
	"context"
	"fmt"
	"strings"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/sealdoc"
)

// Documents is what SealedPDFs needs of sealdoc.Service.
type Documents interface {
	IssueAs(ctx context.Context, actor audit.Actor, orgID ids.ID, d sealdoc.Document) (*sealdoc.Signed, error)
	Lookup(ctx context.Context, number string) *sealdoc.Verdict
	PDFAs(ctx context.Context, id ids.ID) (*sealdoc.Signed, error)
}

// SealedPDFs is the Notary that issues certificates as PDFs of the
// sealed-document facility (internal/sealdoc): laid out with the seal
// image and a QR code of the node's verifier, with a detached signature by
// the issuer's seal. A certificate is issued at most once (its key).
type SealedPDFs struct{ Docs Documents }

var _ Notary = SealedPDFs{}

// Seal implements Notary.
func (n SealedPDFs) Seal(ctx context.Context, actor audit.Actor, org ids.ID, st *Statement) (*Sealed, error) {
	d, err := n.Docs.IssueAs(ctx, actor, org, certificateDocument(st))
	if err != nil {
		return nil, err
	}
	_, name := actor.AuditActor()
	return &Sealed{Format: FormatPDF, Document: string(st.Canonical()), Hash: d.PDFSHA256, Number: d.Number, DocumentID: d.ID,
		Signature: d.JWS, Seal: Sealing{SealID: d.SealID, Org: d.IssuerName, KID: d.KID, Alg: d.Alg, SignedBy: name, SignedAt: d.SignedAt}}, nil
}

// certificateDocument lays a certificate's statement out as a document.
func certificateDocument(st *Statement) sealdoc.Document {
	return sealdoc.Document{Kind: sealdoc.KindCertificate, Title: "公共数据资产凭证", Recipient: st.Holder,
		Paragraphs: []string{fmt.Sprintf("经审核，%s持有的数据资产“%s”已登记，特发此凭证。", st.Holder, st.AssetName)},
		Fields: []sealdoc.Field{
			{Label: "凭证编号", Value: st.Number},
			{Label: "资产名称", Value: st.AssetName},
			{Label: "持有单位", Value: st.Holder + "（统一社会信用代码 " + st.HolderUSCC + "）"},
			{Label: "数据范围", Value: st.Scope},
			{Label: "记录数", Value: fmt.Sprint(st.RecordCount)},
			{Label: "数据项", Value: strings.Join(st.Fields, "、")},
			{Label: "价值评估说明", Value: st.ValuationNote},
		},
		Ref: sealdoc.Ref{Type: "market_certificate", ID: string(st.Certificate)}, Key: "market_certificate:" + string(st.Certificate)}
}

// Check implements Notary: the facility looks the document up by its
// number and checks its signature and seal.
func (n SealedPDFs) Check(ctx context.Context, d *Sealed) (bool, string, error) {
	if d.Format != FormatPDF {
		return false, "market.verify.malformed", nil
	}
	v := n.Docs.Lookup(ctx, d.Number)
	switch {
	case v.Genuine && strings.EqualFold(v.PDFSHA256, d.Hash):
		return true, "", nil
	case v.Reason == sealdoc.ReasonUnavailable:
		return false, "", errs.E(errs.Internal, "market.verify.unavailable")
	case v.Reason == sealdoc.ReasonUnknownKey:
		return false, "market.verify.unknown_key", nil
	case v.Reason == sealdoc.ReasonSealRevoked:
		return false, "market.verify.seal_revoked", nil
	}
	return false, "market.verify.tampered", nil
}

// PDF implements Notary.
func (n SealedPDFs) PDF(ctx context.Context, d *Sealed) ([]byte, error) {
	if d.Format != FormatPDF {
		return nil, errs.E(errs.NotFound, "market.certificate.not_found")
	}
	doc, err := n.Docs.PDFAs(ctx, d.DocumentID)
	if err != nil {
		return nil, err
	}
	return doc.PDF, nil
}
