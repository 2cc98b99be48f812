package governance_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/storetest"
)

type env struct {
	t    *testing.T
	n    *apptest.Node
	ctx  context.Context
	gov  *governance.Service
	orgs map[string]ids.ID // by name
	who  map[string]*identity.Caller
}

func start(t *testing.T, e storetest.Engine) *env {
	n := apptest.Start(t, e)
	ctx := context.Background()
	orgs, err := n.App.Identity.Organizations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := &env{t: t, n: n, ctx: ctx, gov: n.App.Governance, orgs: map[string]ids.ID{}, who: map[string]*identity.Caller{}}
	for _, o := range orgs {
		v.orgs[o.Name] = o.ID
	}
	return v
}

// as loads a demo account (once).
func (v *env) as(username string) *identity.Caller {
	v.t.Helper()
	if c, ok := v.who[username]; ok {
		return c
	}
	c := v.n.Caller(v.t, username)
	v.who[username] = c
	return c
}

// staff opens an account with role over scope at the organisation named org.
func (v *env) staff(username string, role identity.Role, org string, scope region.Code) *identity.Caller {
	v.t.Helper()
	id, ok := v.orgs[org]
	if !ok {
		v.t.Fatalf("no organisation %s", org)
	}
	if _, err := v.n.App.Identity.CreateStaffAs(v.ctx, audit.System("test"), identity.NewStaff{Username: username, Name: username,
		Password: app.DemoPassword, OrgID: id, Grants: []identity.Grant{{Role: role, Scope: scope}}}); err != nil {
		v.t.Fatal(err)
	}
	return v.as(username)
}

