package region

import (
	"strconv"
	"strings"

	"github.com/digigov/digigov/internal/platform/errs"
)

// Code is a normalized NBS division code: 2, 4, 6, 9 or 12 digits, with no
// zero padding (44, not 440000). Get one from Normalize or Tree.Normalize.
type Code string

// Level is a division's place in the five-level hierarchy. The zero value
// means "not a valid code".
type Level int

const (
	Province Level = 1 + iota // 省: 2 digits
	City                      // 市: 4 digits
	County                    // 县/区: 6 digits
	Town                      // 乡镇/街道: 9 digits
	Village                   // 村/社区: 12 digits
)

// codeLen is the code length of each level, indexed by Level.
var codeLen = [...]int{0, 2, 4, 6, 9, 12}

func (l Level) String() string {
	switch l {
	case Province:
		return "province"
	case City:
		return "city"
	case County:
		return "county"
	case Town:
		return "town"
	case Village:
		return "village"
	}
	return "level(" + strconv.Itoa(int(l)) + ")"
}

// Region is one division. Placeholder marks NBS nodes that are not real
// divisions (see the package documentation).
type Region struct {
	Code        Code
	Name        string
	Level       Level
	Placeholder bool
}

// Row is a division as it comes from a data file: a code in normalized form
// and its name.
type Row struct {
	Code, Name string
}

// levelOfLen returns the level whose codes have n digits, or 0.
func levelOfLen(n int) Level {
	switch n {
	case 2:
		return Province
	case 4:
		return City
	case 6:
		return County
	case 9:
		return Town
	case 12:
		return Village
	}
	return 0
}

// LevelOf returns the level of c from its length, or 0 if c is not 2, 4, 6, 9
// or 12 ASCII digits. It does not check that c exists.
func LevelOf(c Code) Level {
	l := levelOfLen(len(c))
	if l == 0 || !digits(string(c)) {
		return 0
	}
	return l
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func zeros(s string) bool { return strings.Trim(s, "0") == "" }

// parent returns the code of the level above c (by syntax), or "" for a
// province. c must be valid.
func parent(c Code) Code {
	return c[:codeLen[levelOfLen(len(c))-1]]
}

// Normalize parses a code typed by a person or sent by another system. It
// trims spaces, requires 2, 4, 6, 9 or 12 digits, and strips zero padding
// from the end level by level: "440000" → "44", "440100" → "4401",
// "440106000000" → "440106", "440106001000" → "440106001".
//
// Normalize knows only syntax, so it also reads 441900 as 4419 (东莞 in GB/T
// 2260 terms). Use Tree.Normalize to keep codes that exist in the data as
// they are. Returns errs.Invalid ("region.code_invalid") for anything else,
// including codes of province 00.
func Normalize(s string) (Code, error) {
	s = strings.TrimSpace(s)
	if levelOfLen(len(s)) == 0 || !digits(s) || s[:2] == "00" {
		return "", errs.E(errs.Invalid, "region.code_invalid")
	}
	c := Code(s)
	for len(c) > 2 && zeros(string(c[len(parent(c)):])) {
		c = parent(c)
	}
	return c, nil
}

// Within reports whether a equals b or lies below it. Both must be
// normalized codes; it is a prefix test and needs no tree, so a region scope
// check costs a few nanoseconds. It reports false if either is not of a valid
// length, so an empty scope covers nothing.
func Within(a, b Code) bool {
	return levelOfLen(len(b)) != 0 && levelOfLen(len(a)) != 0 && strings.HasPrefix(string(a), string(b))
}

// placeholder reports whether a division is an NBS placeholder: a city named
// as a grouping (市辖区, 县, 省直辖县级行政区划, 自治区直辖县级行政区划), or a
// division whose own part of the code is all zeros (the pseudo-counties
// 441900, 442000, 460400 and, in other provinces' town data, 350527000 金门县).
func placeholder(c Code, name string) bool {
	l := levelOfLen(len(c))
	if l > Province && zeros(string(c[codeLen[l-1]:])) {
		return true
	}
	if l != City {
		return false
	}
	switch name {
	case "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划":
		return true
	}
	return false
}
