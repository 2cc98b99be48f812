package sealdoc

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
)

// Kind is what sort of document it is. Its code starts the document
// number, so numbers say what they number.
type Kind string

const (
	KindDecision    Kind = "decision"    // 决定书: an authority's decision on a case
	KindCertificate Kind = "certificate" // 证明 / 证书: a certificate (a data asset's registration, …)
	KindNotice      Kind = "notice"      // 通知书 / 告知书
	KindLicense     Kind = "license"     // 电子证照的 PDF 版式文件 (a licence's PDF, laid out by the licence domain)
)

// Kinds lists the kinds with their number codes.
var kindCodes = map[Kind]string{KindDecision: "JD", KindCertificate: "ZS", KindNotice: "TZ", KindLicense: "ZZ"}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { _, ok := kindCodes[k]; return ok }

// Field is one labelled line of a document ("申请事项：…").
type Field struct {
	Label string
	Value string
}

// Ref names what a document is about ("case" and the case's ID), so that
// it can be found from there and issued at most once per Key.
type Ref struct {
	Type string
	ID   string
}

// Holder is who may download a document besides the issuing
// organisation's staff: any of the account, the person and the enterprise
// that are set.
type Holder struct {
	UserID       ids.ID
	PersonID     ids.ID
	EnterpriseID ids.ID
}

// Document is what a caller asks to be rendered and sealed.
type Document struct {
	Kind       Kind
	Title      string   // 准予行政许可决定书 (≤ 40 characters)
	Recipient  string   // the addressee, printed as "致：…" ("" for none)
	Paragraphs []string // the body, in order
	Fields     []Field  // labelled lines after the body
	// QR is what the QR code in the corner holds; "" puts the document's
	// verification URL there (VerifyURL: this node's /documents/verify
	// with the number).
	QR string
	// SealID picks the seal; "" takes the organisation's active
	// 行政审批专用章 for a decision, else its active 公章.
	SealID ids.ID
	Ref    Ref
	// Key, when set, makes the document unique per issuer: Issue answers
	// errs.Conflict ("sealdoc.exists") for a second one with the same key
	// (a case's decision is issued once however often the event comes).
	Key    string
	Holder Holder
	// Layout, when set, lays the PDF out instead of the standard layout
	// of a document (a licence's PDF is laid out by the licence domain).
	// It gets the font, the number given to the document and the signing
	// time, and must name the number in the PDF's title (NewPDF with a
	// title ending in the number does), so that a changed copy is known
	// as changed. Paragraphs, Fields, Recipient and QR are then unused.
	Layout func(font *Font, number string, at time.Time) ([]byte, error)
	// Supersede makes the new document replace every earlier document of
	// the same Ref and Kind: those then verify as authentic but
	// superseded (ReasonSuperseded), naming this one.
	Supersede bool
}

// check validates d, returning every bad field at once.
func (d *Document) check() map[string]string {
	fe := map[string]string{}
	d.Title = strings.TrimSpace(d.Title)
	switch {
	case !d.Kind.Valid():
		fe["kind"] = "form.choice"
	}
	switch n := utf8.RuneCountInString(d.Title); {
	case n == 0:
		fe["title"] = "form.required"
	case n > 40:
		fe["title"] = "form.too_long"
	}
	total := utf8.RuneCountInString(d.Recipient)
	for _, p := range d.Paragraphs {
		total += utf8.RuneCountInString(p)
	}
	for _, f := range d.Fields {
		total += utf8.RuneCountInString(f.Label) + utf8.RuneCountInString(f.Value)
	}
	if total > 20000 {
		fe["body"] = "form.too_long"
	}
	if len(d.QR) > 1500 {
		fe["qr"] = "form.too_long"
	}
	return fe
}

// Signed is an issued document: the PDF's hash and size, the detached
// signature (a compact JWS over a statement of the PDF's SHA-256, see
// Statement), who sealed it and when.
type Signed struct {
	ID         ids.ID
	Number     string // readable and unique on the node: JD4401062026000001
	Kind       Kind
	Title      string
	IssuerID   ids.ID // the organisation
	IssuerName string
	Region     region.Code // the issuer's, for scope checks
	SealID     ids.ID
	KID        string
	Alg        seal.Alg
	PDFSHA256  string // hex
	PDFSize    int64
	JWS        string // the detached signature
	Ref        Ref
	Key        string
	Holder     Holder
	SignedBy   string // the actor's name
	SignedAt   time.Time
	// SupersededBy is the number of the document that replaced this one
	// ("" while it stands), SupersededAt when.
	SupersededBy string
	SupersededAt time.Time
	// TST is the node's timestamp token over the signature (see
	// Timestamp), "" for documents sealed before tokens existed.
	TST string
	// PDF is the document itself; set by Issue and PDF, empty elsewhere.
	PDF []byte
}

// FileName is the PDF's download name; the signature's is FileName + ".jws".
func (d *Signed) FileName() string { return d.Number + ".pdf" }

// errExists is the conflict of a second document with the same key.
var errExists = errs.E(errs.Conflict, "sealdoc.exists")
