package cryptox

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/digigov/digigov/internal/platform/errs"
)

func TestLoadOrCreateNodeKeyCreatesThenReloads(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "keys")
	path := filepath.Join(dir, "node.key")

	key, err := LoadOrCreateNodeKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != NodeKeySize || bytes.Equal(key, make([]byte, NodeKeySize)) {
		t.Fatalf("created key %x", key)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700, filepath.Dir(dir): 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", p, got, want)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 2*NodeKeySize+1 || data[len(data)-1] != '\n' {
		t.Errorf("key file holds %d bytes, want 64 hex characters and a newline", len(data))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the key (temporary file left behind?)", len(entries))
	}

	again, err := LoadOrCreateNodeKey(path)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("reload = %x, %v; want %x", again, err, key)
	}
	if _, err := NewKeyring(key); err != nil {
		t.Fatal(err)
	}
}

func TestLoadOrCreateNodeKeyAcceptedForms(t *testing.T) {
	want := bytes.Repeat([]byte{0xab}, NodeKeySize)
	hexKey := strings.Repeat("ab", NodeKeySize)
	for name, content := range map[string]string{
		"no newline": hexKey,
		"newline":    hexKey + "\n",
		"CRLF":       hexKey + "\r\n",
		"upper case": strings.ToUpper(hexKey) + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "node.key")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := LoadOrCreateNodeKey(path)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("got %x, %v", got, err)
			}
		})
	}
}

func TestLoadOrCreateNodeKeyMalformed(t *testing.T) {
	hexKey := strings.Repeat("ab", NodeKeySize)
	for name, content := range map[string]string{
		"empty":           "",
		"short":           hexKey[:62],
		"long":            hexKey + "ab",
		"not hex":         strings.Repeat("zz", NodeKeySize),
		"two newlines":    hexKey + "\n\n",
		"leading space":   " " + hexKey,
		"raw bytes":       strings.Repeat("\xab", NodeKeySize),
		"huge":            strings.Repeat(hexKey, 100),
		"base64 not hex":  "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=",
		"trailing spaces": hexKey + "  \n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "node.key")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			key, err := LoadOrCreateNodeKey(path)
			if key != nil || !errs.Is(err, errs.Internal) {
				t.Fatalf("got %x, %v; want an Internal error", key, err)
			}
			if len(content) >= 8 && strings.Contains(err.Error(), content[:8]) {
				t.Errorf("error %q shows the file's content", err)
			}
			after, _ := os.ReadFile(path)
			if string(after) != content {
				t.Error("the malformed key file was changed")
			}
		})
	}
}

func TestLoadOrCreateNodeKeyUnreadable(t *testing.T) {
	// A directory where the key should be: not "missing", so no new key.
	path := t.TempDir()
	if _, err := LoadOrCreateNodeKey(path); !errs.Is(err, errs.Internal) {
		t.Fatalf("error = %v, want an Internal error", err)
	}
}

func TestLoadOrCreateNodeKeyConcurrentCreation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.key")
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := LoadOrCreateNodeKey(path)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for i := range keys {
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("callers got different keys: %x and %x", keys[0], keys[i])
		}
	}
}
