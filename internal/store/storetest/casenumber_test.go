package storetest_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestNextCaseNumber: concurrent transactions (on SQLite, group commits)
// take consecutive numbers of a series' day; a rolled-back transaction
// gives its number back; series and days count apart.
func TestNextCaseNumber(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			st := sqlstore.New(d)
			var mu sync.Mutex
			var got []int
			var wg sync.WaitGroup
			for i := range 60 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var n int
					err := d.Transact(ctx, func(ctx context.Context) error {
						var err error
						if n, err = st.NextCaseNumber(ctx, "SJ", "20261127"); err != nil {
							return err
						}
						if i%5 == 2 {
							return fmt.Errorf("fail")
						}
						// A second series in the same transaction.
						_, err = st.NextCaseNumber(ctx, "HRSS440106", "20261127")
						return err
					})
					if err == nil {
						mu.Lock()
						got = append(got, n)
						mu.Unlock()
					} else if i%5 != 2 {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			sort.Ints(got)
			for i, n := range got {
				if n != i+1 {
					t.Fatalf("numbers taken: %v, want 1…%d without gaps or repeats", got, len(got))
				}
			}
			for _, c := range []struct {
				series, day string
				want        int
			}{{"SJ", "20261127", 49}, {"HRSS440106", "20261127", 49}, {"SJ", "20261128", 1}} {
				var n int
				if err := d.Transact(ctx, func(ctx context.Context) error {
					var err error
					n, err = st.NextCaseNumber(ctx, c.series, c.day)
					return err
				}); err != nil || n != c.want {
					t.Errorf("next %s %s: %d, %v; want %d", c.series, c.day, n, err, c.want)
				}
			}
		})
	}
}
