package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestForeignDocumentSealedBeforeRevocation: node A seals two documents
// with one seal, a second apart; each carries A's timestamp token. Node B
// imports A's trust list, which publishes A's timestamp key: both are
// genuine there. A revokes the seal; A's next list names the key revoked,
// with when, and B imports it. At B the first document, with its token, is
// "signed while the seal was valid" — the answer A itself gives for it
// from its audit chain —; without the token it is refused
// (timestamp_missing); with a token whose claims were changed, with the
// other document's token, or with a token by a timestamp key that is not
// A's (B's own), it is refused (timestamp_invalid). The second document
// was sealed after the revocation took effect — A's administrator dated
// the revocation back to the moment the seal was lost, which the test
// writes into A's key record, as the seal admin UI offers no such date —
// and is refused (timestamp_late), at A too. Licences of A's revoked key
// stay refused at B (trust_withdrawn): tokens are for documents only.
func TestForeignDocumentSealedBeforeRevocation(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			a := &licenseNode{Node: apptest.StartPublic(t, e), t: t, tok: map[string]string{}}
			a.c = a.Client(t)
			b := &licenseNode{Node: apptest.StartPublic(t, e), t: t, tok: map[string]string{}}
			b.c = b.Client(t)
			ctx := context.Background()

			var se seal.Seal
			for _, s := range mustSeals(t, a, a.Caller(t, "admin")) {
				if s.Kind == seal.Business && s.State == seal.Active {
					se = s
					break
				}
			}
			if se.ID == "" {
				t.Fatal("no active 专用章 on A")
			}
			issue := func(text string) *sealdoc.Signed {
				d, err := a.App.Documents.IssueAs(ctx, audit.System("test"), se.OrgID, sealdoc.Document{Kind: sealdoc.KindCertificate,
					Title: "证明", Recipient: "张明", Paragraphs: []string{text}, SealID: se.ID})
				if err != nil {
					t.Fatal(err)
				}
				if d.TST == "" || !strings.Contains(d.Bundle(), "\n") {
					t.Fatalf("document %s has no timestamp token", d.Number)
				}
				return d
			}
			d1 := issue("兹证明：印章注销前签发。")
			time.Sleep(1100 * time.Millisecond) // tokens count whole seconds
			d2 := issue("兹证明：印章注销后（按追溯的注销时间）签发。")

			importA := func() {
				t.Helper()
				if _, err := b.App.Licenses.ImportTrustList(ctx, b.Caller(t, "admin"), a.c.Get("/.well-known/trust-list.jws").Body); err != nil {
					t.Fatal(err)
				}
			}
			importA()
			var tl struct {
				TimestampKeys []seal.JWK `json:"timestamp_keys"`
				RevokedKeys   []seal.JWK `json:"revoked_keys"`
			}
			trustListPayload(t, a.c.Get("/.well-known/trust-list.jws").Body, &tl)
			if len(tl.TimestampKeys) != 1 || tl.TimestampKeys[0].Kid != tokenKid(t, d1.TST) {
				t.Fatalf("A's trust list publishes timestamp keys %+v, want the one of its tokens", tl.TimestampKeys)
			}
			for _, d := range []*sealdoc.Signed{d1, d2} {
				if v := b.verifyDocTrusted(d.PDF, d.Bundle()); !v.Genuine || v.SignedWhileSealValid || v.KeySource == "" {
					t.Errorf("%s at B before the revocation: %+v", d.Number, v)
				}
			}

			// A revokes the seal, effective (dated back) at d2's signing time.
			if _, err := a.App.Seals.Act(ctx, a.Caller(t, "admin"), se.ID, seal.ActRevoke, "印章遗失"); err != nil {
				t.Fatal(err)
			}
			effective := time.Unix(tokenIat(t, d2.TST), 0).UTC()
			if _, err := a.App.DB.Exec(ctx, `UPDATE seal_keys SET revoked_at = ? WHERE kid = ?`, effective, d1.KID); err != nil {
				t.Fatal(err)
			}
			importA()
			trustListPayload(t, a.c.Get("/.well-known/trust-list.jws").Body, &tl)
			found := false
			for _, k := range tl.RevokedKeys {
				if k.Kid == d1.KID {
					found = true
					if at, err := time.Parse(time.RFC3339Nano, k.RevokedAt); err != nil || !at.Equal(effective) {
						t.Errorf("revoked_at %q, want %v", k.RevokedAt, effective)
					}
				}
			}
			if !found {
				t.Fatalf("A's trust list does not name the revoked key %s: %+v", d1.KID, tl.RevokedKeys)
			}

			// Before the revocation, with the token: signed while valid,
			// as A says from its own audit chain.
			v := b.verifyDocTrusted(d1.PDF, d1.Bundle())
			if !v.Genuine || !v.SignedWhileSealValid || v.Number != d1.Number {
				t.Errorf("d1 with its token at B after the revocation: %+v", v)
			}
			if v := a.verifyDoc(d1.PDF, d1.JWS); !v.Genuine || !v.SignedWhileSealValid {
				t.Errorf("d1 at A after the revocation: %+v", v)
			}
			p := uploadDoc(t, b, d1.PDF, d1.Bundle())
			if !strings.Contains(p.sentence, "其他省份") {
				t.Errorf("B's page for d1: %+v", p)
			}
			// The token may also come as its own API field.
			var vf trustedDocVerdict
			body, _ := json.Marshal(map[string]any{"pdf": d1.PDF, "signature": d1.JWS, "timestamp": d1.TST})
			if code := b.api("POST", "/api/v1/documents/verify", "", string(body), &vf); code != 200 || !vf.Genuine || !vf.SignedWhileSealValid {
				t.Errorf("d1 with the token in its own field: %d %+v", code, vf)
			}

			// Refusals, each with its reason.
			if v := b.verifyDocTrusted(d1.PDF, d1.JWS); v.Genuine || v.Reason != "timestamp_missing" {
				t.Errorf("d1 without its token: %+v", v)
			}
			parts := strings.Split(d1.TST, ".")
			claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
			var m map[string]any
			json.Unmarshal(claims, &m)
			m["iat"] = m["iat"].(float64) - 3600
			forged, _ := json.Marshal(m)
			forgedTST := parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2]
			if v := b.verifyDocTrusted(d1.PDF, d1.JWS+"\n"+forgedTST); v.Genuine || v.Reason != "timestamp_invalid" {
				t.Errorf("d1 with a token whose time was changed: %+v", v)
			}
			if v := b.verifyDocTrusted(d1.PDF, d1.JWS+"\n"+d2.TST); v.Genuine || v.Reason != "timestamp_invalid" {
				t.Errorf("d1 with d2's token: %+v", v)
			}
			own := bOwnDocument(t, b)
			if v := b.verifyDocTrusted(d1.PDF, d1.JWS+"\n"+own.TST); v.Genuine || v.Reason != "timestamp_invalid" {
				t.Errorf("d1 with a token of B's own timestamp key: %+v", v)
			}
			if v := b.verifyDocTrusted(d1.PDF, d1.JWS+"\nnot-a-token"); v.Genuine || v.Reason != "timestamp_invalid" {
				t.Errorf("d1 with garbage for a token: %+v", v)
			}
			if v := b.verifyDocTrusted(d1.PDF, d1.JWS+"\n"+d1.TST+"\n"+d1.TST); v.Genuine || v.Reason != "malformed" {
				t.Errorf("a bundle of three parts: %+v", v)
			}
			// Sealed after the revocation took effect: refused, here and at A.
			if v := b.verifyDocTrusted(d2.PDF, d2.Bundle()); v.Genuine || v.Reason != "timestamp_late" {
				t.Errorf("d2 (sealed after the effective revocation) at B: %+v", v)
			}
			if v := a.verifyDoc(d2.PDF, d2.JWS); v.Genuine || v.Reason != "seal_revoked" {
				t.Errorf("d2 at A: %+v", v)
			}
			if p := uploadDoc(t, b, d2.PDF, d2.Bundle()); !strings.Contains(p.sentence, "注销之后") {
				t.Errorf("B's page for d2: %+v", p)
			}
			// B's own documents verify as before.
			if v := b.verifyDoc(own.PDF, own.Bundle()); !v.Genuine {
				t.Errorf("B's own document at B: %+v", v)
			}
		})
	}
}

