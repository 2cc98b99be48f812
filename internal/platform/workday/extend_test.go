package workday_test

import (
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/workday"
)

// An operator loads a year that the binary does not embed yet; the
// embedded years stay as they were, and a year given in the file replaces
// the embedded one.
func TestEmbeddedWith(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, workday.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// A made-up schedule for a future year, in the file format.
	extra := "# test schedule\nyear\t2031\n2031-10-01\tholiday\t国庆节\n2031-10-02\tholiday\t国庆节\n2031-09-27\tworkday\t国庆节\n"
	c, err := workday.EmbeddedWith([]byte(extra))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Covers(day("2031-05-05")) || c.IsWorkday(day("2031-10-01")) || !c.IsWorkday(day("2031-09-27")) {
		t.Errorf("2031 from the file: covered %v, 10-01 working %v, Saturday 09-27 working %v",
			c.Covers(day("2031-05-05")), c.IsWorkday(day("2031-10-01")), c.IsWorkday(day("2031-09-27")))
	}
	if name, ok := c.Holiday(day("2031-10-02")); !ok || name != "国庆节" {
		t.Errorf("2031-10-02 holiday = %q %v", name, ok)
	}
	// The embedded 2025 is untouched: 春节 is off, Sunday 26 January works.
	if c.IsWorkday(day("2025-01-29")) || !c.IsWorkday(day("2025-01-26")) || !c.Covers(day("2025-06-01")) {
		t.Error("the embedded 2025 schedule changed after adding 2031")
	}
	// Years between stay on the Monday–Friday rule and are not covered.
	if c.Covers(day("2029-06-01")) {
		t.Error("2029 is covered though neither the binary nor the file has it")
	}

	// A year in the file replaces the embedded one (a corrected notice).
	fix := "year\t2026\n2026-10-01\tholiday\t国庆节\n"
	c, err = workday.EmbeddedWith([]byte(fix))
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsWorkday(day("2026-02-17")) || c.IsWorkday(day("2026-10-01")) {
		t.Errorf("2026 replaced: 02-17 working %v (want true, the file has no 春节), 10-01 working %v",
			c.IsWorkday(day("2026-02-17")), c.IsWorkday(day("2026-10-01")))
	}

	// A broken file is refused with its own line number.
	if _, err := workday.EmbeddedWith([]byte("year\t2031\n2031-10-06\tworkday\t国庆节\n")); err == nil ||
		err.Error() != "line 2: 2031-10-06 is a Monday: only a weekend day can be an adjusted working day" {
		t.Errorf("broken file: %v", err)
	}
}
