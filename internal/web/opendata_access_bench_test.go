package web_test

import (
	"context"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/store/storetest"
)

// BenchmarkOpenDataRows times the rows API's service (opendata.Rows) on
// a dataset open to all (the baseline) and on a 有条件开放 one read by an
// approved applicant: the difference is the application check and the
// audit entry each use of conditional data writes.
func BenchmarkOpenDataRows(b *testing.B) {
	n := apptest.Start(b, storetest.Engines(b)[0])
	ctx := context.Background()
	od := n.App.OpenData
	citizen := n.Caller(b, "citizen")
	a, err := od.Apply(ctx, citizen, "4401-hrss-0003", opendata.ApplicationInput{Purpose: "基准", IntendedUse: "基准", Days: 30, Contact: "13912345678"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := od.ApproveApplication(ctx, n.Caller(b, "cdo_gz"), a.ID, ""); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, dataset string }{{"open", "4401-hrss-0002"}, {"conditional", "4401-hrss-0003"}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if p, err := od.Rows(ctx, citizen, c.dataset, 0, 10); err != nil || len(p.Rows) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}
