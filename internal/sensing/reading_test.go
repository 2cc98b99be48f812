package sensing

import (
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
