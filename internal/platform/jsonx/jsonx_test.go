package jsonx

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
)

type state string

type withText string

func (w withText) MarshalText() ([]byte, error) { return []byte("text:" + string(w)), nil }

func maps() []map[string]any {
	at := time.Date(2026, 11, 27, 4, 50, 1, 123456000, time.UTC)
	return []map[string]any{
		nil,
		{},
		{"id": ids.ID("0193a0b2-7c1d-7e3f-9a2b-1234567890ab"), "number": "SJ20261127000123", "action": state("dispatch"),
			"level": 3, "version": int64(3), "actor": "", "auto": true, "deadline": at, "local": at.In(time.FixedZone("CST", 8*3600)),
			"assist": []ids.ID{"a", "b"}, "none": []ids.ID{}, "nil": nil, "ratio": 0.1, "big": 1e21, "neg": math.Inf(1) == math.Inf(1)},
		{"html": "<b>a & b</b>", "quote": `say "hi" \ bye`, "ctl": "a\nb\tc\x01", "ls": "a\u2028b\u2029", "bad": "a\xffb",
			"zh": "来电反映：夜间噪声", "emoji": "🙂", "text": withText("x"), "z": map[string]any{"b": 1, "a": []any{"x", 2, nil}}},
		{"before": map[string]any{"category": "0401", "region": "440106"}, "after": map[string]any{"level": 5}, "bytes": []byte("abc"),
			"old": time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), "uint": uint8(7), "f32": float32(1.5)},
	}
}

// TestMarshalLikeEncodingJSON: the same bytes (or the same failure) as encoding/json.
func TestMarshalLikeEncodingJSON(t *testing.T) {
	for i, m := range maps() {
		want, werr := json.Marshal(m)
		got, gerr := Marshal(m)
		if (werr == nil) != (gerr == nil) || string(got) != string(want) {
			t.Errorf("map %d:\n got %s (%v)\nwant %s (%v)", i, got, gerr, want, werr)
		}
	}
	for i, l := range [][]any{nil, {}, {int64(7), "a<b", nil, maps()[2], []any{1, "x"}, state("s"), time.Time{}}} {
		want, _ := json.Marshal(l)
		if got, err := Marshal(l); err != nil || string(got) != string(want) {
			t.Errorf("list %d:\n got %s (%v)\nwant %s", i, got, err, want)
		}
	}
	// Anything else: encoding/json's own.
	if got, _ := Marshal([]string{"a"}); string(got) != `["a"]` {
		t.Errorf("slice: %s", got)
	}
}

func FuzzMarshalString(f *testing.F) {
	for _, s := range []string{"", "abc", "<>&", "\u2028", "\xff", "来电", "\"\\\n"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, k, v string) {
		m := map[string]any{k: v, "n": state(v), v: 1}
		want, _ := json.Marshal(m)
		got, err := Marshal(m)
		if err != nil || string(got) != string(want) {
			t.Fatalf("got %s (%v), want %s", got, err, want)
		}
	})
}

func BenchmarkMarshal(b *testing.B) {
	m := maps()[2]
	b.Run("jsonx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = Marshal(m)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(m)
		}
	})
}
