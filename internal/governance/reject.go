package governance

// Reasons a dispatcher gives for not taking an event on (不予立案), as codes
// shown in the reader's language (event.reject_reason.<code>), each with
// the dispatcher's own words. A duplicate is not rejected but merged into
// the event it repeats (并单): rejecting with ReasonDuplicate is a merge.
const (
	ReasonNotOurs      = "not_ours"     // 不属于本部门（政府）职责
	ReasonDuplicate    = "duplicate"    // 重复报事 → 并单
	ReasonOutsideArea  = "outside_area" // 不在本辖区
	ReasonInsufficient = "insufficient" // 信息不全，无法核实
)

// RejectReasons lists the reasons, in display order.
var RejectReasons = []string{ReasonNotOurs, ReasonDuplicate, ReasonOutsideArea, ReasonInsufficient}

func validReason(r string) bool {
	for _, x := range RejectReasons {
		if x == r {
			return true
		}
	}
	return false
}
