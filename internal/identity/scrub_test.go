package identity

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScrubText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"联系电话13812345678，谢谢", "联系电话138****5678，谢谢"},
		{"手机 138 1234 5678 王先生", "手机 138 **** 5678 王先生"},
		{"call +86 138-1234-5678 now", "call +86 138-****-5678 now"},
		{"0086 13812345678", "0086 138****5678"},
		{"身份证440106199001011234在窗口遗失", "身份证440106********1234在窗口遗失"},
		{"证件号 44010619900101123X。", "证件号 440106********123X。"},
		{"证件号 44010619900101123x", "证件号 440106********123x"},
		{"440106 19900101 1234", "440106 ******** 1234"},
		{"座机020-87654321转8", "座机020-****4321转8"},
		{"(020)87654321", "(020)****4321"},
		{"0755 1234 5678", "0755 **** 5678"},
		{"电话：0763-1234567", "电话：0763-****567"},
		{"请拨打电话 87654321 找物业", "请拨打电话 ****4321 找物业"},
		{"全角１３８１２３４５６７８", "全角138****5678"},
		// Full-width punctuation in the prose stays as written.
		{"（更新：22 时至次日 6 时）电话（020）87654321　谢谢", "（更新：22 时至次日 6 时）电话（020)****4321　谢谢"},
		{"（夜间施工须提前三日公示）禁止夜间（22 时至次日 6 时）施工", "（夜间施工须提前三日公示）禁止夜间（22 时至次日 6 时）施工"},
		// Not personal data: left alone.
		{"2026-11-27 发现，已于 14:30 处理", "2026-11-27 发现，已于 14:30 处理"},
		{"事件 SJ20261126000123 已并单", "事件 SJ20261126000123 已并单"},
		{"区划 440106006002 石牌街道", "区划 440106006002 石牌街道"},
		{"拨打 12345 热线，罚款 20000 元", "拨打 12345 热线，罚款 20000 元"},
		{"编号 87654321", "编号 87654321"},
		{"400-800-1234 客服", "400-800-1234 客服"},
		{"138123456789", "138123456789"}, // 12 digits: not a mobile number
		{"", ""},
		// A date next to a number is not joined into it.
		{"2026-11-27 13812345678", "2026-11-27 138****5678"},
	} {
		if got := ScrubText(c.in); got != c.want {
			t.Errorf("ScrubText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzScrubText(f *testing.F) {
	for _, s := range []string{"", "电话13812345678", "44010619900101123X", "(020)87654321", "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8",
		"０７５５－１２３４５６７８", "x1-", ")1)1", "8613812345678x"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, prefix, suffix string) {
		out := ScrubText(prefix + suffix) // never panics
		if utf8.ValidString(prefix+suffix) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", prefix+suffix)
		}
		// A mobile number standing on its own is always masked.
		p, sfx := scrubNormalize.Replace(prefix), scrubNormalize.Replace(suffix)
		if p != "" && strings.ContainsAny(p[len(p)-1:], "0123456789 -)+") ||
			sfx != "" && strings.ContainsAny(sfx[:1], "0123456789 -)Xx") {
			return
		}
		// The text around it may hold the same digits in a longer run
		// (not a number ScrubText masks); the one inserted must go.
		const n = "13812345678"
		if got := ScrubText(prefix + n + suffix); strings.Count(got, n) > strings.Count(prefix, n)+strings.Count(suffix, n) {
			t.Fatalf("mobile number left in %q", got)
		}
	})
}

// NumbersIn names what ScrubText masks, each kind once, in order.
func TestNumbersIn(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []NumberKind
	}{
		{"李四 13912345678 或报身份证 440106199001011234", []NumberKind{NumberMobile, NumberIDNumber}},
		{"咨询 020-12345678 或 12345 热线", []NumberKind{NumberLandline}},
		{"手机１３９１２３４５６７８、13812345678", []NumberKind{NumberMobile}},
		{"2026-11-27 14:30 起暂停通行，拨打 12345", nil},
		{"", nil},
	} {
		if got := NumbersIn(c.in); !slices.Equal(got, c.want) {
			t.Errorf("NumbersIn(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// BenchmarkScrubText is what masking costs an event's description on every
// page and API answer that shows it (a typical hotline ticket's text with
// a number in it; a text without digits returns at once).
func BenchmarkScrubText(b *testing.B) {
	s := "来电人反映天河区石牌街道南苑小区3栋门口夜间施工噪声扰民，持续到凌晨2点，联系电话13812345678，请尽快处理"
	for b.Loop() {
		ScrubText(s)
	}
}
