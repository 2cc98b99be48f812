package cases

import (
	"slices"
	"testing"
)

// TestNextActions is the state machine as a table: what may happen next in
// each state.
func TestNextActions(t *testing.T) {
	tests := map[State][]Action{
		Draft:      {ActSubmit},
		Received:   {ActForward, ActWithdraw},
		Submitted:  {ActAccept, ActRequestCorrection, ActReject, ActWithdraw},
		Correction: {ActCorrect, ActWithdraw},
		InReview:   {ActPass, ActRequestCorrection, ActWithdraw},
		InDecision: {ActApprove, ActDeny, ActWithdraw},
		Decided:    {ActComplete},
		Completed:  nil,
		Rejected:   nil,
		Withdrawn:  nil,
	}
	for st, want := range tests {
		if got := NextActions(st); !slices.Equal(got, want) {
			t.Errorf("%s: next %v, want %v", st, got, want)
		}
	}
}

func TestNext(t *testing.T) {
	c := &Case{State: Correction, ResumeState: InReview}
	tests := []struct {
		a         Action
		hasReview bool
		want      State
	}{
		{ActAccept, true, InReview},
		{ActAccept, false, InDecision},
		{ActCorrect, true, InReview},
		{ActApprove, true, Decided},
		{ActDeny, true, Decided},
		{ActReject, true, Rejected},
		{ActComplete, true, Completed},
		{ActForward, true, Submitted},
	}
	for _, tt := range tests {
		if got := next(c, tt.a, tt.hasReview); got != tt.want {
			t.Errorf("%s (review %v): %s, want %s", tt.a, tt.hasReview, got, tt.want)
		}
	}
}
