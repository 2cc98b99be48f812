package storetest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

func govEvent(n string, reg string, created time.Time) *governance.Event {
	return &governance.Event{ID: ids.New(), Number: n, Version: 1, Source: governance.SourceGrid, Category: "0101",
		Description: "暴露垃圾", Location: governance.Location{Region: regionOf(reg), Address: "石牌东路", Lat: 23.13, Lng: 113.33, HasGeo: true},
		Urgency: governance.Normal, ReporterID: ids.New(), ReporterName: "梁小芳", Photos: []string{"ab"}, State: governance.Reported,
		Level: 4, Department: "urban_management", CreatedAt: created, UpdatedAt: created}
}

func TestGovernanceStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			now := time.Now().UTC().Truncate(time.Microsecond)
			ev := govEvent("SJ1", "440106006002", now)
			if err := s.CreateEvent(ctx, ev, []byte{1, 2, 3}, "idx"); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateEvent(ctx, govEvent("SJ1", "440106006002", now), nil, ""); !errs.Is(err, errs.Conflict) {
				t.Fatalf("duplicate number: %v", err)
			}
			got, phone, err := s.Event(ctx, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ev, got); diff != "" || string(phone) != "\x01\x02\x03" {
				t.Fatalf("read back (-want +got):\n%s", diff)
			}
			if _, _, err := s.Event(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
				t.Fatalf("missing event: %v", err)
			}

			// Of two updates from the same version, one wins.
			a, b := *got, *got
			a.Version, a.State, a.Lead = 2, governance.Dispatched, governance.OrgRef{ID: ids.New(), Name: "甲"}
			a.Deadline, a.Assist = now.Add(time.Hour), []governance.OrgRef{{ID: ids.New(), Name: "乙"}}
			a.Pending = &governance.Pending{Action: governance.ActRequestReturn, From: governance.Handling, Reason: "非本部门"}
			b.Version, b.State = 2, governance.Rejected
			var wg sync.WaitGroup
			res := make([]error, 2)
			for i, x := range []*governance.Event{&a, &b} {
				wg.Add(1)
				go func() { defer wg.Done(); res[i] = s.UpdateEvent(ctx, x) }()
			}
			wg.Wait()
			if (res[0] == nil) == (res[1] == nil) || !errs.Is(res[0], errs.Conflict) && !errs.Is(res[1], errs.Conflict) {
				t.Fatalf("concurrent updates: %v, %v", res[0], res[1])
			}
			if res[0] == nil {
				got, _, _ = s.Event(ctx, ev.ID)
				if diff := cmp.Diff(&a, got); diff != "" {
					t.Fatalf("updated (-want +got):\n%s", diff)
				}
			}

			st := &governance.Step{EventID: ev.ID, Seq: 1, Action: governance.ActReport, To: governance.Reported, ActorID: "u", ActorName: "梁小芳",
				Photos: []string{"ab"}, Detail: map[string]any{"source": "grid"}, At: now}
			if err := s.AddEventStep(ctx, st); err != nil {
				t.Fatal(err)
			}
			if err := s.AddEventStep(ctx, st); !errs.Is(err, errs.Conflict) {
				t.Fatalf("the same step twice: %v", err)
			}
			steps, err := s.EventSteps(ctx, ev.ID)
			if err != nil || len(steps) != 1 || steps[0].Detail["source"] != "grid" || steps[0].Photos[0] != "ab" {
				t.Fatalf("steps: %v %+v", err, steps)
			}

			// Lists: reach by region, reporter or organisation; nothing without reach.
			other := govEvent("SJ2", "440304001001", now.Add(time.Minute))
			if err := s.CreateEvent(ctx, other, nil, ""); err != nil {
				t.Fatal(err)
			}
			count := func(q governance.Query) int {
				t.Helper()
				q.Limit = 100
				l, err := s.Events(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				return len(l)
			}
			for name, c := range map[string]struct {
				q    governance.Query
				want int
			}{
				"no reach":          {governance.Query{}, 0},
				"天河":                {governance.Query{Within: []regionCode{"440106"}}, 1},
				"广东":                {governance.Query{Within: []regionCode{"44"}}, 2},
				"reporter":          {governance.Query{Reporter: other.ReporterID}, 1},
				"public, category":  {governance.Query{Public: true, Categories: []string{"0101"}}, 2},
				"public, other cat": {governance.Query{Public: true, Categories: []string{"0102"}}, 0},
				"created window":    {governance.Query{Public: true, CreatedFrom: now.Add(30 * time.Second)}, 1},
				"updated after":     {governance.Query{Public: true, UpdatedAfter: now.Add(30 * time.Second)}, 1},
				"by ids":            {governance.Query{Public: true, IDs: []ids.ID{ev.ID}}, 1},
			} {
				if got := count(c.q); got != c.want {
					t.Errorf("%s: %d events, want %d", name, got, c.want)
				}
			}
			near, err := s.NearbyEvents(ctx, governance.Nearby{Category: "0101", Cells: []string{governance.CellOf(other)}, Since: now.Add(-time.Hour), Limit: 10})
			if err != nil || len(near) < 1 {
				t.Fatalf("nearby: %v %d", err, len(near))
			}
			if want := (governance.Candidate{ID: other.ID, Region: other.Region, Lat: other.Lat, Lng: other.Lng, HasGeo: true}); near[0] != want {
				t.Fatalf("nearby, newest first: %+v, want %+v", near[0], want)
			}

			// Rules.
			r := &governance.Rule{ID: ids.New(), Category: "01", Region: "440106", Department: "urban_management", Level: 5, Auto: true, CreatedBy: "罗嘉豪", CreatedAt: now}
			if err := s.CreateEventRule(ctx, r); err != nil {
				t.Fatal(err)
			}
			rules, err := s.EventRules(ctx)
			if err != nil || len(rules) != 1 || !cmp.Equal(rules[0], *r) {
				t.Fatalf("rules: %v %+v", err, rules)
			}
			if err := s.DeleteEventRule(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteEventRule(ctx, r.ID); !errs.Is(err, errs.NotFound) {
				t.Fatalf("deleting twice: %v", err)
			}

			// The summary: both events today, none closed or rated.
			sum, err := s.EventSummary(ctx, "44", governance.WindowAt(now.Add(2*time.Hour)))
			if err != nil || sum.Today != 2 || sum.Open < 1 {
				t.Fatalf("summary: %v %+v", err, sum)
			}
		})
	}
}

type regionCode = region.Code
