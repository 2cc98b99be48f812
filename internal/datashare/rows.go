package datashare

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/platform/errs"
)

// Row is one record of a resource: field name → value as text. Empty
// values are absent or "".
type Row map[string]string

// MaxRows bounds one upload.
const MaxRows = 200_000

// LineError is one row of an upload in error.
type LineError struct {
	Line   int    `json:"line"`            // 1-based line of the file (CSV) or record number (JSON)
	Field  string `json:"field,omitempty"` // the column, if one is at fault
	Reason string `json:"reason"`          // message key
	Value  string `json:"value,omitempty"` // the offending value, cut to 40 characters
}

// LoadError lists every row in error of a refused upload. It travels as
// the Err of an errs.Invalid error ("datashare.rows_invalid").
type LoadError struct {
	Lines []LineError
}

func (e *LoadError) Error() string { return fmt.Sprintf("%d rows in error", len(e.Lines)) }

// LoadErrors returns the lines of a refused upload in err, nil if err is
// not one.
func LoadErrors(err error) []LineError {
	var le *LoadError
	if errors.As(err, &le) {
		return le.Lines
	}
	return nil
}

func refused(lines []LineError) error {
	return &errs.Error{Code: errs.Invalid, Msg: "datashare.rows_invalid", Args: []any{len(lines)}, Err: &LoadError{Lines: lines}}
}

func cut(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// checkValue returns the message key of what is wrong with v as a value of
// type t, "" if it is fine, and v normalised.
func checkValue(t FieldType, v string) (string, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return v, ""
	}
	if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
		return v, "datashare.value_text"
	}
	switch t {
	case TypeInteger:
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return v, "datashare.value_integer"
		}
	case TypeNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f != f || f > 1e300 || f < -1e300 {
			return v, "datashare.value_number"
		}
	case TypeDate:
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return v, "datashare.value_date"
		}
	case TypeBoolean:
		switch strings.ToLower(v) {
		case "true", "1", "是", "y", "yes":
			v = "true"
		case "false", "0", "否", "n", "no":
			v = "false"
		default:
			return v, "datashare.value_boolean"
		}
	default:
		if utf8.RuneCountInString(v) > 2000 {
			return v, "datashare.value_long"
		}
	}
	return v, ""
}

// ParseCSV reads a CSV upload whose first line names the fields (in any
// order, each once, only the resource's fields; a UTF-8 byte order mark is
// skipped). It checks every value against its field's type and returns all
// rows, or an errs.Invalid error listing every row in error with its line
// number (see LoadErrors).
func ParseCSV(fields []Field, r io.Reader) ([]Row, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, refused([]LineError{{Line: 1, Reason: "datashare.csv_empty"}})
	}
	if err != nil {
		return nil, refused([]LineError{{Line: 1, Reason: "datashare.csv_malformed"}})
	}
	types := map[string]FieldType{}
	for _, f := range fields {
		types[f.Name] = f.Type
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	var lines []LineError
	for i, h := range header {
		h = strings.TrimSpace(h)
		cols[i] = h
		switch {
		case types[h] == "":
			lines = append(lines, LineError{Line: 1, Field: cut(h), Reason: "datashare.column_unknown"})
		case seen[h]:
			lines = append(lines, LineError{Line: 1, Field: h, Reason: "datashare.column_duplicate"})
		}
		seen[h] = true
	}
	if len(lines) > 0 {
		return nil, refused(lines)
	}
	var rows []Row
	line := 1 // the line of the last record read
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// FieldPos is only valid after a successful Read: the error
			// says where the bad record starts.
			line++
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			// A quote left open swallows the rest of the file: say so once.
			lines = append(lines, LineError{Line: line, Reason: "datashare.csv_malformed"})
			if pe != nil && pe.Err == csv.ErrQuote {
				break
			}
			continue
		}
		line, _ = cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(cols) {
			lines = append(lines, LineError{Line: line, Reason: "datashare.column_count", Value: strconv.Itoa(len(rec))})
			continue
		}
		row := make(Row, len(rec))
		bad := false
		for i, v := range rec {
			nv, key := checkValue(types[cols[i]], v)
			if key != "" {
				lines = append(lines, LineError{Line: line, Field: cols[i], Reason: key, Value: cut(v)})
				bad = true
				continue
			}
			if nv != "" {
				row[cols[i]] = nv
			}
		}
		if !bad {
			rows = append(rows, row)
		}
		if len(rows)+len(lines) > MaxRows {
			return nil, refused([]LineError{{Line: line, Reason: "datashare.rows_too_many"}})
		}
	}
	if len(lines) > 0 {
		return nil, refused(lines)
	}
	return rows, nil
}

