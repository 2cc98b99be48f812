package governance

import "sort"

// Action is something done to an event.
type Action string

const (
	ActReport          Action = "report"           // 上报
	ActAccept          Action = "accept"           // 立案
	ActReject          Action = "reject"           // 不予立案 (with a reason)
	ActMerge           Action = "merge"            // 并单 into another open event
	ActDispatch        Action = "dispatch"         // 派遣: 主办 and 协办
	ActTake            Action = "take"             // 签收: the lead department starts handling
	ActProgress        Action = "progress"         // 处置进展: a note and photos; the state stays
	ActReply           Action = "reply"            // 回复: the department says it is done
	ActRequestReturn   Action = "request_return"   // 申请退单
	ActRequestReassign Action = "request_reassign" // 申请改派
	ActApprove         Action = "approve"          // the dispatcher approves a return or reassignment
	ActDeny            Action = "deny"             // the dispatcher denies it
	ActVerify          Action = "verify"           // 核查通过
	ActVerifyFail      Action = "verify_fail"      // 核查不通过: back to the department
	ActClose           Action = "close"            // 结案
	ActCallback        Action = "callback"         // 回访 with the rating; the state stays
	ActReopen          Action = "reopen"           // 重新处置
	ActSplit           Action = "split"            // 拆单
	ActEscalate        Action = "escalate"         // 上报上级
	ActSupervise       Action = "supervise"        // 督办; the state stays
	ActCloseOnSpot     Action = "close_on_spot"    // a grid worker fixes it on patrol (自行处置)
	ActAnswer          Action = "answer"           // a hotline operator answers the caller at once (直接答复)
)

// who may take an action.
type who int

const (
	byDispatcher who = iota // event.dispatch over the handling region
	byLead                  // staff of the lead department with event.handle
	byTeam                  // staff of the lead or an assisting department
	byVerifier              // a grid worker over the event's region, or its reporter
	bySupervisor            // event.supervise over the event's region
	byCallback              // the hotline or a dispatcher over the region, or the reporter (rating)
)

type rule struct {
	from    []State
	by      who
	comment bool // a written comment is required
}

// rules is the state machine; the target state is computed by next.
var rules = map[Action]rule{
	ActAccept:          {from: []State{Reported}, by: byDispatcher},
	ActReject:          {from: []State{Reported}, by: byDispatcher, comment: true},
	ActMerge:           {from: []State{Reported, Accepted}, by: byDispatcher},
	ActDispatch:        {from: []State{Accepted}, by: byDispatcher},
	ActTake:            {from: []State{Dispatched}, by: byLead},
	ActProgress:        {from: []State{Dispatched, Handling}, by: byTeam, comment: true},
	ActReply:           {from: []State{Handling}, by: byLead, comment: true},
	ActRequestReturn:   {from: []State{Dispatched, Handling}, by: byLead, comment: true},
	ActRequestReassign: {from: []State{Dispatched, Handling}, by: byLead, comment: true},
	ActApprove:         {from: []State{ReturnRequested}, by: byDispatcher},
	ActDeny:            {from: []State{ReturnRequested}, by: byDispatcher, comment: true},
	ActVerify:          {from: []State{Replied}, by: byVerifier},
	ActVerifyFail:      {from: []State{Replied}, by: byVerifier, comment: true},
	ActClose:           {from: []State{Verified}, by: byDispatcher},
	ActCallback:        {from: []State{Closed}, by: byCallback},
	ActReopen:          {from: []State{Closed}, by: byDispatcher, comment: true},
	ActSplit:           {from: []State{Reported, Accepted}, by: byDispatcher},
	ActEscalate:        {from: []State{Reported, Accepted, Dispatched, Handling}, by: byDispatcher, comment: true},
	ActSupervise:       {from: []State{Accepted, Dispatched, Handling, ReturnRequested, Replied}, by: bySupervisor, comment: true},
}

// next is the state a (plain) action leads to from e's state. Approve,
// escalate and reopen depend on more than the state and are decided by the
// service.
func next(e *Event, a Action) State {
	switch a {
	case ActAccept:
		return Accepted
	case ActReject:
		return Rejected
	case ActMerge:
		return Merged
	case ActDispatch:
		return Dispatched
	case ActTake:
		return Handling
	case ActReply:
		return Replied
	case ActRequestReturn, ActRequestReassign:
		return ReturnRequested
	case ActDeny:
		if e.Pending != nil {
			return e.Pending.From
		}
		return Handling
	case ActVerify:
		return Verified
	case ActVerifyFail:
		return Handling
	case ActClose:
		return Closed
	case ActSplit:
		return Split
	}
	return e.State
}

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

// NextActions lists the actions the state machine allows in state s, in
// flow order (who may take them is another matter).
func NextActions(s State) []Action {
	var out []Action
	for a := range rules {
		if allows(a, s) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return actionOrder[out[i]] < actionOrder[out[j]] })
	return out
}

var actionOrder = func() map[Action]int {
	m := map[Action]int{}
	for i, a := range []Action{ActAccept, ActDispatch, ActTake, ActProgress, ActReply, ActVerify, ActClose, ActCallback,
		ActApprove, ActDeny, ActVerifyFail, ActRequestReturn, ActRequestReassign, ActMerge, ActSplit, ActEscalate,
		ActSupervise, ActReopen, ActReject} {
		m[a] = i
	}
	return m
}()
