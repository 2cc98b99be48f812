package sensing

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func FuzzParseLine(f *testing.F) {
	f.Add([]byte(`{"station":"GZ-TH-AQ-01","metric":"aqi","ts":1767225600,"value":61}`))
	f.Add([]byte(`{"station":"S","metric":"m","ts":"2026-01-01T00:00:00Z","value":1e3}`))
	f.Add([]byte(`{"station":"S","metric":"m","ts":1767225600000,"value":-0}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, ok := ParseLine(b)
		if ok && (x.Station == "" || x.Metric == "" || x.Value == nil) {
			t.Errorf("accepted %q without station, metric or value", b)
		}
	})
}

func TestParseLinesCountsEveryLine(t *testing.T) {
	in, bad, err := ParseLines(strings.NewReader("\n{\"station\":\"S\",\"metric\":\"aqi\",\"value\":1}\r\n{oops}\n"), 10)
	if err != nil || len(in) != 1 || in[0].Line != 2 || len(bad) != 1 || bad[0].Line != 3 {
		t.Fatalf("in %+v bad %+v err %v", in, bad, err)
	}
	if _, _, err := ParseLines(strings.NewReader(strings.Repeat("x", MaxLineBytes+1)), 10); err != errLineTooLong {
		t.Errorf("long line: %v", err)
	}
	if _, _, err := ParseLines(strings.NewReader("\n\n\n"), 2); err != errTooMany {
		t.Errorf("too many lines: %v", err)
	}
}

func TestLevels(t *testing.T) {
	ls := Levels{20, 30, 50, 80}
	for v, want := range map[float64]Level{19.9: None, 20: Blue, 49.9: Yellow, 50: Orange, 500: Red} {
		if got, _ := ls.Of(v); got != want {
			t.Errorf("%g: %v, want %v", v, got, want)
		}
	}
	if got, th := (Levels{0, 0, 5, 0}).Of(7); got != Orange || th != 5 {
		t.Errorf("orange only: %v %g", got, th)
	}
	for _, bad := range []Levels{{}, {30, 20, 0, 0}, {1, 1, 0, 0}} {
		if bad.valid() {
			t.Errorf("%v accepted", bad)
		}
	}
}

// parseJSON is ParseLine by encoding/json alone.
func parseJSON(b []byte) (Input, bool) {
	var x Input
	if err := json.Unmarshal(b, &x); err != nil || x.Station == "" || x.Metric == "" || x.Value == nil {
		return Input{}, false
	}
	return x, true
}

// FuzzParseFast: whatever the fast path accepts, encoding/json reads the
// same way.
func FuzzParseFast(f *testing.F) {
	for _, s := range []string{
		`{"station":"GZ-TH-AQ-01","metric":"aqi","ts":1767225600,"value":61}`,
		` { "value" : -0.5e-3 , "metric":"河流水位", "station":"站", "ts":1767225600000 } `,
		`{"station":"S","metric":"m","ts":"2026-01-01T00:00:00Z","value":1e3}`,
		`{"station":"S","metric":"m","value":01}`, `{"station":"S","metric":"m","value":1.}`,
		`{"station":"S","metric":"m","value":1e400}`, `{"station":"S","metric":"m","value":1,"value":2}`,
		`{"station":"S\u0041","metric":"m","value":1}`, `{"Station":"S","metric":"m","value":1}`,
		`{"station":"S","metric":"m","value":1,}`, `{"station":"S","metric":"m","value":1}x`,
		`{"station":"S","metric":"m","ts":null,"value":1}`, `{"station":"S","metric":"m","value":+1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, ok := parseFast(b, map[string]string{})
		if !ok {
			return
		}
		y, jok := parseJSON(b)
		if !jok || x.Station != y.Station || x.Metric != y.Metric || x.Time != y.Time || *x.Value != *y.Value ||
			math.Signbit(*x.Value) != math.Signbit(*y.Value) {
			t.Errorf("%q: fast %+v, encoding/json %+v (%v)", b, x, y, jok)
		}
	})
}

func TestParseFastShapes(t *testing.T) {
	for s, want := range map[string]bool{
		`{"station":"GZ-TH-AQ-01","metric":"aqi","ts":1767225600,"value":61}`: true,
		` { "value" : -0.5e-3 , "metric":"河流水位", "station":"站", "ts":1 } `:    true,
		`{"station":"S","metric":"m","value":1}`:                              true,
		`{"station":"S","metric":"m","ts":"2026-01-01T00:00:00Z","value":1}`:  false, // encoding/json's
		`{"station":"S","metric":"m","value":01}`:                             false,
		`{"station":"S","metric":"m","value":1,"value":2}`:                    false,
		`{"station":"S\u0041","metric":"m","value":1}`:                        false,
		`{"station":"S","metric":"m","value":1}x`:                             false,
		`{"station":"S","metric":"m"}`:                                        false,
		`{"station":"","metric":"m","value":1}`:                               false,
		`{"station":"S","metric":"m","value":1e400}`:                          false,
	} {
		if _, ok := parseFast([]byte(s), nil); ok != want {
			t.Errorf("%s: fast path %v, want %v", s, ok, want)
		}
		x, ok := ParseLine([]byte(s))
		y, jok := parseJSON([]byte(s))
		if ok != jok || ok && (x.Station != y.Station || x.Time != y.Time || *x.Value != *y.Value) {
			t.Errorf("%s: ParseLine %+v %v, encoding/json %+v %v", s, x, ok, y, jok)
		}
	}
}
