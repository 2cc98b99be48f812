package governance_test

import (
	"testing"
	"time"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestOverdueTimerEveryStep: each step of the flow has a time limit, and
// the timer acts on the step that runs late — acceptance and dispatch by
// the level policy, a return request's review and closure by supervision,
// a reply nobody confirmed by recording the verification (12345 practice:
// silence is consent) — once per deadline, never before it.
func TestOverdueTimerEveryStep(t *testing.T) {
	day := 24 * time.Hour
	city := func() governance.Input { // a city-level category (突发公共卫生)
		return governance.Input{Source: governance.SourceAPI, Category: "1003", Description: "某学校出现多例发热病例", Region: "440106006002"}
	}
	critical := noiseReport()
	critical.Urgency = governance.Critical
	rows := []struct {
		name   string
		by     string
		in     governance.Input
		steps  []step
		before time.Duration // the timer then leaves it alone
		after  time.Duration // the timer then acts
		action governance.Action
		note   string
		check  func(t *testing.T, v *env, before, after *governance.Event)
	}{
		{name: "reported, not accepted within 2 hours: a county event goes up to the city", by: "grid", in: noiseReport(),
			before: time.Hour, after: 3 * time.Hour, action: governance.ActEscalate, note: "event.note.overdue_escalate",
			check: func(t *testing.T, v *env, b, e *governance.Event) {
				if e.State != governance.Reported || e.Level != region.City || e.Escalated != 1 || !e.Deadline.After(b.Deadline) {
					t.Errorf("state %s level %d escalated %d deadline %v", e.State, e.Level, e.Escalated, e.Deadline)
				}
			}},
		{name: "critical and reported: 30 minutes", by: "grid", in: critical,
			before: 20 * time.Minute, after: 40 * time.Minute, action: governance.ActEscalate, note: "event.note.overdue_escalate"},
		{name: "accepted at the city, not dispatched within an hour (urgent by category): supervised", by: "duty", in: city(),
			steps:  []step{{by: "duty", act: act(governance.ActAccept, ""), state: governance.Accepted}},
			before: 30 * time.Minute, after: 3 * time.Hour, action: governance.ActSupervise, note: "event.note.overdue_accept_supervise",
			check: func(t *testing.T, v *env, b, e *governance.Event) {
				if e.State != governance.Accepted || e.Supervised != 1 || e.Level != region.City {
					t.Errorf("state %s supervised %d level %d", e.State, e.Supervised, e.Level)
				}
			}},
		{name: "a return request not reviewed within a working day: the dispatchers are supervised; a denial gives back the handling deadline",
			by: "grid", in: noiseReport(),
			steps: []step{
				{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "dispatch", act: governance.Act{Action: governance.ActDispatch}, state: governance.Dispatched},
				{by: "cg_officer", act: act(governance.ActRequestReturn, "不属本局职责"), state: governance.ReturnRequested},
			},
			before: 3 * time.Hour, after: 6 * day, action: governance.ActSupervise, note: "event.note.overdue_review_supervise",
			check: func(t *testing.T, v *env, b, e *governance.Event) {
				if e.State != governance.ReturnRequested || e.Supervised != 1 || e.Pending == nil {
					t.Fatalf("state %s supervised %d", e.State, e.Supervised)
				}
				handling := e.Pending.Deadline
				got := v.run(e.ID, []step{{by: "dispatch", act: act(governance.ActDeny, "属本局职责"), state: governance.Dispatched}})
				if handling.IsZero() || !got.Deadline.Equal(handling) {
					t.Errorf("after the denial: deadline %v, want the handling deadline %v", got.Deadline, handling)
				}
			}},
		{name: "a reply nobody confirms within three working days: verified by the timer, then closure is supervised",
			by: "grid", in: noiseReport(),
			steps: []step{
				{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "dispatch", act: governance.Act{Action: governance.ActDispatch}, state: governance.Dispatched},
				{by: "cg_officer", act: act(governance.ActTake, ""), state: governance.Handling},
				{by: "cg_officer", act: act(governance.ActReply, "已拆除"), state: governance.Replied},
			},
			before: day, after: 8 * day, action: governance.ActVerify, note: "event.note.overdue_verify",
			check: func(t *testing.T, v *env, b, e *governance.Event) {
				if e.State != governance.Verified || e.Rating != 0 || !e.Deadline.After(b.Deadline) {
					t.Fatalf("state %s rating %d deadline %v", e.State, e.Rating, e.Deadline)
				}
				if _, err := v.later(16*day).RunOverdue(v.ctx, 1000); err != nil {
					t.Fatal(err)
				}
				e = v.get(e.ID)
				_, steps, _ := v.gov.Get(v.ctx, v.as("dispatch"), e.ID)
				last := steps[len(steps)-1]
				if e.State != governance.Verified || e.Supervised != 1 || last.Detail["note"] != "event.note.overdue_close_supervise" {
					t.Errorf("closure late: state %s supervised %d last %s %v", e.State, e.Supervised, last.Action, last.Detail["note"])
				}
			}},
		{name: "dispatched, past the handling deadline: a county event goes up to the city", by: "grid", in: noiseReport(),
			steps: []step{
				{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "dispatch", act: governance.Act{Action: governance.ActDispatch}, state: governance.Dispatched},
			},
			before: time.Hour, after: 40 * day, action: governance.ActEscalate, note: "event.note.overdue_escalate",
			check: func(t *testing.T, v *env, b, e *governance.Event) {
				if e.State != governance.Accepted || e.Level != region.City || e.Lead.ID != "" {
					t.Errorf("state %s level %d lead %v", e.State, e.Level, e.Lead)
				}
			}},
	}
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			for _, r := range rows {
				t.Run(r.name, func(t *testing.T) {
					v := v.with(t)
					e, _ := v.report(r.by, r.in)
					if r.steps != nil {
						e = v.run(e.ID, r.steps)
					}
					if e.Deadline.IsZero() {
						t.Fatalf("no deadline in state %s", e.State)
					}
					if _, err := v.later(r.before).RunOverdue(v.ctx, 1000); err != nil {
						t.Fatal(err)
					}
					if got := v.get(e.ID); got.Version != e.Version {
						t.Fatalf("the timer acted before the deadline: %s v%d", got.State, got.Version)
					}
					if _, err := v.later(r.after).RunOverdue(v.ctx, 1000); err != nil {
						t.Fatal(err)
					}
					got := v.get(e.ID)
					_, steps, _ := v.gov.Get(v.ctx, v.as("duty"), e.ID)
					last := steps[len(steps)-1]
					if last.Action != r.action || last.Detail["note"] != r.note || last.Detail["automatic"] != true || last.ActorName != governance.SystemOverdueTimer {
						t.Fatalf("the timer's step: %s %v by %s", last.Action, last.Detail, last.ActorName)
					}
					if _, err := v.later(r.after).RunOverdue(v.ctx, 1000); err != nil {
						t.Fatal(err)
					}
					if again := v.get(e.ID); again.Version != got.Version {
						t.Fatalf("the timer acted twice on one deadline: v%d → v%d", got.Version, again.Version)
					}
					if r.check != nil {
						r.check(t, v, e, got)
					}
				})
			}
		})
	}
}
