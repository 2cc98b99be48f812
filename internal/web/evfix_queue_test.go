package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestEventQueuePages: a queue longer than a page is paged through to the
// end, each event once, under the total count; the overdue view too.
func TestEventQueuePages(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			n := apptest.Start(t, eng)
			ctx := context.Background()
			grid := n.Caller(t, "grid")
			for i := range 130 {
				if _, _, err := n.App.Governance.Report(ctx, grid, governance.Input{Source: governance.SourceGrid, Category: "0104",
					Description: fmt.Sprintf("石牌东路第 %d 处违规广告牌，未见审批公示", i), Region: "440106006002"}); err != nil {
					t.Fatal(err)
				}
			}
			want, err := n.App.Governance.List(ctx, n.Caller(t, "dispatch"), governance.Query{States: governance.OpenStates, Limit: governance.MaxList})
			if err != nil || len(want) < 131 {
				t.Fatalf("open events: %d %v", len(want), err)
			}
			d := signedIn(t, n, "dispatch")
			walk := func(path, section string, total int) {
				t.Helper()
				seen := map[string]bool{}
				pages := 0
				for path != "" {
					r := d.Get(path)
					if r.StatusCode != 200 {
						t.Fatalf("%s: %d", path, r.StatusCode)
					}
					pages++
					rows := r.Doc.Find(section + " tr.light-row")
					if rows.Length() > 100 {
						t.Fatalf("page %d has %d rows", pages, rows.Length())
					}
					rows.Each(func(_ int, s *goquery.Selection) {
						h, _ := s.Find("a").First().Attr("href")
						if seen[h] {
							t.Errorf("%s on two pages", h)
						}
						seen[h] = true
					})
					if got := r.Doc.Find("#event-total").Text(); !strings.Contains(got, fmt.Sprintf("共 %d 件", total)) {
						t.Errorf("page %d total: %q, want %d", pages, got, total)
					}
					path, _ = r.Doc.Find("#next-page").Attr("href")
				}
				if len(seen) != total || pages != (total+99)/100 {
					t.Fatalf("%s: paged through %d events in %d pages, want %d", section, len(seen), pages, total)
				}
			}
			walk("/workbench/events", "#queue", len(want))
			if r := d.Get("/workbench/events?after=nonsense"); r.StatusCode != 422 && r.StatusCode != 400 {
				t.Errorf("a bad cursor: %d", r.StatusCode)
			}
			// The overdue view pages the same way: every open event made overdue.
			if _, err := n.App.DB.Exec(ctx, `UPDATE gov_events SET deadline = ? WHERE state = 'reported'`, time.Now().Add(-time.Hour).UTC()); err != nil {
				t.Fatal(err)
			}
			late, err := n.App.Governance.List(ctx, n.Caller(t, "dispatch"), governance.Query{OverdueAt: time.Now(), Limit: governance.MaxList})
			if err != nil || len(late) < 131 {
				t.Fatalf("overdue events: %d %v", len(late), err)
			}
			walk("/workbench/events/overdue", "#overdue", len(late))
		})
	}
}
