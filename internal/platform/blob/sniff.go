package blob

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"slices"
	"strings"
)

// sniffLen is how many leading bytes Sniff looks at; more are ignored.
const sniffLen = 512

// Sniff names the type of a file from its first bytes (up to 512 are used).
// It is net/http.DetectContentType with two changes:
//
//   - parameters are dropped except for text types, so a PDF is
//     "application/pdf" while a text file stays "text/plain; charset=utf-8";
//   - a ZIP whose first entry is named "OFD.xml" is "application/ofd". OFD
//     (GB/T 33190) is a ZIP package whose entry point is OFD.xml at its
//     root, and OFD writers put it first. An OFD that lists it later is
//     reported as "application/zip", and any ZIP can claim to be an OFD by
//     naming its first entry so: the check reads only the first local file
//     header, not the archive.
func Sniff(head []byte) string {
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	ct := http.DetectContentType(head)
	if !strings.HasPrefix(ct, "text/") {
		ct = mediaType(ct)
	}
	if ct == "application/zip" && firstZipEntry(head) == "OFD.xml" {
		return "application/ofd"
	}
	return ct
}

// mediaType drops the parameters of a content type: "text/plain;
// charset=utf-8" → "text/plain".
func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(mt)
}

// allows reports whether a sniffed type is in the allowed list (nil allows
// anything). Parameters are ignored, so "text/plain" allows
// "text/plain; charset=utf-8".
func allows(allowed []string, ct string) bool {
	return allowed == nil || slices.Contains(allowed, mediaType(ct))
}

// firstZipEntry returns the file name in the ZIP local file header at the
// start of b, or "" if b does not start with a complete one. The header is
// 30 fixed bytes (signature "PK\x03\x04", name length at offset 26) followed
// by the name.
func firstZipEntry(b []byte) string {
	const fixed = 30
	if len(b) < fixed || !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return ""
	}
	n := int(binary.LittleEndian.Uint16(b[26:28]))
	if len(b) < fixed+n {
		return ""
	}
	return string(b[fixed : fixed+n])
}