// photo uploads a small PNG as username and returns it with the receipt.
func (v *env) photo(username string) governance.PhotoRef {
	v.t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(2, 3, color.RGBA{G: 180, A: 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	sha, err := v.gov.UploadPhoto(v.ctx, v.as(username), &b)
	if err != nil {
		v.t.Fatal(err)
	}
	if _, err := v.gov.UploadPhoto(v.ctx, v.as("grid"), strings.NewReader("%PDF-1.4 not a photo")); !errs.Is(err, errs.Invalid) {
		v.t.Fatalf("a PDF as a photo: %v", err)
	}
	return sha
}

// with is v reporting failures to t (a subtest).
func (v *env) with(t *testing.T) *env {
	w := *v
	w.t = t
	return &w
}

func (v *env) org(name string) ids.ID {
	v.t.Helper()
	id, ok := v.orgs[name]
	if !ok {
		v.t.Fatalf("no organisation %s", name)
	}
	return id
}

// report files an event as the grid worker (or by, if given).
func (v *env) report(by string, in governance.Input) (*governance.Event, *governance.Outcome) {
	v.t.Helper()
	if in.Source == "" && by != "citizen" {
		in.Source = governance.SourceGrid
	}
	e, out, err := v.gov.Report(v.ctx, v.as(by), in)
	if err != nil {
		v.t.Fatalf("report: %v", err)
	}
	return e, out
}

func (v *env) get(id ids.ID) *governance.Event {
	v.t.Helper()
	e, _, err := v.gov.Get(v.ctx, v.as("dispatch"), id)
	if err != nil {
		// events escalated above 天河区 are read as the city's duty officer
		if e, _, err = v.gov.Get(v.ctx, v.as("duty"), id); err != nil {
			v.t.Fatalf("get %s: %v", id, err)
		}
	}
	return e
}

// step is one row of a flow table: who does what, and what must follow.
type step struct {
	by      string
	act     governance.Act
	state   governance.State // wanted state after (when err is "")
	err     errs.Code        // wanted error code, "" for success
	version int              // the version to send; 0: the current one
}

// run plays steps on event id, failing at the first surprise.
func (v *env) run(id ids.ID, steps []step) *governance.Event {
	v.t.Helper()
	var e *governance.Event
	for i, s := range steps {
		cur := v.get(id)
		s.act.Version = cur.Version
		if s.version != 0 {
			s.act.Version = s.version
		}
		got, err := v.gov.Do(v.ctx, v.as(s.by), id, s.act)
		if s.err != "" {
			if !errs.Is(err, s.err) {
				v.t.Fatalf("step %d (%s %s): got %v, want %s", i, s.by, s.act.Action, err, s.err)
			}
			if after := v.get(id); after.Version != cur.Version || after.State != cur.State {
				v.t.Fatalf("step %d (%s %s) failed but changed the event: %s v%d → %s v%d", i, s.by, s.act.Action,
					cur.State, cur.Version, after.State, after.Version)
			}
			continue
		}
		if err != nil {
			v.t.Fatalf("step %d (%s %s): %v", i, s.by, s.act.Action, err)
		}
		if got.State != s.state {
			v.t.Fatalf("step %d (%s %s): state %s, want %s", i, s.by, s.act.Action, got.State, s.state)
		}
		e = got
	}
	return e
}

// A county-level category in a village: not dispatched automatically.
func noiseReport() governance.Input {
	return governance.Input{Category: "0104", Description: "石牌东路一处楼顶新装大型广告牌，未见审批公示", Region: "440106006002",
		Address: "石牌东路 88 号"}
}

func act(a governance.Action, comment string) governance.Act {
	return governance.Act{Action: a, Comment: comment}
}

func TestEventFlow(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			thCG, thLin, thWater := v.org("广州市天河区城市管理和综合执法局"), v.org("广州市天河区林业和园林局"), v.org("广州市天河区水务局")
			v.staff("lin_officer", identity.RoleEventOfficer, "广州市天河区林业和园林局", "440106")
			dispatch := func(lead ids.ID, assist ...ids.ID) governance.Act {
				return governance.Act{Action: governance.ActDispatch, Lead: lead, Assist: assist}
			}
			photo := v.photo("lin_officer")
			cases := []struct {
				name  string
				steps []step
				check func(t *testing.T, e *governance.Event)
				ext   string // the report's external ID, if any
			}{
				{"the whole line: accept, dispatch with an assistant, handle, reply, verify, close, call back", []step{
					{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
					{by: "dispatch", act: dispatch(thCG, thLin), state: governance.Dispatched},
					{by: "cg_officer", act: act(governance.ActTake, ""), state: governance.Handling},
					{by: "lin_officer", act: governance.Act{Action: governance.ActProgress, Comment: "已联系业主", Photos: []governance.PhotoRef{photo}}, state: governance.Handling},
					{by: "cg_officer", act: act(governance.ActReply, "已责令拆除广告牌"), state: governance.Replied},
					{by: "grid", act: act(governance.ActVerify, "现场已拆除"), state: governance.Verified},
					{by: "dispatch", act: act(governance.ActClose, ""), state: governance.Closed},
					{by: "hotline", act: governance.Act{Action: governance.ActCallback, Comment: "回访满意", Rating: 5}, state: governance.Closed},
					{by: "hotline", act: governance.Act{Action: governance.ActCallback, Rating: 4}, err: errs.Conflict},
				}, func(t *testing.T, e *governance.Event) {
					if e.Rating != 5 || e.Lead.ID != thCG || len(e.Assist) != 1 || e.Assist[0].ID != thLin || e.ClosedAt.IsZero() {
						t.Errorf("closed event: %+v", e)
					}
				}, ""},
				{"reject needs a reason", []step{
					{by: "dispatch", act: act(governance.ActReject, ""), err: errs.Invalid},
					{by: "dispatch", act: act(governance.ActReject, "不属于政府职责范围，属物业管理事项"), err: errs.Invalid}, // no reason code
					{by: "dispatch", act: governance.Act{Action: governance.ActReject, Reason: governance.ReasonNotOurs, Comment: "属物业管理事项"}, state: governance.Rejected},
					{by: "dispatch", act: act(governance.ActAccept, ""), err: errs.Conflict},
				}, nil, ""},
				{"return (退单) with approval, then dispatch again", []step{
					{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
					{by: "dispatch", act: dispatch(thCG), state: governance.Dispatched},
					{by: "cg_officer", act: act(governance.ActRequestReturn, ""), err: errs.Invalid},
					{by: "cg_officer", act: act(governance.ActRequestReturn, "广告牌在园林绿地内，非本局职责"), state: governance.ReturnRequested},
					{by: "cg_officer", act: act(governance.ActApprove, ""), err: errs.Forbidden},
					{by: "dispatch", act: act(governance.ActApprove, "同意退单"), state: governance.Accepted},
					{by: "dispatch", act: dispatch(thLin), state: governance.Dispatched},
				}, func(t *testing.T, e *governance.Event) {
					if e.Lead.ID != thLin || e.Pending != nil {
						t.Errorf("after return: lead %v pending %v", e.Lead, e.Pending)
					}
				}, ""},
				{"reassign (改派) with approval; a denied request goes back", []step{
					{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
					{by: "dispatch", act: dispatch(thCG), state: governance.Dispatched},
					{by: "cg_officer", act: act(governance.ActTake, ""), state: governance.Handling},
					{by: "cg_officer", act: act(governance.ActRequestReturn, "请核实"), state: governance.ReturnRequested},
					{by: "dispatch", act: act(governance.ActDeny, "属本局职责，请继续处置"), state: governance.Handling},
					{by: "cg_officer", act: governance.Act{Action: governance.ActRequestReassign, Comment: "涉及排水，应改派水务", Lead: thWater}, state: governance.ReturnRequested},
					{by: "dispatch", act: act(governance.ActApprove, ""), err: errs.Invalid},
					{by: "dispatch", act: governance.Act{Action: governance.ActApprove, Lead: thWater}, state: governance.Dispatched},
					{by: "cg_officer", act: act(governance.ActTake, ""), err: errs.NotFound}, // no longer theirs
				}, func(t *testing.T, e *governance.Event) {
					if e.Lead.ID != thWater {
						t.Errorf("after reassignment: lead %v", e.Lead)
					}
				}, ""},
				{"verification fails, the department handles again; reopen after closing", []step{
					{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
					{by: "dispatch", act: dispatch(thCG), state: governance.Dispatched},
					{by: "cg_officer", act: act(governance.ActTake, ""), state: governance.Handling},
					{by: "cg_officer", act: act(governance.ActReply, "已处理"), state: governance.Replied},
					{by: "cg_officer", act: act(governance.ActVerify, ""), err: errs.Forbidden},
					{by: "grid", act: act(governance.ActVerifyFail, ""), err: errs.Invalid},
					{by: "grid", act: act(governance.ActVerifyFail, "广告牌仍在"), state: governance.Handling},
					{by: "cg_officer", act: act(governance.ActReply, "已拆除"), state: governance.Replied},
					{by: "grid", act: act(governance.ActVerify, ""), state: governance.Verified},
					{by: "dispatch", act: act(governance.ActClose, ""), state: governance.Closed},
					{by: "dispatch", act: act(governance.ActReopen, "群众反映又装回去了"), state: governance.Handling},
				}, nil, ""},
				{"split (拆单) into two events", []step{
					{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
					{by: "dispatch", act: governance.Act{Action: governance.ActSplit, Parts: []governance.Part{{Category: "0104", Description: "楼顶广告牌未经审批"}}}, err: errs.Invalid},
					{by: "dispatch", act: governance.Act{Action: governance.ActSplit, Parts: []governance.Part{
						{Category: "0104", Description: "楼顶广告牌未经审批"}, {Category: "0301", Description: "安装广告牌时砍伐行道树"}}}, state: governance.Split},
				}, func(t *testing.T, e *governance.Event) {
					kids, err := v.gov.List(v.ctx, v.as("dispatch"), governance.Query{States: []governance.State{governance.Accepted}, Limit: 1000})
					if err != nil {
						t.Fatal(err)
					}
					n := 0
					for _, k := range kids {
						if k.ParentID == e.ID {
							n++
							if !strings.HasPrefix(k.Number, e.Number+"-") {
								t.Errorf("child number %s", k.Number)
							}
						}
					}
					if n != 2 {
						t.Errorf("children: %d, want 2", n)
					}
				}, ""},
				{"split (拆单) of an event another system reported with its own ID", []step{
					{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
					{by: "dispatch", act: governance.Act{Action: governance.ActSplit, Parts: []governance.Part{
						{Category: "0104", Description: "楼顶广告牌未经审批"}, {Category: "0301", Description: "安装广告牌时砍伐行道树"}}}, state: governance.Split},
				}, func(t *testing.T, e *governance.Event) {
					kids, err := v.gov.List(v.ctx, v.as("dispatch"), governance.Query{States: []governance.State{governance.Accepted}, Limit: 1000})
					if err != nil {
						t.Fatal(err)
					}
					n := 0
					for _, k := range kids {
						if k.ParentID == e.ID {
							n++
							if k.ExternalID != "" {
								t.Errorf("child %s keeps the parent's external ID %q", k.Number, k.ExternalID)
							}
						}
					}
					if n != 2 || e.ExternalID != "CGXT-SPLIT-1" {
						t.Errorf("children: %d, want 2; parent's external ID %q", n, e.ExternalID)
					}
				}, "CGXT-SPLIT-1"},
				{"supervision (督办) keeps the state; wrong state and stale version conflict", []step{
					{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
					{by: "duty", act: act(governance.ActSupervise, "请加快处置"), state: governance.Accepted},
					{by: "dispatch", act: act(governance.ActClose, ""), err: errs.Conflict},
					{by: "dispatch", act: dispatch(thCG), version: 1, err: errs.Conflict},
				}, func(t *testing.T, e *governance.Event) {
					if e.Supervised != 1 {
						t.Errorf("supervised %d", e.Supervised)
					}
				}, ""},
				{"outsiders see nothing; other departments may not act", []step{
					{by: "counter_sz", act: act(governance.ActAccept, ""), err: errs.NotFound},
					{by: "cg_officer", act: act(governance.ActAccept, ""), err: errs.NotFound},
					{by: "grid", act: act(governance.ActAccept, ""), err: errs.Forbidden},
				}, nil, ""},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					v := v.with(t)
					in := noiseReport()
					in.ExternalID = c.ext
					e, _ := v.report("grid", in)
					if e.State != governance.Reported {
						t.Fatalf("reported event in state %s", e.State)
					}
					got := v.run(e.ID, c.steps)
					if c.check != nil {
						if got == nil {
							got = v.get(e.ID)
						}
						c.check(t, v.get(e.ID))
					}
					_, steps, err := v.gov.Get(v.ctx, v.as("dispatch"), e.ID)
					if err != nil {
						t.Fatal(err)
					}
					if steps[len(steps)-1].Seq != v.get(e.ID).Version {
						t.Errorf("last step %d, version %d", steps[len(steps)-1].Seq, v.get(e.ID).Version)
					}
				})
			}
		})
	}
}

func TestMergeDuplicates(t *testing.T) {
	v := start(t, storetest.Engines(t)[0])
	lat, lng := 23.1335, 113.3301
	in := noiseReport()
	in.Lat, in.Lng = &lat, &lng
	first, out := v.report("grid", in)
	if len(out.Duplicates) != 0 {
		t.Fatalf("first report has duplicates: %v", out.Duplicates)
	}
	lat2 := lat + 0.001 // about 110 m north
	in.Lat = &lat2
	second, out := v.report("grid", in)
	if len(out.Duplicates) != 1 || out.Duplicates[0] != first.ID {
		t.Fatalf("duplicates of the second report: %v", out.Duplicates)
	}
	far := lat + 0.01 // about 1.1 km
	in.Lat = &far
	if _, out := v.report("grid", in); len(out.Duplicates) != 0 {
		t.Fatalf("a report 1 km away is a duplicate: %v", out.Duplicates)
	}
	v.run(second.ID, []step{
		{by: "dispatch", act: governance.Act{Action: governance.ActMerge}, err: errs.Invalid},
		{by: "dispatch", act: governance.Act{Action: governance.ActMerge, Target: second.ID}, err: errs.Invalid},
		{by: "dispatch", act: governance.Act{Action: governance.ActMerge, Target: first.ID}, state: governance.Merged},
	})
	if got := v.get(second.ID); got.MergedInto != first.ID {
		t.Fatalf("merged into %q", got.MergedInto)
	}
}

// TestConcurrentReportsSeeEachOther: reports of one problem made at the
// same moment are searched for duplicates one after the other, so each
// later one is told of every earlier one (n reports: 0, 1, … n-1
// duplicates), with a point and without one, on both engines.
func TestConcurrentReportsSeeEachOther(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			for _, geo := range []bool{true, false} {
				const n = 6
				got := make([]int, n)
				failed := make([]error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						in := noiseReport()
						in.Source = governance.SourceGrid
						if geo {
							// Within about 110 m, across a cell border.
							la, lo := 23.1335+float64(i)*0.0001, 113.3302-float64(i)*0.0002
							in.Lat, in.Lng = &la, &lo
						} else {
							in.Region = "440106006004" // not the first round's
						}
						_, out, err := v.gov.Report(v.ctx, v.as("grid"), in)
						if err == nil {
							got[i] = len(out.Duplicates)
						}
						failed[i] = err
					}()
				}
				wg.Wait()
				for _, err := range failed {
					if err != nil {
						t.Fatal(err)
					}
				}
				slices.Sort(got)
				for i, d := range got {
					if d != i {
						t.Fatalf("with a point %v: duplicates found by %d concurrent reports %v, want 0 to %d", geo, n, got, n-1)
					}
				}
			}
		})
	}
}

