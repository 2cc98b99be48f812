package identity

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/platform/errs"
)

// Personal data (ID numbers, phone numbers) is shown masked in pages, logs
// and exports. The types below make masking the default: every way Go has to
// turn a value into text — fmt verbs including %#v and %d, slog, encoding/json,
// encoding/xml and other encoding.TextMarshaler users — yields the masked
// form. The clear value comes out only through Clear, or through an explicit
// string(x) conversion, which reviewers should treat like Clear.
//
// Decoding is deliberately asymmetric: UnmarshalText accepts (and validates)
// the clear value, because forms and API bodies bring it in; MarshalText
// writes the masked one, so a value never leaves the process in clear by
// accident. Round-tripping one of these types through JSON therefore fails
// loudly instead of quietly keeping the number. Send or store the clear value
// through a plain string field filled with Clear.

// minHidden is the fewest characters a mask hides before it reveals any:
// below that a "masked" value would give away almost all of it.
const minHidden = 4

// MaskIDNumber masks any string the way ID numbers are shown: the first 6
// and last 4 characters are kept and every other one becomes '*', so an
// 18-character number becomes "440106********1234". Strings shorter than 14
// characters (where fewer than 4 would be hidden) become all stars. It works
// on malformed input too, so rejected input can be logged safely.
func MaskIDNumber(s string) string { return mask(s, 6, 4) }

// MaskPhone masks a phone number: an 11-character mobile number keeps its
// first 3 and last 4 digits ("138****5678"); other strings keep only their
// last 4 characters, and strings shorter than 8 become all stars.
func MaskPhone(s string) string {
	if utf8.RuneCountInString(s) == mobileLen {
		return mask(s, 3, 4)
	}
	return mask(s, 0, 4)
}

// mask keeps the first head and last tail runes of s and stars the rest, or
// stars everything if that would hide fewer than minHidden runes.
func mask(s string, head, tail int) string {
	r := []rune(s)
	if len(r)-head-tail < minHidden {
		head, tail = 0, 0
	}
	var b strings.Builder
	b.Grow(len(r))
	b.WriteString(string(r[:head]))
	b.WriteString(strings.Repeat("*", len(r)-head-tail))
	b.WriteString(string(r[len(r)-tail:]))
	return b.String()
}

// formatMasked serves every fmt verb with the masked form, so that no verb
// (not %#v, not a wrong one like %d) falls back to the underlying string.
func formatMasked(f fmt.State, verb rune, masked string) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), masked)
}

// String returns the masked number; see Clear for the clear one.
func (id IDNumber) String() string { return id.Masked() }

// Format prints the masked number for every verb.
func (id IDNumber) Format(f fmt.State, verb rune) { formatMasked(f, verb, id.Masked()) }

// LogValue makes log/slog record the masked number.
func (id IDNumber) LogValue() slog.Value { return slog.StringValue(id.Masked()) }

// MarshalText writes the masked number (JSON, XML, slog handlers).
func (id IDNumber) MarshalText() ([]byte, error) { return []byte(id.Masked()), nil }

