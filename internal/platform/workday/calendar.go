package workday

import (
	"time"
	_ "time/tzdata" // Shanghai must not depend on the host's zoneinfo
)

// Shanghai is the time zone of every working-day rule: Asia/Shanghai, or a
// fixed UTC+8 zone named "CST" if the zone cannot be loaded (it always can:
// this package embeds the time zone database).
var Shanghai = loadShanghai()

func loadShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*60*60)
	}
	return loc
}

// A Calendar tells working days from days off. It knows the official
// schedule (holidays and adjusted working days) of the years it covers and
// only the Monday–Friday rule elsewhere; the zero Calendar knows only that
// rule. It is immutable and safe for concurrent use.
type Calendar struct {
	// The table spans the days [first, first+len(cum)-1), from 1 January
	// of the first covered year to 31 December of the last one. Day numbers
	// count days since 1970-01-01 (see dayOf).
	first int
	// cum[i] is the number of working days in [first, first+i), so day
	// first+i is a working day iff cum[i+1] > cum[i], and any count within
	// the table is one subtraction.
	cum []int32
	// firstYear and covered say which years have official data; years in
	// the table's span that are not covered follow the Monday–Friday rule.
	firstYear int
	covered   []bool
	names     map[int]string // holiday name by day number
}

// IsWorkday reports whether the date of t in Shanghai is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool { return c.isWork(dayOf(t)) }

// Holiday returns the name of the statutory holiday (法定节假日) on the date
// of t in Shanghai, such as "春节" or "国庆节". It reports every day of a
// holiday period, weekends included, and only in covered years.
func (c *Calendar) Holiday(t time.Time) (name string, ok bool) {
	name, ok = c.names[dayOf(t)]
	return name, ok
}

// Covers reports whether the year of t in Shanghai has official data. For
// other years the calendar knows only the Monday–Friday rule, so answers
// may be wrong on holidays: callers that set deadlines in such a year should
// say so.
func (c *Calendar) Covers(t time.Time) bool {
	i := t.In(Shanghai).Year() - c.firstYear
	return i >= 0 && i < len(c.covered) && c.covered[i]
}

// AddWorkdays returns the deadline of a time limit of n working days that
// starts at from: the end (23:59:59.999999999, in Shanghai) of the n-th
// working day after from's date. The day of from itself does not count,
// whatever the hour. For n <= 0 it returns the end of from's date if that is
// a working day, else the end of the next working day.
func (c *Calendar) AddWorkdays(from time.Time, n int) time.Time {
	d := dayOf(from)
	if n <= 0 {
		return endOf(c.nth(d, 1))
	}
	return endOf(c.nth(d+1, n))
}

// WorkdaysBetween returns the number of working days after from's date up
// to and including to's date, or 0 if to's date is not after from's. It is
// how much of a time limit has been used between acceptance and now, and
// WorkdaysBetween(from, AddWorkdays(from, n)) == n for n > 0.
func (c *Calendar) WorkdaysBetween(from, to time.Time) int {
	a, b := dayOf(from), dayOf(to)
	if b <= a {
		return 0
	}
	return c.count(a+1, b+1)
}

// end returns the day number just past the table.
func (c *Calendar) end() int { return c.first + max(len(c.cum)-1, 0) }

func (c *Calendar) isWork(d int) bool {
	if i := d - c.first; i >= 0 && d < c.end() {
		return c.cum[i+1] > c.cum[i]
	}
	return !weekend(d)
}

// count returns the number of working days in [a, b): by the weekday rule
// before and after the table, by subtraction inside it.
func (c *Calendar) count(a, b int) int {
	lo, hi := c.first, c.end()
	n := 0
	if a < lo {
		e := min(b, lo)
		n += weekdays(a, e)
		a = e
	}
	if a < b && a < hi {
		e := min(b, hi)
		n += int(c.cum[e-lo] - c.cum[a-lo])
		a = e
	}
	return n + weekdays(a, b)
}

// nth returns the n-th working day on or after day d, n >= 1.
func (c *Calendar) nth(d, n int) int {
	lo, hi := c.first, c.end()
	if d < lo {
		k := weekdays(d, lo)
		if n <= k {
			return nthWeekday(d, n)
		}
		n -= k
		d = lo
	}
	if d < hi {
		base := c.cum[d-lo]
		if left := int(c.cum[hi-lo] - base); n > left {
			n -= left
			d = hi
		} else {
			// The answer is lo+i-1 for the smallest i with cum[i] >= target.
			target := base + int32(n)
			i, j := d-lo+1, hi-lo
			for i < j {
				h := int(uint(i+j) >> 1)
				if c.cum[h] < target {
					i = h + 1
				} else {
					j = h
				}
			}
			return lo + i - 1
		}
	}
	return nthWeekday(d, n)
}

// weekdays returns the number of Mondays to Fridays in [a, b).
func weekdays(a, b int) int {
	if a >= b {
		return 0
	}
	w := (b - a) / 7
	n := 5 * w
	for d := a + 7*w; d < b; d++ {
		if !weekend(d) {
			n++
		}
	}
	return n
}

// nthWeekday returns the n-th Monday to Friday on or after day d, n >= 1.
// Any seven consecutive days hold five of them, so whole weeks are skipped.
func nthWeekday(d, n int) int {
	w := (n - 1) / 5
	d += 7 * w
	n -= 5 * w
	for ; ; d++ {
		if !weekend(d) {
			if n--; n == 0 {
				return d
			}
		}
	}
}
