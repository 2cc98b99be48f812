package governance_test

import (
	"testing"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestRejectReasons: rejecting needs a reason code and words; the code is
// kept on the step; "duplicate" merges into the event it repeats.
func TestRejectReasons(t *testing.T) {
	v := start(t, storetest.Engines(t)[0])
	first, _ := v.report("grid", noiseReport())
	dup, _ := v.report("grid", noiseReport())
	v.run(dup.ID, []step{
		{by: "dispatch", act: governance.Act{Action: governance.ActReject, Reason: "whatever", Comment: "不受理"}, err: errs.Invalid},
		{by: "dispatch", act: governance.Act{Action: governance.ActReject, Reason: governance.ReasonDuplicate}, err: errs.Invalid}, // no target
		{by: "dispatch", act: governance.Act{Action: governance.ActReject, Reason: governance.ReasonDuplicate, Target: first.ID}, state: governance.Merged},
	})
	other, _ := v.report("grid", noiseReport())
	v.run(other.ID, []step{{by: "dispatch", act: governance.Act{Action: governance.ActReject, Reason: governance.ReasonOutsideArea,
		Comment: "地址位于越秀区"}, state: governance.Rejected}})
	for id, want := range map[*governance.Event]string{dup: governance.ReasonDuplicate, other: governance.ReasonOutsideArea} {
		_, steps, _ := v.gov.Get(v.ctx, v.as("dispatch"), id.ID)
		if last := steps[len(steps)-1]; last.Detail["reason"] != want {
			t.Errorf("%s: last step %s reason %v, want %s", id.Number, last.Action, last.Detail["reason"], want)
		}
	}
	if got := v.get(dup.ID); got.MergedInto != first.ID {
		t.Errorf("merged into %q", got.MergedInto)
	}
}
