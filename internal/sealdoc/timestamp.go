package sealdoc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
)

// TypTimestamp is the typ of a timestamp token.
const TypTimestamp = "digigov-tst+jwt"

// Timestamp is the payload of a timestamp token (签章时间证明): a compact
// JWS by the sealing node's timestamp key — a key of the node, not of any
// seal, kept in the seal Vault and published in the node's trust list as
// timestamp_keys — stating that the document's signature (by seal key
// SealKID, over the PDF with hash SHA256) was made at SignedAt, as the
// node's audit chain records it (the seal.used entry AuditSeq, whose hash
// is AuditHash). It travels with the document: the signature bundle is the
// signature and, on the next line, the token. Another node that imported
// the sealing node's trust list then knows the document was sealed before
// the seal was revoked, when the list says when that was (revoked_at).
type Timestamp struct {
	Issuer    string `json:"iss"`        // the sealing node's public URL
	Number    string `json:"doc_no"`     // the document's number
	SHA256    string `json:"pdf_sha256"` // hex SHA-256 of the PDF
	SigSHA256 string `json:"sig_sha256"` // hex SHA-256 of the signature's signing input (header.payload)
	SealKID   string `json:"seal_kid"`   // the key that signed the document
	SignedAt  int64  `json:"iat"`        // Unix seconds: when the seal was used, as the audit entry records it
	AuditSeq  int64  `json:"audit_seq"`  // the seal.used audit entry
	AuditHash string `json:"audit_hash"` // its hash in the chain
}

// Bundle is a document's detached signature as it is downloaded: the
// signature (a compact JWS, typ TypStatement) and, on the next line, the
// node's timestamp token (TypTimestamp) when it has one.
func (d *Signed) Bundle() string {
	if d.TST == "" {
		return d.JWS
	}
	return d.JWS + "\n" + d.TST + "\n"
}

// maxBundle bounds what splitBundle reads.
const maxBundle = 2 * maxSignature

// splitBundle takes a signature bundle apart: the signature and the token
// ("" if none). Anything else than one or two whitespace-separated parts
// is malformed.
func splitBundle(s string) (sig, tst string, ok bool) {
	if len(s) > maxBundle {
		return "", "", false
	}
	f := strings.Fields(s)
	switch len(f) {
	case 1:
		return f[0], "", true
	case 2:
		return f[0], f[1], true
	}
	return "", "", false
}

// stamp makes the timestamp token of a document whose seal use was just
// recorded in ctx's transaction (useID, at at).
func (s *Service) stamp(ctx context.Context, tsg seal.Signer, doc *Signed, input, useID string, at time.Time) (string, error) {
	seq, hash, err := s.seals.UseEntry(ctx, useID)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(input))
	hb, err := json.Marshal(header{Alg: string(tsg.Alg()), Kid: tsg.KeyID(), Typ: TypTimestamp})
	if err != nil {
		return "", err
	}
	pb, err := json.Marshal(Timestamp{Issuer: s.base, Number: doc.Number, SHA256: doc.PDFSHA256, SigSHA256: hex.EncodeToString(sum[:]),
		SealKID: doc.KID, SignedAt: at.Unix(), AuditSeq: seq, AuditHash: hash})
	if err != nil {
		return "", err
	}
	tin := b64.EncodeToString(hb) + "." + b64.EncodeToString(pb)
	sig, err := tsg.Sign([]byte(tin))
	if err != nil {
		return "", err
	}
	return tin + "." + b64.EncodeToString(sig), nil
}

// parsedTST is a timestamp token taken apart, not yet verified.
type parsedTST struct {
	header header
	ts     Timestamp
	input  string
	sig    []byte
}

// parseTimestamp takes a timestamp token apart; false for anything that
// is no well-formed token. It never panics, whatever the input.
func parseTimestamp(s string) (*parsedTST, bool) {
	if s == "" || len(s) > maxSignature {
		return nil, false
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, false
	}
	var p parsedTST
	hb, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &p.header) != nil || p.header.Typ != TypTimestamp || !seal.Alg(p.header.Alg).Valid() {
		return nil, false
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(pb, &p.ts) != nil {
		return nil, false
	}
	if p.sig, err = b64.DecodeString(parts[2]); err != nil || len(p.sig) != 64 {
		return nil, false
	}
	p.input = parts[0] + "." + parts[1]
	return &p, true
}

// provenTime checks a foreign document's timestamp token: signed by a
// timestamp key imported with the trust list of the same source as the
// seal key k, still trusted, and about this very signature. It returns
// the signing time the token proves, or the reason it proves nothing.
func (s *Service) provenTime(ctx context.Context, p *parsed, tst string, k *ImportedKey) (time.Time, Reason) {
	if tst == "" {
		return time.Time{}, ReasonNoTimestamp
	}
	t, ok := parseTimestamp(tst)
	if !ok {
		return time.Time{}, ReasonTimestampInvalid
	}
	tk, err := s.store.ImportedTimestampKey(ctx, t.header.Kid)
	if errs.Is(err, errs.NotFound) {
		return time.Time{}, ReasonTimestampInvalid
	}
	if err != nil {
		return time.Time{}, ReasonUnavailable
	}
	if tk.Source != k.Source || (tk.Node != "" && k.Node != "" && tk.Node != k.Node) {
		return time.Time{}, ReasonTimestampInvalid // another node's clock says nothing of this one's seals
	}
	if !tk.WithdrawnAt.IsZero() {
		return time.Time{}, ReasonTrustWithdrawn
	}
	alg, pub, err := tk.JWK.Key()
	if err != nil || alg != seal.Alg(t.header.Alg) || !seal.Verify(alg, pub, []byte(t.input), t.sig) {
		return time.Time{}, ReasonTimestampInvalid
	}
	sum := sha256.Sum256([]byte(p.input))
	if t.ts.SealKID != p.header.Kid || !strings.EqualFold(t.ts.SigSHA256, hex.EncodeToString(sum[:])) ||
		!strings.EqualFold(t.ts.SHA256, p.st.SHA256) || t.ts.Number != p.st.Number || t.ts.SignedAt <= 0 {
		return time.Time{}, ReasonTimestampInvalid
	}
	return time.Unix(t.ts.SignedAt, 0).UTC(), ReasonOK
}
