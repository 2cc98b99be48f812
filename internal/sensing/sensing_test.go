package sensing_test

import (
	"context"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

func TestSmoke(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			c := n.Client(t)
			c.Login("leader", "digigov2026")
			r := c.Get("/cockpit")
			if r.StatusCode != 200 {
				t.Fatalf("cockpit %d %s", r.StatusCode, r.Body[:min(2000, len(r.Body))])
			}
			_ = context.Background()
			_ = strings.Contains
		})
	}
}
