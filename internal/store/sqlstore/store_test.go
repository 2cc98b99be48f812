package sqlstore

import (
	"slices"
	"testing"
)

func TestWithin(t *testing.T) {
	tests := []struct {
		prefix string
		cond   string
		args   []any
	}{
		{"4401", "(c >= ? AND c < ?)", []any{"4401", "4402"}},
		{"4409", "(c >= ? AND c < ?)", []any{"4409", "4410"}},
		{"4499", "(c >= ? AND c < ?)", []any{"4499", "4500"}},
		{"99", "c >= ?", []any{"99"}},
	}
	for _, tt := range tests {
		cond, args := within("c", tt.prefix)
		if cond != tt.cond || !slices.Equal(args, tt.args) {
			t.Errorf("within(%s) = %s %v", tt.prefix, cond, args)
		}
	}
}
