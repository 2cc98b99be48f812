// Command workdays generates internal/platform/workday/data/calendar.txt from
// the npm package chinese-days: the statutory holidays (法定节假日) and
// adjusted working days (调休) of mainland China for the years asked for.
// scripts/workdays.sh fetches the pinned package and runs it.
//
//	go run ./scripts/workdays -from DIR/package -out internal/platform/workday/data/calendar.txt
//
// A year the package does not have is left out, and so not covered by the
// calendar; a year the package has only in part (some holidays missing) is
// an error, because a partial schedule would silently give wrong deadlines.
// The output is sorted and has no timestamp, so a rerun changes nothing.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/workday"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "workdays: %v\n", err)
		os.Exit(1)
	}
}

// officialName maps the package's Chinese holiday names to the names used
// in the State Council's notices (国务院办公厅关于部分节假日安排的通知).
var officialName = map[string]string{
	"元旦":  "元旦",
	"春节":  "春节",
	"清明":  "清明节",
	"劳动节": "劳动节",
	"端午":  "端午节",
	"中秋":  "中秋节",
	"国庆节": "国庆节",
	"中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日", // 2015 only
}

// regular are the holidays every year's schedule has.
var regular = []string{"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}

// entry is one dated line of the output.
type entry struct {
	date, kind, name string
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("workdays", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "root directory of the unpacked chinese-days npm package (holds package.json and dist/)")
	out := fs.String("out", "internal/platform/workday/data/calendar.txt", "output file")
	span := fs.String("years", "2024-2027", "first-last year to include")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("-from is required")
	}
	first, last, err := parseSpan(*span)
	if err != nil {
		return err
	}
	pkg, err := readPackage(*from)
	if err != nil {
		return err
	}
	var years []int
	var entries []entry
	fmt.Fprintf(stderr, "%s %s (%s licence)\nyear  holidays  on Mon–Fri  workdays\n", pkg.Name, pkg.Version, pkg.License)
	for y := first; y <= last; y++ {
		es, err := pkg.year(y)
		if err != nil {
			return err
		}
		if es == nil {
			fmt.Fprintf(stderr, "%d  absent from the package: not covered\n", y)
			continue
		}
		years = append(years, y)
		entries = append(entries, es...)
		summarize(stderr, y, es)
	}
	if len(years) == 0 {
		return fmt.Errorf("the package has none of the years %d–%d", first, last)
	}
	text := render(pkg, years, entries)
	if _, err := workday.Parse(text); err != nil {
		return fmt.Errorf("generated calendar does not parse: %w", err)
	}
	return write(*out, text)
}

func parseSpan(s string) (first, last int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	first, err1 := strconv.Atoi(a)
	last, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || first > last {
		return 0, 0, fmt.Errorf("-years %q: want FIRST-LAST, such as 2024-2027", s)
	}
	return first, last, nil
}

// pkg is what the generator reads from the npm package.
type pkg struct {
	Name, Version, License string
	// Holidays and Workdays map "YYYY-MM-DD" to "English name,中文名,N"
	// (N: the statutory number of days of that holiday).
	Holidays, Workdays map[string]string
}

func readPackage(dir string) (*pkg, error) {
	var p pkg
	for _, file := range []string{"package.json", "dist/chinese-days.json"} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	if p.Name != "chinese-days" || len(p.Holidays) == 0 {
		return nil, fmt.Errorf("%s does not look like the chinese-days package", dir)
	}
	return &p, nil
}

// year returns the entries of year y sorted by date, or nil if the package
// has none.
func (p *pkg) year(y int) ([]entry, error) {
	prefix := strconv.Itoa(y) + "-"
	var es []entry
	seen := map[string]bool{}
	for _, m := range []struct {
		kind string
		days map[string]string
	}{{"holiday", p.Holidays}, {"workday", p.Workdays}} {
		for date, v := range m.days {
			if !strings.HasPrefix(date, prefix) {
				continue
			}
			f := strings.Split(v, ",")
			if len(f) != 3 {
				return nil, fmt.Errorf("%s: %q is not \"English,中文,N\"", date, v)
			}
			name, ok := officialName[f[1]]
			if !ok {
				return nil, fmt.Errorf("%s: unknown holiday %q: add it to officialName", date, f[1])
			}
			if m.kind == "holiday" {
				seen[name] = true
			}
			es = append(es, entry{date, m.kind, name})
		}
	}
	if es == nil {
		return nil, nil
	}
	var missing []string
	for _, name := range regular {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	if missing != nil {
		return nil, fmt.Errorf("%d is partial in the package (no %s): leave it out with -years", y, strings.Join(missing, ", "))
	}
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.date, b.date) })
	return es, nil
}

func summarize(w io.Writer, y int, es []entry) {
	var holidays, weekdays, workdays int
	for _, e := range es {
		if e.kind == "workday" {
			workdays++
			continue
		}
		holidays++
		t, _ := time.Parse(time.DateOnly, e.date)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			weekdays++
		}
	}
	fmt.Fprintf(w, "%d  %8d  %10d  %8d\n", y, holidays, weekdays, workdays)
}

func render(p *pkg, years []int, entries []entry) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Working-day calendar of mainland China (工作日历), generated by scripts/workdays.sh\n")
	fmt.Fprintf(&b, "# from npm %s %s, dist/chinese-days.json (%s licence). Do not edit: see README.md.\n", p.Name, p.Version, p.License)
	fmt.Fprintf(&b, "# year<TAB>YYYY: the year's official schedule is included.\n")
	fmt.Fprintf(&b, "# date<TAB>holiday<TAB>name: a statutory holiday (法定节假日), weekends of the period included.\n")
	fmt.Fprintf(&b, "# date<TAB>workday<TAB>name: an adjusted working day (调休) on a weekend, for that holiday.\n")
	for _, y := range years {
		fmt.Fprintf(&b, "year\t%d\n", y)
	}
	for _, e := range entries {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", e.date, e.kind, e.name)
	}
	return b.Bytes()
}

// write replaces file atomically with text.
func write(file string, text []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".calendar-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(text); err != nil {
		return err
	}
	if err := errors.Join(tmp.Chmod(0o644), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
