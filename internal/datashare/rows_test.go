package datashare

import (
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
)

var testFields = []Field{
	{Name: "name", Type: TypeString, Sensitivity: Sensitive},
	{Name: "count", Type: TypeInteger},
	{Name: "rate", Type: TypeNumber},
	{Name: "day", Type: TypeDate},
	{Name: "ok", Type: TypeBoolean},
}

func lines(err error) string {
	var out []string
	for _, l := range LoadErrors(err) {
		out = append(out, strings.Join([]string{itoa(l.Line), l.Field, l.Reason}, ":"))
	}
	return strings.Join(out, " ")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func TestParseCSV(t *testing.T) {
	cases := []struct {
		name, in string
		rows     int
		errs     string
	}{
		{"good, columns in any order, BOM, blank line", "\ufeffok,name,count,rate,day\n是,甲,1,0.5,2026-01-02\n\n否,乙,2,1e3,2026-12-31\n", 2, ""},
		{"every bad row listed with its line", "name,count,day\n甲,x,2026-01-01\n乙,2,2026-02-30\n丙,3,2026-03-01\n丁,4\n", 0,
			"2:count:datashare.value_integer 3:day:datashare.value_date 5::datashare.column_count"},
		{"a quoted value over two lines counts both", "name,count\n\"甲\n乙\",1\n丙,z\n", 0, "4:count:datashare.value_integer"},
		{"unknown and repeated columns", "name,colour,name\n", 0, "1:colour:datashare.column_unknown 1:name:datashare.column_duplicate"},
		{"empty file", "", 0, "1::datashare.csv_empty"},
		{"an open quote", "name,count\n\"甲,1\n", 0, "2::datashare.csv_malformed"},
		{"boolean words", "ok\nmaybe\n", 0, "2:ok:datashare.value_boolean"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := ParseCSV(testFields, strings.NewReader(c.in))
			if got := lines(err); got != c.errs {
				t.Fatalf("errors %q, want %q (err %v)", got, c.errs, err)
			}
			if c.errs != "" && (rows != nil || !errs.Is(err, errs.Invalid)) {
				t.Fatalf("a refused upload returned rows or a wrong code: %v %v", rows, err)
			}
			if len(rows) != c.rows {
				t.Fatalf("%d rows, want %d", len(rows), c.rows)
			}
		})
	}
	rows, _ := ParseCSV(testFields, strings.NewReader("ok,count\n是,7\n"))
	if rows[0]["ok"] != "true" || rows[0]["count"] != "7" {
		t.Fatalf("normalised row %v", rows[0])
	}
}

func TestParseJSON(t *testing.T) {
	rows, err := ParseJSON(testFields, strings.NewReader(`[{"name":"甲","count":3,"ok":true,"rate":null},{"day":"2026-01-01"}]`))
	if err != nil || len(rows) != 2 || rows[0]["count"] != "3" || rows[0]["ok"] != "true" {
		t.Fatalf("%v %v", rows, err)
	}
	_, err = ParseJSON(testFields, strings.NewReader(`[{"count":"x"},{"colour":1},7,{"name":{"a":1}}]`))
	if got := lines(err); got != "1:count:datashare.value_integer 2:colour:datashare.column_unknown 3::datashare.json_object 4:name:datashare.value_scalar" {
		t.Fatalf("errors %q", got)
	}
	if _, err := ParseJSON(testFields, strings.NewReader(`{"name":"x"}`)); lines(err) != "1::datashare.json_array" {
		t.Fatalf("object: %v", err)
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add("name,count\n甲,1\n")
	f.Add("name,count\n\"甲\n乙\",x\n")
	f.Add("\ufeffok\n是\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ParseCSV(testFields, strings.NewReader(in))
		if err != nil && rows != nil {
			t.Fatal("rows returned with an error")
		}
		if err != nil && !errs.Is(err, errs.Invalid) {
			t.Fatalf("not invalid: %v", err)
		}
		for _, l := range LoadErrors(err) {
			if l.Line < 1 {
				t.Fatalf("line %d", l.Line)
			}
		}
	})
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"440106199001011234": "440106********1234",
		"13800138000":        "138****8000",
		"张伟":                 "张*",
		"王":                  "王*",
		"":                   "",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	for range 10 {
		if l.allow("g", 5, t0) {
			n++
		}
	}
	if n != 5 {
		t.Fatalf("burst allowed %d of 10, want 5", n)
	}
	if !l.allow("g", 5, t0.Add(200*time.Millisecond)) || l.allow("g", 5, t0.Add(200*time.Millisecond)) {
		t.Fatal("refill of one token in 200 ms at 5/s")
	}
	if !l.allow("other", 5, t0) {
		t.Fatal("grants share a bucket")
	}
}

func TestLogEntryHashAndSignature(t *testing.T) {
	s := &Service{key: testKey()}
	e := &LogEntry{Seq: 1, ID: "x", At: time.Unix(0, 0), Outcome: OutcomeOK, Status: 200, PrevHash: GenesisHash}
	s.seal(e)
	if !e.VerifySignature(s.PublicKey()) || e.ComputeHash() != e.Hash {
		t.Fatal("a sealed entry does not verify")
	}
	e.Rows = 99 // tampered
	if e.ComputeHash() == e.Hash {
		t.Fatal("tampering keeps the hash")
	}
}

func FuzzParseJSON(f *testing.F) {
	f.Add(`[{"name":"甲","count":1}]`)
	f.Add(`[{"count":"x"},7]`)
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ParseJSON(testFields, strings.NewReader(in))
		if err != nil && (rows != nil || !errs.Is(err, errs.Invalid)) {
			t.Fatalf("rows %v with error %v", rows, err)
		}
	})
}
