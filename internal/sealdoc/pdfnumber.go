package sealdoc

import (
	"bytes"
	"encoding/hex"
	"regexp"
	"unicode/utf16"
)

// numberRE matches a document number: the kind's code, the region (six
// digits), the year and a six-digit serial.
var numberRE = regexp.MustCompile(`(?:JD|ZS|TZ|ZZ)\d{16}`)

// titleHex matches the document information's title as render writes it
// (gopdf): a UTF-16BE hex string with its byte-order mark.
var titleHex = regexp.MustCompile(`/Title\s*<(FEFF[0-9A-Fa-f]{0,1000})>`)

// claimedNumber is the document number a PDF names in its document
// information (its title is "<title> <number>"), or "" if it names none.
// It reads a file that may have been changed and trusts nothing in it: the
// number only says which of the node's documents the file claims to be,
// so that a changed copy hears "changed" rather than "unknown".
func claimedNumber(pdf []byte) string {
	// The information dictionary is written last: look at the tail first.
	tail := pdf
	if len(tail) > 64<<10 {
		tail = tail[len(tail)-64<<10:]
	}
	for _, src := range [][]byte{tail, pdf} {
		for _, m := range titleHex.FindAllSubmatch(src, 4) {
			b, err := hex.DecodeString(string(m[1][4:]))
			if err != nil || len(b)%2 != 0 {
				continue
			}
			u := make([]uint16, len(b)/2)
			for i := range u {
				u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
			}
			if n := numberRE.FindString(string(utf16.Decode(u))); n != "" {
				return n
			}
		}
		// A PDF tool that saved the title as a literal string.
		if i := bytes.Index(src, []byte("/Title")); i >= 0 {
			end := min(i+512, len(src))
			if n := numberRE.Find(src[i:end]); n != nil {
				return string(n)
			}
		}
	}
	return ""
}
