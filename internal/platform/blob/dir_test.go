package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
)

func newDir(t testing.TB) *Dir {
	t.Helper()
	d, err := NewDir(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// readAll opens a blob and returns its bytes and Info.
func readAll(t testing.TB, d *Dir, sum string) ([]byte, Info) {
	t.Helper()
	rc, info, err := d.Open(context.Background(), sum)
	if err != nil {
		t.Fatalf("Open(%s): %v", sum, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b, info
}

// stored lists the blob files under d's root, tmp excluded.
func stored(t testing.TB, d *Dir) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && p == d.tmp {
			return filepath.SkipDir
		}
		if !e.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// checkTmpEmpty fails if a Put left a temporary file behind.
func checkTmpEmpty(t testing.TB, d *Dir) {
	t.Helper()
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("tmp holds %d files, want none", len(entries))
	}
}

// checkErr fails unless err carries code and message key.
func checkErr(t testing.TB, err error, code errs.Code, msg string) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Code != code || e.Msg != msg {
		t.Errorf("err = %v, want %s %q", err, code, msg)
	}
}

func TestNewDirCreatesRootPrivate(t *testing.T) {
	root := filepath.Join(t.TempDir(), "a", "blobs")
	if _, err := NewDir(root); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{root, filepath.Join(root, "tmp")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o700 {
			t.Errorf("%s mode %v, want 0700", p, perm)
		}
	}
}

func TestNewDirSweepsStaleTemp(t *testing.T) {
	d := newDir(t)
	stale, fresh := filepath.Join(d.tmp, "put-stale"), filepath.Join(d.tmp, "put-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := NewDir(d.root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temp file still there (err %v)", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temp file removed: %v", err)
	}
}

func TestPutOpenRoundTrip(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", pdfBytes(), "application/pdf"},
		{"png", pngBytes(t), "image/png"},
		{"jpeg", jpegBytes(t), "image/jpeg"},
		{"ofd", zipBytes(t, "OFD.xml", "Doc_0/Document.xml"), "application/ofd"},
		{"pdf larger than the sniffed head", append(pdfBytes(), bytes.Repeat([]byte("x"), 100_000)...), "application/pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDir(t)
			info, err := d.Put(ctx, bytes.NewReader(tt.data), int64(len(tt.data)), Documents)
			if err != nil {
				t.Fatal(err)
			}
			want := Info{SHA256: hashOf(tt.data), Size: int64(len(tt.data)), ContentType: tt.want}
			if !info.Created {
				t.Error("the first Put of new bytes does not say it created the blob")
			}
			if again, err := d.Put(ctx, bytes.NewReader(tt.data), int64(len(tt.data)), Documents); err != nil || again.Created {
				t.Errorf("Put of stored bytes = %+v, %v; want Created false", again, err)
			}
			info.Created = false
			if info != want {
				t.Errorf("Put = %+v, want %+v", info, want)
			}
			got, openInfo := readAll(t, d, info.SHA256)
			if !bytes.Equal(got, tt.data) {
				t.Error("Open returned other bytes")
			}
			if openInfo != want {
				t.Errorf("Open info = %+v, want %+v", openInfo, want)
			}
			s := info.SHA256
			if files := stored(t, d); len(files) != 1 || files[0] != filepath.Join(d.root, s[:2], s[2:4], s) {
				t.Errorf("stored files = %q", files)
			}
			if ok, err := d.Exists(ctx, s); !ok || err != nil {
				t.Errorf("Exists = %v, %v; want true", ok, err)
			}
			checkTmpEmpty(t, d)
		})
	}
}

