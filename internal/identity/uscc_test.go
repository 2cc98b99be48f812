package identity

import (
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/platform/errs"
)

// Codes published by the organisations themselves or in public registers.
var realUSCCs = []struct{ code, holder string }{
	{"911000001000013428", "中国银行股份有限公司 (serialNumber of the www.boc.cn EV certificate)"},
	{"91100000100003962T", "中国工商银行股份有限公司"},
	{"914403001922038216", "华为技术有限公司"},
	{"9144030071526726XG", "腾讯科技（深圳）有限公司"},
	{"91440300708461136T", "深圳市腾讯计算机系统有限公司"},
	{"91330100716105852F", "阿里巴巴（中国）有限公司"},
}

// uscc completes a prefix (positions 1-8) and an organisation code body
// (positions 9-16) with both check characters, without MakeUSCC's input
// checks, so that a test case breaks exactly one rule.
func uscc(prefix8, body8 string) string {
	s := prefix8 + body8 + string(orgCheckChar(body8))
	return s + string(usccCheckChar(s))
}

// withCheckChar completes 17 GB 32100 characters with the final check.
func withCheckChar(s17 string) string { return s17 + string(usccCheckChar(s17)) }

func TestParseUSCCRealCodes(t *testing.T) {
	for _, tt := range realUSCCs {
		t.Run(tt.code, func(t *testing.T) {
			u, err := ParseUSCC(tt.code)
			if err != nil {
				t.Fatalf("%s: %v", tt.holder, err)
			}
			if u.String() != tt.code || u.RegionCode() != tt.code[2:8] {
				t.Errorf("got %q, region %q", u, u.RegionCode())
			}
			rebuilt := MakeUSCC(tt.code[0], tt.code[1], tt.code[2:8], tt.code[8:16])
			if rebuilt != u {
				t.Errorf("MakeUSCC rebuilt %q", rebuilt)
			}
		})
	}
}

func TestMakeUSCCRoundTrip(t *testing.T) {
	tests := []struct {
		authority, orgType byte
		region, body       string
	}{
		{'9', '1', "440106", "MA5ABCDE"}, // letters in the body, as new registrations have
		{'9', '2', "440106", "L0000001"}, // individual business
		{'1', '1', "100000", "00000000"}, // central government body
		{'5', '3', "110000", "50000000"},
		{'Y', '1', "654326", "Y1234567"},
		{'A', '1', "100000", "00000001"},
		{'N', '2', "330100", "12345678"},
	}
	for _, tt := range tests {
		u := MakeUSCC(tt.authority, tt.orgType, tt.region, tt.body)
		t.Run(string(u), func(t *testing.T) {
			got, err := ParseUSCC(" " + strings.ToLower(string(u)) + " ")
			if err != nil || got != u {
				t.Fatalf("ParseUSCC = %q, %v; want %q", got, err, u)
			}
			if got.RegionCode() != tt.region {
				t.Errorf("RegionCode() = %q, want %q", got.RegionCode(), tt.region)
			}
		})
	}
}

func TestParseUSCCErrors(t *testing.T) {
	huawei := "914403001922038216"
	tests := []struct {
		name, in, key string
	}{
		{"empty", "", "uscc.length"},
		{"17 characters", huawei[:17], "uscc.length"},
		{"19 characters", huawei + "0", "uscc.length"},
		{"letter I", uscc("91440300", "1922038I"), "uscc.format"},
		{"letter O", uscc("91440300", "O9220382"), "uscc.format"},
		{"letter Z", uscc("91440300", "Z9220382"), "uscc.format"},
		{"letter S", uscc("91440300", "S9220382"), "uscc.format"},
		{"letter V", uscc("91440300", "V9220382"), "uscc.format"},
		{"lower-case i", strings.ToLower(uscc("91440300", "1922038I")), "uscc.format"},
		{"authority 0", uscc("01440300", "19220382"), "uscc.format"},
		{"authority B", uscc("B1440300", "19220382"), "uscc.format"},
		{"full-width digit", "９" + huawei[1:], "uscc.format"},
		{"punctuation", huawei[:8] + "-" + huawei[9:], "uscc.format"},
		{"letter in region", uscc("9144030A", "19220382"), "uscc.region"},
		{"organisation check wrong", withCheckChar(huawei[:16] + "2"), "uscc.orgcode"},
		{"organisation check not a digit or X", withCheckChar(huawei[:16] + "A"), "uscc.orgcode"},
		{"check character off by one", huawei[:17] + "7", "uscc.checkchar"},
		{"two characters swapped", huawei[:5] + huawei[6:7] + huawei[5:6] + huawei[7:], "uscc.checkchar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParseUSCC(tt.in)
			wantKey(t, err, tt.key)
			if u != "" {
				t.Errorf("returned %q alongside the error", u)
			}
		})
	}
}

func TestUSCCRegionCodeMalformed(t *testing.T) {
	if got := USCC("9144").RegionCode(); got != "" {
		t.Errorf("RegionCode() = %q", got)
	}
}

func TestMakeUSCCPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"short region":     func() { MakeUSCC('9', '1', "4403", "19220382") },
		"letter in region": func() { MakeUSCC('9', '1', "44030A", "19220382") },
		"short body":       func() { MakeUSCC('9', '1', "440300", "1922038") },
		"letter I in body": func() { MakeUSCC('9', '1', "440300", "1922038I") },
		"bad authority":    func() { MakeUSCC('I', '1', "440300", "19220382") },
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

func FuzzParseUSCC(f *testing.F) {
	for _, tt := range realUSCCs {
		f.Add(tt.code)
	}
	f.Add(string(MakeUSCC('9', '1', "440106", "MA5ABCDE")))
	f.Add("91440300192203821I")
	f.Add("9144030071526726xg")
	f.Add("")
	f.Add("９14403001922038216")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUSCC(s)
		if err != nil {
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid || !strings.HasPrefix(e.Msg, "uscc.") {
				t.Fatalf("error %v is not a uscc.* Invalid error", err)
			}
			return
		}
		if again, err := ParseUSCC(string(u)); err != nil || again != u {
			t.Fatalf("re-parse of %q = %q, %v", u, again, err)
		}
		if rebuilt := MakeUSCC(u[0], u[1], string(u[2:8]), string(u[8:16])); rebuilt != u {
			t.Fatalf("MakeUSCC rebuilt %q as %q", u, rebuilt)
		}
	})
}

func BenchmarkParseUSCC(b *testing.B) {
	for b.Loop() {
		if _, err := ParseUSCC("914403001922038216"); err != nil {
			b.Fatal(err)
		}
	}
}
