package workday_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/workday"
)

// naiveAdd is AddWorkdays written the obvious way, one day at a time.
func naiveAdd(c *workday.Calendar, from time.Time, n int) time.Time {
	y, m, d := from.In(workday.Shanghai).Date()
	day := time.Date(y, m, d, 12, 0, 0, 0, workday.Shanghai)
	if n <= 0 {
		for !c.IsWorkday(day) {
			day = day.AddDate(0, 0, 1)
		}
	} else {
		for n > 0 {
			day = day.AddDate(0, 0, 1)
			if c.IsWorkday(day) {
				n--
			}
		}
	}
	y, m, d = day.Date()
	return time.Date(y, m, d, 23, 59, 59, 999_999_999, workday.Shanghai)
}

// checkAdd checks AddWorkdays(from, n) against naiveAdd and the properties
// that callers rely on.
func checkAdd(t *testing.T, c *workday.Calendar, from time.Time, n int) {
	t.Helper()
	got := c.AddWorkdays(from, n)
	if want := naiveAdd(c, from, n); !got.Equal(want) {
		t.Fatalf("AddWorkdays(%v, %d) = %v, want %v", from, n, got, want)
	}
	if !c.IsWorkday(got) {
		t.Fatalf("AddWorkdays(%v, %d) = %v is not a working day", from, n, got)
	}
	if h, m, s := got.Clock(); h != 23 || m != 59 || s != 59 || got.Nanosecond() != 999_999_999 {
		t.Fatalf("AddWorkdays(%v, %d) = %v is not the end of a day", from, n, got)
	}
	if n > 0 {
		if used := c.WorkdaysBetween(from, got); used != n {
			t.Fatalf("WorkdaysBetween(%v, AddWorkdays(…, %d)) = %d", from, n, used)
		}
	}
}

// TestAddWorkdaysProperty runs random starts from 2020 to 2030 (before,
// inside and after the covered years) and limits of 0 to 60 days, plus
// some long ones that cross the table's edges.
func TestAddWorkdaysProperty(t *testing.T) {
	c := workday.Embedded()
	r := rand.New(rand.NewPCG(2024, 2027))
	lo := time.Date(2020, 1, 1, 0, 0, 0, 0, workday.Shanghai).Unix()
	hi := time.Date(2030, 1, 1, 0, 0, 0, 0, workday.Shanghai).Unix()
	for i := range 20_000 {
		from := time.Unix(lo+r.Int64N(hi-lo), r.Int64N(1e9))
		n := r.IntN(61)
		if i%100 == 0 {
			n = r.IntN(2000)
		}
		checkAdd(t, c, from, n)
	}
}

func FuzzAddWorkdays(f *testing.F) {
	f.Add(time.Date(2025, 1, 24, 9, 0, 0, 0, time.UTC).Unix(), uint16(5))
	f.Add(time.Date(2024, 9, 27, 9, 0, 0, 0, time.UTC).Unix(), uint16(60))
	f.Add(time.Date(2026, 12, 31, 9, 0, 0, 0, time.UTC).Unix(), uint16(0))
	f.Add(int64(0), uint16(1000))
	c := workday.Embedded()
	lo := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	f.Fuzz(func(t *testing.T, unix int64, n uint16) {
		if unix < lo || unix >= hi {
			unix = lo + (unix%(hi-lo)+(hi-lo))%(hi-lo)
		}
		checkAdd(t, c, time.Unix(unix, 0), int(n%1000))
	})
}
