package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/identity"
)

// TestKillMidLoadLosesNoAcknowledgedSubmission starts the real binary,
// submits cases from several clients, kills the process with SIGKILL in the
// middle of the load, starts it again on the same data, and checks that
// every submission that was answered 201 is there.
func TestKillMidLoadLosesNoAcknowledgedSubmission(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test: skipped in -short mode")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "digigov")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	url, stop := startBinary(t, bin, data, "--demo")
	tokOut, err := exec.Command(bin, "user", "token", "--data", data, "--username", "citizen", "--log-level", "error").Output()
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(tokOut))
	idn := identity.MakeIDNumber("440106", time.Date(1990, 5, 12, 0, 0, 0, 0, time.UTC), 31).Clear()
	body := fmt.Sprintf(`{"item_code":"HRSS-0011","decide_in":"440106","form":{"applicant_name":"张明","id_number":"%s","period_start":"2025-01-01","period_end":"2025-12-31"}}`, idn)

	var mu sync.Mutex
	var acked []string
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/cases", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				var c struct{ ID string }
				json.NewDecoder(resp.Body).Decode(&c)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated && c.ID != "" {
					mu.Lock()
					acked = append(acked, c.ID)
					mu.Unlock()
				}
			}
		}()
	}
	// Let the load run, then kill the server without warning.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop(syscall.SIGKILL)
	cancel()
	wg.Wait()
	if len(acked) < 50 {
		t.Fatalf("only %d submissions acknowledged before the kill", len(acked))
	}

	url, stop = startBinary(t, bin, data)
	defer stop(syscall.SIGTERM)
	for _, id := range acked {
		req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/cases/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("acknowledged case %s: status %d after restart", id, resp.StatusCode)
		}
	}
	t.Logf("%d acknowledged submissions, all present after SIGKILL and restart", len(acked))
	verify, err := exec.Command(bin, "audit", "verify", "--data", data, "--log-level", "error").CombinedOutput()
	if err != nil {
		t.Errorf("audit chain after the kill: %v\n%s", err, verify)
	}
}

// startBinary runs `digigov serve` on a free port and returns its URL and a
// function that sends it a signal and waits for it to end.
func startBinary(t *testing.T, bin, data string, extra ...string) (string, func(os.Signal)) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--log-level", "error"}, extra...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	re := regexp.MustCompile(`listening on (http://\S+)`)
	url := ""
	for url == "" && sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		cmd.Process.Kill()
		t.Fatal("the server printed no address")
	}
	go func() {
		for sc.Scan() {
		}
	}()
	waitHealthy(t, url)
	stopped := false
	return url, func(sig os.Signal) {
		if stopped {
			return
		}
		stopped = true
		cmd.Process.Signal(sig)
		cmd.Wait()
	}
}
