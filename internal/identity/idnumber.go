package identity

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/platform/errs"
)

// IDNumber is a 公民身份号码 (citizen ID number, GB 11643-1999) in its
// canonical form: 18 ASCII characters, 17 digits then a digit or 'X'.
//
// It is personal data. Its String, Format, LogValue and MarshalText methods
// all return the MASKED form ("440106********1234"), so printing, logging or
// JSON-encoding an IDNumber can never reveal it. Code that really needs the
// number (to encrypt it, to compute its blind index, to show it to its holder)
// must call Clear, which makes every such use easy to find in review.
//
// The methods below assume a value returned by ParseIDNumber or MakeIDNumber;
// on other values they return zero values instead of panicking.
type IDNumber string

// idLen is the length of a GB 11643 citizen ID number.
const idLen = 18

// idWeights are the GB 11643 / ISO 7064 MOD 11-2 weights of the first 17
// digits (2^(18-i) mod 11).
var idWeights = [idLen - 1]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

// provinces holds the first two digits of the GB/T 2260 province-level
// codes. 71 (Taiwan), 81 (Hong Kong) and 82 (Macao) are province-level codes
// even though mainland offices issue no numbers under 71xxxx.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// residencePermitRegions are the address codes of the ID numbers printed on
// 港澳台居民居住证 (residence permits for Hong Kong, Macao and Taiwan residents,
// issued since 2018). They are the only valid prefixes that end in "0000".
var residencePermitRegions = map[string]bool{"810000": true, "820000": true, "830000": true}

// chinaTime is Beijing time. China has had no daylight saving time since
// 1991, so a fixed zone is exact for deciding what "today" is, and it needs
// no time zone database.
var chinaTime = time.FixedZone("CST", 8*60*60)

// ParseIDNumber validates a citizen ID number against today's date. See
// ParseIDNumberAt.
func ParseIDNumber(s string) (IDNumber, error) {
	return ParseIDNumberAt(s, time.Now())
}

// ParseIDNumberAt validates s as a GB 11643-1999 citizen ID number, with now
// as the present for the birth-date check, and returns it in canonical form
// (surrounding spaces removed, a trailing 'x' upper-cased).
//
// It checks, in this order, and reports the first failure as an errs.Invalid
// error whose message is the key in parentheses:
//   - 18 characters (idnumber.length);
//   - 17 ASCII digits then a digit or X (idnumber.format);
//   - a GB/T 2260 province and an address code that is not a bare province
//     code "xx0000", except the residence-permit codes 810000, 820000 and
//     830000 (idnumber.region);
//   - a real birth date YYYYMMDD from 1900-01-01 to today in Beijing time
//     (idnumber.birthdate);
//   - the ISO 7064 MOD 11-2 check digit (idnumber.checkdigit).
//
// Errors never contain the input.
func ParseIDNumberAt(s string, now time.Time) (IDNumber, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch {
	case utf8.RuneCountInString(s) != idLen:
		return "", errs.E(errs.Invalid, "idnumber.length")
	case len(s) != idLen || !allDigits(s[:idLen-1]) || (!isDigit(s[idLen-1]) && s[idLen-1] != 'X'):
		return "", errs.E(errs.Invalid, "idnumber.format")
	case !validIDRegion(s[:6]):
		return "", errs.E(errs.Invalid, "idnumber.region")
	case !validBirth(s[6:14], now):
		return "", errs.E(errs.Invalid, "idnumber.birthdate")
	case idCheckDigit(s[:idLen-1]) != s[idLen-1]:
		return "", errs.E(errs.Invalid, "idnumber.checkdigit")
	}
	return IDNumber(s), nil
}

// MakeIDNumber builds a valid citizen ID number from a 6-digit address code,
// a birth date (its calendar date in birth's location) and a sequence number
// 0..999, computing the check digit. An odd seq gives a man, an even one a
// woman. It is meant for demo data and tests.
//
// The result passes ParseIDNumber when region6 and birth are themselves
// valid. MakeIDNumber panics if region6 is not 6 digits, seq is outside
// 0..999 or birth's year is not in 0..9999: those are programming errors.
func MakeIDNumber(region6 string, birth time.Time, seq int) IDNumber {
	y, m, d := birth.Date()
	if len(region6) != 6 || !allDigits(region6) || seq < 0 || seq > 999 || y < 0 || y > 9999 {
		panic("identity.MakeIDNumber: region6 must be 6 digits, seq 0..999, year 0..9999")
	}
	b := make([]byte, 0, idLen)
	b = append(b, region6...)
	b = appendDigits(b, y, 4)
	b = appendDigits(b, int(m), 2)
	b = appendDigits(b, d, 2)
	b = appendDigits(b, seq, 3)
	b = append(b, idCheckDigit(string(b)))
	return IDNumber(b)
}

// Clear returns the number in clear. It is the one way to get at the digits:
// use it only to encrypt, index or compare the number, or to show it to its
// own holder, never to log it.
func (id IDNumber) Clear() string { return string(id) }

// Masked returns the number with its birth date and sequence hidden:
// "440106********1234".
func (id IDNumber) Masked() string { return MaskIDNumber(string(id)) }

// Birth returns the birth date at midnight UTC, read as a calendar date
// (use Date on the result), or the zero time if id is malformed.
func (id IDNumber) Birth() time.Time {
	if len(id) != idLen || !allDigits(string(id[6:14])) {
		return time.Time{}
	}
	y, m, d := atoi(string(id[6:10])), atoi(string(id[10:12])), atoi(string(id[12:14]))
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
}

// Male reports whether the holder is a man: the 17th digit is odd.
func (id IDNumber) Male() bool {
	return len(id) == idLen && isDigit(id[16]) && (id[16]-'0')%2 == 1
}

// RegionPrefix returns the 6-digit address code of the place where the
// number was first issued (not necessarily where the holder lives now).
func (id IDNumber) RegionPrefix() string {
	if len(id) < 6 {
		return ""
	}
	return string(id[:6])
}

func validIDRegion(code string) bool {
	if residencePermitRegions[code] {
		return true
	}
	return provinces[code[:2]] && code[2:] != "0000"
}

// validBirth reports whether yyyymmdd is a real calendar date from
// 1900-01-01 up to and including today's date in Beijing.
func validBirth(yyyymmdd string, now time.Time) bool {
	y, m, d := atoi(yyyymmdd[:4]), atoi(yyyymmdd[4:6]), atoi(yyyymmdd[6:])
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if birth.Day() != d { // time.Date normalised 19900230 to 1990-03-02
		return false
	}
	ty, tm, td := now.In(chinaTime).Date()
	return !birth.After(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC))
}

// idCheckDigit computes the ISO 7064 MOD 11-2 check character of 17 digits.
func idCheckDigit(d17 string) byte {
	sum := 0
	for i := range idWeights {
		sum += int(d17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoi converts a short string of ASCII digits; the caller has checked them.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// appendDigits appends n as exactly width decimal digits, zero-padded.
func appendDigits(b []byte, n, width int) []byte {
	var buf [4]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, buf[:width]...)
}