// TestReportsInOneTransactionQueue: a transaction that reports several
// events (as the outbox does when it opens events for alerts) runs
// beside others reporting the same places in the other order; every one
// commits (on PostgreSQL the search's locks are taken in one order, after
// the day's number, so none deadlocks) and every event is stored.
func TestReportsInOneTransactionQueue(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			at := func(lng float64) governance.Input {
				in := noiseReport()
				in.Source = governance.SourceGrid
				lat := 23.1335
				in.Lat, in.Lng = &lat, &lng
				return in
			}
			places := [2]float64{113.3305, 113.3505} // about 2 km apart
			grid := v.as("grid")
			began := time.Now()
			const n = 8
			failed := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					first, second := places[0], places[1]
					if i%2 == 1 {
						first, second = second, first
					}
					failed[i] = v.n.App.DB.Transact(v.ctx, func(ctx context.Context) error {
						if _, _, err := v.gov.Report(ctx, grid, at(first)); err != nil {
							return err
						}
						time.Sleep(5 * time.Millisecond) // let the others take their first place
						_, _, err := v.gov.Report(ctx, grid, at(second))
						return err
					})
				}()
			}
			wg.Wait()
			for i, err := range failed {
				if err != nil {
					t.Fatalf("transaction %d: %v", i, err)
				}
			}
			list, err := v.gov.List(v.ctx, v.as("dispatch"), governance.Query{Categories: []string{"0104"}, CreatedFrom: began, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2*n {
				t.Errorf("%d events stored, want %d", len(list), 2*n)
			}
		})
	}
}

