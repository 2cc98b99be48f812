package governance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

// deliver runs the outbox dispatcher until nothing is due.
func (v *env) deliver() {
	v.t.Helper()
	for {
		n, err := v.n.App.Jobs.RunOnce(v.ctx)
		if err != nil {
			v.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// inbox lists the stems of username's notifications, oldest first, with
// the event number each names ("dispatch_lead SJ…").
func (v *env) inbox(username string) []string {
	v.t.Helper()
	list, err := v.n.App.Notify.List(v.ctx, v.as(username), notify.Query{})
	if err != nil {
		v.t.Fatal(err)
	}
	var out []string
	for i := len(list) - 1; i >= 0; i-- {
		n := list[i]
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(n.Title, "notify.event."), ".title")+" "+n.Args[0])
	}
	return out
}

func has(list []string, want string) bool {
	for _, x := range list {
		if x == want {
			return true
		}
	}
	return false
}

// TestEventNotices: dispatch tells the lead (主办) and assisting (协办)
// departments' staff, 督办 whoever must act, a reply the citizen who
// reported, an automatic escalation the department that had the event and
// the dispatchers of the level above — each once, in their language.
func TestEventNotices(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			v.staff("lin_officer", identity.RoleEventOfficer, "广州市天河区林业和园林局", "440106")
			thCG, thLin := v.org("广州市天河区城市管理和综合执法局"), v.org("广州市天河区林业和园林局")
			v.deliver() // the demo's own events
			before := map[string]int{}
			for _, u := range []string{"cg_officer", "lin_officer", "citizen", "dispatch", "duty", "grid", "sp_officer"} {
				before[u] = len(v.inbox(u))
			}
			news := func(u string) []string { return v.inbox(u)[before[u]:] }

			e, _ := v.report("citizen", noiseReport())
			v.run(e.ID, []step{
				{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "dispatch", act: governance.Act{Action: governance.ActDispatch, Lead: thCG, Assist: []ids.ID{thLin}}, state: governance.Dispatched},
				{by: "duty", act: act(governance.ActSupervise, "群众多次来电，请加快处置"), state: governance.Dispatched},
			})
			v.deliver()
			n := e.Number
			if got := news("cg_officer"); strings.Join(got, ",") != "dispatch_lead "+n+",supervise "+n {
				t.Errorf("lead department: %v", got)
			}
			if got := news("lin_officer"); strings.Join(got, ",") != "dispatch_assist "+n+",supervise "+n {
				t.Errorf("assisting department: %v", got)
			}
			for _, u := range []string{"citizen", "dispatch", "grid", "sp_officer"} {
				if got := news(u); len(got) != 0 {
					t.Errorf("%s was told %v", u, got)
				}
			}
			// The supervision notice carries its text; titles and bodies render in both languages.
			list, _ := v.n.App.Notify.List(v.ctx, v.as("cg_officer"), notify.Query{})
			msgs := i18n.MustLoad()
			title, body := list[0].Render(msgs, i18n.ZhCN)
			if title != "事件督办" || !strings.Contains(body, n) || !strings.Contains(body, "群众多次来电") || list[0].Link != "/events/"+string(e.ID) {
				t.Errorf("supervision notice: %q / %q / %s", title, body, list[0].Link)
			}
			title, body = list[1].Render(msgs, i18n.En)
			if title != "New event dispatched (lead)" || !strings.Contains(body, n) || strings.Contains(body, "%!") {
				t.Errorf("dispatch notice in English: %q / %q", title, body)
			}

			// The reply waits for the citizen's confirmation.
			v.run(e.ID, []step{
				{by: "cg_officer", act: act(governance.ActTake, ""), state: governance.Handling},
				{by: "cg_officer", act: act(governance.ActReply, "已责令拆除广告牌"), state: governance.Replied},
			})
			v.deliver()
			if got := news("citizen"); strings.Join(got, ",") != "reply "+n {
				t.Errorf("citizen after the reply: %v", got)
			}

			// A county event past its deadline goes up to the city: its
			// department is told it is no longer theirs, the city's
			// dispatchers that they must dispatch it.
			c, _ := v.report("grid", noiseReport())
			v.run(c.ID, []step{
				{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "dispatch", act: governance.Act{Action: governance.ActDispatch, Lead: thCG}, state: governance.Dispatched},
			})
			v.later(40*24*time.Hour).RunOverdue(v.ctx, 1000)
			v.deliver()
			if got := news("cg_officer"); !has(got, "escalate_from_auto "+c.Number) || !has(got, "dispatch_lead "+c.Number) {
				t.Errorf("the department after the automatic escalation: %v", got)
			}
			if got := news("duty"); !has(got, "escalate_to_auto "+c.Number) {
				t.Errorf("the city's dispatcher after the automatic escalation: %v", got)
			}
			if got := news("dispatch"); has(got, "escalate_to_auto "+c.Number) {
				t.Errorf("the county's dispatcher is told it must dispatch a city event: %v", got)
			}

			// Every event notice's topic is delivered; replaying them tells nobody twice.
			var pending int
			if err := v.n.App.DB.QueryRow(v.ctx, `SELECT COUNT(*) FROM outbox WHERE topic IN ('events.dispatch', 'events.supervise',
				'events.escalate', 'events.reply') AND processed_at IS NULL`).Scan(&pending); err != nil || pending != 0 {
				t.Errorf("unprocessed event notices: %d %v", pending, err)
			}
			total := len(v.inbox("cg_officer"))
			if _, err := v.n.App.DB.Exec(v.ctx, `UPDATE outbox SET processed_at = NULL WHERE topic LIKE 'events.%'`); err != nil {
				t.Fatal(err)
			}
			v.deliver()
			if got := len(v.inbox("cg_officer")); got != total {
				t.Errorf("after a replay: %d notifications, want %d", got, total)
			}
		})
	}
}

// later is the events service with a clock d ahead (for the overdue timer).
func (v *env) later(d time.Duration) *governance.Service {
	a := v.n.App
	return governance.NewService(governance.Deps{Store: a.Store, Tx: a.DB, Audit: a.Audit, Directory: a.Identity,
		Blobs: a.Blobs, Calendar: a.Calendar, Regions: a.Regions, Now: func() time.Time { return time.Now().Add(d) }})
}
