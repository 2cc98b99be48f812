package sensing

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// parseFast reads the common shape of a reading's line without
// encoding/json's reflection: an object of the keys station and metric
// (plain strings) and ts and value (numbers), each at most once, in any
// order, with optional white space. ok is false for anything else
// (escapes, other keys or types, a malformed number…), which ParseLine
// then hands to encoding/json: for the lines it accepts, the result is
// what encoding/json gives (FuzzParseFast checks it). Station and metric
// codes are taken from intern when there (a batch repeats them), and added
// to it; intern may be nil.
func parseFast(b []byte, intern map[string]string) (x Input, ok bool) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return Input{}, false
	}
	var seen [4]bool
	for first := true; ; first = false {
		i = skipWS(b, i+1)
		if i >= len(b) {
			return Input{}, false
		}
		if b[i] == '}' && first {
			break
		}
		key, j, ok := plainString(b, i)
		if !ok {
			return Input{}, false
		}
		i = skipWS(b, j)
		if i >= len(b) || b[i] != ':' {
			return Input{}, false
		}
		i = skipWS(b, i+1)
		if i >= len(b) {
			return Input{}, false
		}
		switch string(key) {
		case "station", "metric":
			k := 0
			if string(key) == "metric" {
				k = 1
			}
			s, j, ok := plainString(b, i)
			if !ok || seen[k] {
				return Input{}, false
			}
			seen[k], i = true, j
			str, ok := intern[string(s)]
			if !ok {
				str = string(s)
				if intern != nil && len(intern) < maxInterned {
					intern[str] = str
				}
			}
			if k == 0 {
				x.Station = str
			} else {
				x.Metric = str
			}
		case "ts", "value":
			k := 2
			if string(key) == "value" {
				k = 3
			}
			num, j, ok := number(b, i)
			if !ok || seen[k] {
				return Input{}, false
			}
			f, err := strconv.ParseFloat(string(num), 64)
			if err != nil || math.IsInf(f, 0) {
				return Input{}, false
			}
			seen[k], i = true, j
			if k == 3 {
				x.Value = &f
			} else {
				if f > 1e11 { // as Time.UnmarshalJSON
					f /= 1000
				}
				x.Time = Time(int64(f))
			}
		default:
			return Input{}, false
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return Input{}, false
		}
		if b[i] == '}' {
			break
		}
		if b[i] != ',' {
			return Input{}, false
		}
	}
	if skipWS(b, i+1) != len(b) || x.Station == "" || x.Metric == "" || x.Value == nil {
		return Input{}, false
	}
	return x, true
}

// maxInterned bounds the codes one batch remembers.
const maxInterned = 4096

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// plainString reads a JSON string at b[i] without escapes or control
// characters, in valid UTF-8; it returns its contents and the index after
// it.
func plainString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			s := b[i+1 : j]
			return s, j + 1, utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// number reads a JSON number at b[i] (RFC 8259's grammar) and returns its
// text and the index after it.
func number(b []byte, i int) ([]byte, int, bool) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	digits := func() bool {
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j > k
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case !digits():
		return nil, 0, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		if !digits() {
			return nil, 0, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if !digits() {
			return nil, 0, false
		}
	}
	return b[i:j], j, true
}
