package cases_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/storetest"
)

func testItem(code string, level catalog.Level, scopes ...catalog.Scope) catalog.Item {
	return apptest.TestItem(code, level, scopes...)
}

type env struct {
	n   *apptest.Node
	ctx context.Context
}

func start(t *testing.T, e storetest.Engine) *env {
	n := apptest.Start(t, e)
	ctx := context.Background()
	items := []catalog.Item{testItem("TST-0001", catalog.LevelCity, catalog.ScopeProvince), testItem("TST-0002", catalog.LevelCounty)}
	if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), items); err != nil {
		t.Fatal(err)
	}
	return &env{n: n, ctx: ctx}
}

// caller loads a demo account as the services see it.
func (e *env) caller(t *testing.T, username string) *identity.Caller { return e.n.Caller(t, username) }

func form(kv ...string) map[string]string {
	f := map[string]string{"reason": "换领", "phone": "13800138000"}
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i]] = kv[i+1]
	}
	return f
}

func TestCaseLifecycle(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			cs := e.n.App.Cases
			citizen, officer, head := e.caller(t, "citizen"), e.caller(t, "officer"), e.caller(t, "head")

			c, err := cs.Apply(e.ctx, citizen, cases.Application{ItemCode: "TST-0001", DecideIn: "440106", Form: form()})
			if err != nil {
				t.Fatal(err)
			}
			if c.State != cases.Submitted || !strings.HasPrefix(c.Number, "TST440106-") || !strings.Contains(c.Authority, "广州市人力资源和社会保障局") {
				t.Fatalf("submitted case: state %s number %q authority %q", c.State, c.Number, c.Authority)
			}
			act := func(by *identity.Caller, a cases.Action, comment string) *cases.Case {
				t.Helper()
				got, err := cs.Act(e.ctx, by, c.ID, c.Version, a, comment)
				if err != nil {
					t.Fatalf("%s by %s: %v", a, by.Username, err)
				}
				c = got
				return got
			}
			act(officer, cases.ActAccept, "")
			if c.State != cases.InReview || c.Deadline.IsZero() {
				t.Fatalf("after accept: %s, deadline %v", c.State, c.Deadline)
			}
			want := e.n.App.Calendar.AddWorkdays(c.AcceptedAt, 5).UTC()
			if !c.Deadline.Equal(want) {
				t.Errorf("deadline %v, want 5 working days after acceptance: %v", c.Deadline, want)
			}
			if _, err := cs.Act(e.ctx, officer, c.ID, c.Version, cases.ActRequestCorrection, " "); !errs.Is(err, errs.Invalid) {
				t.Errorf("correction without a written notice: %v", err)
			}
			act(officer, cases.ActRequestCorrection, "请补充身份证复印件")
			if c.State != cases.Correction || c.PausedAt.IsZero() {
				t.Fatalf("after correction request: %s", c.State)
			}
			if _, err := cs.Act(e.ctx, officer, c.ID, c.Version, cases.ActCorrect, ""); !errs.Is(err, errs.Forbidden) {
				t.Errorf("officer answering the applicant's correction: %v, want Forbidden", err)
			}
			act(citizen, cases.ActCorrect, "已补充")
			if c.State != cases.InReview || !c.PausedAt.IsZero() {
				t.Fatalf("after correction: %s", c.State)
			}
			act(officer, cases.ActPass, "")
			if _, err := cs.Act(e.ctx, officer, c.ID, c.Version, cases.ActApprove, "准予"); !errs.Is(err, errs.Forbidden) {
				t.Errorf("case officer deciding: %v, want Forbidden (the decision is the department head's)", err)
			}
			act(head, cases.ActApprove, "符合条件，准予办理。")
			act(head, cases.ActComplete, "")
			if c.State != cases.Completed || c.Outcome != cases.Approved || c.CompletedAt.IsZero() {
				t.Fatalf("completed case: %+v", c)
			}

			// The timeline shows every step with its actor.
			_, evs, err := cs.Get(e.ctx, citizen, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var steps []string
			for _, ev := range evs {
				steps = append(steps, string(ev.Action)+"/"+ev.ActorName)
			}
			wantSteps := "submit/张明 accept/林晓燕 request_correction/林晓燕 correct/张明 pass/林晓燕 approve/周建国 complete/周建国"
			if strings.Join(steps, " ") != wantSteps {
				t.Errorf("timeline:\n got %s\nwant %s", strings.Join(steps, " "), wantSteps)
			}

			// A finished case takes no further step, and the error names what is possible.
			_, err = cs.Act(e.ctx, citizen, c.ID, c.Version, cases.ActWithdraw, "")
			if !errs.Is(err, errs.Conflict) || errs.As(err).Msg != "case.transition_not_allowed" {
				t.Errorf("withdrawing a completed case: %v", err)
			}
			// Every transition is in the audit log and the outbox.
			var outbox int
			e.n.App.DB.QueryRow(e.ctx, `SELECT COUNT(*) FROM outbox WHERE topic LIKE 'cases.%'`).Scan(&outbox)
			if outbox != 7 {
				t.Errorf("outbox events: %d, want 7", outbox)
			}
			if res, err := e.n.App.Audit.Verify(e.ctx); err != nil || !res.OK() {
				t.Errorf("audit chain: %+v %v", res, err)
			}
		})
	}
}

