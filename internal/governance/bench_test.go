package governance_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/store/storetest"
)

// BenchmarkReport files hotline tickets through the service on SQLite, in
// parallel, as bench/events.sh does through HTTP.
func BenchmarkReport(b *testing.B) {
	n := apptest.Start(b, storetest.Engines(b)[0])
	by := n.Caller(b, "hotline")
	cats := []string{"0401", "0203", "0502"}
	regions := []string{"440106006002", "440106006004", "440106006009", "440106006014"}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			lat, lng := 23.12+rand.Float64()*0.07, 113.31+rand.Float64()*0.1 // in 天河区, the regions' county
			_, _, err := n.App.Governance.Report(context.Background(), by, governance.Input{Source: governance.SourceHotline,
				Category: cats[rand.IntN(3)], Description: "来电反映：夜间噪声、路灯或交通设施问题", Region: regions[rand.IntN(4)],
				Lat: &lat, Lng: &lng, ReporterName: "王先生", Phone: fmt.Sprintf("139%08d", rand.IntN(100000000))})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
