package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/sealdoc"
)

// Huma names schemas after these types: they carry the sealdoc prefix.

type sealdocVerdictBody struct {
	Genuine              bool      `json:"genuine" doc:"the PDF is the one the seal signed, and the signature counts"`
	Reason               string    `json:"reason,omitempty" doc:"why not: no_input, unknown_document, malformed, not_document, wrong_alg, unknown_key, tampered, hash_mismatch, changed, seal_revoked, trust_withdrawn, unavailable; for an authentic file that no longer stands: superseded, subject_revoked, subject_suspended, subject_expired"`
	Authentic            bool      `json:"authentic" doc:"the PDF is the one the seal signed and the signature counts, whether or not the document still stands"`
	Message              string    `json:"message" doc:"the verdict in words, in the request's language"`
	Registered           bool      `json:"registered,omitempty" doc:"a number lookup: the node issued this number"`
	Number               string    `json:"number,omitempty"`
	Kind                 string    `json:"kind,omitempty"`
	Title                string    `json:"title,omitempty"`
	Issuer               string    `json:"issuer,omitempty"`
	KeySource            string    `json:"key_source,omitempty" doc:"set when the seal is another province's, recognised through its trust list imported here: the list's issuer"`
	Seal                 string    `json:"seal,omitempty"`
	SealState            string    `json:"seal_state,omitempty" enum:"active,suspended,revoked,"`
	KID                  string    `json:"kid,omitempty"`
	Alg                  string    `json:"alg,omitempty"`
	SignedAt             time.Time `json:"signed_at,omitzero"`
	SignedWhileSealValid bool      `json:"signed_while_seal_valid,omitempty"`
	PDFSHA256            string    `json:"pdf_sha256,omitempty"`
	Subject              string    `json:"subject,omitempty" doc:"what the document is about: license, case"`
	SubjectState         string    `json:"subject_state,omitempty" doc:"of a licence's PDF: the licence's state now (valid, suspended, revoked, expired)"`
	SupersededBy         string    `json:"superseded_by,omitempty" doc:"the number of the newer document that replaced this one"`
	SupersededAt         time.Time `json:"superseded_at,omitzero"`
}

type sealdocBody struct {
	ID         string    `json:"id"`
	Number     string    `json:"number"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Issuer     string    `json:"issuer"`
	SealID     string    `json:"seal_id"`
	KID        string    `json:"kid"`
	Alg        string    `json:"alg"`
	PDFSHA256  string    `json:"pdf_sha256"`
	PDFSize    int64     `json:"pdf_size"`
	Signature  string    `json:"signature" doc:"the detached signature: a compact JWS (typ digigov-sealdoc+jwt) whose payload names the PDF's SHA-256"`
	Timestamp  string    `json:"timestamp,omitempty" doc:"the node's timestamp token over the signature: a compact JWS (typ digigov-tst+jwt) by the node's timestamp key, see docs/licenses.md"`
	PDF        string    `json:"pdf_url"`
	SignedAt   time.Time `json:"signed_at"`
	RefType    string    `json:"ref_type,omitempty"`
	RefID      string    `json:"ref_id,omitempty"`
	VerifyPage string    `json:"verify_url"`
}

func (s *Server) sealdocVerdictOf(ctx context.Context, v *sealdoc.Verdict) sealdocVerdictBody {
	msg := "sealdoc.verdict_genuine"
	if v.KeySource != "" {
		msg = "sealdoc.verdict_genuine_trusted"
	}
	if !v.Genuine {
		msg = "sealdoc.reason." + string(v.Reason)
	}
	return sealdocVerdictBody{Genuine: v.Genuine, Reason: string(v.Reason), Message: s.rd.msgs.T(state(ctx).Lang, msg),
		Registered: v.Registered, Number: v.Number, Kind: string(v.Kind), Title: v.Title, Issuer: v.IssuerName, KeySource: v.KeySource, Seal: v.SealTitle,
		SealState: string(v.SealState), KID: v.KID, Alg: string(v.Alg), SignedAt: v.SignedAt,
		SignedWhileSealValid: v.SignedWhileSealValid, PDFSHA256: v.PDFSHA256, Authentic: v.Authentic,
		Subject: v.SubjectType, SubjectState: v.SubjectState, SupersededBy: v.SupersededBy, SupersededAt: v.SupersededAt}
}

func (s *Server) registerSealdocAPI(api huma.API) {
	tags := []string{"documents"}
	type verdictOutput struct{ Body sealdocVerdictBody }
	type verifyInput struct {
		Body struct {
			PDF       []byte `json:"pdf" doc:"the PDF, base64" maxLength:"28000000"`
			Signature string `json:"signature,omitempty" maxLength:"16384" doc:"its detached signature (compact JWS), or the signature bundle as downloaded (the signature, then on the next line the sealing node's timestamp token); without it the node looks the PDF up among the documents it issued"`
			Timestamp string `json:"timestamp,omitempty" maxLength:"8192" doc:"the sealing node's timestamp token (compact JWS, typ digigov-tst+jwt), if not in the bundle: it proves another node's document sealed before that node revoked its seal"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "verify-document", Method: http.MethodPost, Path: "/api/v1/documents/verify",
		Summary: "Verify a sealed document (决定书, 证明)", Tags: tags, MaxBodyBytes: 28 << 20,
		Description: "Always 200 with a verdict: genuine, or the specific reason it is not. Anyone may call it.",
	}, func(ctx context.Context, in *verifyInput) (*verdictOutput, error) {
		sig := in.Body.Signature
		if t := strings.TrimSpace(in.Body.Timestamp); t != "" && strings.TrimSpace(sig) != "" {
			sig = strings.TrimSpace(sig) + "\n" + t
		}
		return &verdictOutput{Body: s.sealdocVerdictOf(ctx, s.documents.Verify(ctx, in.Body.PDF, sig))}, nil
	})

	type lookupInput struct {
		Number string `query:"number" maxLength:"64" required:"true"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "lookup-document", Method: http.MethodGet, Path: "/api/v1/documents/verify",
		Summary: "Look a document number up (the QR code on a document)", Tags: tags,
		Description: "Whether this node issued the number, by whom, when, and whether its signature and seal hold. Says nothing about a file.",
	}, func(ctx context.Context, in *lookupInput) (*verdictOutput, error) {
		return &verdictOutput{Body: s.sealdocVerdictOf(ctx, s.documents.Lookup(ctx, in.Number))}, nil
	})

	type docOutput struct{ Body sealdocBody }
	type docInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "get-document", Method: http.MethodGet, Path: "/api/v1/documents/{id}",
		Summary: "A sealed document's record and signature", Tags: tags, Security: bearer,
		Description: "For its holder and its issuer's staff; 404 for everyone else. The PDF is at pdf_url.",
	}, func(ctx context.Context, in *docInput) (*docOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		d, err := s.documents.Get(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &docOutput{Body: sealdocBody{ID: string(d.ID), Number: d.Number, Kind: string(d.Kind), Title: d.Title,
			Issuer: d.IssuerName, SealID: string(d.SealID), KID: d.KID, Alg: string(d.Alg), PDFSHA256: d.PDFSHA256, PDFSize: d.PDFSize,
			Signature: d.JWS, Timestamp: d.TST, PDF: "/documents/" + string(d.ID) + "/pdf", SignedAt: d.SignedAt, RefType: d.Ref.Type, RefID: d.Ref.ID,
			VerifyPage: s.documents.VerifyURL(d.Number)}}, nil
	})
}
