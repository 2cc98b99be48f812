// Command fontgz takes font number 0 out of a TrueType collection (as
// sealdoc.ExtractTTC does at run time), checks that gopdf can use it, and
// writes it gzip-compressed. Used by scripts/font.sh.
//
//	go run ./scripts/fontgz wqy-microhei.ttc internal/sealdoc/font/wqy-microhei.ttf.gz
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"os"

	"github.com/signintech/gopdf"

	"github.com/digigov/digigov/internal/sealdoc"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: fontgz in.ttc out.ttf.gz")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "fontgz:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	ttf, err := sealdoc.ExtractTTC(raw, 0)
	if err != nil {
		return err
	}
	if err := (&gopdf.FontContainer{}).AddTTFFontData("check", ttf); err != nil {
		return fmt.Errorf("gopdf cannot use the font: %w", err)
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(ttf)
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%x  ttf (%d bytes)\n%x  %s (%d bytes)\n", sha256.Sum256(ttf), len(ttf), sha256.Sum256(b.Bytes()), out, b.Len())
	return nil
}
