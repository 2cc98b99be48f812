package license

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A licence verification used to spend more time in encoding/json than
// anywhere but the signature: json.Unmarshal scans the whole payload once
// to validate it and again to decode it, through reflection. The verifier
// reads few fields of a fixed shape, so it reads them in one pass with
// this small strict reader instead. It decodes exactly as
// encoding/json would into the same Go types — struct members matched
// exactly or else case-insensitively, the last of duplicate members
// winning, null leaving a field as it is, invalid UTF-8 replaced by
// U+FFFD, anything that is not JSON or not of the field's type refused —
// and FuzzDecodeCredential checks it against encoding/json on any input.
// (JWS headers are read more strictly than encoding/json would: see
// decodeHeader.)

// jreader reads one JSON value from b.
type jreader struct {
	b []byte
	i int
}

func (r *jreader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end.
func (r *jreader) peek() byte {
	r.ws()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

func (r *jreader) lit(s string) bool {
	if len(r.b)-r.i >= len(s) && string(r.b[r.i:r.i+len(s)]) == s {
		r.i += len(s)
		return true
	}
	return false
}

// null consumes a null literal if one comes next.
func (r *jreader) null() bool { return r.peek() == 'n' && r.lit("null") }

// str reads a string.
func (r *jreader) str() (string, bool) {
	if r.peek() != '"' {
		return "", false
	}
	r.i++
	start, plain := r.i, true
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			s := r.b[start:r.i]
			r.i++
			if plain && utf8.Valid(s) {
				return string(s), true
			}
			return unquote(s)
		case c == '\\':
			plain = false
			r.i += 2
		case c < 0x20:
			return "", false
		default:
			r.i++
		}
	}
	return "", false
}