// TestEscalationFiveLevels takes a village-level event up through town,
// county, city and province; the province has no level above.
func TestEscalationFiveLevels(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			v.staff("rules", identity.RoleDispatcher, "广州市天河区城市运行管理中心", "440106")
			if _, err := v.gov.CreateRule(v.ctx, v.as("rules"), governance.RuleInput{Category: "01", Region: "440106006",
				Department: "urban_management", Level: int(region.Village), Auto: true}); err != nil {
				t.Fatal(err)
			}
			v.staff("village_disp", identity.RoleDispatcher, "石牌街道东城社区居委会", "440106006002")
			v.staff("town_disp", identity.RoleDispatcher, "石牌街道综合行政执法办公室", "440106006")
			v.staff("city_disp", identity.RoleDispatcher, "广州市城市管理和综合执法局", "4401")
			v.staff("prov_disp", identity.RoleDispatcher, "广东省住房和城乡建设厅城市管理监督局", "44")
			e, out := v.report("grid", governance.Input{Category: "0102", Description: "东城社区菜市场门口流动摊贩占道经营",
				Region: "440106006002"})
			if !out.AutoRouted || e.State != governance.Dispatched || e.Level != region.Village || e.Lead.ID != v.org("石牌街道东城社区居委会") {
				t.Fatalf("auto-routed to the village: %v state %s level %d lead %v", out.AutoRouted, e.State, e.Level, e.Lead)
			}
			levels := []struct {
				by   string
				want region.Level
			}{{"village_disp", region.Town}, {"town_disp", region.County}, {"dispatch", region.City}, {"city_disp", region.Province}}
			for _, l := range levels {
				got := v.run(e.ID, []step{{by: l.by, act: act(governance.ActEscalate, "超出本级处置权限"), state: governance.Accepted}})
				if got.Level != l.want {
					t.Fatalf("escalated by %s to level %d, want %d", l.by, got.Level, l.want)
				}
			}
			got := v.getAs("prov_disp", e.ID)
			if got.Level != region.Province || got.State != governance.Accepted || got.Escalated != 4 || got.HandlingRegion() != "44" {
				t.Fatalf("after four escalations: level %d state %s escalated %d", got.Level, got.State, got.Escalated)
			}
			// The county's dispatcher sees it (its region) but no longer acts on it.
			if _, err := v.gov.Do(v.ctx, v.as("dispatch"), e.ID, governance.Act{Action: governance.ActDispatch, Version: got.Version}); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("county dispatching a province event: %v", err)
			}
			_, err := v.gov.Do(v.ctx, v.as("prov_disp"), e.ID, governance.Act{Action: governance.ActEscalate, Comment: "再上报", Version: got.Version})
			if e := errs.As(err); e == nil || e.Code != errs.Conflict || e.Msg != "event.top_level" {
				t.Fatalf("escalating above the province: %v", err)
			}
			got, err = v.gov.Do(v.ctx, v.as("prov_disp"), e.ID, governance.Act{Action: governance.ActDispatch, Version: got.Version})
			if err != nil || got.Lead.ID != v.org("广东省住房和城乡建设厅城市管理监督局") {
				t.Fatalf("province dispatch: %v %v", err, got)
			}
		})
	}
}

