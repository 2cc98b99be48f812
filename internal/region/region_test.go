package region_test

import (
	"testing"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

func TestLevel(t *testing.T) {
	tests := []struct {
		code region.Code
		want region.Level
		name string
	}{
		{"44", region.Province, "province"},
		{"4401", region.City, "city"},
		{"440106", region.County, "county"},
		{"440106001", region.Town, "town"},
		{"440106001001", region.Village, "village"},
		{"", 0, "level(0)"},
		{"440", 0, "level(0)"},
		{"44a1", 0, "level(0)"},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			got := region.LevelOf(tt.code)
			if got != tt.want || got.String() != tt.name {
				t.Errorf("LevelOf(%q) = %d %q, want %d %q", tt.code, got, got, tt.want, tt.name)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in   string
		want region.Code // "" means errs.Invalid
	}{
		{"44", "44"},
		{"4401", "4401"},
		{"440106", "440106"},
		{"440106001", "440106001"},
		{"440106001001", "440106001001"},
		{" 440106\t", "440106"},
		{"\u3000440106", "440106"}, // ideographic space, as typed with a Chinese IME
		{"440000", "44"},
		{"440100", "4401"},
		{"4400", "44"},
		{"440106000", "440106"},
		{"440106000000", "440106"},
		{"440106001000", "440106001"},
		{"440000000000", "44"},
		{"441900", "4419"},            // syntax only: Tree.Normalize keeps 441900
		{"441900003000", "441900003"}, // a town of 东莞 keeps its 00 county part
		{"", ""},
		{"   ", ""},
		{"4", ""},
		{"440", ""},
		{"44010", ""},
		{"4401061", ""},
		{"4401060011", ""},
		{"44010600100", ""},
		{"4401060010011", ""},
		{"44a1", ""},
		{"４４", ""}, // full-width digits
		{"-44", ""},
		{"44 01", ""},
		{"00", ""},
		{"000000", ""},
		{"0001", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := region.Normalize(tt.in)
			if tt.want == "" {
				if !errs.Is(err, errs.Invalid) || got != "" {
					t.Fatalf("Normalize(%q) = %q, %v; want errs.Invalid", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		a, b region.Code
		want bool
	}{
		{"44", "44", true},
		{"4401", "44", true},
		{"440106", "44", true},
		{"440106", "4401", true},
		{"440106001001", "440106", true},
		{"441900003", "4419", true},
		{"44", "4401", false},
		{"440106", "4402", false},
		{"4501", "44", false},
		{"440106", "", false},
		{"", "", false},
		{"4401", "440", false},   // not a code: not a scope
		{"44010", "4401", false}, // not a code
	}
	for _, tt := range tests {
		t.Run(string(tt.a)+"_in_"+string(tt.b), func(t *testing.T) {
			if got := region.Within(tt.a, tt.b); got != tt.want {
				t.Errorf("Within(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"44", "440000", "441900", "440106000000", "440106001000", " 4401 ", "44a", "", "00", "350527000000"} {
		f.Add(s)
	}
	tree := region.Embedded()
	f.Fuzz(func(t *testing.T, s string) {
		c, err := region.Normalize(s)
		tc, terr := tree.Normalize(s)
		if (err == nil) != (terr == nil) {
			t.Fatalf("Normalize(%q) err = %v, Tree.Normalize err = %v", s, err, terr)
		}
		if err != nil {
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("Normalize(%q) error %v is not errs.Invalid", s, err)
			}
			return
		}
		for _, c := range []region.Code{c, tc} {
			if region.LevelOf(c) == 0 || !region.Within(c, c) {
				t.Fatalf("Normalize(%q) = %q: not a valid code", s, c)
			}
		}
		if again, _ := region.Normalize(string(c)); again != c {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q", s, c, c, again)
		}
		if !region.Within(tc, c) {
			t.Fatalf("Tree.Normalize(%q) = %q is not within Normalize's %q", s, tc, c)
		}
	})
}
