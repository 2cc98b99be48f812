package rating_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/rating"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/storetest"
)

func testItem(code string) catalog.Item {
	return apptest.TestItem(code, catalog.LevelCity, catalog.ScopeProvince)
}

type env struct {
	t   *testing.T
	n   *apptest.Node
	ctx context.Context
}

func start(t *testing.T, e storetest.Engine) *env {
	n := apptest.Start(t, e)
	ctx := context.Background()
	if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{testItem("TST-0001"), testItem("TST-0003")}); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, n: n, ctx: ctx}
}

// caller loads an account as the services see it.
func (e *env) caller(username string) *identity.Caller { return e.n.Caller(e.t, username) }

// staff opens an account with role over scope at the 人社 bureau of region org.
func (e *env) staff(username string, role identity.Role, org, scope region.Code) *identity.Caller {
	e.t.Helper()
	orgs, err := e.n.App.Identity.Organizations(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, o := range orgs {
		if o.Department == "hrss" && o.Region == org {
			if _, err := e.n.App.Identity.CreateStaffAs(e.ctx, audit.System("test"), identity.NewStaff{
				Username: username, Name: username, Password: app.DemoPassword, OrgID: o.ID,
				Grants: []identity.Grant{{Role: role, Scope: scope}},
			}); err != nil {
				e.t.Fatal(err)
			}
			return e.caller(username)
		}
	}
	e.t.Fatalf("no 人社 bureau in %s", org)
	return nil
}

// apply submits a case of item for by, decided in decideIn.
func (e *env) apply(by *identity.Caller, item, decideIn string) *cases.Case {
	e.t.Helper()
	c, err := e.n.App.Cases.Apply(e.ctx, by, cases.Application{ItemCode: item, DecideIn: decideIn, Form: map[string]string{"reason": "换领", "phone": "13800138000"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// complete takes a submitted case through to 办结 with an officer and a head
// of its authority.
func (e *env) complete(c *cases.Case, officer, head *identity.Caller) *cases.Case {
	e.t.Helper()
	for _, step := range []struct {
		by *identity.Caller
		a  cases.Action
	}{{officer, cases.ActAccept}, {officer, cases.ActPass}, {head, cases.ActApprove}, {head, cases.ActComplete}} {
		var err error
		if c, err = e.n.App.Cases.Act(e.ctx, step.by, c.ID, c.Version, step.a, "同意"); err != nil {
			e.t.Fatalf("%s: %v", step.a, err)
		}
	}
	return c
}

// completed is a completed case of TST-0001 decided in 天河区, applied for by citizen.
func (e *env) completed() *cases.Case {
	e.t.Helper()
	return e.complete(e.apply(e.caller("citizen"), "TST-0001", "440106"), e.caller("officer"), e.caller("head"))
}

func (e *env) rate(by *identity.Caller, c *cases.Case, score rating.Score) (*rating.Rating, *rating.Rectification) {
	e.t.Helper()
	r, x, err := e.n.App.Rating.Rate(e.ctx, by, c.ID, rating.Input{Score: score})
	if err != nil {
		e.t.Fatalf("rate %d: %v", score, err)
	}
	return r, x
}

func (e *env) outbox(topic string) int {
	e.t.Helper()
	var n int
	if err := e.n.App.DB.QueryRow(e.ctx, `SELECT COUNT(*) FROM outbox WHERE topic = ?`, topic).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func wantCode(t *testing.T, what string, err error, code errs.Code, msg string) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Code != code || (msg != "" && e.Msg != msg) {
		t.Errorf("%s: got %v, want %s %s", what, err, code, msg)
	}
}

func TestRateCompletedCase(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			rs := e.n.App.Rating
			citizen := e.caller("citizen")
			c := e.completed()

			in := rating.Input{Score: rating.VerySatisfied, Comment: "  办理很快，窗口人员很耐心。 ",
				Aspects: rating.Aspects{Guide: 5, Timeliness: 4}}
			r, x, err := rs.Rate(e.ctx, citizen, c.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if x != nil {
				t.Errorf("a good rating opened a rectification task: %+v", x)
			}
			want := &rating.Rating{CaseID: c.ID, CaseNumber: c.Number, ItemCode: "TST-0001", ItemName: "测试事项TST-0001",
				AuthorityID: c.AuthorityID, Authority: c.Authority, Region: "440106", ApplicantID: citizen.UserID,
				PersonID: citizen.PersonID, Score: 5, Aspects: rating.Aspects{Guide: 5, Timeliness: 4},
				Comment: "办理很快，窗口人员很耐心。", CreatedAt: r.CreatedAt}
			if diff := cmp.Diff(want, r); diff != "" {
				t.Errorf("rating (-want +got):\n%s", diff)
			}
			got, err := rs.CaseRating(e.ctx, citizen, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r, got); diff != "" {
				t.Errorf("stored rating (-given +read):\n%s", diff)
			}
			// Staff of the region read it; another citizen does not.
			if _, err := rs.CaseRating(e.ctx, e.caller("officer"), c.ID); err != nil {
				t.Errorf("case officer of 广州 reading the rating: %v", err)
			}
			if _, err := rs.CaseRating(e.ctx, e.caller("leader"), c.ID); err != nil {
				t.Errorf("leader reading the rating: %v", err)
			}
			wantCode(t, "another citizen reading it", firstErr(rs.CaseRating(e.ctx, e.caller("elder"), c.ID)), errs.NotFound, "rating.not_found")
			wantCode(t, "counter staff of 福田 reading it", firstErr(rs.CaseRating(e.ctx, e.caller("counter_sz"), c.ID)), errs.NotFound, "rating.not_found")

			// Immutable: a second rating is refused and the first stays.
			_, _, err = rs.Rate(e.ctx, citizen, c.ID, rating.Input{Score: rating.VeryDissatisfied})
			wantCode(t, "rating twice", err, errs.Conflict, "rating.exists")
			if got, _ := rs.CaseRating(e.ctx, citizen, c.ID); got.Score != 5 {
				t.Errorf("after a second attempt the score is %d", got.Score)
			}

			if n := e.outbox("ratings.given"); n != 1 {
				t.Errorf("outbox ratings.given: %d, want 1", n)
			}
			entries, err := e.n.App.Audit.Entries(e.ctx, audit.Filter{Action: "rating.given"})
			if err != nil || len(entries) != 1 || entries[0].TargetID != string(c.ID) || entries[0].SubjectID != string(citizen.PersonID) ||
				strings.Contains(entries[0].Detail, "耐心") {
				t.Errorf("audit of the rating: %+v %v", entries, err)
			}
			if res, err := e.n.App.Audit.Verify(e.ctx); err != nil || !res.OK() {
				t.Errorf("audit chain: %+v %v", res, err)
			}
		})
	}
}

func firstErr[T any](_ T, err error) error { return err }

// TestRateConcurrently: of two ratings of one case given at the same
// moment, exactly one is stored; the other is told the case is rated.
func TestRateConcurrently(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			citizen := e.caller("citizen")
			c := e.completed()
			var wg sync.WaitGroup
			results := make([]error, 4)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, results[i] = e.n.App.Rating.Rate(e.ctx, citizen, c.ID, rating.Input{Score: rating.VeryDissatisfied})
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range results {
				if err == nil {
					won++
				} else {
					wantCode(t, "a concurrent second rating", err, errs.Conflict, "rating.exists")
				}
			}
			if won != 1 || e.outbox("ratings.given") != 1 || e.outbox("ratings.rectification_opened") != 1 {
				t.Errorf("%d ratings stored, outbox given %d, opened %d; want 1 each", won,
					e.outbox("ratings.given"), e.outbox("ratings.rectification_opened"))
			}
		})
	}
}