func (v *env) getAs(user string, id ids.ID) *governance.Event {
	v.t.Helper()
	e, _, err := v.gov.Get(v.ctx, v.as(user), id)
	if err != nil {
		v.t.Fatalf("get as %s: %v", user, err)
	}
	return e
}

func TestConcurrentDispatchOneWins(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			e, _ := v.report("grid", noiseReport())
			e = v.run(e.ID, []step{{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted}})
			leads := []ids.ID{v.org("广州市天河区城市管理和综合执法局"), v.org("广州市天河区林业和园林局"), v.org("广州市天河区水务局")}
			by := v.as("dispatch")
			var wg sync.WaitGroup
			results := make([]error, 12)
			for i := range results {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					_, results[i] = v.gov.Do(v.ctx, by, e.ID, governance.Act{Action: governance.ActDispatch, Version: e.Version, Lead: leads[i%3]})
				}(i)
			}
			wg.Wait()
			won := 0
			for _, err := range results {
				switch {
				case err == nil:
					won++
				case !errs.Is(err, errs.Conflict):
					t.Errorf("a losing dispatch: %v", err)
				}
			}
			if won != 1 {
				t.Fatalf("%d dispatches won, want 1", won)
			}
			_, steps, _ := v.gov.Get(v.ctx, by, e.ID)
			n := 0
			for _, s := range steps {
				if s.Action == governance.ActDispatch {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d dispatch steps recorded", n)
			}
		})
	}
}

