package governance_test

import (
	"testing"
	"time"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
)

func TestCategoryTree(t *testing.T) {
	groups := 0
	for _, c := range governance.Categories() {
		if !c.Leaf() {
			groups++
			continue
		}
		if _, ok := governance.CategoryOf(c.Parent()); !ok {
			t.Errorf("%s %s has no group", c.Code, c.Name)
		}
		if governance.Departments[c.Department] == "" {
			t.Errorf("%s %s: unknown department %q", c.Code, c.Name, c.Department)
		}
		if c.Level < region.Province || c.Level > region.Village {
			t.Errorf("%s %s: level %d", c.Code, c.Name, c.Level)
		}
		if (c.Limit.Hours > 0) == (c.Limit.Days > 0) {
			t.Errorf("%s %s: limit %+v, want hours or days", c.Code, c.Name, c.Limit)
		}
		if c.Name == "" || c.NameEn == "" {
			t.Errorf("%s: names missing", c.Code)
		}
	}
	if groups != 10 || len(governance.Leaves()) < 27 {
		t.Fatalf("%d groups, %d subcategories", groups, len(governance.Leaves()))
	}
}

func TestWorkingHourDeadlines(t *testing.T) {
	cal := workday.Embedded()
	cst := time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		from  string
		limit governance.Limit
		want  string
	}{
		{"2026-11-27 16:00", governance.Limit{Hours: 4}, "2026-11-30 11:00"}, // Friday afternoon → Monday
		{"2026-11-26 07:30", governance.Limit{Hours: 2}, "2026-11-26 11:00"}, // before office hours: from 09:00
		{"2026-11-26 19:00", governance.Limit{Hours: 1}, "2026-11-27 10:00"}, // after hours: next morning
		{"2026-11-28 10:00", governance.Limit{Hours: 9}, "2026-11-30 18:00"}, // Saturday: Monday's whole day
		{"2026-11-26 12:00", governance.Limit{Days: 1}, "2026-11-27 23:59"},  // to the end of the next working day
	}
	for _, c := range cases {
		got := c.limit.Deadline(cal, at(c.from)).In(cst)
		if got.Format("2006-01-02 15:04") != c.want {
			t.Errorf("%s + %+v = %s, want %s", c.from, c.limit, got.Format("2006-01-02 15:04"), c.want)
		}
	}
}