func TestPutSameContentStoredOnce(t *testing.T) {
	ctx := context.Background()
	d := newDir(t)
	data := pdfBytes()
	first, err := d.Put(ctx, bytes.NewReader(data), 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := d.Put(ctx, bytes.NewReader(data), 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || second.Created {
		t.Errorf("Created: first %v, second %v; want true, false", first.Created, second.Created)
	}
	first.Created = false
	if first != second {
		t.Errorf("second Put = %+v, want %+v", second, first)
	}
	if files := stored(t, d); len(files) != 1 {
		t.Errorf("stored %d files, want 1", len(files))
	}
	checkTmpEmpty(t, d)
}

func TestPutLimit(t *testing.T) {
	ctx := context.Background()
	data := append(pdfBytes(), bytes.Repeat([]byte("x"), 2000)...)
	n := int64(len(data))
	tests := []struct {
		name  string
		limit int64
		ok    bool
	}{
		{"exactly the limit", n, true},
		{"one byte over", n - 1, false},
		{"far over", 10, false},
		{"zero", 0, false},
		{"max int64", math.MaxInt64, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDir(t)
			src := &countingReader{r: bytes.NewReader(data)}
			_, err := d.Put(ctx, src, tt.limit, Documents)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			checkErr(t, err, errs.TooLarge, "blob.too_large")
			if src.n > tt.limit+1 {
				t.Errorf("read %d bytes, want at most limit+1 = %d", src.n, tt.limit+1)
			}
			if files := stored(t, d); len(files) != 0 {
				t.Errorf("stored %q, want nothing", files)
			}
			checkTmpEmpty(t, d)
		})
	}
}

func TestPutEmpty(t *testing.T) {
	d := newDir(t)
	info, err := d.Put(context.Background(), strings.NewReader(""), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 0 || info.SHA256 != hashOf(nil) {
		t.Errorf("Put = %+v", info)
	}
	if got, _ := readAll(t, d, info.SHA256); len(got) != 0 {
		t.Errorf("Open returned %d bytes", len(got))
	}
}

func TestPutNegativeLimit(t *testing.T) {
	d := newDir(t)
	_, err := d.Put(context.Background(), strings.NewReader("x"), -1, nil)
	if !errs.Is(err, errs.Internal) {
		t.Errorf("err = %v, want Internal", err)
	}
}

func TestPutForbiddenType(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"html", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")},
		{"exe", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 600)...)},
		{"plain zip", zipBytes(t, "evil.exe")},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDir(t)
			_, err := d.Put(context.Background(), bytes.NewReader(tt.data), 1<<20, Documents)
			checkErr(t, err, errs.Invalid, "blob.type_forbidden")
			if files := stored(t, d); len(files) != 0 {
				t.Errorf("stored %q, want nothing", files)
			}
			checkTmpEmpty(t, d)
		})
	}
}