func TestRateRules(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	rs := e.n.App.Rating
	citizen := e.caller("citizen")

	open := e.apply(citizen, "TST-0001", "440106")
	_, _, err := rs.Rate(e.ctx, citizen, open.ID, rating.Input{Score: 5})
	wantCode(t, "rating an open case", err, errs.Conflict, "rating.not_completed")

	c := e.completed()
	_, _, err = rs.Rate(e.ctx, e.caller("elder"), c.ID, rating.Input{Score: 1})
	wantCode(t, "rating someone else's case", err, errs.NotFound, "")
	_, _, err = rs.Rate(e.ctx, e.caller("head"), c.ID, rating.Input{Score: 5})
	wantCode(t, "the department head rating the case", err, errs.Forbidden, "rating.applicant_only")
	_, _, err = rs.Rate(e.ctx, &identity.Caller{}, c.ID, rating.Input{Score: 5})
	wantCode(t, "anonymous rating", err, errs.Unauthenticated, "")
	_, _, err = rs.Rate(e.ctx, citizen, ids.New(), rating.Input{Score: 5})
	wantCode(t, "rating a case that does not exist", err, errs.NotFound, "")

	_, _, err = rs.Rate(e.ctx, citizen, c.ID, rating.Input{Score: 0, Aspects: rating.Aspects{Attitude: 6},
		Comment: strings.Repeat("差", rating.MaxComment+1)})
	got := errs.As(err)
	want := map[string]string{"score": "rating.score_required", "attitude": "rating.aspect_invalid", "comment": "rating.comment_too_long"}
	if got == nil || got.Code != errs.Invalid || !cmp.Equal(got.Fields, want) {
		t.Errorf("invalid rating: %v, want fields %v", err, want)
	}
	// 500 Chinese characters are allowed (characters, not bytes).
	if _, _, err := rs.Rate(e.ctx, citizen, c.ID, rating.Input{Score: 3, Comment: strings.Repeat("好", rating.MaxComment)}); err != nil {
		t.Errorf("a comment of %d characters: %v", rating.MaxComment, err)
	}
	if rating.CanRate(citizen, open, false) || rating.CanRate(citizen, c, true) || !rating.CanRate(citizen, c, false) ||
		rating.CanRate(e.caller("elder"), c, false) {
		t.Errorf("CanRate disagrees with Rate")
	}
}

