package storetest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/rating"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// ratedCase stores a completed case (ratings refer to one) and returns a
// rating of it, not yet stored.
func ratedCase(t *testing.T, s *sqlstore.Store, applicant ids.ID, n int, item string, authority ids.ID, where region.Code, score rating.Score) *rating.Rating {
	t.Helper()
	c := &cases.Case{ID: ids.New(), Number: fmt.Sprintf("TST-%04d", n), ItemCode: item, ItemName: "事项" + item,
		ApplicantID: applicant, AuthorityID: authority, Authority: "机关" + string(authority)[:4], DecidedAt: where,
		State: cases.Completed, Version: 5, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateCase(context.Background(), c, []byte{}); err != nil {
		t.Fatal(err)
	}
	return &rating.Rating{CaseID: c.ID, CaseNumber: c.Number, ItemCode: item, ItemName: c.ItemName, AuthorityID: authority,
		Authority: c.Authority, Region: where, ApplicantID: applicant, PersonID: ids.New(), Score: score,
		Comment: "评价" + c.Number, CreatedAt: t0.Add(time.Duration(n) * time.Minute)}
}

func TestRatingStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			u := &identity.User{ID: ids.New(), Username: "applicant", DisplayName: "张三", PasswordHash: "h",
				Kind: identity.KindPerson, Locale: "zh-CN", CreatedAt: t0}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			gz, sz := ids.New(), ids.New()

			// A rating round-trips with its sub-scores; a second is refused.
			r := ratedCase(t, s, u.ID, 1, "TST-0001", gz, "440106", rating.VerySatisfied)
			r.Aspects = rating.Aspects{Guide: 5, Convenience: 4, Attitude: 3}
			if err := s.CreateRating(ctx, r); err != nil {
				t.Fatal(err)
			}
			got, err := s.CaseRating(ctx, r.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r, got); diff != "" {
				t.Errorf("rating round trip (-want +got):\n%s", diff)
			}
			if err := s.CreateRating(ctx, r); !errs.Is(err, errs.Conflict) || errs.As(err).Msg != "rating.exists" {
				t.Errorf("second rating of a case: %v, want Conflict rating.exists", err)
			}
			if _, err := s.CaseRating(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
				t.Errorf("rating of an unrated case: %v, want NotFound", err)
			}

			// Bad ratings with their tasks: two in 广州 (one closed later), one in 深圳.
			var tasks []*rating.Rectification
			for i, b := range []struct {
				authority ids.ID
				where     region.Code
				score     rating.Score
				due       time.Duration
			}{{gz, "440106", 2, 48 * time.Hour}, {gz, "440104", 1, 24 * time.Hour}, {sz, "440304", 1, 72 * time.Hour}} {
				br := ratedCase(t, s, u.ID, 10+i, "TST-0002", b.authority, b.where, b.score)
				if err := s.CreateRating(ctx, br); err != nil {
					t.Fatal(err)
				}
				x := &rating.Rectification{ID: ids.New(), CaseID: br.CaseID, Score: b.score, AuthorityID: b.authority, Region: b.where,
					Due: t0.Add(b.due), State: rating.Open, CreatedAt: br.CreatedAt}
				if err := s.CreateRectification(ctx, x); err != nil {
					t.Fatal(err)
				}
				x.CaseNumber, x.ItemCode, x.ItemName, x.Authority, x.Comment, x.PersonID = br.CaseNumber, br.ItemCode, br.ItemName, br.Authority, br.Comment, br.PersonID
				tasks = append(tasks, x)
			}
			gotTask, err := s.Rectification(ctx, tasks[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tasks[0], gotTask); diff != "" {
				t.Errorf("task round trip with its rating's particulars (-want +got):\n%s", diff)
			}
			if _, err := s.Rectification(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
				t.Errorf("missing task: %v, want NotFound", err)
			}

			idsOf := func(q rating.TaskQuery) []ids.ID {
				t.Helper()
				q.Limit = 10
				list, err := s.Rectifications(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				var out []ids.ID
				for _, x := range list {
					out = append(out, x.ID)
				}
				return out
			}
			gzCity := []rating.Reach{{AuthorityID: gz, Within: "4401"}}
			if got, want := idsOf(rating.TaskQuery{Reach: gzCity}), []ids.ID{tasks[1].ID, tasks[0].ID}; !cmp.Equal(got, want) {
				t.Errorf("广州 tasks, earliest due first: %v, want %v", got, want)
			}
			if got := idsOf(rating.TaskQuery{Reach: []rating.Reach{{AuthorityID: gz, Within: "440106"}}}); !cmp.Equal(got, []ids.ID{tasks[0].ID}) {
				t.Errorf("天河区 scope: %v", got)
			}
			if got := idsOf(rating.TaskQuery{Reach: []rating.Reach{{AuthorityID: sz, Within: "4401"}}}); len(got) != 0 {
				t.Errorf("another authority's reach found %v", got)
			}
			if got := idsOf(rating.TaskQuery{}); len(got) != 0 {
				t.Errorf("no reach found %v", got)
			}

			// Closing: once, and only while open.
			tasks[1].State, tasks[1].Callback, tasks[1].Action = rating.Closed, "已回访", "已整改"
			tasks[1].ClosedBy, tasks[1].ClosedByName, tasks[1].ClosedAt = ids.New(), "周建国", t0.Add(time.Hour)
			if err := s.CloseRectification(ctx, tasks[1]); err != nil {
				t.Fatal(err)
			}
			if err := s.CloseRectification(ctx, tasks[1]); !errs.Is(err, errs.Conflict) {
				t.Errorf("closing a closed task: %v, want Conflict", err)
			}
			gotTask, _ = s.Rectification(ctx, tasks[1].ID)
			if diff := cmp.Diff(tasks[1], gotTask); diff != "" {
				t.Errorf("closed task (-want +got):\n%s", diff)
			}
			if got := idsOf(rating.TaskQuery{Reach: gzCity, State: rating.Open}); !cmp.Equal(got, []ids.ID{tasks[0].ID}) {
				t.Errorf("open 广州 tasks: %v", got)
			}
			if got := idsOf(rating.TaskQuery{Reach: gzCity, State: rating.Closed}); !cmp.Equal(got, []ids.ID{tasks[1].ID}) {
				t.Errorf("closed 广州 tasks: %v", got)
			}
			if got := idsOf(rating.TaskQuery{Reach: gzCity}); !cmp.Equal(got, []ids.ID{tasks[0].ID, tasks[1].ID}) {
				t.Errorf("all 广州 tasks, open first: %v", got)
			}

			// Statistics. Ratings: 广州 5 (TST-0001), 2 and 1 (TST-0002, one
			// rectified), 深圳 1 (TST-0002) and 4 (TST-0001).
			good := ratedCase(t, s, u.ID, 20, "TST-0001", sz, "440304", rating.Satisfied)
			if err := s.CreateRating(ctx, good); err != nil {
				t.Fatal(err)
			}
			stats := func(by rating.Grouping, within ...region.Code) []rating.Stat {
				t.Helper()
				got, err := s.RatingStats(ctx, rating.StatsQuery{By: by, Within: within})
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			for _, tt := range []struct {
				name string
				got  []rating.Stat
				want []rating.Stat
			}{
				{"by city", stats(rating.ByCity, "44"), []rating.Stat{
					{Key: "4401", Count: 3, ScoreSum: 8, Satisfied: 1, Bad: 2, Rectified: 1},
					{Key: "4403", Count: 2, ScoreSum: 5, Satisfied: 1, Bad: 1}}},
				{"by county within 广州", stats(rating.ByCounty, "4401"), []rating.Stat{
					{Key: "440106", Count: 2, ScoreSum: 7, Satisfied: 1, Bad: 1},
					{Key: "440104", Count: 1, ScoreSum: 1, Bad: 1, Rectified: 1}}},
				{"by item", stats(rating.ByItem, "4401", "4403"), []rating.Stat{
					{Key: "TST-0002", Name: "事项TST-0002", Count: 3, ScoreSum: 4, Bad: 3, Rectified: 1},
					{Key: "TST-0001", Name: "事项TST-0001", Count: 2, ScoreSum: 9, Satisfied: 2}}},
				{"by authority within 深圳", stats(rating.ByAuthority, "4403"), []rating.Stat{
					{Key: string(sz), Name: good.Authority, Count: 2, ScoreSum: 5, Satisfied: 1, Bad: 1}}},
				{"nowhere", stats(rating.ByCity), nil},
				{"another province", stats(rating.ByCity, "45"), nil},
			} {
				if diff := cmp.Diff(tt.want, tt.got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", tt.name, diff)
				}
			}
		})
	}
}
