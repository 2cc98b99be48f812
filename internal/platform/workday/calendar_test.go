package workday_test

import (
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/workday"
)

// at returns noon in Shanghai of a date written YYYY-MM-DD.
func at(t testing.TB, date string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, date, workday.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(12 * time.Hour)
}

// endOfDay returns 23:59:59.999999999 in Shanghai of a date.
func endOfDay(t testing.TB, date string) time.Time {
	t.Helper()
	return at(t, date).Add(12*time.Hour - time.Nanosecond)
}

// The expectations below were checked against chinese-days 1.5.7 and the
// State Council notices it cites (国办发明电〔2023〕7号, 〔2024〕12号, 〔2025〕7号).
func TestIsWorkdayAndHoliday(t *testing.T) {
	tests := []struct {
		date    string
		work    bool
		holiday string // "" if not a statutory holiday
	}{
		// 2024 Spring Festival: 02-10..17 off; Sun 02-04 and Sun 02-18 work.
		{"2024-02-02", true, ""},
		{"2024-02-03", false, ""},
		{"2024-02-04", true, ""},
		{"2024-02-09", true, ""}, // 除夕 was a working day in 2024
		{"2024-02-10", false, "春节"},
		{"2024-02-12", false, "春节"},
		{"2024-02-16", false, "春节"},
		{"2024-02-17", false, "春节"},
		{"2024-02-18", true, ""},
		{"2024-02-19", true, ""},
		// 2024 National Day: 10-01..07 off; Sun 09-29 and Sat 10-12 work.
		{"2024-09-28", false, ""},
		{"2024-09-29", true, ""},
		{"2024-09-30", true, ""},
		{"2024-10-01", false, "国庆节"},
		{"2024-10-07", false, "国庆节"},
		{"2024-10-08", true, ""},
		{"2024-10-12", true, ""},
		{"2024-10-13", false, ""},
		// 2024 Mid-Autumn: 09-15..17 off; Sat 09-14 works.
		{"2024-09-14", true, ""},
		{"2024-09-16", false, "中秋节"},
		// 2025 Spring Festival: 01-28..02-04 off; Sun 01-26 and Sat 02-08 work.
		{"2025-01-25", false, ""},
		{"2025-01-26", true, ""},
		{"2025-01-27", true, ""},
		{"2025-01-28", false, "春节"},
		{"2025-02-01", false, "春节"},
		{"2025-02-04", false, "春节"},
		{"2025-02-05", true, ""},
		{"2025-02-08", true, ""},
		{"2025-02-09", false, ""},
		// 2025 National Day and Mid-Autumn: 10-01..08 off; Sun 09-28 and
		// Sat 10-11 work. The package names 10-06 (the 15th of the 8th
		// lunar month) 中秋 and the other days 国庆节.
		{"2025-09-27", false, ""},
		{"2025-09-28", true, ""},
		{"2025-10-01", false, "国庆节"},
		{"2025-10-06", false, "中秋节"},
		{"2025-10-08", false, "国庆节"},
		{"2025-10-09", true, ""},
		{"2025-10-11", true, ""},
		{"2025-10-12", false, ""},
		// 2025 others: 元旦 on a Wednesday, no adjustment; Sun 04-27 works for 劳动节.
		{"2025-01-01", false, "元旦"},
		{"2025-04-27", true, ""},
		{"2025-05-05", false, "劳动节"},
		{"2025-06-02", false, "端午节"},
		// 2026 (国办发明电〔2025〕7号): 元旦 01-01..03, Sun 01-04 works;
		// Spring Festival 02-15..23, Sat 02-14 and Sat 02-28 work; 劳动节
		// 05-01..05, Sat 05-09 works; National Day 10-01..07, Sun 09-20
		// and Sat 10-10 work.
		{"2026-01-02", false, "元旦"},
		{"2026-01-04", true, ""},
		{"2026-02-14", true, ""},
		{"2026-02-15", false, "春节"},
		{"2026-02-23", false, "春节"},
		{"2026-02-24", true, ""},
		{"2026-02-28", true, ""},
		{"2026-04-06", false, "清明节"},
		{"2026-05-05", false, "劳动节"},
		{"2026-05-09", true, ""},
		{"2026-06-19", false, "端午节"},
		{"2026-09-20", true, ""},
		{"2026-09-25", false, "中秋节"},
		{"2026-10-07", false, "国庆节"},
		{"2026-10-10", true, ""},
		// Outside the covered years only Monday–Friday is known: 2023's
		// Spring Festival and 2027's New Year's Day read as working days.
		{"2023-01-23", true, ""},
		{"2023-01-28", false, ""}, // really an adjusted working day; not covered
		{"2027-01-01", true, ""},
		{"2027-01-02", false, ""},
	}
	c := workday.Embedded()
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			d := at(t, tt.date)
			if got := c.IsWorkday(d); got != tt.work {
				t.Errorf("IsWorkday = %v, want %v", got, tt.work)
			}
			name, ok := c.Holiday(d)
			if name != tt.holiday || ok != (tt.holiday != "") {
				t.Errorf("Holiday = %q, %v, want %q", name, ok, tt.holiday)
			}
		})
	}
}