func TestPutCancelled(t *testing.T) {
	d := newDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := d.Put(ctx, bytes.NewReader(pdfBytes()), 1<<20, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	checkTmpEmpty(t, d)
}

func TestPutReadError(t *testing.T) {
	d := newDir(t)
	boom := errors.New("connection reset")
	r := io.MultiReader(bytes.NewReader(append(pdfBytes(), make([]byte, 1000)...)), errReader{boom})
	_, err := d.Put(context.Background(), r, 1<<20, nil)
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
	if files := stored(t, d); len(files) != 0 {
		t.Errorf("stored %q, want nothing", files)
	}
	checkTmpEmpty(t, d)
}

func TestBadHash(t *testing.T) {
	ctx := context.Background()
	d := newDir(t)
	good := hashOf([]byte("x"))
	for _, sum := range []string{
		"",
		"../../../../etc/passwd",
		strings.ToUpper(good),
		good[:63],
		good + "0",
		"../" + good[3:],
		good[:62] + "/.",
		good[:63] + "\x00",
		strings.Repeat("g", 64),
	} {
		if _, _, err := d.Open(ctx, sum); !errs.Is(err, errs.Invalid) {
			t.Errorf("Open(%q) err = %v, want Invalid", sum, err)
		}
		if _, err := d.Exists(ctx, sum); !errs.Is(err, errs.Invalid) {
			t.Errorf("Exists(%q) err = %v, want Invalid", sum, err)
		}
		if err := d.Delete(ctx, sum); !errs.Is(err, errs.Invalid) {
			t.Errorf("Delete(%q) err = %v, want Invalid", sum, err)
		}
	}
}

func TestMissing(t *testing.T) {
	ctx := context.Background()
	d := newDir(t)
	sum := hashOf([]byte("never stored"))
	_, _, err := d.Open(ctx, sum)
	checkErr(t, err, errs.NotFound, "blob.not_found")
	if ok, err := d.Exists(ctx, sum); ok || err != nil {
		t.Errorf("Exists = %v, %v; want false, nil", ok, err)
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	d := newDir(t)
	info, err := d.Put(ctx, bytes.NewReader(pdfBytes()), 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // idempotent
		if err := d.Delete(ctx, info.SHA256); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = d.Open(ctx, info.SHA256)
	checkErr(t, err, errs.NotFound, "blob.not_found")
	// Stored again after a delete.
	if _, err := d.Put(ctx, bytes.NewReader(pdfBytes()), 1<<20, nil); err != nil {
		t.Fatal(err)
	}
	if ok, _ := d.Exists(ctx, info.SHA256); !ok {
		t.Error("blob missing after Put following Delete")
	}
}

func TestConcurrentPutSameContent(t *testing.T) {
	ctx := context.Background()
	d := newDir(t)
	data := append(pngBytes(t), bytes.Repeat([]byte{0}, 256<<10)...)
	const n = 8
	var (
		wg    sync.WaitGroup
		infos [n]Info
		errsN [n]error
	)
	for i := range n {
		wg.Go(func() {
			infos[i], errsN[i] = d.Put(ctx, bytes.NewReader(data), 1<<20, Documents)
		})
	}
	wg.Wait()
	want := Info{SHA256: hashOf(data), Size: int64(len(data)), ContentType: "image/png"}
	for i := range n {
		infos[i].Created = false // one or several may have created it
		if errsN[i] != nil || infos[i] != want {
			t.Errorf("Put %d = %+v, %v; want %+v", i, infos[i], errsN[i], want)
		}
	}
	if files := stored(t, d); len(files) != 1 {
		t.Errorf("stored %d files, want 1", len(files))
	}
	checkTmpEmpty(t, d)
	if got, _ := readAll(t, d, want.SHA256); !bytes.Equal(got, data) {
		t.Error("Open returned other bytes")
	}
}

func FuzzPut(f *testing.F) {
	f.Add([]byte{}, uint16(0))
	f.Add(pdfBytes(), uint16(10))
	f.Add(pdfBytes(), uint16(1000))
	f.Add(pngBytes(f), uint16(1000))
	f.Add(zipBytes(f, "OFD.xml"), uint16(600))
	f.Add([]byte("PK\x03\x04"), uint16(4))
	d := newDir(f)
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		ctx := context.Background()
		info, err := d.Put(ctx, bytes.NewReader(data), int64(limit), nil)
		if len(data) > int(limit) {
			if !errs.Is(err, errs.TooLarge) {
				t.Fatalf("%d bytes, limit %d: err = %v, want TooLarge", len(data), limit, err)
			}
			checkTmpEmpty(t, d)
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		want := Info{SHA256: hashOf(data), Size: int64(len(data)), ContentType: Sniff(data)}
		info.Created = false // the directory is shared between inputs
		if info != want {
			t.Fatalf("Put = %+v, want %+v", info, want)
		}
		got, openInfo := readAll(t, d, info.SHA256)
		if !bytes.Equal(got, data) {
			t.Fatal("Open returned other bytes")
		}
		if openInfo != want {
			t.Fatalf("Open info = %+v, want %+v", openInfo, want)
		}
	})
}

func BenchmarkPut1MB(b *testing.B) {
	ctx := context.Background()
	d := newDir(b)
	data := make([]byte, 1<<20)
	copy(data, pdfBytes())
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 64; i < len(data); i++ {
		data[i] = byte(rng.Uint32())
	}
	b.SetBytes(int64(len(data)))
	var i uint64
	for b.Loop() {
		// Different bytes every time, so each Put writes a new blob rather
		// than finding it stored.
		i++
		for j := range 8 {
			data[16+j] = byte(i >> (8 * j))
		}
		if _, err := d.Put(ctx, bytes.NewReader(data), int64(len(data)), Documents); err != nil {
			b.Fatal(err)
		}
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