func TestScopeAndPhone(t *testing.T) {
	v := start(t, storetest.Engines(t)[0])
	e, _, err := v.gov.Report(v.ctx, v.as("hotline"), governance.Input{Source: governance.SourceHotline, Category: "0401",
		Description: "来电反映夜间施工噪声", Region: "440106006004", ReporterName: "王先生", Phone: "13900001111"})
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := v.n.App.DB.W.QueryRow(`SELECT phone_enc FROM gov_events WHERE id = ?`, e.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "13900001111") || len(raw) == 0 {
		t.Fatalf("phone stored in clear or not at all: %q", raw)
	}
	got, _, err := v.gov.Get(v.ctx, v.as("dispatch"), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Phone.Clear() != "13900001111" || got.Phone.Masked() != "139****1111" {
		t.Fatalf("phone read back as %q / %q", got.Phone.Clear(), got.Phone.Masked())
	}
	for _, who := range []string{"counter_sz", "officer", "citizen", "elder"} {
		if _, _, err := v.gov.Get(v.ctx, v.as(who), e.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("%s reads an event outside their reach: %v", who, err)
		}
	}
	list, err := v.gov.List(v.ctx, v.as("counter_sz"), governance.Query{})
	if err != nil || len(list) != 0 {
		t.Errorf("深圳 counter lists %d events (%v)", len(list), err)
	}
	// Reporting outside one's scope is a field error; a citizen may report anywhere.
	_, _, err = v.gov.Report(v.ctx, v.as("grid"), governance.Input{Source: governance.SourceGrid, Category: "0101",
		Description: "越秀区的垃圾堆放", Region: "440104"})
	if e := errs.As(err); e == nil || e.Fields["region"] != "event.region_outside_scope" {
		t.Errorf("grid worker reporting in 越秀区: %v", err)
	}
	mine, _, err := v.gov.Report(v.ctx, v.as("citizen"), governance.Input{Category: "0101", Description: "越秀区北京路垃圾堆放",
		Region: "440104", Source: governance.SourceGrid})
	if err != nil || mine.Source != governance.SourcePortal {
		t.Fatalf("citizen report: %v %v", err, mine)
	}
	if _, _, err := v.gov.Get(v.ctx, v.as("citizen"), mine.ID); err != nil {
		t.Errorf("citizen reads own report: %v", err)
	}
}

func TestReportValidation(t *testing.T) {
	v := start(t, storetest.Engines(t)[0])
	lat := 123.0
	_, _, err := v.gov.Report(v.ctx, v.as("grid"), governance.Input{Source: governance.SourceGrid, Category: "01",
		Description: "短", Region: "999999", Lat: &lat, Phone: "12", Urgency: "asap", Photos: []governance.PhotoRef{{SHA256: "../etc"}}})
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid {
		t.Fatalf("bad report: %v", err)
	}
	for _, f := range []string{"category", "description", "region", "lat", "phone", "urgency", "photos"} {
		if e.Fields[f] == "" {
			t.Errorf("no error on %s: %v", f, e.Fields)
		}
	}
	if _, _, err := v.gov.Report(v.ctx, nil, noiseReport()); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("anonymous report: %v", err)
	}
	if _, _, err := v.gov.Report(v.ctx, v.as("officer"), noiseReport()); !errs.Is(err, errs.Forbidden) {
		t.Errorf("a case officer reports: %v", err)
	}
}

