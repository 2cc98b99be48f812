package region

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"sync"
)

// regionsGz is the generated data: gzip of "code\tname\n" lines sorted by
// code. See data/README.md for its source and how to regenerate it.
//
//go:embed data/regions.tsv.gz
var regionsGz []byte

var embedded = sync.OnceValue(func() *Tree {
	t, err := parseTSV(regionsGz)
	if err != nil {
		panic("region: embedded data is corrupt: " + err.Error())
	}
	return t
})

// Embedded returns the tree compiled into the binary: all provinces, cities
// and counties of China and the towns and villages of 广东. It is parsed on
// first use and shared afterwards. It panics only if the embedded file is
// corrupt, which the package tests rule out.
func Embedded() *Tree { return embedded() }

// parseTSV decompresses gz into one string and slices every code and name
// out of it, so the whole tree's text costs a single allocation.
func parseTSV(gz []byte) (*Tree, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if len(gz) >= 4 { // the gzip trailer ends with the uncompressed size
		b.Grow(min(int(binary.LittleEndian.Uint32(gz[len(gz)-4:])), 64<<20))
	}
	if _, err := io.Copy(&b, zr); err != nil {
		return nil, err
	}
	rest := b.String()
	rows := make([]Row, 0, strings.Count(rest, "\n"))
	for n := 1; rest != ""; n++ {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		code, name, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: no tab", n)
		}
		rows = append(rows, Row{Code: code, Name: name})
	}
	return NewTree(rows)
}
