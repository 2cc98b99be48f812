package governance_test

import (
	"testing"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestCitizenConfirmsAndRates: the citizen who reported on the portal
// confirms the result — refusing it with a reason sends the event back
// to the department — and rates the handling once after closure; another
// citizen sees none of it, and a rating must be 1–5.
func TestCitizenConfirmsAndRates(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			thCG := v.org("广州市天河区城市管理和综合执法局")
			e, _ := v.report("citizen", noiseReport())
			if e.Source != governance.SourcePortal || e.ReporterID != v.as("citizen").UserID {
				t.Fatalf("portal report: %s by %s", e.Source, e.ReporterID)
			}
			got := v.run(e.ID, []step{
				{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "dispatch", act: governance.Act{Action: governance.ActDispatch, Lead: thCG}, state: governance.Dispatched},
				{by: "cg_officer", act: act(governance.ActTake, ""), state: governance.Handling},
				{by: "citizen", act: act(governance.ActVerify, ""), err: errs.Conflict}, // nothing to confirm yet
				{by: "cg_officer", act: act(governance.ActReply, "已责令拆除广告牌"), state: governance.Replied},
				{by: "elder", act: act(governance.ActVerify, ""), err: errs.NotFound}, // not theirs
				{by: "citizen", act: act(governance.ActVerifyFail, ""), err: errs.Invalid},
				{by: "citizen", act: act(governance.ActVerifyFail, "广告牌还在，只是拆了灯箱"), state: governance.Handling},
				{by: "cg_officer", act: act(governance.ActReply, "已整体拆除"), state: governance.Replied},
				{by: "citizen", act: act(governance.ActVerify, "确认已拆除"), state: governance.Verified},
				{by: "citizen", act: act(governance.ActClose, ""), err: errs.Forbidden},
				{by: "dispatch", act: act(governance.ActClose, ""), state: governance.Closed},
				{by: "elder", act: governance.Act{Action: governance.ActCallback, Rating: 1}, err: errs.NotFound},
				{by: "citizen", act: governance.Act{Action: governance.ActCallback}, err: errs.Invalid},
				{by: "citizen", act: governance.Act{Action: governance.ActCallback, Rating: 6}, err: errs.Invalid},
				{by: "citizen", act: governance.Act{Action: governance.ActCallback, Comment: "处理及时", Rating: 5}, state: governance.Closed},
				{by: "citizen", act: governance.Act{Action: governance.ActCallback, Rating: 4}, err: errs.Conflict},
				{by: "hotline", act: governance.Act{Action: governance.ActCallback, Rating: 3}, err: errs.Conflict},
			})
			if got.Rating != 5 || got.RatedAt.IsZero() {
				t.Errorf("rating %d at %v", got.Rating, got.RatedAt)
			}
			_, steps, err := v.gov.Get(v.ctx, v.as("citizen"), e.ID)
			if err != nil {
				t.Fatal(err)
			}
			var mine []governance.Action
			for _, s := range steps {
				if s.ActorID == v.as("citizen").UserID {
					mine = append(mine, s.Action)
				}
			}
			want := []governance.Action{governance.ActReport, governance.ActVerifyFail, governance.ActVerify, governance.ActCallback}
			if len(mine) != len(want) {
				t.Fatalf("the citizen's steps: %v", mine)
			}
			for i := range want {
				if mine[i] != want[i] {
					t.Errorf("the citizen's steps: %v, want %v", mine, want)
				}
			}
		})
	}
}