// bOwnDocument seals a certificate on node n under its first active
// 专用章.
func bOwnDocument(t *testing.T, n *licenseNode) *sealdoc.Signed {
	t.Helper()
	for _, s := range mustSeals(t, n, n.Caller(t, "admin")) {
		if s.Kind == seal.Business && s.State == seal.Active {
			d, err := n.App.Documents.IssueAs(context.Background(), audit.System("test"), s.OrgID, sealdoc.Document{Kind: sealdoc.KindCertificate,
				Title: "证明", Paragraphs: []string{"兹证明：B 节点自己的文书。"}, SealID: s.ID})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	t.Fatal("no active 专用章")
	return nil
}

func jwsPart(t *testing.T, jws string, i int) []byte {
	t.Helper()
	parts := strings.Split(strings.TrimSpace(jws), ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %.80q", jws)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func trustListPayload(t *testing.T, jws string, out any) {
	t.Helper()
	if err := json.Unmarshal(jwsPart(t, jws, 1), out); err != nil {
		t.Fatal(err)
	}
}

func tokenKid(t *testing.T, tst string) string {
	var h struct{ Kid, Typ string }
	json.Unmarshal(jwsPart(t, tst, 0), &h)
	if h.Typ != sealdoc.TypTimestamp {
		t.Fatalf("token typ %q", h.Typ)
	}
	return h.Kid
}

func tokenIat(t *testing.T, tst string) int64 {
	var c sealdoc.Timestamp
	if err := json.Unmarshal(jwsPart(t, tst, 1), &c); err != nil {
		t.Fatal(err)
	}
	return c.SignedAt
}