func TestBadRatingIsRectified(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			rs := e.n.App.Rating
			head := e.caller("head")
			c := e.completed()

			r, x := e.rate(e.caller("citizen"), c, rating.Dissatisfied)
			if x == nil || x.State != rating.Open || x.AuthorityID != c.AuthorityID || x.Region != "440106" || x.Score != 2 {
				t.Fatalf("a rating of 2 opened %+v", x)
			}
			due := workday.Embedded().AddWorkdays(r.CreatedAt, 15)
			if !x.Due.Equal(due.Truncate(time.Microsecond)) || e.n.App.Calendar.WorkdaysBetween(r.CreatedAt, x.Due) != 15 {
				t.Errorf("due %v, want 15 working days after %v: %v", x.Due, r.CreatedAt, due)
			}
			if n := e.outbox("ratings.rectification_opened"); n != 1 {
				t.Errorf("outbox ratings.rectification_opened: %d", n)
			}

			// The department head of the case's authority sees it.
			list, err := rs.Rectifications(e.ctx, head, rating.Open, 50)
			if err != nil || len(list) != 1 || list[0].ID != x.ID || list[0].CaseNumber != c.Number || list[0].ItemName != c.ItemName {
				t.Fatalf("head's open tasks: %+v %v", list, err)
			}
			if got := rs.Light(&list[0]); got != workday.OnTime {
				t.Errorf("a fresh task's light: %v", got)
			}
			// A case officer has no case.decide; heads elsewhere or of
			// another body do not reach it.
			wantCode(t, "officer listing tasks", firstErr(rs.Rectifications(e.ctx, e.caller("officer"), "", 50)), errs.Forbidden, "")
			szHead := e.staff("sz_head", identity.RoleDepartmentHead, "4403", "4403")
			if l, err := rs.Rectifications(e.ctx, szHead, "", 50); err != nil || len(l) != 0 {
				t.Errorf("深圳 head's tasks: %+v %v", l, err)
			}
			wantCode(t, "深圳 head reading the task", firstErr(rs.Rectification(e.ctx, szHead, x.ID)), errs.NotFound, "")
			wantCode(t, "深圳 head closing the task", firstErr(rs.Close(e.ctx, szHead, x.ID, "已回访", "已整改")), errs.NotFound, "")
			thHead := e.staff("th_head", identity.RoleDepartmentHead, "440106", "440106")
			wantCode(t, "天河区 人社 head (another body) closing it", firstErr(rs.Close(e.ctx, thHead, x.ID, "已回访", "已整改")), errs.NotFound, "")

			// Both texts are required.
			_, err = rs.Close(e.ctx, head, x.ID, " ", "")
			if got := errs.As(err); got == nil || got.Fields["callback"] != "rating.callback_required" || got.Fields["action"] != "rating.action_required" {
				t.Errorf("closing without texts: %v", err)
			}
			_, err = rs.Close(e.ctx, head, x.ID, "已电话回访申请人，申请人表示理解。", "")
			if got := errs.As(err); got == nil || len(got.Fields) != 1 || got.Fields["action"] != "rating.action_required" {
				t.Errorf("closing without the rectification: %v", err)
			}
			closed, err := rs.Close(e.ctx, head, x.ID, "已电话回访申请人，申请人表示理解。", "窗口增设叫号提醒，材料清单一次性告知。")
			if err != nil {
				t.Fatal(err)
			}
			if closed.State != rating.Closed || closed.ClosedBy != head.UserID || closed.ClosedByName != "周建国" || closed.ClosedAt.IsZero() {
				t.Errorf("closed task: %+v", closed)
			}
			again, err := rs.Rectification(e.ctx, head, x.ID)
			if err != nil || again.State != rating.Closed || again.Callback != closed.Callback || again.Action != closed.Action || !again.ClosedAt.Equal(closed.ClosedAt) {
				t.Errorf("stored closed task: %+v %v", again, err)
			}
			_, err = rs.Close(e.ctx, head, x.ID, "再次回访", "再次整改")
			wantCode(t, "closing twice", err, errs.Conflict, "rating.rectification_closed")
			if l, _ := rs.Rectifications(e.ctx, head, rating.Open, 50); len(l) != 0 {
				t.Errorf("open tasks after closing: %d", len(l))
			}
			if l, _ := rs.Rectifications(e.ctx, head, rating.Closed, 50); len(l) != 1 {
				t.Errorf("closed tasks after closing: %d", len(l))
			}
			if n := e.outbox("ratings.rectification_closed"); n != 1 {
				t.Errorf("outbox ratings.rectification_closed: %d", n)
			}
			if l, _ := e.n.App.Audit.Entries(e.ctx, audit.Filter{Action: "rating.rectification_closed"}); len(l) != 1 || l[0].ActorName != "周建国" {
				t.Errorf("audit of the closing: %+v", l)
			}
			if res, err := e.n.App.Audit.Verify(e.ctx); err != nil || !res.OK() {
				t.Errorf("audit chain: %+v %v", res, err)
			}
		})
	}
}

