package appointment

import (
	"fmt"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
)

// State is where a booking stands.
type State string

const (
	Booked    State = "booked"     // 已预约: a seat is held
	Cancelled State = "cancelled"  // 已取消 by the person; the seat is free again
	CheckedIn State = "checked_in" // 已签到: the person came
	NoShow    State = "no_show"    // 爽约: the slot started and the person did not come
)

// DateLayout is how days are written: dates in Asia/Shanghai.
const DateLayout = "2006-01-02"

// Clock is a time of day in Asia/Shanghai, in minutes after midnight.
type Clock int

// ParseClock reads "HH:MM" (24-hour). Returns errs.Invalid otherwise.
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' || !digits(s[:2]) || !digits(s[3:]) {
		return 0, errs.E(errs.Invalid, "appointment.hours_invalid")
	}
	h, m := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	if h > 23 || m > 59 {
		return 0, errs.E(errs.Invalid, "appointment.hours_invalid")
	}
	return Clock(h*60 + m), nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String writes c as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// ClockOf is the time of day of t in Shanghai, to the minute.
func ClockOf(t time.Time) Clock {
	t = t.In(workday.Shanghai)
	return Clock(t.Hour()*60 + t.Minute())
}

// Counter is one service counter (窗口) of a center.
type Counter struct {
	ID          ids.ID
	CenterID    ids.ID
	Name        string   // "综合受理1号窗"
	Departments []string // department keys (catalog.Departments) it serves; none: every matter
	Opens       Clock    // start of the first slot
	Closes      Clock    // no slot ends after it
	SlotMinutes int      // length of a slot
	Capacity    int      // people served in one slot
	Active      bool     // inactive counters offer no slots
	Version     int      // bumped by every change: the optimistic lock
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Serves reports whether the counter handles matters of department dept.
func (c *Counter) Serves(dept string) bool {
	if len(c.Departments) == 0 {
		return true
	}
	for _, d := range c.Departments {
		if d == dept {
			return true
		}
	}
	return false
}

// SlotsOn lists the counter's slots on the date of day in Shanghai, from
// opening to closing, with no seats taken. It does not look at the
// calendar: callers decide whether the day is a working day.
func (c *Counter) SlotsOn(day time.Time) []Slot {
	y, m, d := day.In(workday.Shanghai).Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, workday.Shanghai)
	var out []Slot
	if c.SlotMinutes <= 0 {
		return nil
	}
	for t := c.Opens; t+Clock(c.SlotMinutes) <= c.Closes; t += Clock(c.SlotMinutes) {
		start := midnight.Add(time.Duration(t) * time.Minute)
		out = append(out, Slot{CounterID: c.ID, Day: midnight.Format(DateLayout), Time: t,
			Start: start, End: start.Add(time.Duration(c.SlotMinutes) * time.Minute), Capacity: c.Capacity})
	}
	return out
}

// Slot is one time slot of a counter on one day.
type Slot struct {
	CounterID ids.ID
	Day       string // "2026-11-27", Shanghai
	Time      Clock  // its start, Shanghai
	Start     time.Time
	End       time.Time
	Capacity  int
	Booked    int  // seats taken
	Bookable  bool // not started yet and a seat is free (set by the Service)
}

// Remaining is the number of free seats.
func (s Slot) Remaining() int { return max(s.Capacity-s.Booked, 0) }

// Center is a service center with its counters.
type Center struct {
	ID       ids.ID
	Name     string
	Region   region.Code
	Counters []Counter
}

// CounterSlots is one counter's slots on a day.
type CounterSlots struct {
	Counter Counter
	Slots   []Slot
}

// Appointment is one booking of a seat in a slot.
type Appointment struct {
	ID           ids.ID
	CounterID    ids.ID
	CenterID     ids.ID
	Region       region.Code // the center's region: counter staff covering it handle the booking
	CounterName  string
	CenterName   string
	UserID       ids.ID // the account that booked
	PersonID     ids.ID // the natural person (the agent, for an enterprise)
	EnterpriseID ids.ID
	Name         string // the booker's name, shown at the counter
	ItemCode     string // optional
	ItemName     string
	CaseID       ids.ID // optional: the case the visit is for
	Day          string // "2026-11-27", Shanghai
	Time         Clock  // the slot's start, Shanghai
	Start        time.Time
	End          time.Time
	State        State
	HandledBy    ids.ID // counter staff who checked in or marked the no-show
	HandledAt    time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// EndTime is the time of day the slot ends, Shanghai.
func (a Appointment) EndTime() Clock { return ClockOf(a.End) }
