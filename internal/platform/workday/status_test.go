package workday_test

import (
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/workday"
)

func TestStatus(t *testing.T) {
	c := workday.Embedded()
	deadline := c.AddWorkdays(at(t, "2025-03-03"), 5) // end of Monday 2025-03-10
	if want := endOfDay(t, "2025-03-10"); !deadline.Equal(want) {
		t.Fatalf("deadline = %v, want %v", deadline, want)
	}
	spring := endOfDay(t, "2025-02-05") // the first working day after 春节
	tests := []struct {
		name     string
		deadline time.Time
		now      time.Time
		warn     int
		want     workday.Status
	}{
		{"a week left", deadline, at(t, "2025-03-03"), 2, workday.OnTime},
		{"4 days left, today included: warn 3", deadline, at(t, "2025-03-07"), 3, workday.Warning},
		{"5 days left: warn 4", deadline, at(t, "2025-03-04"), 4, workday.OnTime},
		{"5 days left: warn 5", deadline, at(t, "2025-03-04"), 5, workday.Warning},
		{"Friday before a Monday deadline: warn 1", deadline, at(t, "2025-03-07"), 1, workday.OnTime},
		{"Friday before a Monday deadline: warn 2", deadline, at(t, "2025-03-07"), 2, workday.Warning},
		{"Saturday before a Monday deadline: warn 1", deadline, at(t, "2025-03-08"), 1, workday.Warning},
		{"deadline day: warn 1", deadline, at(t, "2025-03-10"), 1, workday.Warning},
		{"deadline day: warn 0 never warns", deadline, at(t, "2025-03-10"), 0, workday.OnTime},
		{"exactly at the deadline", deadline, deadline, 1, workday.Warning},
		{"one nanosecond late", deadline, deadline.Add(time.Nanosecond), 1, workday.Overdue},
		{"late with warn 0", deadline, deadline.Add(time.Nanosecond), 0, workday.Overdue},
		{"a month late", deadline, at(t, "2025-04-10"), 3, workday.Overdue},
		{"holidays do not count: 2 days left over 春节", spring, at(t, "2025-01-27"), 2, workday.Warning},
		{"holidays do not count: warn 1", spring, at(t, "2025-01-27"), 1, workday.OnTime},
		{"during 春节: 1 day left", spring, at(t, "2025-02-01"), 1, workday.Warning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Status(tt.deadline, tt.now, tt.warn); got != tt.want {
				t.Errorf("Status = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStatusString(t *testing.T) {
	for s, want := range map[workday.Status]string{
		workday.OnTime:    "on_time",
		workday.Warning:   "warning",
		workday.Overdue:   "overdue",
		workday.Status(7): "Status(7)",
	} {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", int(s), got, want)
		}
	}
}
