package identity

import (
	"fmt"
	"log/slog"
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
