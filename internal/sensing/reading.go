package sensing

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"time"
)

// Reading is one stored value: narrow on purpose (a province has hundreds
// of millions of them). At is the measurement time in Unix seconds.
type Reading struct {
	StationID int64
	MetricID  int
	At        int64
	Value     float64
}

// Input is one reading as a sensor sends it, before it is checked. Line
// is its position in the batch (from 1), for the report.
type Input struct {
	Line    int      `json:"-"`
	Station string   `json:"station"`
	Metric  string   `json:"metric"`
	Time    Time     `json:"ts"`
	Value   *float64 `json:"value"`
}

// Time is a reading's time as sent: Unix seconds (or milliseconds, if the
// number is that large) or an RFC 3339 string. Zero when absent: the
// reading is then taken as measured on arrival.
type Time int64

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return err
		}
		*t = Time(v.Unix())
		return nil
	}
	if string(b) == "null" {
		*t = 0
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.ErrSyntax
	}
	if f > 1e11 { // milliseconds: 1e11 seconds is the year 5138
		f /= 1000
	}
	*t = Time(int64(f))
	return nil
}

// Rejection is a line of a batch that was not stored, and why. Reason is a
// message key ("sensing.station_unknown"); Message is it translated, filled
// at the edge.
type Rejection struct {
	Line    int    `json:"line"`
	Station string `json:"station,omitempty"`
	Metric  string `json:"metric,omitempty"`
	Reason  string `json:"reason"`
	Message string `json:"message,omitempty"`
}

// MaxLineBytes is the longest JSON line accepted.
const MaxLineBytes = 4096

// ParseLines reads JSON lines (one reading per line; blank lines are
// skipped but counted) into inputs, and rejects the lines that are not a
// JSON object of the right shape. It stops at maxLines lines with
// errTooMany; a read error is returned as is.
func ParseLines(r io.Reader, maxLines int) ([]Input, []Rejection, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLineBytes+2) // the line and its "\r\n"
	var in []Input
	var bad []Rejection
	intern := map[string]string{}
	n := 0
	for sc.Scan() {
		n++
		if n > maxLines {
			return nil, nil, errTooMany
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) > MaxLineBytes {
			return nil, nil, errLineTooLong
		}
		if len(b) == 0 {
			continue
		}
		x, ok := parseLine(b, intern)
		if !ok {
			bad = append(bad, Rejection{Line: n, Reason: "sensing.line_malformed"})
			continue
		}
		x.Line = n
		in = append(in, x)
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, nil, errLineTooLong
		}
		return nil, nil, err
	}
	return in, bad, nil
}

// ParseLine reads one JSON reading; false if it is malformed or lacks a
// station, a metric or a numeric value.
func ParseLine(b []byte) (Input, bool) {
	return parseLine(b, nil)
}

func parseLine(b []byte, intern map[string]string) (Input, bool) {
	if x, ok := parseFast(b, intern); ok {
		return x, true
	}
	var x Input
	if err := json.Unmarshal(b, &x); err != nil || x.Station == "" || x.Metric == "" || x.Value == nil {
		return Input{}, false
	}
	return x, true
}
