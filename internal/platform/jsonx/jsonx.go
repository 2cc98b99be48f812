// Package jsonx encodes the small JSON objects written on every state
// change — step details, audit details, outbox payloads, all
// map[string]any — byte for byte as encoding/json does, without its
// reflection over maps (which allocates a key and a value for every
// entry and sorts through reflect). Anything else goes to encoding/json.
package jsonx

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Marshal returns json.Marshal(v), byte for byte.
func Marshal(v any) ([]byte, error) {
	switch x := v.(type) {
	case map[string]any:
		return appendMap(make([]byte, 0, 64+32*len(x)), x)
	case []any:
		return appendList(make([]byte, 0, 64+32*len(x)), x)
	}
	return json.Marshal(v)
}

func appendList(b []byte, l []any) ([]byte, error) {
	if l == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	var err error
	for i, v := range l {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendValue(b, v); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendMap(b []byte, m map[string]any) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	var arr [16]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendString(b, k); err != nil {
			return nil, err
		}
		b = append(b, ':')
		if b, err = appendValue(b, m[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x)
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case map[string]any:
		return appendMap(b, x)
	case []any:
		return appendList(b, x)
	case time.Time:
		if y := x.Year(); y >= 0 && y <= 9999 {
			b = append(b, '"')
			b = x.AppendFormat(b, time.RFC3339Nano)
			return append(b, '"'), nil
		}
	default:
		// A named string type (IDs, states, actions) without methods
		// of its own encodes as its string.
		t := reflect.TypeOf(v)
		if t.Kind() == reflect.String && !t.Implements(marshalerType) && !t.Implements(textMarshalerType) {
			return appendString(b, reflect.ValueOf(v).String())
		}
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
}

// appendString quotes s as encoding/json does: plain text is copied;
// anything it escapes (quotes, backslashes, control characters, <, >, &,
// U+2028, U+2029, invalid UTF-8) goes to encoding/json.
func appendString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return appendQuoted(b, s)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return appendQuoted(b, s)
		}
		i += n
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

func appendQuoted(b []byte, s string) ([]byte, error) {
	j, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
}
