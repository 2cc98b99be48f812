package sqlstore

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestPrefixEnd: every topic that starts with a prefix sorts (bytewise)
// below the prefix's end, and topics that do not start with it and sort
// above the prefix sort at or above the end.
func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct{ p, end string }{
		{"cases.", "cases/"},
		{"sensing.alert.raised", "sensing.alert.raisee"},
		{"事件.", "事件/"},
		{"a\U0010FFFF", "b"},
		{"a\uD7FF", "a\uE000"},
	} {
		end, ok := prefixEnd(c.p)
		if !ok || end != c.end || !utf8.ValidString(end) {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q", c.p, end, ok, c.end)
		}
		for _, topic := range []string{c.p, c.p + "x", c.p + "\U0010FFFF\U0010FFFF", c.p + "事件"} {
			if !(topic >= c.p && topic < end) {
				t.Errorf("%q starts with %q but lies outside [%q, %q)", topic, c.p, c.p, end)
			}
		}
		for _, other := range []string{end, end + "x", strings.TrimSuffix(c.p, ".") + "/x"} {
			if !strings.HasPrefix(other, c.p) && other > c.p && other < end {
				t.Errorf("%q does not start with %q but lies inside [%q, %q)", other, c.p, c.p, end)
			}
		}
	}
	if _, ok := prefixEnd("\U0010FFFF"); ok {
		t.Error("a prefix of the highest character has no end")
	}
}