func TestOverdueTimerEscalatesBelowCityAndSupervisesAbove(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			county, _ := v.report("grid", noiseReport())
			v.run(county.ID, []step{
				{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "dispatch", act: governance.Act{Action: governance.ActDispatch}, state: governance.Dispatched},
			})
			city, _ := v.report("duty", governance.Input{Source: governance.SourceAPI, Category: "1003", Description: "某学校出现多例发热病例",
				Region: "440106006002"})
			v.run(city.ID, []step{
				{by: "duty", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "duty", act: governance.Act{Action: governance.ActDispatch}, state: governance.Dispatched},
			})
			a := v.n.App
			later := governance.NewService(governance.Deps{Store: a.Store, Tx: a.DB, Audit: a.Audit, Directory: a.Identity,
				Blobs: a.Blobs, Calendar: a.Calendar, Regions: a.Regions, Now: func() time.Time { return time.Now().Add(40 * 24 * time.Hour) }})
			if n, err := v.gov.RunOverdue(v.ctx, 100); err != nil || n != 0 {
				t.Fatalf("timer now: %d %v", n, err)
			}
			n, err := later.RunOverdue(v.ctx, 100)
			if err != nil || n < 2 { // the demo's dispatched events are overdue too
				t.Fatalf("timer 40 days later: %d %v", n, err)
			}
			if e := v.getAs("duty", county.ID); e.Level != region.City || e.State != governance.Accepted || e.Escalated != 1 {
				t.Errorf("overdue county event: level %d state %s", e.Level, e.State)
			}
			if e := v.getAs("duty", city.ID); e.Level != region.City || e.State != governance.Dispatched || e.Supervised != 1 {
				t.Errorf("overdue city event: level %d state %s supervised %d", e.Level, e.State, e.Supervised)
			}
			if n, err := later.RunOverdue(v.ctx, 100); err != nil || n != 0 {
				t.Fatalf("timer again: %d %v (each deadline is acted on once)", n, err)
			}
		})
	}
}

