package market

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
)

// CertState is where a data asset certificate stands.
type CertState string

const (
	CertRequested CertState = "requested"
	CertIssued    CertState = "issued"
	CertRefused   CertState = "refused"
)

// Asset kinds a certificate may be for.
const (
	AssetProduct  = "product"
	AssetResource = "resource"
)

// Statement is what a data asset certificate (公共数据资产凭证) states; its
// canonical JSON is the document the issuer seals.
type Statement struct {
	Type          string      `json:"type"` // StatementType
	Number        string      `json:"number"`
	Certificate   ids.ID      `json:"certificate"`
	AssetName     string      `json:"asset_name"`
	AssetKind     string      `json:"asset_kind"` // AssetProduct or AssetResource
	AssetID       ids.ID      `json:"asset_id"`
	Holder        string      `json:"holder"`
	HolderUSCC    string      `json:"holder_uscc"`
	HolderRegion  region.Code `json:"holder_region"`
	Scope         string      `json:"data_scope"`
	RecordCount   int         `json:"record_count"`
	Fields        []string    `json:"fields"`
	ValuationNote string      `json:"valuation_note"`
	Issuer        string      `json:"issuer"`
	IssuedAt      time.Time   `json:"issued_at"`
}

// StatementType names the document kind inside a statement.
const StatementType = "digigov.market.data-asset-certificate/v1"

// Canonical is the statement's signed bytes.
func (s *Statement) Canonical() []byte {
	b, _ := json.Marshal(s)
	return b
}

// Certificate is a data asset certificate and its request.
type Certificate struct {
	ID            ids.ID      `json:"id"`
	Number        string      `json:"number,omitempty"`
	AssetKind     string      `json:"asset_kind"`
	AssetID       ids.ID      `json:"asset_id"`
	AssetName     string      `json:"asset_name"`
	HolderID      ids.ID      `json:"holder_id"`
	Holder        string      `json:"holder"`
	HolderUSCC    string      `json:"holder_uscc"`
	Region        region.Code `json:"region"`
	Scope         string      `json:"data_scope"`
	RecordCount   int         `json:"record_count"`
	Fields        []string    `json:"fields"`
	ValuationNote string      `json:"valuation_note"`
	RequestedBy   string      `json:"requested_by"`
	State         CertState   `json:"state"`
	Reason        string      `json:"reason,omitempty"`
	DecidedBy     string      `json:"decided_by,omitempty"`
	Document      *Sealed     `json:"document,omitempty"` // once issued
	CreatedAt     time.Time   `json:"created_at"`
	DecidedAt     time.Time   `json:"decided_at,omitzero"`
}

// CertificateInput is what asking for a certificate takes.
type CertificateInput struct {
	AssetKind     string
	AssetID       ids.ID
	AssetName     string // "" for the product's or resource's own name
	Scope         string
	ValuationNote string
}

// Sealed is a sealed document: its bytes and the seal's signature on
// them. Format says how to read it (FormatStatement today).
type Sealed struct {
	Format   string  `json:"format"`
	Document string  `json:"document"` // the signed bytes (canonical JSON for a statement)
	Hash     string  `json:"sha256"`
	Seal     Sealing `json:"seal"`
}

// FormatStatement is a signed JSON statement.
const FormatStatement = "signed-statement"

// Notary issues and checks sealed documents for the market. The signed
// statement (SealStatements) is the one there is; a PDF with the seal
// image, a QR code and a detached signature can take its place.
type Notary interface {
	// Seal seals doc with the seal of body org on behalf of actor,
	// recording the seal's use in the transaction ctx carries.
	Seal(ctx context.Context, actor audit.Actor, org ids.ID, doc []byte, purpose, ref string) (*Sealed, error)
	// Check reports whether d's signature verifies with its key and the
	// key's seal was not revoked before it signed; the reason is a message
	// key when it does not.
	Check(ctx context.Context, d *Sealed) (bool, string, error)
}

// Seals is what the market needs of seal.Service.
type Seals interface {
	OrgSeal(ctx context.Context, orgID ids.ID) (*seal.Seal, error)
	Prepare(ctx context.Context, se *seal.Seal) (seal.Signer, error)
	Sign(ctx context.Context, actor audit.Actor, sealID ids.ID, kid string, msg []byte, purpose, ref string) (*seal.Signature, error)
	KeyInfo(ctx context.Context, kid string) (*seal.Key, *seal.Seal, error)
	ProveSigned(ctx context.Context, kid, docSHA256 string) (time.Time, error)
}

// SealStatements is the Notary that signs documents as they are with an
// organisation's seal (seal.Service).
type SealStatements struct{ Seals Seals }

var _ Notary = SealStatements{}

// Seal implements Notary.
func (n SealStatements) Seal(ctx context.Context, actor audit.Actor, org ids.ID, doc []byte, purpose, ref string) (*Sealed, error) {
	s, err := sealWith(ctx, n.Seals, actor, org, doc, purpose, ref)
	if err != nil {
		return nil, err
	}
	return &Sealed{Format: FormatStatement, Document: string(doc), Hash: Hash(doc), Seal: *s}, nil
}

// sealWith signs doc with org's seal.
func sealWith(ctx context.Context, seals Seals, actor audit.Actor, org ids.ID, doc []byte, purpose, ref string) (*Sealing, error) {
	se, err := seals.OrgSeal(ctx, org)
	if err != nil {
		return nil, err
	}
	sg, err := seals.Prepare(ctx, se)
	if err != nil {
		return nil, err
	}
	sig, err := seals.Sign(ctx, actor, se.ID, sg.KeyID(), doc, purpose, ref)
	if err != nil {
		return nil, err
	}
	_, name := actor.AuditActor()
	return &Sealing{SealID: se.ID, SealName: se.Title(), Org: se.OrgName, KID: sig.KID, Alg: sig.Alg,
		Signature: base64.StdEncoding.EncodeToString(sig.Sig), UseID: sig.UseID, SignedBy: name, SignedAt: sig.At}, nil
}

// Check implements Notary.
func (n SealStatements) Check(ctx context.Context, d *Sealed) (bool, string, error) {
	return checkSealing(ctx, n.Seals, []byte(d.Document), d.Hash, &d.Seal)
}

// checkSealing verifies a seal's signature on doc (whose SHA-256 must be
// hash): the key must be this node's, the signature must verify, and a
// revoked seal counts only with proof that it signed before.
func checkSealing(ctx context.Context, seals Seals, doc []byte, hash string, s *Sealing) (bool, string, error) {
	if Hash(doc) != hash {
		return false, "market.verify.tampered", nil
	}
	k, se, err := seals.KeyInfo(ctx, s.KID)
	if errs.Is(err, errs.NotFound) {
		return false, "market.verify.unknown_key", nil
	}
	if err != nil {
		return false, "", err
	}
	alg, pub, err := k.Public.Key()
	if err != nil {
		return false, "", err
	}
	sig, err := base64.StdEncoding.DecodeString(s.Signature)
	if err != nil || alg != s.Alg || !seal.Verify(alg, pub, doc, sig) {
		return false, "market.verify.tampered", nil
	}
	if se.State == seal.Revoked {
		if _, err := seals.ProveSigned(ctx, s.KID, hash); err != nil {
			return false, "market.verify.seal_revoked", nil
		}
	}
	return true, "", nil
}
