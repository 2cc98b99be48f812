package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/store/storetest"
)

// BenchmarkAPIApply submits cases through the HTTP handler in process (no
// network), in parallel, on SQLite: the server side of bench/cases.sh.
func BenchmarkAPIApply(b *testing.B) {
	n := apptest.Start(b, storetest.Engines(b)[0])
	token := n.Token(b, "citizen")
	h, err := n.App.Handler()
	if err != nil {
		b.Fatal(err)
	}
	idn := identity.MakeIDNumber("440106", time.Date(1990, 5, 12, 0, 0, 0, 0, time.UTC), 31).Clear()
	body := fmt.Sprintf(`{"item_code":"HRSS-0011","decide_in":"440106","form":{"applicant_name":"张明","id_number":"%s","period_start":"2025-01-01","period_end":"2025-12-31"}}`, idn)
	b.SetParallelism(16) // many clients, as under load: transactions commit in groups
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/cases", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusCreated {
				b.Fatalf("status %d: %s", w.Code, w.Body.String())
			}
		}
	})
}