// TestOverdueTask: an open task past its due date is red; a closed one is not.
func TestOverdueTask(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	c := e.completed()
	_, x := e.rate(e.caller("citizen"), c, rating.VeryDissatisfied)
	if x == nil {
		t.Fatal("a rating of 1 opened no task")
	}
	later := func(at time.Time) *rating.Service {
		return rating.NewService(rating.Deps{Store: e.n.App.Store, Tx: e.n.App.DB, Audit: e.n.App.Audit, Cases: e.n.App.Cases,
			Calendar: e.n.App.Calendar, Regions: e.n.App.Regions, Now: func() time.Time { return at }})
	}
	if got := later(x.Due.Add(-time.Hour)).Light(x); got != workday.Warning {
		t.Errorf("light on the due day: %v, want warning", got)
	}
	late := later(x.Due.Add(time.Minute))
	if got := late.Light(x); got != workday.Overdue || !x.Overdue(x.Due.Add(time.Minute)) {
		t.Errorf("light after the due date: %v, want overdue", got)
	}
	closed, err := late.Close(e.ctx, e.caller("head"), x.ID, "已回访", "已整改")
	if err != nil {
		t.Fatal(err)
	}
	if late.Light(closed) != workday.OnTime || closed.Overdue(x.Due.Add(time.Hour)) {
		t.Errorf("a closed task is still red")
	}
	if l, _ := e.n.App.Audit.Entries(e.ctx, audit.Filter{Action: "rating.rectification_closed"}); len(l) != 1 || !strings.Contains(l[0].Detail, `"overdue":true`) {
		t.Errorf("a late closing is not marked in the audit log: %+v", l)
	}
}

