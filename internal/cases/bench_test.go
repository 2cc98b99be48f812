package cases_test

import (
	"testing"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/store/storetest"
)

// BenchmarkApply submits cases through the service (form check, routing,
// case, event, audit entry and outbox row in one transaction) on SQLite.
// bench/cases.sh measures the same through HTTP under load.
func BenchmarkApply(b *testing.B) {
	e := start(&testing.T{}, storetest.Engines(b)[0])
	citizen := e.caller(&testing.T{}, "citizen")
	app := cases.Application{ItemCode: "TST-0001", DecideIn: "440106", Form: form()}
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.n.App.Cases.Apply(e.ctx, citizen, app); err != nil {
			b.Fatal(err)
		}
	}
}
