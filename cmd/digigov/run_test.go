package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestServeEndToEnd starts the real program on port 0 with a temporary data
// directory, waits for /healthz, signs in a demo account over HTTP, and
// stops it by cancelling its context (as SIGTERM does).
func TestServeEndToEnd(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"DIGIGOV_DATA": dir, "DIGIGOV_LOG_LEVEL": "warn"}
			if e.Name == "postgres" {
				env["DIGIGOV_DB"] = storetest.DSN(t, e)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"digigov", "serve", "--demo", "--addr", "127.0.0.1:0"}, getenv(env), strings.NewReader(""), pw, io.Discard)
				pw.Close()
			}()
			lines := bufio.NewScanner(pr)
			var out bytes.Buffer
			url := ""
			re := regexp.MustCompile(`listening on (http://\S+)`)
			for url == "" && lines.Scan() {
				out.WriteString(lines.Text() + "\n")
				if m := re.FindStringSubmatch(lines.Text()); m != nil {
					url = m[1]
				}
			}
			if url == "" {
				t.Fatalf("no listening line; output:\n%s", out.String())
			}
			go io.Copy(&out, pr) // keep draining: demo accounts follow

			waitHealthy(t, url)
			resp, err := http.Get(url + "/readyz")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("readyz: %v %v", resp, err)
			}
			resp.Body.Close()
			resp, err = http.Get(url + "/login")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("login page: %v %v", resp, err)
			}
			resp.Body.Close()

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve returned %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not stop after its context was cancelled")
			}
			if !strings.Contains(out.String(), "officer") || !strings.Contains(out.String(), "digigov2026") {
				t.Errorf("demo accounts not printed:\n%s", out.String())
			}
			if e.Name == "sqlite" {
				if _, err := os.Stat(filepath.Join(dir, "digigov.db")); err != nil {
					t.Errorf("no database in the data directory: %v", err)
				}
			}
		})
	}
}

func waitHealthy(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s/healthz did not answer", url)
}

func getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// digigov runs one command against a data directory and returns its output.
func digigov(t *testing.T, dir, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"digigov"}, args...), getenv(map[string]string{"DIGIGOV_DATA": dir, "DIGIGOV_LOG_LEVEL": "error"}),
		strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

// TestAdministrationCommands drives the administration commands a node's
// operator uses, on one data directory, in the order they would.
func TestAdministrationCommands(t *testing.T) {
	dir := t.TempDir()
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, err := digigov(t, dir, stdin, args...)
		if err != nil {
			t.Fatalf("digigov %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	if out := must("", "version"); !strings.HasPrefix(out, "digigov ") {
		t.Errorf("version: %q", out)
	}
	if out := must("", "migrate"); !regexp.MustCompile(`database at schema version [1-9][0-9]*\n`).MatchString(out) {
		t.Errorf("migrate: %q", out)
	}
	// Demo data gives us organisations to add staff to.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := &waitWriter{want: "listening on", seen: make(chan struct{})}
	go func() {
		done <- run(ctx, []string{"digigov", "serve", "--demo", "--addr", "127.0.0.1:0"},
			getenv(map[string]string{"DIGIGOV_DATA": dir, "DIGIGOV_LOG_LEVEL": "error"}), strings.NewReader(""), ready, io.Discard)
	}()
	select {
	case <-ready.seen:
	case err := <-done:
		t.Fatalf("serve ended early: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	uscc := demoUSCC(t, dir, "广州市人力资源和社会保障局")

	out := must("abc12345\n", "user add", "--username", "newofficer", "--name", "新同事", "--org", uscc, "--role", "case_officer", "--scope", "440106")
	if !strings.Contains(out, "added newofficer") {
		t.Errorf("user add: %q", out)
	}
	if out, err := digigov(t, dir, "abc12345\n", "user", "add", "--username", "x1", "--name", "某某", "--org", uscc, "--role", "emperor", "--scope", "44"); err == nil {
		t.Errorf("user add with an unknown role succeeded: %s", out)
	}
	if tok := must("", "user", "token", "--username", "newofficer"); !strings.HasPrefix(tok, "dg_") {
		t.Errorf("token: %q", tok)
	}
	out = must("", "regions", "import", "--from", "../../internal/region/testdata/division", "--province", "45")
	if !strings.Contains(out, "imported") {
		t.Errorf("regions import: %q", out)
	}
	if out, err := digigov(t, dir, "", "regions", "import", "--from", filepath.Join(dir, "nowhere"), "--province", "45"); err == nil {
		t.Errorf("import from a missing directory succeeded: %s", out)
	}
	if out := must("", "audit", "verify"); !strings.Contains(out, "audit chain intact") {
		t.Errorf("audit verify: %q", out)
	}
	backupFile := filepath.Join(t.TempDir(), "copy.db")
	if out := must("", "backup", "--to", backupFile); !strings.Contains(out, "backed up") {
		t.Errorf("backup: %q", out)
	}
	if fi, err := os.Stat(backupFile); err != nil || fi.Size() == 0 {
		t.Errorf("backup file: %v", err)
	}
	if _, err := digigov(t, dir, "", "backup", "--to", backupFile); err == nil {
		t.Errorf("backup over an existing file succeeded")
	}

	// Someone edits an audit record behind the platform's back.
	d, err := db.Open(context.Background(), filepath.Join(dir, "digigov.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(context.Background(), `UPDATE audit_log SET detail = '{}' WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	d.Close()
	out, err = digigov(t, dir, "", "audit", "verify")
	if err == nil || !strings.Contains(err.Error(), "broken at entry 4") {
		t.Errorf("audit verify after tampering: err %v, out %q", err, out)
	}
	if out, err := digigov(t, dir, "", "backup", "--to", filepath.Join(t.TempDir(), "x"), "--db", "postgres://u:p@127.0.0.1:1/x"); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup of a PostgreSQL node should point to pg_dump: %v %s", err, out)
	}
	if _, err := digigov(t, dir, "", "frobnicate"); err == nil {
		t.Errorf("unknown command succeeded")
	}
}

// waitWriter closes seen once the text written to it contains want.
type waitWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *waitWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

func demoUSCC(t *testing.T, dir, name string) string {
	t.Helper()
	d, err := db.Open(context.Background(), filepath.Join(dir, "digigov.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var u string
	if err := d.QueryRow(context.Background(), `SELECT uscc FROM organizations WHERE name = ?`, name).Scan(&u); err != nil {
		t.Fatalf("organisation %s: %v", name, err)
	}
	return u
}