// TestStats checks every grouping on known ratings, and who sees which.
func TestStats(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			rs := e.n.App.Rating
			citizen, officer, head := e.caller("citizen"), e.caller("officer"), e.caller("head")
			szOfficer := e.staff("sz_officer", identity.RoleCaseOfficer, "4403", "4403")
			szHead := e.staff("sz_head", identity.RoleDepartmentHead, "4403", "4403")
			ratings := []struct {
				item, decideIn string
				score          rating.Score
				rectify        bool
			}{
				{"TST-0001", "440106", 5, false},
				{"TST-0001", "440106", 4, false},
				{"TST-0001", "440106", 2, true},
				{"TST-0001", "440104", 1, false},
				{"TST-0003", "440106", 4, false},
				{"TST-0001", "440304", 5, false},
				{"TST-0001", "440304", 3, false},
			}
			var gzAuthority, szAuthority ids.ID
			for _, r := range ratings {
				o, h := officer, head
				if strings.HasPrefix(r.decideIn, "4403") {
					o, h = szOfficer, szHead
				}
				c := e.complete(e.apply(citizen, r.item, r.decideIn), o, h)
				if o == officer {
					gzAuthority = c.AuthorityID
				} else {
					szAuthority = c.AuthorityID
				}
				if _, x := e.rate(citizen, c, r.score); r.rectify {
					if _, err := rs.Close(e.ctx, h, x.ID, "已回访", "已整改"); err != nil {
						t.Fatal(err)
					}
				}
			}
			leader := e.caller("leader")
			type row struct {
				Key                                   string
				Count, Sum, Satisfied, Bad, Rectified int
			}
			rows := func(by *identity.Caller, g rating.Grouping, within region.Code) ([]row, rating.Stat) {
				t.Helper()
				rep, err := rs.Stats(e.ctx, by, g, within)
				if err != nil {
					t.Fatalf("stats by %s: %v", g, err)
				}
				var out []row
				for _, s := range rep.Groups {
					out = append(out, row{s.Key, s.Count, s.ScoreSum, s.Satisfied, s.Bad, s.Rectified})
				}
				return out, rep.Total
			}
			tests := []struct {
				name   string
				by     *identity.Caller
				g      rating.Grouping
				within region.Code
				want   []row
			}{
				{"leader by city", leader, rating.ByCity, "", []row{{"4401", 5, 16, 3, 2, 1}, {"4403", 2, 8, 1, 0, 0}}},
				{"leader by county", leader, rating.ByCounty, "", []row{{"440106", 4, 15, 3, 1, 1}, {"440304", 2, 8, 1, 0, 0}, {"440104", 1, 1, 0, 1, 0}}},
				{"leader by province", leader, rating.ByProvince, "", []row{{"44", 7, 24, 4, 2, 1}}},
				{"leader by item", leader, rating.ByItem, "", []row{{"TST-0001", 6, 20, 3, 2, 1}, {"TST-0003", 1, 4, 1, 0, 0}}},
				{"leader by authority", leader, rating.ByAuthority, "", []row{{string(gzAuthority), 5, 16, 3, 2, 1}, {string(szAuthority), 2, 8, 1, 0, 0}}},
				{"leader within 深圳", leader, rating.ByCity, "440300", []row{{"4403", 2, 8, 1, 0, 0}}},
				{"广州 head sees 广州 only", head, rating.ByCity, "", []row{{"4401", 5, 16, 3, 2, 1}}},
				{"深圳 head by item", szHead, rating.ByItem, "", []row{{"TST-0001", 2, 8, 1, 0, 0}}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got, _ := rows(tt.by, tt.g, tt.within)
					if diff := cmp.Diff(tt.want, got); diff != "" {
						t.Errorf("groups (-want +got):\n%s", diff)
					}
				})
			}
			_, total := rows(leader, rating.ByItem, "")
			if total.Count != 7 || total.Average() != 24.0/7 || total.SatisfactionRate() != 4.0/7 || total.Bad != 2 || total.Rectified != 1 {
				t.Errorf("total: %+v", total)
			}
			rep, _ := rs.Stats(e.ctx, leader, rating.ByCity, "")
			if g := rep.Groups[0]; g.Name != "广东省广州市" || g.Average() != 3.2 || g.SatisfactionRate() != 0.6 {
				t.Errorf("广州 group: %+v, average %v, rate %v", g, g.Average(), g.SatisfactionRate())
			}
			rep, _ = rs.Stats(e.ctx, leader, rating.ByItem, "")
			if rep.Groups[0].Name != "测试事项TST-0001" {
				t.Errorf("item name: %q", rep.Groups[0].Name)
			}

			wantCode(t, "case officer reading statistics", firstErr(rs.Stats(e.ctx, officer, rating.ByCity, "")), errs.Forbidden, "")
			wantCode(t, "citizen reading statistics", firstErr(rs.Stats(e.ctx, citizen, rating.ByCity, "")), errs.Forbidden, "")
			wantCode(t, "广州 head asking for 深圳", firstErr(rs.Stats(e.ctx, head, rating.ByCity, "4403")), errs.NotFound, "")
			wantCode(t, "unknown grouping", firstErr(rs.Stats(e.ctx, leader, "street", "")), errs.Invalid, "")
			wantCode(t, "unknown region", firstErr(rs.Stats(e.ctx, leader, rating.ByCity, "44x")), errs.Invalid, "")
		})
	}
}
