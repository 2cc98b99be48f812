package web_test

import (
	"encoding/json"
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

// BenchmarkAPIApplyWithELicence is BenchmarkAPIApply with the 居民身份证
// satisfied by the citizen's e-licence (免提交): the licence checked (holder,
// type, state, validity) and its grant and audit entry written in the
// submission's transaction. Compare with BenchmarkAPIApply in the same run.
func BenchmarkAPIApplyWithELicence(b *testing.B) {
	n := apptest.Start(b, storetest.Engines(b)[0])
	token := n.Token(b, "citizen")
	h, err := n.App.Handler()
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/services/HRSS-0011/licenses", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var opts struct {
		Items []struct {
			Licenses []struct{ ID string }
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &opts); err != nil || len(opts.Items) == 0 || len(opts.Items[0].Licenses) == 0 {
		b.Fatalf("options: %v %s", err, w.Body.String())
	}
	idn := identity.MakeIDNumber("440106", time.Date(1990, 5, 12, 0, 0, 0, 0, time.UTC), 31).Clear()
	body := fmt.Sprintf(`{"item_code":"HRSS-0011","decide_in":"440106","form":{"applicant_name":"张明","id_number":"%s","period_start":"2025-01-01","period_end":"2025-12-31"},"licenses":[{"material":"居民身份证","license_id":"%s"}]}`,
		idn, opts.Items[0].Licenses[0].ID)
	b.SetParallelism(16)
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
