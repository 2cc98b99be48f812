package workday

import (
	"strconv"
	"time"
)

// Status is the traffic light of a time limit: 绿灯 on time, 黄灯 warning,
// 红灯 overdue.
type Status int

const (
	OnTime  Status = iota // green: more than warnDays working days left
	Warning               // yellow: the deadline falls within warnDays working days, today included
	Overdue               // red: now is after the deadline
)

// String returns "on_time", "warning" or "overdue", the form used in JSON
// and in the database.
func (s Status) String() string {
	switch s {
	case OnTime:
		return "on_time"
	case Warning:
		return "warning"
	case Overdue:
		return "overdue"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Status returns the traffic light of a time limit ending at deadline, as
// seen at now. It is Overdue once now is after deadline, and Warning when at
// most warnDays working days are left, counting today if it is one and the
// deadline's day: with warnDays 1, a deadline at the end of today warns and
// one at the end of the next working day does not. A warnDays of 0 or less
// never warns.
func (c *Calendar) Status(deadline, now time.Time, warnDays int) Status {
	if now.After(deadline) {
		return Overdue
	}
	if warnDays <= 0 {
		return OnTime
	}
	left := c.WorkdaysBetween(now, deadline)
	if c.IsWorkday(now) {
		left++
	}
	if left <= warnDays {
		return Warning
	}
	return OnTime
}
