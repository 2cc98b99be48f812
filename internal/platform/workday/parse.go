package workday

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// calendarTxt is the generated schedule; data/README.md says where it
// comes from and how to regenerate it.
//
//go:embed data/calendar.txt
var calendarTxt []byte

var embedded = sync.OnceValue(func() *Calendar {
	c, err := Parse(calendarTxt)
	if err != nil {
		panic("workday: embedded calendar is corrupt: " + err.Error())
	}
	return c
})

// Embedded returns the calendar compiled into the binary (the years it
// covers are listed in data/README.md). It is parsed on first use and
// shared afterwards. It panics only if the embedded file is corrupt, which
// the package tests rule out.
func Embedded() *Calendar { return embedded() }

// Parse reads a calendar in the format of data/calendar.txt: UTF-8 lines,
// blank or starting with '#' to be skipped, or else tab-separated
//
//	year	2025                  the year's official schedule is included
//	2025-01-28	holiday	春节    a statutory holiday (any day of the week)
//	2025-01-26	workday	春节    an adjusted working day (调休), for that holiday
//
// Every dated line must fall in a declared year, no date may appear twice,
// and an adjusted working day must be a Saturday or Sunday. Days of a
// declared year that are not listed follow the Monday–Friday rule.
func Parse(data []byte) (*Calendar, error) {
	var years []int
	kinds := map[int]bool{} // day → is a working day
	names := map[int]string{}
	for n, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if err := parseLine(line, &years, kinds, names); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
	}
	slices.Sort(years)
	if len(years) == 0 {
		return nil, fmt.Errorf("no year declared")
	}
	c := &Calendar{firstYear: years[0], names: names}
	c.covered = make([]bool, years[len(years)-1]-years[0]+1)
	for _, y := range years {
		c.covered[y-years[0]] = true
	}
	for d := range kinds {
		y, _, _ := time.Unix(int64(d)*86400, 0).UTC().Date()
		if _, ok := slices.BinarySearch(years, y); !ok {
			return nil, fmt.Errorf("%s: year %d is not declared", date(d), y)
		}
	}
	c.first = civilDay(years[0], time.January, 1)
	span := civilDay(years[len(years)-1]+1, time.January, 1) - c.first
	c.cum = make([]int32, span+1)
	for i := range span {
		work, listed := kinds[c.first+i]
		if !listed {
			work = !weekend(c.first + i)
		}
		c.cum[i+1] = c.cum[i]
		if work {
			c.cum[i+1]++
		}
	}
	return c, nil
}

// parseLine adds one "year" or dated line to what Parse collects.
func parseLine(line string, years *[]int, kinds map[int]bool, names map[int]string) error {
	f := strings.Split(line, "\t")
	if f[0] == "year" {
		y, err := strconv.Atoi(strings.Join(f[1:], "\t"))
		if err != nil || y < 1949 || y > 9999 {
			return fmt.Errorf("bad year line %q", line)
		}
		if slices.Contains(*years, y) {
			return fmt.Errorf("year %d declared twice", y)
		}
		*years = append(*years, y)
		return nil
	}
	if len(f) != 3 || f[2] == "" {
		return fmt.Errorf("want date, kind and name separated by tabs: %q", line)
	}
	t, err := time.Parse(time.DateOnly, f[0])
	if err != nil {
		return err
	}
	d := civilDay(t.Date())
	if _, dup := kinds[d]; dup {
		return fmt.Errorf("%s listed twice", f[0])
	}
	switch f[1] {
	case "holiday":
		kinds[d] = false
		names[d] = f[2]
	case "workday":
		if !weekend(d) {
			return fmt.Errorf("%s is a %s: only a weekend day can be an adjusted working day", f[0], weekday(d))
		}
		kinds[d] = true
	default:
		return fmt.Errorf("%s: kind %q is neither holiday nor workday", f[0], f[1])
	}
	return nil
}

// date formats day d as YYYY-MM-DD.
func date(d int) string { return time.Unix(int64(d)*86400, 0).UTC().Format(time.DateOnly) }

// EmbeddedWith returns the embedded calendar with the schedules in extra
// (the format of Parse) added: a year that extra declares replaces the
// embedded one, others are kept. It lets an operator load a year's official
// schedule as soon as the State Council publishes it, before a release
// embeds it (DIGIGOV_CALENDAR_FILE). extra must be a valid calendar on its
// own; its errors name its own lines.
func EmbeddedWith(extra []byte) (*Calendar, error) {
	if _, err := Parse(extra); err != nil {
		return nil, err
	}
	declared := map[string]bool{}
	for _, line := range strings.Split(string(extra), "\n") {
		if y, ok := strings.CutPrefix(line, "year\t"); ok {
			declared[strings.TrimSpace(y)] = true
		}
	}
	var b strings.Builder
	for _, line := range strings.Split(string(calendarTxt), "\n") {
		y, _, _ := strings.Cut(line, "-")
		if v, ok := strings.CutPrefix(line, "year\t"); ok {
			y = v
		}
		if declared[y] {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.Write(extra)
	return Parse([]byte(b.String()))
}
