package workday

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestFastPath checks the arithmetic on Unix seconds against the time
// package with the real time zone, on both sides of fastFrom.
func TestFastPath(t *testing.T) {
	if got := time.Date(1992, 1, 1, 0, 0, 0, 0, Shanghai).Unix(); got != fastFrom {
		t.Fatalf("1992-01-01 in Shanghai = %d, want fastFrom %d", got, fastFrom)
	}
	r := rand.New(rand.NewPCG(1, 2))
	lo := time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	times := []time.Time{
		time.Unix(fastFrom-1, 0), time.Unix(fastFrom, 0),
		time.Date(1991, 4, 14, 1, 59, 0, 0, Shanghai), // DST started at 02:00
		time.Date(1991, 9, 15, 1, 30, 0, 0, Shanghai), // and ended at 02:00
	}
	for range 100_000 {
		times = append(times, time.Unix(lo+r.Int64N(hi-lo), 0))
	}
	for _, tm := range times {
		y, m, d := tm.In(Shanghai).Date()
		day := dayOf(tm)
		if want := civilDay(y, m, d); day != want {
			t.Fatalf("dayOf(%v) = %d, want %d", tm, day, want)
		}
		if got, want := weekday(day), tm.In(Shanghai).Weekday(); got != want {
			t.Fatalf("weekday(%v) = %v, want %v", tm, got, want)
		}
		end := endOf(day)
		want := time.Date(y, m, d, 23, 59, 59, 999_999_999, Shanghai)
		if !end.Equal(want) || end.Location() != Shanghai {
			t.Fatalf("endOf(%v) = %v, want %v", tm, end, want)
		}
	}
}
