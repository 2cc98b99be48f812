package identity

import (
	"strings"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/platform/errs"
)

// USCC is a 统一社会信用代码 (unified social credit code, GB 32100-2015), the
// 18-character identifier of every enterprise, public institution, social
// organisation and government body. Its layout:
//
//	position 1      registration authority (1-9, A, N, Y; 9 = market regulation)
//	position 2      organisation type within that authority
//	positions 3-8   GB/T 2260 administrative region code of the registering office
//	positions 9-17  GB 11714 organisation code, its own check character last
//	position 18     GB 32100 check character
//
// A USCC names an organisation, not a person, so it is not masked.
type USCC string

const usccLen = 18

// usccChars is the GB 32100 character set in value order: digits then the
// upper-case letters without I, O, Z, S and V.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^(i-1) mod 31 for positions 1..17.
var usccWeights = [usccLen - 1]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights of the 8 body characters of an
// organisation code.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// ParseUSCC validates s as a GB 32100-2015 unified social credit code and
// returns it in canonical form (surrounding spaces removed, upper case).
//
// It checks, in this order, and reports the first failure as an errs.Invalid
// error whose message is the key in parentheses:
//   - 18 characters (uscc.length);
//   - every character in the GB 32100 set, the first one a known
//     registration authority (uscc.format);
//   - positions 3-8 are 6 digits (uscc.region);
//   - positions 9-17 are a GB 11714 organisation code with a correct check
//     character (uscc.orgcode);
//   - the GB 32100 check character (uscc.checkchar).
func ParseUSCC(s string) (USCC, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch {
	case utf8.RuneCountInString(s) != usccLen:
		return "", errs.E(errs.Invalid, "uscc.length")
	case len(s) != usccLen || !allUSCCChars(s) || !strings.ContainsRune("123456789ANY", rune(s[0])):
		return "", errs.E(errs.Invalid, "uscc.format")
	case !allDigits(s[2:8]):
		return "", errs.E(errs.Invalid, "uscc.region")
	case orgCheckChar(s[8:16]) != s[16]:
		return "", errs.E(errs.Invalid, "uscc.orgcode")
	case usccCheckChar(s[:usccLen-1]) != s[usccLen-1]:
		return "", errs.E(errs.Invalid, "uscc.checkchar")
	}
	return USCC(s), nil
}

// MakeUSCC builds a USCC from its parts, computing the organisation code's
// check character and the final check character. It is meant for demo data
// and tests. It panics unless region6 is 6 digits and authority, orgType and
// the 8 characters of orgBase8 are all in the GB 32100 set.
func MakeUSCC(authority, orgType byte, region6 string, orgBase8 string) USCC {
	if len(region6) != 6 || !allDigits(region6) || len(orgBase8) != 8 ||
		!allUSCCChars(string([]byte{authority, orgType})+orgBase8) {
		panic("identity.MakeUSCC: region6 must be 6 digits and the other parts GB 32100 characters")
	}
	b := make([]byte, 0, usccLen)
	b = append(b, authority, orgType)
	b = append(b, region6...)
	b = append(b, orgBase8...)
	b = append(b, orgCheckChar(orgBase8))
	b = append(b, usccCheckChar(string(b)))
	return USCC(b)
}

// RegionCode returns the 6-digit region code of the registering office
// (positions 3-8), or "" if u is malformed.
func (u USCC) RegionCode() string {
	if len(u) != usccLen {
		return ""
	}
	return string(u[2:8])
}

func (u USCC) String() string { return string(u) }

func allUSCCChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(usccChars, s[i]) < 0 {
			return false
		}
	}
	return true
}

// orgCheckChar computes the GB 11714 check character of an organisation
// code body: digits count 0-9 and letters A=10 … Z=35; the check value is
// 11 - sum mod 11, written 'X' for 10 and '0' for 11. The caller has checked
// that body holds 8 digits or upper-case letters.
func orgCheckChar(body string) byte {
	sum := 0
	for i, w := range orgWeights {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * w
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// usccCheckChar computes the GB 32100 check character of the first 17
// characters: values are positions in usccChars, and the check value is
// 31 - sum mod 31, with 31 written as '0'. The caller has checked that s17
// holds only usccChars.
func usccCheckChar(s17 string) byte {
	sum := 0
	for i, w := range usccWeights {
		sum += strings.IndexByte(usccChars, s17[i]) * w
	}
	return usccChars[(31-sum%31)%31]
}
