package region

import (
	"slices"
	"sort"
	"strings"

	"github.com/digigov/digigov/internal/platform/errs"
)

// Tree is an immutable set of divisions in which every division's parent is
// present. It is safe for concurrent use.
//
// Regions are kept per level, each level sorted by code, so that a lookup is
// a binary search and the descendants of a code at one level are a contiguous
// run of that level's slice. All levels share one backing array.
type Tree struct {
	all  [Village + 1][]Region // every region, placeholders included
	real [Village + 1][]Region // the same without placeholders; shares all[l] when a level has none
}

// NewTree builds a tree from rows in any order. Every code must be 2, 4, 6,
// 9 or 12 digits with a non-empty name, appear once, and have its parent (the
// code one level up) among the rows. Returns errs.Invalid naming the first
// offending row.
func NewTree(rows []Row) (*Tree, error) { return build(rows, false) }

// With returns a new tree holding t's regions and rows, for example the towns
// and villages of another province read by ReadDivisionDir. A row whose code
// is already present replaces that region's name; the same checks as NewTree
// apply. t is unchanged.
func (t *Tree) With(rows []Row) (*Tree, error) {
	merged := make([]Row, 0, t.Len()+len(rows))
	for _, level := range t.all {
		for _, r := range level {
			merged = append(merged, Row{Code: string(r.Code), Name: r.Name})
		}
	}
	return build(append(merged, rows...), true)
}

func byCode(a, b Row) int { return strings.Compare(a.Code, b.Code) }

// build validates rows and distributes them by level. With replace, a later
// row wins over an earlier one with the same code; without it, that is an error.
func build(rows []Row, replace bool) (*Tree, error) {
	var count [Village + 1]int
	for _, r := range rows {
		l := LevelOf(Code(r.Code))
		if l == 0 {
			return nil, errs.Errorf(errs.Invalid, "region: row %q %q: code is not 2, 4, 6, 9 or 12 digits", r.Code, r.Name)
		}
		if strings.TrimSpace(r.Name) == "" {
			return nil, errs.Errorf(errs.Invalid, "region: row %q: empty name", r.Code)
		}
		count[l]++
	}
	// Data files come sorted; sort only when they are not. Stable, so that
	// the later of two rows with the same code stays later.
	if !slices.IsSortedFunc(rows, byCode) {
		rows = slices.Clone(rows)
		slices.SortStableFunc(rows, byCode)
	}

	backing := make([]Region, len(rows))
	t := &Tree{}
	off := 0
	for l := Province; l <= Village; l++ {
		t.all[l] = backing[off : off : off+count[l]]
		off += count[l]
	}
	for _, r := range rows {
		c := Code(r.Code)
		l := levelOfLen(len(c))
		reg := Region{Code: c, Name: r.Name, Level: l, Placeholder: placeholder(c, r.Name)}
		s := t.all[l]
		if n := len(s); n > 0 && s[n-1].Code == c {
			if !replace {
				return nil, errs.Errorf(errs.Invalid, "region: row %q %q: duplicate code", r.Code, r.Name)
			}
			s[n-1] = reg
			continue
		}
		t.all[l] = append(s, reg)
	}
	for l := City; l <= Village; l++ {
		if err := checkParents(t.all[l], t.all[l-1]); err != nil {
			return nil, err
		}
	}
	for l := Province; l <= Village; l++ {
		t.real[l] = t.all[l]
		if slices.ContainsFunc(t.all[l], isPlaceholder) {
			t.real[l] = slices.DeleteFunc(slices.Clone(t.all[l]), isPlaceholder)
		}
	}
	return t, nil
}

func isPlaceholder(r Region) bool { return r.Placeholder }

// checkParents reports the first child whose parent is missing. Both slices
// are sorted by code, so the children's parent codes only grow: one pass.
func checkParents(children, parents []Region) error {
	j := 0
	for _, r := range children {
		p := parent(r.Code)
		for j < len(parents) && parents[j].Code < p {
			j++
		}
		if j == len(parents) || parents[j].Code != p {
			return errs.Errorf(errs.Invalid, "region: row %q %q: parent %q is missing", r.Code, r.Name, p)
		}
	}
	return nil
}

// Len returns the number of regions, placeholders included.
func (t *Tree) Len() int {
	n := 0
	for _, s := range t.all {
		n += len(s)
	}
	return n
}

// under returns the run of s (sorted codes of one level) that starts with c.
// The result's capacity is cut so that appending to it cannot overwrite s.
func under(s []Region, c Code) []Region {
	lo := sort.Search(len(s), func(i int) bool { return s[i].Code >= c })
	n := len(c)
	hi := lo + sort.Search(len(s)-lo, func(i int) bool { return s[lo+i].Code[:n] != c })
	if lo == hi {
		return nil
	}
	return s[lo:hi:hi]
}