// unquote decodes the inside of a string with escapes or invalid UTF-8,
// as encoding/json does.
func unquote(s []byte) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				return "", false
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := hex4(s[i+2:])
				if !ok {
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if len(s)-i >= 6 && s[i] == '\\' && s[i+1] == 'u' {
						if r2, ok := hex4(s[i+2:]); ok {
							if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
								b.WriteRune(d)
								i += 6
								continue
							}
						}
					}
					r = utf8.RuneError
				}
				b.WriteRune(r)
				continue
			default:
				return "", false
			}
			i += 2
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, n := utf8.DecodeRune(s[i:])
			b.WriteRune(r) // RuneError for an invalid byte, as encoding/json
			i += n
		}
	}
	return b.String(), true
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skip reads any value and returns its bytes.
func (r *jreader) skip(depth int) ([]byte, bool) {
	if depth > 10000 {
		return nil, false // encoding/json's nesting limit
	}
	c := r.peek()
	start := r.i
	ok := false
	switch {
	case c == '"':
		_, ok = r.str()
	case c == '{':
		ok = r.object(func(string) bool { _, ok := r.skip(depth + 1); return ok })
	case c == '[':
		ok = r.array(func() bool { _, ok := r.skip(depth + 1); return ok })
	case c == 't':
		ok = r.lit("true")
	case c == 'f':
		ok = r.lit("false")
	case c == 'n':
		ok = r.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		ok = r.number()
	}
	return r.b[start:r.i], ok
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *jreader) number() bool {
	digits := func() int {
		n := 0
		for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	if r.b[r.i] == '-' {
		r.i++
	}
	if r.i < len(r.b) && r.b[r.i] == '0' {
		r.i++
	} else if digits() == 0 {
		return false
	}
	if r.i < len(r.b) && r.b[r.i] == '.' {
		r.i++
		if digits() == 0 {
			return false
		}
	}
	if r.i < len(r.b) && (r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.i++
		if r.i < len(r.b) && (r.b[r.i] == '+' || r.b[r.i] == '-') {
			r.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

// object reads an object, calling member for each key with the reader at
// its value; member must consume the value.
func (r *jreader) object(member func(key string) bool) bool {
	if r.peek() != '{' {
		return false
	}
	r.i++
	if r.peek() == '}' {
		r.i++
		return true
	}
	for {
		k, ok := r.str()
		if !ok || r.peek() != ':' {
			return false
		}
		r.i++
		if !member(k) {
			return false
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return true
		default:
			return false
		}
	}
}

// array reads an array, calling elem with the reader at each element.
func (r *jreader) array(elem func() bool) bool {
	if r.peek() != '[' {
		return false
	}
	r.i++
	if r.peek() == ']' {
		r.i++
		return true
	}
	for {
		if !elem() {
			return false
		}
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return true
		default:
			return false
		}
	}
}

// strField reads a string member into *dst (null leaves it).
func (r *jreader) strField(dst *string) bool {
	if r.null() {
		return true
	}
	s, ok := r.str()
	if ok {
		*dst = s
	}
	return ok
}

// strings reads an array of strings (null: nil) as into a []string:
// like encoding/json it decodes into the elements already there (a null
// element leaves one as it was) and cuts the slice to the array's length.
func (r *jreader) strings(dst *[]string) bool {
	if r.null() {
		*dst = nil
		return true
	}
	out, i := *dst, 0
	ok := r.array(func() bool {
		if i == len(out) {
			out = append(out, "")
		}
		i++
		return r.strField(&out[i-1])
	})
	*dst = sliceOf(out, i)
	return ok
}

// sliceOf is s cut to n, and an empty slice (not nil) for n == 0, as
// encoding/json leaves a decoded array.
func sliceOf[T any](s []T, n int) []T {
	if n == 0 {
		return []T{}
	}
	return s[:n]
}

// field matches a member's key with a struct field's name as
// encoding/json does: exactly, or else case-insensitively.
func field(key, name string) bool { return key == name || strings.EqualFold(key, name) }

// whole reports whether the reader is at the end, but for white space.
func (r *jreader) whole() bool { r.ws(); return r.i == len(r.b) }

// decodeHeader reads a JWS protected header strictly, as RFC 7515 asks
// rather than as json.Unmarshal would: a JSON object (§4), member names
// matched exactly ("ALG" is not "alg"), no member twice (§4: the header
// MUST be rejected or the last taken; we reject), alg, kid, typ and cty
// strings (null is not a string), and no "crit" (§4.1.11: extensions it
// lists that the recipient does not understand MUST make the JWS invalid;
// we understand none, and an empty list is itself invalid). Other members
// are skipped as valid JSON. FuzzDecodeCredential checks it against a
// reference built on encoding/json's tokenizer.
func decodeHeader(b []byte, h *Header) bool {
	r := &jreader{b: b}
	var seen [8]string
	names := seen[:0]
	ok := r.object(func(k string) bool {
		for _, n := range names {
			if n == k {
				return false
			}
		}
		names = append(names, k)
		switch k {
		case "alg":
			return r.strNotNull(&h.Alg)
		case "kid":
			return r.strNotNull(&h.Kid)
		case "typ":
			return r.strNotNull(&h.Typ)
		case "cty":
			return r.strNotNull(&h.Cty)
		case "crit":
			return false
		}
		_, ok := r.skip(0)
		return ok
	})
	return ok && r.whole()
}

// strNotNull reads a string, null refused.
func (r *jreader) strNotNull(dst *string) bool {
	s, ok := r.str()
	if ok {
		*dst = s
	}
	return ok
}

// decodeCredential reads a licence credential as json.Unmarshal into
// licenseCred would.
func decodeCredential(b []byte, c *licenseCred) bool {
	r := &jreader{b: b}
	if r.null() {
		return r.whole()
	}
	ok := r.object(func(k string) bool {
		switch {
		case field(k, "@context"):
			if r.null() {
				c.Context = nil
				return true
			}
			ctx, i := c.Context, 0
			ok := r.array(func() bool {
				v, ok := r.skip(0)
				if i == len(ctx) {
					ctx = append(ctx, nil)
				}
				ctx[i] = append(ctx[i][:0], v...) // as json.RawMessage.UnmarshalJSON
				i++
				return ok
			})
			c.Context = sliceOf(ctx, i)
			return ok
		case field(k, "id"):
			return r.strField(&c.ID)
		case field(k, "type"):
			return r.strings(&c.Type)
		case field(k, "name"):
			return r.strField(&c.Name)
		case field(k, "issuer"):
			if r.null() {
				return true
			}
			return r.object(func(k string) bool {
				switch {
				case field(k, "id"):
					return r.strField(&c.Issuer.ID)
				case field(k, "name"):
					return r.strField(&c.Issuer.Name)
				case field(k, "uscc"):
					return r.strField(&c.Issuer.USCC)
				}
				_, ok := r.skip(0)
				return ok
			})
		case field(k, "validFrom"):
			return r.strField(&c.ValidFrom)
		case field(k, "validUntil"):
			return r.strField(&c.ValidUntil)
		case field(k, "credentialSubject"):
			if r.null() {
				c.Subject = nil
				return true
			}
			if c.Subject == nil {
				c.Subject = make(map[string]string, 12)
			}
			return r.object(func(k string) bool {
				var v string
				if !r.strField(&v) {
					return false
				}
				c.Subject[k] = v
				return true
			})
		case field(k, "credentialStatus"):
			if r.null() {
				c.CredentialStatus = nil
				return true
			}
			list, i := c.CredentialStatus, 0
			ok := r.array(func() bool {
				if i == len(list) {
					list = append(list, StatusEntry{})
				}
				e := &list[i]
				i++
				if r.null() {
					return true
				}
				return r.object(func(k string) bool {
					switch {
					case field(k, "id"):
						return r.strField(&e.ID)
					case field(k, "type"):
						return r.strField(&e.Type)
					case field(k, "statusPurpose"):
						return r.strField(&e.StatusPurpose)
					case field(k, "statusListIndex"):
						return r.strField(&e.StatusListIndex)
					case field(k, "statusListCredential"):
						return r.strField(&e.StatusListCredential)
					}
					_, ok := r.skip(0)
					return ok
				})
			})
			list = sliceOf(list, i)
			c.CredentialStatus = list
			return ok
		}
		_, ok := r.skip(0)
		return ok
	})
	return ok && r.whole()
}
