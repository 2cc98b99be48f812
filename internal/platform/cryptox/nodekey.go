package cryptox

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/digigov/digigov/internal/platform/errs"
)

// maxNodeKeyFile bounds how much of a key file is read: 64 hex characters
// and a line ending, with room to spare.
const maxNodeKeyFile = 1024

// LoadOrCreateNodeKey returns the node key stored at path as 64 hex
// characters, optionally followed by a newline ("\n" or "\r\n").
//
// If path does not exist it generates a key with crypto/rand and writes it
// there with mode 0600, creating missing parent directories with mode 0700.
// The file appears complete or not at all (it is written beside path and
// hard-linked into place, which also refuses to replace a key another
// process created meanwhile; that key is then loaded instead).
//
// If path exists but does not hold a well-formed key, LoadOrCreateNodeKey
// fails and leaves it alone: replacing a key would make every field
// encrypted under it unreadable. Errors are errs.Internal and never contain
// key material.
func LoadOrCreateNodeKey(path string) (key []byte, err error) {
	defer errs.Wrap(&err, "cryptox.LoadOrCreateNodeKey(%q)", path)
	key, err = readNodeKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := createNodeKey(path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	return readNodeKey(path)
}

// readNodeKey reads and decodes the key file. A missing file is reported
// with an error that matches fs.ErrNotExist.
func readNodeKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, &errs.Error{Code: errs.Internal, Msg: "cannot read the node key", Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxNodeKeyFile+1))
	if err != nil {
		return nil, &errs.Error{Code: errs.Internal, Msg: "cannot read the node key", Err: err}
	}
	text := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	key, err := hex.DecodeString(text)
	if len(data) > maxNodeKeyFile || err != nil || len(key) != NodeKeySize {
		// Say what is wrong, never what the file holds.
		return nil, errs.Errorf(errs.Internal,
			"malformed node key file (%d bytes): want %d hex characters and an optional newline; "+
				"restore the key from backup, do not delete it unless no data was encrypted under it",
			len(data), 2*NodeKeySize)
	}
	return key, nil
}

// createNodeKey writes a fresh key to path. It returns an error matching
// fs.ErrExist if path appeared meanwhile.
func createNodeKey(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &errs.Error{Code: errs.Internal, Msg: "cannot create the node key directory", Err: err}
	}
	key := make([]byte, NodeKeySize)
	rand.Read(key) // never fails (crypto/rand, Go 1.24+)

	tmp, err := os.CreateTemp(dir, ".nodekey-*.tmp") // mode 0600
	if err != nil {
		return &errs.Error{Code: errs.Internal, Msg: "cannot create the node key", Err: err}
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &errs.Error{Code: errs.Internal, Msg: "cannot write the node key", Err: err}
	}
	// Link, unlike Rename, fails if path exists: a key is never replaced.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return &errs.Error{Code: errs.Internal, Msg: "cannot install the node key", Err: err}
	}
	syncDir(dir)
	return nil
}

// syncDir makes the new directory entry durable where the platform allows;
// failure only weakens durability after a crash, so it is ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
