package governance_test

import (
	"testing"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestMergedReporterFollows: a citizen whose report is merged (并单) into
// a grid worker's event reads that event (without the worker's name and
// phone), is told of its reply, confirms it and rates it; another citizen
// still sees nothing.
func TestMergedReporterFollows(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			thCG := v.org("广州市天河区城市管理和综合执法局")
			in := noiseReport()
			in.ReporterName, in.Phone = "网格员李四", "13912345678"
			first, _ := v.report("grid", in)
			mine, _ := v.report("citizen", noiseReport())
			v.run(mine.ID, []step{{by: "dispatch", act: governance.Act{Action: governance.ActMerge, Target: first.ID}, state: governance.Merged}})
			v.deliver()
			before := len(v.inbox("citizen"))

			got, _, err := v.gov.Get(v.ctx, v.as("citizen"), first.ID)
			if err != nil {
				t.Fatalf("the merged reporter reads the event: %v", err)
			}
			if got.ReporterName != "" || got.Phone != "" {
				t.Errorf("the merged reporter sees the reporter %q %q", got.ReporterName, got.Phone)
			}
			if staff := v.getAs("dispatch", first.ID); staff.ReporterName != "网格员李四" {
				t.Errorf("staff see the reporter %q", staff.ReporterName)
			}
			if _, _, err := v.gov.Get(v.ctx, v.as("elder"), first.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("another citizen: %v", err)
			}
			v.run(first.ID, []step{
				{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "dispatch", act: governance.Act{Action: governance.ActDispatch, Lead: thCG}, state: governance.Dispatched},
				{by: "cg_officer", act: act(governance.ActTake, ""), state: governance.Handling},
				{by: "cg_officer", act: act(governance.ActReply, "已责令拆除广告牌"), state: governance.Replied},
			})
			v.deliver()
			if news := v.inbox("citizen")[before:]; !has(news, "reply "+first.Number) {
				t.Errorf("the merged reporter was not told of the reply: %v", news)
			}
			if got := v.gov.Allowed(v.as("citizen"), v.get(first.ID)); len(got) == 0 {
				t.Errorf("the merged reporter may do nothing on the replied event")
			}
			v.run(first.ID, []step{
				{by: "elder", act: act(governance.ActVerify, ""), err: errs.NotFound},
				{by: "citizen", act: act(governance.ActVerify, "确认已拆除"), state: governance.Verified},
				{by: "dispatch", act: act(governance.ActClose, ""), state: governance.Closed},
				{by: "citizen", act: governance.Act{Action: governance.ActCallback, Comment: "处理及时", Rating: 5}, state: governance.Closed},
			})
			if e := v.get(first.ID); e.Rating != 5 {
				t.Errorf("rating %d", e.Rating)
			}
		})
	}
}