func TestFormErrorsAllAtOnce(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	citizen := e.caller(t, "citizen")
	_, err := e.n.App.Cases.Apply(e.ctx, citizen, cases.Application{ItemCode: "TST-0001", DecideIn: "440106",
		Form: map[string]string{"reason": strings.Repeat("长", 21), "phone": "123", "start": "2026-13-01"}})
	got := errs.As(err)
	if got == nil || got.Code != errs.Invalid {
		t.Fatalf("invalid form: %v", err)
	}
	want := map[string]string{"reason": "form.too_long", "phone": "phone.invalid", "start": "form.date"}
	for k, v := range want {
		if got.Fields[k] != v {
			t.Errorf("field %s: %q, want %q (all: %v)", k, got.Fields[k], v, got.Fields)
		}
	}
	list, _ := e.n.App.Cases.Mine(e.ctx, citizen, 10)
	if len(list) != 0 {
		t.Errorf("an invalid application was saved: %d cases", len(list))
	}
}

func TestConcurrentOfficersExactlyOneWins(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	cs := e.n.App.Cases
	c, err := cs.Apply(e.ctx, e.caller(t, "citizen"), cases.Application{ItemCode: "TST-0001", DecideIn: "440106", Form: form()})
	if err != nil {
		t.Fatal(err)
	}
	officer := e.caller(t, "officer")
	var wg sync.WaitGroup
	results := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = cs.Act(e.ctx, officer, c.ID, c.Version, cases.ActAccept, "")
		}()
	}
	wg.Wait()
	wins, changed := 0, 0
	for _, err := range results {
		switch {
		case err == nil:
			wins++
		case errs.Is(err, errs.Conflict):
			changed++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 || changed != 3 {
		t.Errorf("%d won, %d told the case changed; want 1 and 3", wins, changed)
	}
}

// TestScopes: an officer of 天河区 cannot see a case of 越秀区; a city
// officer can.
func TestScopes(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	ctx := e.ctx
	orgs, _ := e.n.App.Identity.Organizations(ctx)
	var tianheHRSS identity.Organization
	for _, o := range orgs {
		if o.Department == "hrss" && o.Region == "440106" {
			tianheHRSS = o
		}
	}
	if _, err := e.n.App.Identity.CreateStaffAs(ctx, audit.System("test"), identity.NewStaff{
		Username: "th_officer", Name: "天河审批员", Password: app.DemoPassword, OrgID: tianheHRSS.ID,
		Grants: []identity.Grant{{Role: identity.RoleCaseOfficer, Scope: region.Code("440106")}},
	}); err != nil {
		t.Fatal(err)
	}
	c, err := e.n.App.Cases.Apply(ctx, e.caller(t, "elder"), cases.Application{ItemCode: "TST-0002", DecideIn: "440104", Form: form()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Authority, "越秀区") {
		t.Fatalf("county-level case went to %q", c.Authority)
	}
	if _, _, err := e.n.App.Cases.Get(ctx, e.caller(t, "th_officer"), c.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("天河区 officer reading a 越秀区 case: %v, want NotFound", err)
	}
	if _, _, err := e.n.App.Cases.Get(ctx, e.caller(t, "officer"), c.ID); err != nil {
		t.Errorf("city officer reading a 越秀区 case: %v", err)
	}
	if _, _, err := e.n.App.Cases.Get(ctx, e.caller(t, "citizen"), c.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("another citizen reading the case: %v, want NotFound", err)
	}
	// A malformed id is not found, whatever the engine makes of it.
	for _, id := range []ids.ID{"", "x", "nul\x00", ids.ID(strings.Repeat("9", 5000))} {
		if _, _, err := e.n.App.Cases.Get(ctx, e.caller(t, "officer"), id); !errs.Is(err, errs.NotFound) {
			t.Errorf("Get(%.20q): %v, want NotFound", id, err)
		}
	}
	// Drafts are their applicants' alone: no queue lists them.
	if _, err := e.n.App.Cases.SaveDraft(ctx, e.caller(t, "citizen"), "", 0, cases.Application{ItemCode: "TST-0001", DecideIn: "440106", Form: form()}); err != nil {
		t.Fatal(err)
	}
	if q, err := e.n.App.Cases.Queue(ctx, e.caller(t, "officer"), []cases.State{cases.Draft}, 50); err != nil || len(q) != 0 {
		t.Errorf("an officer's queue of drafts: %d cases, %v", len(q), err)
	}
	q, _ := e.n.App.Cases.Queue(ctx, e.caller(t, "th_officer"), nil, 50)
	if len(q) != 0 {
		t.Errorf("天河区 officer's queue shows %d cases of 越秀区", len(q))
	}
	q, _ = e.n.App.Cases.Queue(ctx, e.caller(t, "officer"), nil, 50)
	if len(q) != 1 {
		t.Errorf("city officer's queue: %d cases, want 1", len(q))
	}
}

// TestReceiveElsewhere: a counter in 深圳 receives an application for an
// authority in 广州 (异地代收) and forwards it; a matter without 省内通办
// is refused with a sentence saying where it is handled.
func TestReceiveElsewhere(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	cs := e.n.App.Cases
	sz := e.caller(t, "counter_sz")
	in := cases.CounterApplication{Application: cases.Application{ItemCode: "TST-0001", DecideIn: "440106", Form: form()},
		ApplicantUsername: "elder", Consent: "本人到场，书面同意代办"}
	c, err := cs.ReceiveAtCounter(e.ctx, sz, in)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != cases.Received || c.ReceivedAt != "440304" || c.DecidedAt != "440106" || c.Trips != 1 || c.Applicant != "李桂英" {
		t.Fatalf("received case: %+v", c)
	}
	if _, err := cs.Act(e.ctx, e.caller(t, "officer"), c.ID, c.Version, cases.ActAccept, ""); !errs.Is(err, errs.Conflict) {
		t.Errorf("accepting before it was forwarded: %v", err)
	}
	c, err = cs.Act(e.ctx, sz, c.ID, c.Version, cases.ActForward, "材料已核对")
	if err != nil || c.State != cases.Submitted {
		t.Fatalf("forward: %v %v", c, err)
	}
	if _, err := cs.Act(e.ctx, e.caller(t, "officer"), c.ID, c.Version, cases.ActAccept, ""); err != nil {
		t.Errorf("广州 officer accepting the forwarded case: %v", err)
	}
	in.ItemCode = "TST-0002" // county level, no 通办 scope
	_, err = cs.ReceiveAtCounter(e.ctx, sz, in)
	if got := errs.As(err); got == nil || got.Fields["decide_in"] != "case.scope_province" {
		t.Errorf("matter without 省内通办 received elsewhere: %v", err)
	}
	in.Consent = ""
	if _, err := cs.ReceiveAtCounter(e.ctx, sz, in); !errs.Is(err, errs.Invalid) {
		t.Errorf("proxy application without consent: %v", err)
	}
}

func TestMeasures(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			cs := e.n.App.Cases
			citizen, officer, head := e.caller(t, "citizen"), e.caller(t, "officer"), e.caller(t, "head")
			done, err := cs.Apply(e.ctx, citizen, cases.Application{ItemCode: "TST-0001", DecideIn: "440106", Form: form()})
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct {
				by *identity.Caller
				a  cases.Action
			}{{officer, cases.ActAccept}, {officer, cases.ActPass}, {head, cases.ActApprove}, {head, cases.ActComplete}} {
				if done, err = cs.Act(e.ctx, step.by, done.ID, done.Version, step.a, "同意"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := cs.ReceiveAtCounter(e.ctx, e.caller(t, "counter"), cases.CounterApplication{
				Application:       cases.Application{ItemCode: "TST-0001", DecideIn: "440106", Form: form()},
				ApplicantUsername: "elder", Consent: "本人到场同意"}); err != nil {
				t.Fatal(err)
			}
			ms, err := cs.Measures(e.ctx, e.caller(t, "leader"), cases.ByItem)
			if err != nil {
				t.Fatal(err)
			}
			tot := cases.Total(ms)
			if tot.Cases != 2 || tot.Completed != 1 || tot.Online != 1 || tot.ZeroTrip != 1 || tot.Trips != 1 || tot.HandlingSample != 1 {
				t.Errorf("measures: %+v", tot)
			}
			if tot.OnlineShare() != 0.5 || tot.TripsPerCase() != 0.5 {
				t.Errorf("shares: online %v trips/case %v", tot.OnlineShare(), tot.TripsPerCase())
			}
			if len(ms) != 1 || ms[0].Key != "TST-0001" || ms[0].Label != "测试事项TST-0001" {
				t.Errorf("grouping by item: %+v", ms)
			}
			if _, err := cs.Measures(e.ctx, citizen, cases.ByItem); err == nil {
				t.Errorf("a citizen read the measures")
			}
			byCity, _ := cs.Measures(e.ctx, e.caller(t, "leader"), cases.ByCity)
			if len(byCity) != 1 || byCity[0].Key != "4401" {
				t.Errorf("by city: %+v", byCity)
			}
		})
	}
}

// TestCounterFindsApplicantByIDNumber: at a counter the person shows their
// ID card; the lookup is audited with the consent, and the person sees it.
func TestCounterFindsApplicantByIDNumber(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	elder := e.caller(t, "elder")
	me, err := e.n.App.Identity.Me(e.ctx, elder)
	if err != nil {
		t.Fatal(err)
	}
	sz := e.caller(t, "counter_sz")
	c, err := e.n.App.Cases.ReceiveAtCounter(e.ctx, sz, cases.CounterApplication{
		Application:       cases.Application{ItemCode: "TST-0001", DecideIn: "440104", Form: form()},
		ApplicantUsername: me.IDNumber.Clear(), Consent: "本人持身份证到场，书面同意代办"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ApplicantID != elder.UserID {
		t.Errorf("case applicant %s, want the elder", c.ApplicantID)
	}
	use, _ := e.n.App.Identity.DataUse(e.ctx, elder)
	found := false
	for _, u := range use {
		if u.Action == "person.read" && u.ActorName == "邓丽君" && strings.Contains(u.Detail, "书面同意代办") {
			found = true
		}
	}
	if !found {
		t.Errorf("the counter's lookup is not in the elder's data use record")
	}
	_, err = e.n.App.Cases.ReceiveAtCounter(e.ctx, sz, cases.CounterApplication{
		Application:       cases.Application{ItemCode: "TST-0001", DecideIn: "440104", Form: form()},
		ApplicantUsername: identity.MakeIDNumber("440106", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), 1).Clear(), Consent: "同意"})
	if got := errs.As(err); got == nil || got.Fields["applicant"] != "case.applicant_unknown" {
		t.Errorf("unknown ID number: %v", err)
	}
}

// TestJointHandling (多地联办): the 深圳 bureau gives its opinion on a
// transfer decided in 广州; the decision waits for it.
func TestJointHandling(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			it := testItem("TST-0010", catalog.LevelCity, catalog.ScopeProvince)
			it.Form = append(it.Form, catalog.Field{Name: "origin_region", Label: "转出地", Kind: catalog.FieldRegion, Required: true})
			it.Contributors = []catalog.Contributor{{Department: "hrss", Level: catalog.LevelCity, RegionField: "origin_region"}}
			if _, err := e.n.App.Catalog.ImportAs(e.ctx, audit.System("test"), []catalog.Item{it}); err != nil {
				t.Fatal(err)
			}
			cs := e.n.App.Cases
			citizen, officer, head := e.caller(t, "citizen"), e.caller(t, "officer"), e.caller(t, "head")
			if _, err := cs.Apply(e.ctx, citizen, cases.Application{ItemCode: "TST-0010", DecideIn: "440106", Form: form("origin_region", "110101")}); errs.As(err) == nil || errs.As(err).Fields["origin_region"] != "case.no_contributor" {
				t.Errorf("contributor region without an authority on this node: %v", err)
			}
			// A problem elsewhere in the form does not make a good contributor region wrong.
			_, err := cs.Apply(e.ctx, citizen, cases.Application{ItemCode: "TST-0010", DecideIn: "440106", Form: form("origin_region", "440304", "phone", "123")})
			if got := errs.As(err); got == nil || got.Fields["phone"] == "" || got.Fields["origin_region"] != "" {
				t.Errorf("bad phone, good contributor region: %v (fields %v)", err, got)
			}
			c, err := cs.Apply(e.ctx, citizen, cases.Application{ItemCode: "TST-0010", DecideIn: "440106", Form: form("origin_region", "440304")})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range []cases.Action{cases.ActAccept, cases.ActPass} {
				if c, err = cs.Act(e.ctx, officer, c.ID, c.Version, a, ""); err != nil {
					t.Fatal(err)
				}
			}
			_, err = cs.Act(e.ctx, head, c.ID, c.Version, cases.ActApprove, "准予")
			if got := errs.As(err); got == nil || got.Code != errs.Conflict || got.Msg != "case.contributions_pending" || !strings.Contains(fmt.Sprint(got.Args...), "深圳市人力资源和社会保障局") {
				t.Fatalf("deciding before the contributor: %v", err)
			}
			// A case officer of the 深圳 bureau.
			orgs, _ := e.n.App.Identity.Organizations(e.ctx)
			var sz identity.Organization
			for _, o := range orgs {
				if o.Department == "hrss" && o.Region == "4403" {
					sz = o
				}
			}
			if _, err := e.n.App.Identity.CreateStaffAs(e.ctx, audit.System("test"), identity.NewStaff{Username: "sz_officer", Name: "深圳审批员",
				Password: app.DemoPassword, OrgID: sz.ID, Grants: []identity.Grant{{Role: identity.RoleCaseOfficer, Scope: "4403"}}}); err != nil {
				t.Fatal(err)
			}
			szOfficer := e.caller(t, "sz_officer")
			q, err := cs.ContributionQueue(e.ctx, szOfficer, 10)
			if err != nil || len(q) != 1 || q[0].ID != c.ID {
				t.Fatalf("深圳 officer's contribution queue: %v %v", q, err)
			}
			if _, _, err := cs.Get(e.ctx, szOfficer, c.ID); err != nil {
				t.Errorf("the contributor cannot read the case: %v", err)
			}
			if _, err := cs.Contribute(e.ctx, officer, c.ID, "同意"); !errs.Is(err, errs.NotFound) {
				t.Errorf("the lead's officer contributing: %v", err)
			}
			if _, err := cs.Contribute(e.ctx, szOfficer, c.ID, "同意转出，已核对缴费记录"); err != nil {
				t.Fatal(err)
			}
			if _, err := cs.Contribute(e.ctx, szOfficer, c.ID, "again"); !errs.Is(err, errs.Conflict) {
				t.Errorf("second opinion: %v", err)
			}
			c, _, _ = cs.Get(e.ctx, head, c.ID)
			if c, err = cs.Act(e.ctx, head, c.ID, c.Version, cases.ActApprove, "准予"); err != nil {
				t.Fatalf("deciding after the contribution: %v", err)
			}
		})
	}
}