func TestCockpitSummary(t *testing.T) {
	v := start(t, storetest.Engines(t)[0])
	before, err := v.gov.CockpitSummary(v.ctx, v.as("leader"), "")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := v.report("grid", noiseReport())
	v.run(e.ID, []step{
		{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
		{by: "dispatch", act: governance.Act{Action: governance.ActDispatch}, state: governance.Dispatched},
		{by: "cg_officer", act: act(governance.ActTake, ""), state: governance.Handling},
		{by: "cg_officer", act: act(governance.ActReply, "已处理"), state: governance.Replied},
		{by: "grid", act: act(governance.ActVerify, ""), state: governance.Verified},
		{by: "dispatch", act: act(governance.ActClose, ""), state: governance.Closed},
		{by: "cg_officer", act: governance.Act{Action: governance.ActCallback, Rating: 2}, err: errs.Forbidden},
		{by: "hotline", act: governance.Act{Action: governance.ActCallback, Rating: 5}, state: governance.Closed},
	})
	after, err := v.gov.CockpitSummary(v.ctx, v.as("leader"), "44")
	if err != nil {
		t.Fatal(err)
	}
	if after.Today != before.Today+1 || after.TodayClosed != before.TodayClosed+1 || after.Rated != before.Rated+1 || after.Satisfied != before.Satisfied+1 {
		t.Fatalf("summary before %+v after %+v", before, after)
	}
	if _, err := v.gov.CockpitSummary(v.ctx, v.as("duty"), "4403"); !errs.Is(err, errs.NotFound) {
		t.Errorf("广州 duty officer reading 深圳: %v", err)
	}
}

func TestChangeHookHearsReportsAndSteps(t *testing.T) {
	v := start(t, storetest.Engines(t)[0])
	var mu sync.Mutex
	var heard []region.Code
	v.gov.OnChange(func(rs []region.Code) {
		mu.Lock()
		heard = append(heard, rs...)
		mu.Unlock()
	})
	e, _ := v.report("grid", noiseReport())
	v.run(e.ID, []step{{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted}})
	if _, err := v.gov.Do(v.ctx, v.as("dispatch"), e.ID, governance.Act{Action: governance.ActClose, Version: 99}); err == nil {
		t.Fatal("a stale close succeeded")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(heard) != 2 || heard[0] != "440106006002" || heard[1] != "440106006002" {
		t.Fatalf("heard %v, want the event's region once per committed change", heard)
	}
}

// TestAutoRoutedRecord: a report its rule dispatches at once is written
// with its three steps in order, an audit entry for each in consecutive
// places of a whole chain, and an outbox event for each, in order.
func TestAutoRoutedRecord(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			v.staff("rules", identity.RoleDispatcher, "广州市天河区城市运行管理中心", "440106")
			if _, err := v.gov.CreateRule(v.ctx, v.as("rules"), governance.RuleInput{Category: "01", Region: "440106006",
				Department: "urban_management", Level: int(region.Village), Auto: true}); err != nil {
				t.Fatal(err)
			}
			e, out := v.report("grid", governance.Input{Category: "0102", Description: "东城社区菜市场门口流动摊贩占道经营",
				Region: "440106006002"})
			if !out.AutoRouted {
				t.Fatal("not auto-routed")
			}
			_, steps, err := v.gov.Get(v.ctx, v.as("dispatch"), e.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range steps {
				got = append(got, fmt.Sprintf("%d %s %s→%s %s", s.Seq, s.Action, s.From, s.To, s.ActorName))
			}
			if len(steps) != 3 || steps[0].Seq != 1 || steps[0].Action != governance.ActReport ||
				steps[1].Seq != 2 || steps[1].Action != governance.ActAccept || steps[1].ActorName != governance.SystemRouting ||
				steps[2].Seq != 3 || steps[2].Action != governance.ActDispatch || steps[2].To != governance.Dispatched ||
				steps[2].Detail["lead"] != string(e.Lead.ID) {
				t.Errorf("steps %v", got)
			}
			rows, err := v.n.App.DB.Query(v.ctx, `SELECT seq, action FROM audit_log WHERE target_id = ? ORDER BY seq`, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			var actions []string
			for rows.Next() {
				var seq int64
				var a string
				if err := rows.Scan(&seq, &a); err != nil {
					t.Fatal(err)
				}
				seqs, actions = append(seqs, seq), append(actions, a)
			}
			rows.Close()
			if fmt.Sprint(actions) != "[event.report event.accept event.dispatch]" || len(seqs) != 3 || seqs[1] != seqs[0]+1 || seqs[2] != seqs[1]+1 {
				t.Errorf("audit entries %v at %v", actions, seqs)
			}
			if res, err := v.n.App.Audit.Verify(v.ctx); err != nil || !res.OK() {
				t.Errorf("audit chain: %+v %v", res, err)
			}
			rows, err = v.n.App.DB.Query(v.ctx, `SELECT topic FROM outbox WHERE payload LIKE ? ORDER BY created_at, id`, "%"+string(e.ID)+"%")
			if err != nil {
				t.Fatal(err)
			}
			var topics []string
			for rows.Next() {
				var tp string
				if err := rows.Scan(&tp); err != nil {
					t.Fatal(err)
				}
				topics = append(topics, tp)
			}
			rows.Close()
			if fmt.Sprint(topics) != "[events.report events.accept events.dispatch]" {
				t.Errorf("outbox events %v", topics)
			}
		})
	}
}

// TestListPageOfMaxList: a page may hold up to MaxList events; more than
// 100 of them come back whole, without a next page (List's own limit of
// 100 does not cut the page).
func TestListPageOfMaxList(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			for range 105 {
				v.report("grid", noiseReport())
			}
			pg, err := v.gov.ListPage(v.ctx, v.as("dispatch"), governance.Query{Categories: []string{"0104"}}, governance.MaxList, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(pg.Events) != 105 || pg.Total != 105 || pg.Next != "" {
				t.Fatalf("a page of %d: %d events, total %d, next %q; want 105, 105, none", governance.MaxList, len(pg.Events), pg.Total, pg.Next)
			}
		})
	}
}
