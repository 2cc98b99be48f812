package workday_test

import (
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/platform/workday"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty", "# nothing\n", "no year declared"},
		{"bad year", "year\t20x4\n", "bad year line"},
		{"year twice", "year\t2024\nyear\t2024\n", "declared twice"},
		{"undeclared year", "year\t2024\n2025-01-01\tholiday\t元旦\n", "not declared"},
		{"bad date", "year\t2024\n2024-02-30\tholiday\t春节\n", "out of range"},
		{"duplicate date", "year\t2024\n2024-01-01\tholiday\t元旦\n2024-01-01\tholiday\t元旦\n", "listed twice"},
		{"workday on a weekday", "year\t2024\n2024-02-05\tworkday\t春节\n", "only a weekend day"},
		{"bad kind", "year\t2024\n2024-02-04\toff\t春节\n", "neither holiday nor workday"},
		{"no name", "year\t2024\n2024-01-01\tholiday\t\n", "want date, kind and name"},
		{"spaces, not tabs", "year\t2024\n2024-01-01 holiday 元旦\n", "want date, kind and name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := workday.Parse([]byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// A year between two declared years that is not declared itself follows
// the Monday–Friday rule and is not covered.
func TestParseGapYear(t *testing.T) {
	c, err := workday.Parse([]byte("year\t2024\nyear\t2026\n2024-02-04\tworkday\t春节\n2026-01-01\tholiday\t元旦\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		date          string
		covers, works bool
	}{
		{"2024-02-04", true, true},
		{"2024-02-10", true, false},  // not listed: a plain Saturday
		{"2024-02-12", true, true},   // not listed: a plain Monday
		{"2025-01-01", false, true},  // gap year
		{"2025-01-04", false, false}, // gap year Saturday
		{"2026-01-01", true, false},
	}
	for _, tt := range tests {
		d := at(t, tt.date)
		if c.Covers(d) != tt.covers || c.IsWorkday(d) != tt.works {
			t.Errorf("%s: Covers = %v, IsWorkday = %v, want %v, %v", tt.date, c.Covers(d), c.IsWorkday(d), tt.covers, tt.works)
		}
	}
	if got := c.WorkdaysBetween(at(t, "2023-12-31"), at(t, "2026-12-31")); got != 262+1+261-1+261 {
		t.Errorf("WorkdaysBetween over three years = %d", got)
	}
}

// The zero Calendar knows only the Monday–Friday rule.
func TestZeroCalendar(t *testing.T) {
	var c workday.Calendar
	if !c.IsWorkday(at(t, "2025-01-28")) || c.Covers(at(t, "2025-01-28")) {
		t.Error("zero Calendar: 2025-01-28 (a Tuesday) should be a working day, not covered")
	}
	if _, ok := c.Holiday(at(t, "2025-01-28")); ok {
		t.Error("zero Calendar names a holiday")
	}
	for _, from := range []string{"1960-03-04", "1969-12-31", "1970-01-01", "2025-01-24"} {
		checkAdd(t, &c, at(t, from), 23)
		if got := c.WorkdaysBetween(at(t, from), at(t, from).AddDate(0, 0, 14)); got != 10 {
			t.Errorf("zero Calendar: WorkdaysBetween over two weeks from %s = %d, want 10", from, got)
		}
	}
}