// Lookup returns the region with code c, placeholders included.
func (t *Tree) Lookup(c Code) (Region, bool) {
	l := LevelOf(c)
	if l == 0 {
		return Region{}, false
	}
	s := t.all[l]
	i := sort.Search(len(s), func(i int) bool { return s[i].Code >= c })
	if i == len(s) || s[i].Code != c {
		return Region{}, false
	}
	return s[i], true
}

// Normalize is like the package-level Normalize but keeps a zero-padded code
// that is itself a division in t: "441900" (东莞's pseudo-county) stays as is,
// while "440100" becomes "4401". Of the forms between the input and its fully
// stripped form, it returns the longest one in t, or the stripped form if
// none is. Returns errs.Invalid for malformed input.
func (t *Tree) Normalize(s string) (Code, error) {
	c, err := Normalize(s)
	if err != nil {
		return "", err
	}
	for p := Code(strings.TrimSpace(s)); len(p) > len(c); p = parent(p) {
		if _, ok := t.Lookup(p); ok {
			return p, nil
		}
	}
	return c, nil
}

// Parent returns the nearest ancestor of c that is not a placeholder: 北京 11
// for 东城区 110101, 东莞 4419 for a town of 东莞. It reports false for a
// province and for a code not in t.
func (t *Tree) Parent(c Code) (Region, bool) {
	if _, ok := t.Lookup(c); !ok {
		return Region{}, false
	}
	for p := c; len(p) > 2; {
		p = parent(p)
		if r, ok := t.Lookup(p); ok && !r.Placeholder {
			return r, true
		}
	}
	return Region{}, false
}

// Chain returns the path from c's province down to c, skipping placeholder
// ancestors; c itself is always last, even if it is a placeholder. It returns
// nil for a code not in t.
func (t *Tree) Chain(c Code) []Region {
	self, ok := t.Lookup(c)
	if !ok {
		return nil
	}
	chain := make([]Region, 0, self.Level)
	for l := Province; l < self.Level; l++ {
		if r, ok := t.Lookup(c[:codeLen[l]]); ok && !r.Placeholder {
			chain = append(chain, r)
		}
	}
	return append(chain, self)
}

// FullName returns the names of c and its ancestors, placeholders left out,
// joined without separator as Chinese addresses are written:
// "广东省广州市天河区", "北京市东城区", "广东省东莞市南城街道". A placeholder c is
// named by its ancestors (441900 → "广东省东莞市", not "广东省东莞市东莞市").
// It returns "" for a code not in t.
func (t *Tree) FullName(c Code) string {
	var b strings.Builder
	for _, r := range t.Chain(c) {
		if !r.Placeholder {
			b.WriteString(r.Name)
		}
	}
	return b.String()
}

// Children returns the divisions directly below c in code order, as a person
// would list them: a placeholder child is replaced by its own children. So
// 北京 11 lists its districts (not 市辖区 1101), 东莞 4419 lists its towns (not
// the pseudo-county 441900), and 河南 41 lists 济源市 419001 among its cities.
// It returns nil for a village or a code not in t.
func (t *Tree) Children(c Code) []Region {
	return t.appendChildren(nil, c)
}

func (t *Tree) appendChildren(out []Region, c Code) []Region {
	l := LevelOf(c)
	if l == 0 || l == Village {
		return out
	}
	for _, r := range under(t.all[l+1], c) {
		if r.Placeholder {
			out = t.appendChildren(out, r.Code)
		} else {
			out = append(out, r)
		}
	}
	return out
}

// Provinces returns the provinces in code order.
func (t *Tree) Provinces() []Region {
	return slices.Clone(t.real[Province])
}

// Descendants returns every non-placeholder region at level below c, in code
// order: Descendants("4401", Village) is every village of 广州. It returns nil
// if level is not below c's level.
//
// The result shares memory with t and costs no allocation: callers must not
// modify its elements (appending is safe).
func (t *Tree) Descendants(c Code, level Level) []Region {
	if l := LevelOf(c); l == 0 || level <= l || level > Village {
		return nil
	}
	return under(t.real[level], c)
}

// Search returns non-placeholder regions whose name contains q, higher levels
// first and in code order within a level, at most limit of them (all if
// limit <= 0). Spaces around q are ignored; an empty q returns nil.
func (t *Tree) Search(q string, limit int) []Region {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	var out []Region
	for _, level := range t.real {
		for _, r := range level {
			if strings.Contains(r.Name, q) {
				out = append(out, r)
				if len(out) == limit {
					return out
				}
			}
		}
	}
	return out
}
