package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
)

// staleTemp is how old a file in root/tmp must be before NewDir removes it
// as the leftover of a crash. A Put in progress writes its temporary file
// continuously, so its modification time is always recent.
const staleTemp = 24 * time.Hour

// Dir is a Store in a local directory. It keeps no state in memory, so
// several processes may share one root.
type Dir struct {
	root string
	tmp  string
}

var _ Store = (*Dir)(nil)

// NewDir opens the blob directory at root, creating it (mode 0700) and its
// tmp subdirectory if needed, and removes temporary files left by a crash
// more than a day ago.
func NewDir(root string) (_ *Dir, err error) {
	defer errs.Wrap(&err, "blob.NewDir(%q)", root)
	root, err = filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	d := &Dir{root: root, tmp: filepath.Join(root, "tmp")}
	if err := os.MkdirAll(d.tmp, 0o700); err != nil {
		return nil, err
	}
	if err := d.removeStale(time.Now().Add(-staleTemp)); err != nil {
		return nil, err
	}
	return d, nil
}

// removeStale deletes the temporary files last written before cutoff.
func (d *Dir) removeStale(cutoff time.Time) error {
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		return err
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || fi.IsDir() || fi.ModTime().After(cutoff) {
			continue // vanished meanwhile, not ours, or possibly in use
		}
		if err := os.Remove(filepath.Join(d.tmp, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// path returns the final file name of a blob: root/ab/cd/abcd….
func (d *Dir) path(sum string) string {
	return filepath.Join(d.root, sum[0:2], sum[2:4], sum)
}

// Put implements Store. It writes r to a temporary file through a reader
// limited to limit+1 bytes, so memory use does not depend on r's size, and
// renames the file into place only once it is complete and synced.
func (d *Dir) Put(ctx context.Context, r io.Reader, limit int64, allowed []string) (_ Info, err error) {
	defer errs.Wrap(&err, "blob.Dir.Put")
	if limit < 0 {
		return Info{}, fmt.Errorf("negative limit %d", limit)
	}
	// Reading one byte past the limit is how we tell "exactly limit" from
	// "more"; guard the addition against overflow.
	readMax := limit
	if readMax < math.MaxInt64 {
		readMax++
	}
	r = io.LimitReader(ctxReader{ctx, r}, readMax)

	// Sniff before writing anything, so a forbidden file costs no disk.
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return Info{}, err
	}
	head = head[:n]
	// A head already over the limit (limit < 512) would sniff as a cut-off
	// file; say what is wrong with it instead.
	if int64(n) > limit {
		return Info{}, errTooLarge(limit)
	}
	ct := Sniff(head)
	if !allows(allowed, ct) {
		return Info{}, &errs.Error{Code: errs.Invalid, Msg: msgTypeForbidden, Err: fmt.Errorf("type %s", ct)}
	}

	tmp, info, err := d.writeTemp(head, r, limit)
	if err != nil {
		return Info{}, err
	}
	info.ContentType = ct
	if info.Created, err = d.commit(tmp, d.path(info.SHA256)); err != nil {
		os.Remove(tmp)
		return Info{}, err
	}
	return info, nil
}

// writeTemp writes head and then the rest of r to a new file in root/tmp,
// hashing as it goes, and syncs it. It returns the file's name and the
// blob's hash and size, or removes the file and returns TooLarge if head and
// r together hold more than limit bytes.
func (d *Dir) writeTemp(head []byte, r io.Reader, limit int64) (_ string, _ Info, err error) {
	f, err := os.CreateTemp(d.tmp, "put-*")
	if err != nil {
		return "", Info{}, err
	}
	defer func() {
		if err != nil {
			f.Close() // may already be closed; that error is of no interest
			os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	w := io.MultiWriter(f, h)
	if _, err := w.Write(head); err != nil {
		return "", Info{}, err
	}
	rest, err := io.Copy(w, r)
	if err != nil {
		return "", Info{}, err
	}
	size := int64(len(head)) + rest
	if size > limit {
		return "", Info{}, errTooLarge(limit)
	}
	// Sync before the caller renames: otherwise a crash could leave the
	// final name pointing at a file whose data never reached the disk.
	if err := f.Sync(); err != nil {
		return "", Info{}, err
	}
	if err := f.Close(); err != nil {
		return "", Info{}, err
	}
	return f.Name(), Info{SHA256: hex.EncodeToString(h.Sum(nil)), Size: size}, nil
}

// commit moves a complete temporary file to its final name, or removes it
// if the blob is already there (failing to remove it then is no error: the
// blob is stored, and NewDir sweeps the leftover later). Two Puts of the same bytes may both find the
// name free and both rename; rename replaces atomically and the contents are
// equal, so either way the final file is whole. It reports whether the
// blob was new (both of two such Puts may say so).
func (d *Dir) commit(tmp, final string) (bool, error) {
	if _, err := os.Stat(final); err == nil {
		os.Remove(tmp)
		return false, nil
	}
	dir := filepath.Dir(final)
	if err := d.mkdirs(dir); err != nil {
		return false, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return false, err
	}
	// The rename is durable only once its directory is synced.
	return true, syncDir(dir)
}

// mkdirs creates the two fan-out levels of dir as needed, syncing the parent
// of each directory it creates so the new entry survives a crash.
func (d *Dir) mkdirs(dir string) error {
	for _, p := range []string{filepath.Dir(dir), dir} {
		err := os.Mkdir(p, 0o700)
		switch {
		case err == nil:
			if err := syncDir(filepath.Dir(p)); err != nil {
				return err
			}
		case !errors.Is(err, fs.ErrExist):
			return err
		}
	}
	return nil
}

// syncDir flushes a directory's entries to disk. Windows cannot sync a
// directory and does not need to.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Open implements Store. The Info's type is sniffed again from the stored
// bytes, so Dir needs no metadata beside the blobs.
func (d *Dir) Open(ctx context.Context, sum string) (_ io.ReadCloser, _ Info, err error) {
	defer errs.Wrap(&err, "blob.Dir.Open(%q)", sum)
	if err := ctx.Err(); err != nil {
		return nil, Info{}, err
	}
	if err := checkHash(sum); err != nil {
		return nil, Info{}, err
	}
	f, err := os.Open(d.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Info{}, &errs.Error{Code: errs.NotFound, Msg: msgNotFound, Err: err}
	}
	if err != nil {
		return nil, Info{}, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Info{}, err
	}
	head := make([]byte, sniffLen)
	n, err := f.ReadAt(head, 0) // ReadAt leaves the offset at 0 for the caller
	if err != nil && err != io.EOF {
		f.Close()
		return nil, Info{}, err
	}
	return f, Info{SHA256: sum, Size: fi.Size(), ContentType: Sniff(head[:n])}, nil
}

// Exists implements Store.
func (d *Dir) Exists(ctx context.Context, sum string) (_ bool, err error) {
	defer errs.Wrap(&err, "blob.Dir.Exists(%q)", sum)
	if err := checkHash(sum); err != nil {
		return false, err
	}
	_, err = os.Stat(d.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Delete implements Store. It leaves the fan-out directories in place: a
// concurrent Put may be about to rename a file into them.
func (d *Dir) Delete(ctx context.Context, sum string) (err error) {
	defer errs.Wrap(&err, "blob.Dir.Delete(%q)", sum)
	if err := checkHash(sum); err != nil {
		return err
	}
	err = os.Remove(d.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func errTooLarge(limit int64) error {
	return &errs.Error{Code: errs.TooLarge, Msg: msgTooLarge, Err: fmt.Errorf("more than %d bytes", limit)}
}

// ctxReader stops reading once ctx is done, so a cancelled request does not
// keep an upload going.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
