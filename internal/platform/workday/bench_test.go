package workday_test

import (
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/workday"
)

// The case queue computes deadlines and traffic lights for every case it
// lists, so these sit on a hot path.

func BenchmarkAddWorkdays(b *testing.B) {
	c := workday.Embedded()
	from := time.Date(2025, 1, 20, 3, 0, 0, 0, time.UTC) // across 春节
	for b.Loop() {
		c.AddWorkdays(from, 20)
	}
}

func BenchmarkAddWorkdays60(b *testing.B) {
	c := workday.Embedded()
	from := time.Date(2025, 9, 1, 3, 0, 0, 0, time.UTC)
	for b.Loop() {
		c.AddWorkdays(from, 60)
	}
}

func BenchmarkIsWorkday(b *testing.B) {
	c := workday.Embedded()
	t := time.Date(2025, 10, 6, 3, 0, 0, 0, time.UTC)
	for b.Loop() {
		if c.IsWorkday(t) {
			b.Fatal("2025-10-06 is a holiday")
		}
	}
}

func BenchmarkWorkdaysBetween(b *testing.B) {
	c := workday.Embedded()
	from := time.Date(2025, 1, 20, 3, 0, 0, 0, time.UTC)
	to := time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC)
	for b.Loop() {
		c.WorkdaysBetween(from, to)
	}
}

func BenchmarkStatus(b *testing.B) {
	c := workday.Embedded()
	now := time.Date(2025, 1, 20, 3, 0, 0, 0, time.UTC)
	deadline := c.AddWorkdays(now, 20)
	for b.Loop() {
		c.Status(deadline, now, 3)
	}
}

// BenchmarkParse measures what Embedded costs on first use.
func BenchmarkParse(b *testing.B) {
	data := workday.EmbeddedText()
	for b.Loop() {
		if _, err := workday.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
