package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/platform/workday"
)

// DIGIGOV_CALENDAR_FILE adds a year's schedule; a file that does not parse
// stops the start with its name and line.
func TestCalendarFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "2031.txt")
	os.WriteFile(good, []byte("year\t2031\n2031-01-01\tholiday\t元旦\n"), 0o644)
	c, err := calendar(&config.Config{CalendarFile: good})
	if err != nil {
		t.Fatal(err)
	}
	newYear := time.Date(2031, 1, 1, 10, 0, 0, 0, workday.Shanghai) // a Wednesday
	if !c.Covers(newYear) || c.IsWorkday(newYear) {
		t.Errorf("2031-01-01 from the file: covered %v, working %v", c.Covers(newYear), c.IsWorkday(newYear))
	}
	if c, _ := calendar(&config.Config{}); c != workday.Embedded() || c.Covers(newYear) {
		t.Error("without a file the calendar is not the embedded one")
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("year\t2031\n2031-13-01\tholiday\t元旦\n"), 0o644)
	if _, err := calendar(&config.Config{CalendarFile: bad}); err == nil || !strings.Contains(err.Error(), "bad.txt") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad file: %v, want its name and line 2", err)
	}
	if _, err := calendar(&config.Config{CalendarFile: filepath.Join(dir, "missing.txt")}); err == nil {
		t.Error("a missing calendar file is accepted")
	}
}
