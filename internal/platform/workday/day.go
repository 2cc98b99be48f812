package workday

import "time"

// Days are numbered from 1970-01-01 (day 0, a Thursday) as dates in
// Shanghai: day d runs from (d*86400 - 8h) to ((d+1)*86400 - 8h) in Unix
// seconds whenever Shanghai is at UTC+8.

// fastFrom is 1992-01-01T00:00:00+08:00. China last observed daylight
// saving time in 1991, so from then on Shanghai is always UTC+8 and a date
// is plain arithmetic on Unix seconds, much cheaper than t.In(loc).Date().
// Earlier instants take the time package's path. TestFastPath checks both
// agree, so a change in the time zone database would fail the tests.
const fastFrom = 694195200

const utc8 = 8 * 60 * 60

// dayOf returns the number of t's date in Shanghai.
func dayOf(t time.Time) int {
	if s := t.Unix(); s >= fastFrom {
		return int((s + utc8) / 86400)
	}
	y, m, d := t.In(Shanghai).Date()
	return civilDay(y, m, d)
}

// civilDay returns the number of a calendar date.
func civilDay(y int, m time.Month, d int) int {
	// Midnight UTC is a whole number of days from the epoch, so the
	// division is exact even before 1970.
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// endOf returns the last nanosecond of day d in Shanghai.
func endOf(d int) time.Time {
	if next := int64(d+1)*86400 - utc8; next-86400 >= fastFrom {
		return time.Unix(next-1, 999_999_999).In(Shanghai)
	}
	y, m, dd := time.Unix(int64(d)*86400, 0).UTC().Date()
	return time.Date(y, m, dd, 23, 59, 59, 999_999_999, Shanghai)
}

// weekday returns the day of the week of day d.
func weekday(d int) time.Weekday {
	return time.Weekday(((d % 7) + 7 + int(time.Thursday)) % 7)
}

func weekend(d int) bool {
	w := weekday(d)
	return w == time.Saturday || w == time.Sunday
}
