package web_test

import (
	"context"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/store/storetest"
)

// BenchmarkExchangeCall times the exchange service (grant check, rows,
// masking, the signed log entry) without HTTP, from parallel callers.
func BenchmarkExchangeCall(b *testing.B) {
	n := apptest.Start(b, storetest.Engines(b)[0])
	ctx := context.Background()
	ds := n.App.DataShare
	provider, consumer := n.Caller(b, "cdo_gz"), n.Caller(b, "cdo")
	in, err := ds.Inbox(ctx, provider, datashare.Pending)
	if err != nil || len(in) == 0 {
		b.Fatal(err)
	}
	if _, _, err := ds.Approve(ctx, provider, in[0].ID, datashare.ApproveInput{RatePerSec: 10000}); err != nil {
		b.Fatal(err)
	}
	_, cred, err := ds.Deliver(ctx, consumer, in[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := ds.Call(ctx, datashare.CallInput{Credential: cred, ResourceCode: "4401-HRSS/0001", Rows: 3})
			if err != nil || res.Status != 200 {
				b.Fatal(err, res.Status)
			}
		}
	})
}