// ParseJSON reads a JSON upload: an array of objects keyed by field name.
// Values may be strings, numbers, booleans or null. Records are numbered
// from 1 in LineError.Line. All or none, as ParseCSV.
func ParseJSON(fields []Field, r io.Reader) ([]Row, error) {
	types := map[string]FieldType{}
	for _, f := range fields {
		types[f.Name] = f.Type
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return nil, refused([]LineError{{Line: 1, Reason: "datashare.json_array"}})
	}
	var rows []Row
	var lines []LineError
	for n := 1; dec.More(); n++ {
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				lines = append(lines, LineError{Line: n, Reason: "datashare.json_object"})
				continue
			}
			lines = append(lines, LineError{Line: n, Reason: "datashare.json_malformed"})
			return nil, refused(lines)
		}
		row := make(Row, len(rec))
		bad := false
		for k, v := range rec {
			t := types[k]
			if t == "" {
				lines = append(lines, LineError{Line: n, Field: cut(k), Reason: "datashare.column_unknown"})
				bad = true
				continue
			}
			var s string
			switch v := v.(type) {
			case nil:
			case string:
				s = v
			case json.Number:
				s = v.String()
			case bool:
				s = strconv.FormatBool(v)
			default:
				lines = append(lines, LineError{Line: n, Field: k, Reason: "datashare.value_scalar"})
				bad = true
				continue
			}
			nv, key := checkValue(t, s)
			if key != "" {
				lines = append(lines, LineError{Line: n, Field: k, Reason: key, Value: cut(s)})
				bad = true
				continue
			}
			if nv != "" {
				row[k] = nv
			}
		}
		if !bad {
			rows = append(rows, row)
		}
		if len(rows)+len(lines) > MaxRows {
			return nil, refused([]LineError{{Line: n, Reason: "datashare.rows_too_many"}})
		}
	}
	if _, err := dec.Token(); err != nil {
		lines = append(lines, LineError{Line: len(rows) + len(lines) + 1, Reason: "datashare.json_malformed"})
	}
	if len(lines) > 0 {
		return nil, refused(lines)
	}
	return rows, nil
}

// filled is the share of non-empty cells of rows over fields.
func filled(fields []Field, rows []Row) float64 {
	if len(rows) == 0 || len(fields) == 0 {
		return 0
	}
	n := 0
	for _, r := range rows {
		for _, f := range fields {
			if r[f.Name] != "" {
				n++
			}
		}
	}
	return float64(n) / float64(len(rows)*len(fields))
}

// Mask hides most of a sensitive value: ID-number-length values keep their
// first 6 and last 4 characters, mobile numbers their first 3 and last 4,
// other values their first character.
func Mask(v string) string {
	r := []rune(v)
	switch {
	case len(r) == 0:
		return v
	case len(r) >= 15:
		return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
	case len(r) == 11:
		return string(r[:3]) + "****" + string(r[7:])
	}
	return string(r[:1]) + strings.Repeat("*", max(len(r)-1, 1))
}

// typed returns v as a JSON value of type t: numbers and booleans as such,
// the rest as strings; "" becomes null.
func typed(t FieldType, v string) any {
	if v == "" {
		return nil
	}
	switch t {
	case TypeInteger, TypeNumber:
		return json.Number(v)
	case TypeBoolean:
		return v == "true"
	}
	return v
}
