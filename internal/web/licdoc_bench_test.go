package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/store/storetest"
)

// BenchmarkDocumentSeal is the rate of sealing documents (SQLite):
// everything Issue does but laying the PDF out — the number, the
// statement and its signature (SM2), the blob, the seal's use with its
// audit entry, the document record and its own audit entry, and (since
// the timestamp tokens) the token signed by the node's timestamp key in
// the same transaction. Pre-rendered: the PDF is a fixed 56 KB file with
// the number appended, so that the layout (about 135 ms, BenchmarkRender)
// does not drown what sealing costs. "rendered" lays out a real decision
// each time. Run it on two commits in turns for a before/after.
//
//	go test -run x -bench DocumentSeal -benchtime 200x ./internal/web/
func BenchmarkDocumentSeal(b *testing.B) {
	n := apptest.Start(b, storetest.Engines(b)[0])
	ctx := context.Background()
	list, err := n.App.Seals.List(ctx, n.Caller(b, "admin"))
	if err != nil {
		b.Fatal(err)
	}
	var se seal.Seal
	for _, s := range list {
		if s.Kind == seal.Business && s.State == seal.Active && s.Alg == seal.SM2 {
			se = s
			break
		}
	}
	if se.ID == "" {
		b.Fatal("no active SM2 专用章")
	}
	fixed := make([]byte, 56<<10)
	copy(fixed, "%PDF-1.4\n")
	b.Run("prerendered", func(b *testing.B) {
		for b.Loop() {
			_, err := n.App.Documents.IssueAs(ctx, audit.System("bench"), se.OrgID, sealdoc.Document{Kind: sealdoc.KindCertificate,
				Title: "证明", SealID: se.ID, Layout: func(_ *sealdoc.Font, number string, _ time.Time) ([]byte, error) {
					return append(fixed[:len(fixed):len(fixed)], "\n/Title ("+number+")\n%%EOF\n"...), nil
				}})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rendered", func(b *testing.B) {
		for b.Loop() {
			_, err := n.App.Documents.IssueAs(ctx, audit.System("bench"), se.OrgID, sealdoc.Document{Kind: sealdoc.KindCertificate,
				Title: "证明", Recipient: "张明", Paragraphs: []string{"兹证明：张明参加社会保险，缴费记录完整。"}, SealID: se.ID})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