// A date is a date in Shanghai, whatever the instant's location.
func TestShanghaiDate(t *testing.T) {
	c := workday.Embedded()
	// 2025-01-27 16:30 UTC is 00:30 on the 28th, 除夕, in Shanghai.
	utc := time.Date(2025, 1, 27, 16, 30, 0, 0, time.UTC)
	if c.IsWorkday(utc) {
		t.Errorf("IsWorkday(%v) = true, want false (春节 in Shanghai)", utc)
	}
	if c.IsWorkday(utc.In(time.FixedZone("PST", -8*3600))) {
		t.Error("the instant's location changed the answer")
	}
	if !c.IsWorkday(utc.Add(-time.Hour)) {
		t.Error("2025-01-27 23:30 in Shanghai should be a working day")
	}
	if workday.Shanghai.String() != "Asia/Shanghai" {
		t.Errorf("Shanghai = %q, want Asia/Shanghai (time/tzdata is embedded)", workday.Shanghai)
	}
}

func TestCovers(t *testing.T) {
	c := workday.Embedded()
	tests := []struct {
		t    time.Time
		want bool
	}{
		{at(t, "2023-06-01"), false},
		{at(t, "2024-01-01"), true},
		{at(t, "2025-12-31"), true},
		{at(t, "2026-07-01"), true},
		{at(t, "2027-01-01"), false}, // absent from chinese-days 1.5.7
		// The year is Shanghai's: 16:00 UTC on 31 December is midnight.
		{time.Date(2023, 12, 31, 15, 59, 59, 0, time.UTC), false},
		{time.Date(2023, 12, 31, 16, 0, 0, 0, time.UTC), true},
		{time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		if got := c.Covers(tt.t); got != tt.want {
			t.Errorf("Covers(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"2025 Spring Festival: adjusted Sunday counts, 01-28..02-04 skipped", "2025-01-24", 5, "2025-02-07"},
		{"2025 Spring Festival: adjusted Saturday 02-08 counts", "2025-01-24", 6, "2025-02-08"},
		{"2025 Spring Festival, 10 days", "2025-01-24", 10, "2025-02-13"},
		{"2024 Spring Festival: 02-09, then adjusted Sunday 02-18", "2024-02-08", 2, "2024-02-18"},
		{"2024 Spring Festival, 3 days", "2024-02-08", 3, "2024-02-19"},
		{"2024 adjusted Sunday before Spring Festival", "2024-02-02", 1, "2024-02-04"},
		{"2024 National Day", "2024-09-27", 3, "2024-10-08"},
		{"2025 National Day and Mid-Autumn", "2025-09-26", 5, "2025-10-10"},
		{"2025 National Day: adjusted Saturday 10-11", "2025-09-26", 6, "2025-10-11"},
		{"2026 Spring Festival: adjusted Saturday 02-14", "2026-02-13", 2, "2026-02-24"},
		{"from a Friday", "2025-03-07", 1, "2025-03-10"},
		{"from a Friday, a week", "2025-03-07", 5, "2025-03-14"},
		{"from a Saturday", "2025-03-08", 1, "2025-03-10"},
		{"from a holiday", "2025-10-03", 1, "2025-10-09"},
		{"from the last holiday", "2025-10-08", 2, "2025-10-10"},
		{"n=0 on a working day is the same day", "2025-03-07", 0, "2025-03-07"},
		{"n=0 on an adjusted working day", "2025-01-26", 0, "2025-01-26"},
		{"n=0 on a weekend", "2025-03-08", 0, "2025-03-10"},
		{"n=0 on a holiday", "2025-10-01", 0, "2025-10-09"},
		{"negative n is 0", "2025-03-08", -3, "2025-03-10"},
		{"a whole year: 248 working days in 2025", "2024-12-31", 248, "2025-12-31"},
		{"into the covered years", "2023-12-28", 3, "2024-01-03"},
		{"out of the covered years: Mon–Fri only", "2026-12-30", 5, "2027-01-06"},
		{"far before the covered years", "2000-01-03", 5, "2000-01-10"},
		{"within the table from before it", "2023-01-02", 1000, "2026-12-23"}, // 259 + 251 + 248 + 242
		{"before, through and past the table", "2023-01-02", 1010, "2027-01-06"},
	}
	c := workday.Embedded()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkdays(at(t, tt.from), tt.n)
			want := endOfDay(t, tt.want)
			if !got.Equal(want) {
				t.Errorf("AddWorkdays(%s, %d) = %v, want %v", tt.from, tt.n, got, want)
			}
			if got.Location() != workday.Shanghai {
				t.Errorf("location = %v, want Shanghai", got.Location())
			}
		})
	}
}

