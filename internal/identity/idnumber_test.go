package identity

import (
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
)

// testNow is the fixed present of these tests: 1 May 2026, noon in Beijing.
var testNow = time.Date(2026, 5, 1, 12, 0, 0, 0, chinaTime)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// withCheckDigit completes 17 characters with their check digit, so that a
// test case breaks exactly one rule. It needs 17 ASCII digits.
func withCheckDigit(s17 string) string { return s17 + string(idCheckDigit(s17)) }

// wantKey fails the test unless err is an errs.Invalid error with message key.
func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid || e.Msg != key {
		t.Fatalf("error = %v, want %s: %s", err, errs.Invalid, key)
	}
}

func TestMakeIDNumberRoundTrip(t *testing.T) {
	tests := []struct {
		region string
		birth  time.Time
		seq    int
	}{
		{"440106", date(1990, time.March, 7), 123},
		{"110101", date(1900, time.January, 1), 0},
		{"310115", date(2000, time.February, 29), 999},
		{"654326", date(1985, time.December, 31), 42},
		{"810000", date(1970, time.July, 1), 7}, // Hong Kong residence permit
		{"820000", date(1999, time.December, 20), 8},
		{"830000", date(1949, time.October, 1), 11},
		{"440106", date(2026, time.May, 1), 1}, // born today
		{"440106", time.Date(2026, 5, 1, 23, 0, 0, 0, chinaTime), 1},
	}
	for _, tt := range tests {
		id := MakeIDNumber(tt.region, tt.birth, tt.seq)
		t.Run(MaskIDNumber(string(id)), func(t *testing.T) {
			got, err := ParseIDNumberAt(id.Clear(), testNow)
			if err != nil {
				t.Fatalf("ParseIDNumberAt(MakeIDNumber(...)) error: %v", err)
			}
			if got != id {
				t.Fatalf("parsed %q, want %q", got.Clear(), id.Clear())
			}
			y, m, d := tt.birth.Date()
			if b := got.Birth(); !b.Equal(date(y, m, d)) {
				t.Errorf("Birth() = %v, want %d-%02d-%02d", b, y, m, d)
			}
			if got.Male() != (tt.seq%2 == 1) {
				t.Errorf("Male() = %v for seq %d", got.Male(), tt.seq)
			}
			if got.RegionPrefix() != tt.region {
				t.Errorf("RegionPrefix() = %q, want %q", got.RegionPrefix(), tt.region)
			}
			want := tt.region + "********" + got.Clear()[14:]
			if got.Masked() != want {
				t.Errorf("Masked() = %q, want %q", got.Masked(), want)
			}
		})
	}
}

func TestParseIDNumberCanonicalForm(t *testing.T) {
	// Find a number whose check character is X, to test the lower-case form.
	var withX IDNumber
	for seq := 0; withX == ""; seq++ {
		if id := MakeIDNumber("440106", date(1990, time.March, 7), seq); strings.HasSuffix(string(id), "X") {
			withX = id
		}
	}
	lower := "  " + strings.ToLower(withX.Clear()) + "\t\n"
	got, err := ParseIDNumberAt(lower, testNow)
	if err != nil || got != withX {
		t.Fatalf("ParseIDNumberAt(%q) = %q, %v; want %q", lower, got.Clear(), err, withX.Clear())
	}
}

func TestParseIDNumberErrors(t *testing.T) {
	valid := MakeIDNumber("440106", date(1990, time.March, 7), 123).Clear()
	offByOne := valid[:17] + string(idCheckChars[(strings.IndexByte(idCheckChars, valid[17])+1)%11])
	tomorrow := testNow.AddDate(0, 0, 1).Format("20060102")
	tests := []struct {
		name, in, key string
	}{
		{"empty", "", "idnumber.length"},
		{"17 digits", valid[:17], "idnumber.length"},
		{"19 digits", valid + "1", "idnumber.length"},
		{"15-digit legacy number", "440106900307123", "idnumber.length"},
		{"inner space", valid[:9] + " " + valid[9:], "idnumber.length"},
		{"letter inside", valid[:8] + "A" + valid[9:], "idnumber.format"},
		{"X inside", valid[:16] + "X" + valid[17:], "idnumber.format"},
		{"letter last", valid[:17] + "A", "idnumber.format"},
		{"full-width digit", "４" + valid[1:], "idnumber.format"},
		{"hyphenated", valid[:6] + "-" + valid[6:17], "idnumber.format"},
		{"province 00", withCheckDigit("000106" + valid[6:17]), "idnumber.region"},
		{"province 99", withCheckDigit("990106" + valid[6:17]), "idnumber.region"},
		{"province 83 is only a permit code", withCheckDigit("830106" + valid[6:17]), "idnumber.region"},
		{"bare province code", withCheckDigit("440000" + valid[6:17]), "idnumber.region"},
		{"30 February", withCheckDigit("44010619900230123"), "idnumber.birthdate"},
		{"29 February 1900", withCheckDigit("44010619000229123"), "idnumber.birthdate"},
		{"month 13", withCheckDigit("44010619901301123"), "idnumber.birthdate"},
		{"day 00", withCheckDigit("44010619900300123"), "idnumber.birthdate"},
		{"before 1900", withCheckDigit("44010618991231123"), "idnumber.birthdate"},
		{"born tomorrow", withCheckDigit("440106" + tomorrow + "123"), "idnumber.birthdate"},
		{"check digit off by one", offByOne, "idnumber.checkdigit"},
		{"two digits swapped", valid[:14] + valid[15:16] + valid[14:15] + valid[16:], "idnumber.checkdigit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ParseIDNumberAt(tt.in, testNow)
			wantKey(t, err, tt.key)
			if id != "" {
				t.Errorf("returned %q alongside the error", id.Clear())
			}
			if len(tt.in) >= 14 && strings.Contains(err.Error(), tt.in[6:14]) {
				t.Errorf("error %q repeats the input", err)
			}
		})
	}
}

