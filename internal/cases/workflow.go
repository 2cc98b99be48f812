package cases

import "sort"

// Action is something done to a case.
type Action string

const (
	ActSubmit            Action = "submit"             // 提交 (applicant)
	ActForward           Action = "forward"            // 转交: a counter forwards what it received for another authority
	ActAccept            Action = "accept"             // 受理
	ActReject            Action = "reject"             // 不予受理, with a written reason
	ActRequestCorrection Action = "request_correction" // 补齐补正告知
	ActCorrect           Action = "correct"            // the applicant supplements
	ActPass              Action = "pass"               // 审查通过, to the decision
	ActApprove           Action = "approve"            // 准予, with a written decision
	ActDeny              Action = "deny"               // 不予, with a written decision
	ActComplete          Action = "complete"           // 办结: result delivered
	ActWithdraw          Action = "withdraw"           // 撤回 (applicant)

	// ActContribute records a contributing authority's opinion (多地联办).
	// It is an event, not a transition: the state stays.
	ActContribute Action = "contribute"
)

// who may perform an action.
type who int

const (
	byApplicant who = iota // the applicant (or the counter staff acting for them)
	byCounter              // counter staff where the case was received
	byStage                // the role of the case's current stage, at its authority
	byDecider              // the role of the item's decision step, at its authority
)

// rule is one row of the state machine.
type rule struct {
	from    []State
	by      who
	comment bool // a written comment is required
}

// rules is the state machine. The target state is computed by next(),
// because acceptance leads to review or straight to the decision depending
// on the item's steps, and a correction returns to where it came from.
var rules = map[Action]rule{
	ActSubmit:            {from: []State{Draft}, by: byApplicant},
	ActForward:           {from: []State{Received}, by: byCounter},
	ActAccept:            {from: []State{Submitted}, by: byStage},
	ActReject:            {from: []State{Submitted}, by: byStage, comment: true},
	ActRequestCorrection: {from: []State{Submitted, InReview}, by: byStage, comment: true},
	ActCorrect:           {from: []State{Correction}, by: byApplicant},
	ActPass:              {from: []State{InReview}, by: byStage},
	ActApprove:           {from: []State{InDecision}, by: byStage, comment: true},
	ActDeny:              {from: []State{InDecision}, by: byStage, comment: true},
	ActComplete:          {from: []State{Decided}, by: byDecider},
	ActWithdraw:          {from: []State{Received, Submitted, Correction, InReview, InDecision}, by: byApplicant},
}

// next is the state an action leads to from c's state.
func next(c *Case, a Action, hasReview bool) State {
	switch a {
	case ActSubmit, ActForward:
		return Submitted
	case ActAccept:
		if hasReview {
			return InReview
		}
		return InDecision
	case ActReject:
		return Rejected
	case ActRequestCorrection:
		return Correction
	case ActCorrect:
		return c.ResumeState
	case ActPass:
		return InDecision
	case ActApprove, ActDeny:
		return Decided
	case ActComplete:
		return Completed
	case ActWithdraw:
		return Withdrawn
	}
	return c.State
}

// allows reports whether action a may be taken in state s.
func allows(a Action, s State) bool {
	r, ok := rules[a]
	if !ok {
		return false
	}
	for _, f := range r.from {
		if f == s {
			return true
		}
	}
	return false
}

// NextActions lists the actions the state machine allows in state s, in a
// stable order (for messages and buttons; who may take them is another
// matter).
func NextActions(s State) []Action {
	var out []Action
	for a := range rules {
		if allows(a, s) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return order[out[i]] < order[out[j]] })
	return out
}

var order = map[Action]int{
	ActSubmit: 0, ActForward: 1, ActAccept: 2, ActPass: 3, ActApprove: 4, ActDeny: 5, ActComplete: 6,
	ActRequestCorrection: 7, ActCorrect: 8, ActReject: 9, ActWithdraw: 10,
}