// The hour of acceptance does not matter: the acceptance day never counts.
func TestAddWorkdaysHourOfDay(t *testing.T) {
	c := workday.Embedded()
	want := endOfDay(t, "2025-03-10")
	for _, from := range []time.Time{
		time.Date(2025, 3, 7, 0, 0, 0, 0, workday.Shanghai),
		time.Date(2025, 3, 7, 23, 59, 59, 999_999_999, workday.Shanghai),
		time.Date(2025, 3, 6, 16, 30, 0, 0, time.UTC), // Friday 00:30 in Shanghai, Thursday in UTC
	} {
		if got := c.AddWorkdays(from, 1); !got.Equal(want) {
			t.Errorf("AddWorkdays(%v, 1) = %v, want %v", from, got, want)
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	tests := []struct {
		from, to string
		want     int
	}{
		{"2025-03-07", "2025-03-07", 0},
		{"2025-03-07", "2025-03-10", 1},
		{"2025-03-10", "2025-03-07", 0}, // to before from
		{"2025-01-24", "2025-02-07", 5},
		{"2025-02-07", "2025-01-24", 0},
		{"2025-09-27", "2025-09-28", 1}, // Sat → adjusted Sun
		{"2025-09-30", "2025-10-01", 0}, // into a holiday
		{"2025-10-01", "2025-10-08", 0}, // within a holiday
		{"2025-10-01", "2025-10-09", 1}, // out of a holiday
		{"2024-09-27", "2024-10-08", 3},
		{"2023-12-31", "2024-12-31", 251}, // 262 Mon–Fri − 19 + 8
		{"2024-12-31", "2025-12-31", 248}, // 261 − 18 + 5
		{"2025-12-31", "2026-12-31", 248}, // 261 − 19 + 6
		{"2026-12-31", "2027-12-31", 261}, // not covered: Mon–Fri only
		{"2022-12-31", "2023-12-31", 260},
	}
	c := workday.Embedded()
	for _, tt := range tests {
		if got := c.WorkdaysBetween(at(t, tt.from), at(t, tt.to)); got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

// TestPauseForCorrection is the 补齐补正 use case: the clock stops when the
// authority asks for more material and resumes, with what was left, when
// the applicant supplies it.
func TestPauseForCorrection(t *testing.T) {
	c := workday.Embedded()
	const limit = 10
	accepted := at(t, "2025-03-03")  // Monday
	requested := at(t, "2025-03-06") // Thursday: 03-04, 05, 06 used
	supplied := at(t, "2025-03-17")  // Monday, eleven days later
	used := c.WorkdaysBetween(accepted, requested)
	if used != 3 {
		t.Fatalf("used = %d, want 3", used)
	}
	deadline := c.AddWorkdays(supplied, limit-used)
	if want := endOfDay(t, "2025-03-26"); !deadline.Equal(want) {
		t.Errorf("deadline = %v, want %v", deadline, want)
	}
	if got := used + c.WorkdaysBetween(supplied, deadline); got != limit {
		t.Errorf("days counted = %d, want %d", got, limit)
	}
	// Without the pause the limit would have ended on 03-17.
	if got, want := c.AddWorkdays(accepted, limit), endOfDay(t, "2025-03-17"); !got.Equal(want) {
		t.Errorf("unpaused deadline = %v, want %v", got, want)
	}
}