func TestParseIDNumberUsesBeijingDate(t *testing.T) {
	// 16:30 UTC on 30 April is already 00:30 on 1 May in Beijing; an hour
	// earlier it is still 30 April there.
	now := time.Date(2026, 4, 30, 16, 30, 0, 0, time.UTC)
	id := MakeIDNumber("440106", date(2026, time.May, 1), 1)
	if _, err := ParseIDNumberAt(id.Clear(), now); err != nil {
		t.Fatalf("born on today's Beijing date: %v", err)
	}
	if _, err := ParseIDNumberAt(id.Clear(), now.Add(-time.Hour)); err == nil {
		t.Fatal("born tomorrow (Beijing) was accepted")
	}
}

func TestParseIDNumberNow(t *testing.T) {
	id := MakeIDNumber("440106", date(1990, time.March, 7), 123)
	if _, err := ParseIDNumber(id.Clear()); err != nil {
		t.Fatalf("ParseIDNumber: %v", err)
	}
}

func TestIDNumberMethodsOnMalformedValues(t *testing.T) {
	for _, id := range []IDNumber{"", "4401", "44010619900X07123X"} {
		if !id.Birth().IsZero() {
			t.Errorf("%q: Birth() = %v, want the zero time", string(id), id.Birth())
		}
	}
	for _, id := range []IDNumber{"", "4401", "4401061990030712X4"} {
		if id.Male() {
			t.Errorf("%q: Male() = true", string(id))
		}
	}
	if got := IDNumber("4401").RegionPrefix(); got != "" {
		t.Errorf("RegionPrefix() of a short value = %q", got)
	}
}

func TestMakeIDNumberPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"short region": func() { MakeIDNumber("4401", date(1990, 1, 1), 1) },
		"seq 1000":     func() { MakeIDNumber("440106", date(1990, 1, 1), 1000) },
		"seq -1":       func() { MakeIDNumber("440106", date(1990, 1, 1), -1) },
		"year 10000":   func() { MakeIDNumber("440106", date(10000, 1, 1), 1) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}

func FuzzParseIDNumber(f *testing.F) {
	f.Add(MakeIDNumber("440106", date(1990, time.March, 7), 123).Clear())
	f.Add(MakeIDNumber("110101", date(1900, time.January, 1), 0).Clear())
	f.Add(MakeIDNumber("810000", date(1970, time.July, 1), 7).Clear())
	f.Add("11010519491231002x")
	f.Add("44010619900230123X")
	f.Add("440106199003071234")
	f.Add("４40106199003071234")
	f.Add("")
	f.Add(" 440000200001011230 ")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIDNumberAt(s, testNow)
		if err != nil {
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid || !strings.HasPrefix(e.Msg, "idnumber.") {
				t.Fatalf("error %v is not an idnumber.* Invalid error", err)
			}
			return
		}
		again, err := ParseIDNumberAt(id.Clear(), testNow)
		if err != nil || again != id {
			t.Fatalf("re-parse of %q = %q, %v", id.Clear(), again.Clear(), err)
		}
		if id.Birth().IsZero() || id.Birth().Year() < 1900 {
			t.Fatalf("Birth() of %q = %v", id.Clear(), id.Birth())
		}
		middle := id.Clear()[6:14]
		for _, shown := range []string{id.Masked(), id.String(), fmtAll(id)} {
			if strings.Contains(shown, middle) {
				t.Fatalf("%q shows the middle digits of %q", shown, id.Clear())
			}
		}
		if want := id.Clear()[:6] + "********" + id.Clear()[14:]; id.Masked() != want {
			t.Fatalf("Masked() = %q, want %q", id.Masked(), want)
		}
	})
}

func BenchmarkParseIDNumber(b *testing.B) {
	s := MakeIDNumber("440106", date(1990, time.March, 7), 123).Clear()
	for b.Loop() {
		if _, err := ParseIDNumberAt(s, testNow); err != nil {
			b.Fatal(err)
		}
	}
}