// UnmarshalText parses a clear ID number with ParseIDNumber.
func (id *IDNumber) UnmarshalText(b []byte) error {
	v, err := ParseIDNumber(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// Phone is a mainland China mobile number in canonical form: 11 digits
// starting with 13-19. Like IDNumber it is personal data: every way of
// printing, logging or encoding it yields the masked form "138****5678",
// and Clear returns the digits.
type Phone string

const mobileLen = 11

// ParsePhone validates s as a mainland mobile number and returns its
// canonical 11 digits. It accepts surrounding spaces, spaces and hyphens
// between digit groups, and a "+86" or "0086" country prefix, as people
// type them and browsers autofill them. Any failure is an errs.Invalid error
// with the message key phone.invalid; the error never contains the input.
func ParsePhone(s string) (Phone, error) {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	if len(s) > mobileLen {
		s = strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "0086")
	}
	if len(s) != mobileLen || !allDigits(s) || s[0] != '1' || s[1] < '3' {
		return "", errs.E(errs.Invalid, "phone.invalid")
	}
	return Phone(s), nil
}

// Clear returns the 11 digits in clear: use it to encrypt, index or dial the
// number, or to show it to its own holder, never to log it.
func (p Phone) Clear() string { return string(p) }

// Masked returns the number with its middle four digits hidden: "138****5678".
func (p Phone) Masked() string { return MaskPhone(string(p)) }

// String returns the masked number; see Clear for the clear one.
func (p Phone) String() string { return p.Masked() }

// Format prints the masked number for every verb.
func (p Phone) Format(f fmt.State, verb rune) { formatMasked(f, verb, p.Masked()) }

// LogValue makes log/slog record the masked number.
func (p Phone) LogValue() slog.Value { return slog.StringValue(p.Masked()) }

// MarshalText writes the masked number (JSON, XML, slog handlers).
func (p Phone) MarshalText() ([]byte, error) { return []byte(p.Masked()), nil }

// UnmarshalText parses a clear phone number with ParsePhone.
func (p *Phone) UnmarshalText(b []byte) error {
	v, err := ParsePhone(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// ScrubText masks the ID numbers and phone numbers people type into free
// text (an event's description, a reply) before the text is shown to the
// public: 18-character resident ID numbers (GB 11643: 17 digits and a digit
// or X) keep their first 6 and last 4 characters like MaskIDNumber; mainland
// mobile numbers (1[3-9] and 9 more digits, optionally after 86, 0086 or
// +86) keep their first 3 and last 4 digits like MaskPhone; landlines (an
// area code 0xx or 0xxx and a 7- or 8-digit number, in any of the usual
// spellings "020-87654321", "(020)87654321", "0755 1234 5678") keep the area
// code and the last 4 digits (3 of a 7-digit number), and a bare 7- or
// 8-digit number counts as a landline when a word like 电话, 手机, 联系 or
// "tel" comes just before it.
//
// Numbers may be split into groups by single spaces or hyphens, as people
// write them; full-width digits (１３８…) are read as digits and come out as
// ASCII. The scrubber keeps everything else as it is: dates, amounts, event
// numbers (SJ…), region codes and the hotline number 12345 do not match. It
// errs on the side of masking: any 18-character run of that shape is
// treated as an ID number whether or not its check digit is right. It never
// panics, on any input.
func ScrubText(s string) string {
	out, _ := scrub(s)
	return out
}

// NumberKind is a kind of number ScrubText masks.
type NumberKind string

const (
	NumberIDNumber NumberKind = "id_number" // a resident ID number (GB 11643)
	NumberMobile   NumberKind = "mobile"    // a mainland mobile number: a person's
	NumberLandline NumberKind = "landline"  // a fixed line, often an office's
)

// NumbersIn returns the kinds of the numbers ScrubText would mask in s,
// each once, in the order they first occur: what a check that refuses
// personal numbers in text meant for the public (a public alert) uses, so
// that it finds exactly what the scrubber masks elsewhere.
func NumbersIn(s string) []NumberKind {
	_, kinds := scrub(s)
	return kinds
}

// scrub masks s and reports the kinds it masked.
func scrub(orig string) (string, []NumberKind) {
	if !strings.ContainsFunc(orig, func(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }) {
		return orig, nil
	}
	s := scrubNormalize.Replace(orig)
	b := []byte(s)
	var kinds []NumberKind
	var spans [][2]int
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		groups, next := digitGroups(s, i)
		kinds, spans = maskGroups(b, s, groups, kinds, spans)
		i = next
	}
	if s == orig {
		return string(b), kinds
	}
	return restoreUnmasked(orig, b, spans), kinds
}

// restoreUnmasked is the masked text b (normalized from orig) with
// everything outside the masked numbers (spans, in b's offsets, in order)
// as orig had it: full-width brackets and spaces in the prose stay
// full-width; a masked number comes out in ASCII.
func restoreUnmasked(orig string, b []byte, spans [][2]int) string {
	var out strings.Builder
	out.Grow(len(orig))
	k := 0
	for si, ni := 0, 0; si < len(orig); {
		r, n := utf8.DecodeRuneInString(orig[si:])
		w := n
		if n > 1 && scrubFullWidth(r) {
			w = 1 // scrubNormalize made it one ASCII byte
		}
		for k < len(spans) && spans[k][1] <= ni {
			k++
		}
		if k < len(spans) && ni >= spans[k][0] && ni < spans[k][1] {
			out.Write(b[ni : ni+w])
		} else {
			out.WriteString(orig[si : si+n])
		}
		si, ni = si+n, ni+w
	}
	return out.String()
}

// scrubFullWidth reports whether scrubNormalize replaces r.
func scrubFullWidth(r rune) bool {
	switch r {
	case '－', '（', '）', '＋', '　', 'Ｘ', 'ｘ':
		return true
	}
	return r >= '０' && r <= '９'
}

// scrubNormalize turns full-width digits and number punctuation into ASCII.
var scrubNormalize = strings.NewReplacer(
	"０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9",
	"－", "-", "（", "(", "）", ")", "＋", "+", "　", " ", "Ｘ", "X", "ｘ", "x")

// digitGroup is a run of ASCII digits s[start:end], with x set when an X
// (an ID number's check character) directly follows it.
type digitGroup struct {
	start, end int
	x          bool
}

// digitGroups reads the groups of digits from s[i] on that single
// separators (a space, a hyphen, a closing parenthesis with or without a
// space after it) join, and returns them with the index after the last.
func digitGroups(s string, i int) ([]digitGroup, int) {
	var out []digitGroup
	j := i
	for {
		g := digitGroup{start: j}
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		g.end = j
		if j < len(s) && (s[j] == 'X' || s[j] == 'x') && (j+1 == len(s) || !isASCIIAlnum(s[j+1])) {
			g.x = true
			out = append(out, g)
			return out, j + 1
		}
		out = append(out, g)
		if j >= len(s) {
			return out, j
		}
		k := j
		switch {
		case s[k] == ')' && k+1 < len(s) && (s[k+1] == ' ' || s[k+1] == '-'):
			k += 2
		case s[k] == ' ' || s[k] == '-' || s[k] == ')':
			k++
		default:
			return out, j
		}
		if k >= len(s) || !isDigit(s[k]) {
			return out, j
		}
		j = k
	}
}

func isASCIIAlnum(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Bounds of what maskGroups joins: no number it masks has more groups or
// digits, and the bound keeps the scan linear.
const (
	scrubMaxGroups = 5
	scrubMaxDigits = 20
)

// maskGroups finds, left to right, the longest sequences of consecutive
// groups that spell a number to mask, and stars their hidden digits in b;
// it adds the kinds it masked to kinds (each once) and the masked numbers'
// byte spans to spans, and returns both.
func maskGroups(b []byte, s string, groups []digitGroup, kinds []NumberKind, spans [][2]int) ([]NumberKind, [][2]int) {
	for g := 0; g < len(groups); {
		best, head, tail := -1, 0, 0
		var kind NumberKind
		var d []byte
		for h := g; h < len(groups) && h < g+scrubMaxGroups; h++ {
			d = append(d, s[groups[h].start:groups[h].end]...)
			if groups[h].x {
				d = append(d, 'X')
			}
			if len(d) > scrubMaxDigits {
				break
			}
			if hd, tl, k, ok := classifyNumber(d, groups[g:h+1], s); ok {
				best, head, tail, kind = h, hd, tl, k
			}
			if groups[h].x {
				break
			}
		}
		if best < 0 {
			g++
			continue
		}
		if !slices.Contains(kinds, kind) {
			kinds = append(kinds, kind)
		}
		end := groups[best].end
		if groups[best].x {
			end++
		}
		spans = append(spans, [2]int{groups[g].start, end})
		n := 0
		for _, gr := range groups[g : best+1] {
			n += gr.end - gr.start
		}
		if groups[best].x {
			n++
		}
		k := 0
		for _, gr := range groups[g : best+1] {
			for p := gr.start; p < gr.end; p++ {
				if k >= head && k < n-tail {
					b[p] = '*'
				}
				k++
			}
		}
		g = best + 1
	}
	return kinds, spans
}

// scrubContext are the words that make a bare 7- or 8-digit number a phone.
var scrubContext = []string{"电话", "手机", "座机", "联系", "号码", "致电", "来电", "tel", "phone", "call"}

// classifyNumber tells whether d (the digits of groups gs, with a trailing
// X if the last has one) is a number to mask, and how many of its leading
// and trailing characters stay visible.
func classifyNumber(d []byte, gs []digitGroup, s string) (head, tail int, kind NumberKind, ok bool) {
	n := len(d)
	x := d[n-1] == 'X'
	if n == 18 {
		return 6, 4, NumberIDNumber, true // an ID number, X or not
	}
	if x {
		return 0, 0, "", false
	}
	// A mobile number, after an optional 86 or 0086.
	for _, p := range []string{"", "86", "0086"} {
		if n == len(p)+mobileLen && string(d[:len(p)]) == p && d[len(p)] == '1' && d[len(p)+1] >= '3' {
			return len(p) + 3, 4, NumberMobile, true
		}
	}
	// A landline with its area code: 0 then 2 or 3 more digits, then 7 or 8.
	if n >= 10 && n <= 12 && d[0] == '0' && d[1] != '0' {
		area := 4
		if d[1] == '1' || d[1] == '2' {
			area = 3 // 010, 020–029
		}
		if len(gs) > 1 {
			area = gs[0].end - gs[0].start
		}
		if sub := n - area; (area == 3 || area == 4) && (sub == 7 || sub == 8) {
			return area, subscriberTail(sub), NumberLandline, true
		}
	}
	// A bare local number after a word that says it is one.
	if n == 7 || n == 8 {
		from := max(gs[0].start-24, 0)
		before := strings.ToLower(s[from:gs[0].start])
		for _, w := range scrubContext {
			if strings.Contains(before, w) {
				return 0, subscriberTail(n), NumberLandline, true
			}
		}
	}
	return 0, 0, "", false
}

// subscriberTail is how many digits of a local number stay visible.
func subscriberTail(n int) int {
	if n >= 8 {
		return 4
	}
	return 3
}
