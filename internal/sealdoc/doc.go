// Package sealdoc renders, seals, keeps and verifies signed documents
// (电子文书): an authority's decision on a case (决定书), a certificate (证明,
// 证书 — a data asset's registration, say), a notice.
//
// A document is laid out as an A4 PDF (gopdf; the Chinese font, 文泉驿微米黑
// compiled into the binary unless a font file is configured, is parsed on
// first use and its glyph subset embedded in every PDF, so readers need no
// font of their own): the
// title, the number, the addressee, the body, labelled fields, then the
// issuer and the date with the seal drawn over them (the classic red seal,
// as seal.SVG draws it) and a QR code, by default of the node's
// verification page for the document's number.
//
// The PDF is sealed by a detached signature: a compact JWS (RFC 7515,
// typ "digigov-sealdoc+jwt") by the seal's key — SM2 with SM3 by default,
// Ed25519 or ECDSA P-256 — whose payload (Statement) names the PDF by its
// SHA-256 and size, with the document's number, kind, title, issuer and
// signing time. The PDF stays a plain file; any JOSE library checks the
// signature against /.well-known/jwks.json, then compares the hash with
// the file in hand. The signing input's SHA-256 goes to the seal's use log
// (用印记录), whose audit entry proves the signing time; so a document
// sealed before its seal was revoked still verifies ("signed while the
// seal was valid"). A signature by a key this node does not hold is
// checked against the keys imported with other nodes' trust lists (证照互认):
// such a document is genuine "issued by another province's trusted
// issuer" (Verdict.KeySource names the list).
//
// The Go API, for other domains (a data asset's certificate, say):
//
//	svc.Issue(ctx, by, orgID, sealdoc.Document{...}) (*sealdoc.Signed, error)
//	svc.IssueAs(ctx, actor, orgID, doc)             // trusted callers: event handlers, demo data
//	svc.Get(ctx, by, id) / svc.PDF(ctx, by, id)     // the record / with the PDF bytes
//	svc.ForRef(ctx, by, sealdoc.Ref{Type, ID})      // the documents about something
//	svc.Verify(ctx, pdf, signature) *Verdict        // anyone; signature "" looks the PDF up
//	svc.Lookup(ctx, number) *Verdict                // the QR code's number
//	svc.IssueDecision(ctx, sealdoc.Decision{...})   // a case's 决定书, once per case
//
// Issue needs staff of orgID holding document.issue over its region; the
// document is then readable by its Holder (account, person or
// enterprise), by staff of the issuer holding document.issue, and by seal
// administrators of its region — everyone else hears "not found". Issue
// renders and signs outside any transaction, stores the PDF in the blob
// store, then writes the seal's use (with its audit entry), the document
// record and its own audit entry ("document.issued") in one transaction.
// A Document with a Key is issued at most once per issuer (errs.Conflict
// "sealdoc.exists"). The seal is the one named (Document.SealID), or the
// organisation's active 行政审批专用章 for a decision, else its active 公章.
//
// Numbers are readable and unique on the node: the kind's code (JD 决定,
// ZS 证书, TZ 通知), the issuer's region (six digits), the year in
// Asia/Shanghai and a serial per prefix: JD4401002026000001. A number whose
// issuance failed after it was handed out stays unused.
package sealdoc
