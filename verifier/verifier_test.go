package verifier_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/store/storetest"
	"github.com/digigov/digigov/verifier"
)

// saved is what a verifier keeps from a node to work offline: its JWKS, a
// licence, a 亮证 token and the licence's status lists (before and after
// the licence was revoked).
type saved struct {
	dir               string
	licence, token    string
	revURL, suspURL   string
	revList, suspList string
	revokedList       string
	trustList         string
}

func (s saved) path(name string) string { return filepath.Join(s.dir, name) }

// fromNode starts a real node, issues a 社会保障卡 to the demo citizen, has
// the citizen show it (亮证), saves the JWKS and both status lists, revokes
// the licence and saves the revocation list again. The node is closed
// when it returns: what the offline tests do cannot reach it.
func fromNode(t *testing.T) saved {
	s := saved{dir: t.TempDir()}
	var url string
	t.Run("node", func(t *testing.T) {
		n := apptest.Start(t, storetest.Engines(t)[0])
		url = n.URL
		api := func(method, path, user, body string, out any) string {
			t.Helper()
			req, _ := http.NewRequest(method, n.URL+path, strings.NewReader(body))
			if user != "" {
				req.Header.Set("Authorization", "Bearer "+n.Token(t, user))
			}
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode >= 300 {
				t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
			}
			if out != nil {
				if err := json.Unmarshal(b, out); err != nil {
					t.Fatalf("%s %s: %v", method, path, err)
				}
			}
			return string(b)
		}
		citizen := identity.MakeIDNumber("440106", time.Date(1990, 5, 12, 0, 0, 0, 0, time.UTC), 31).Clear()
		var l struct {
			ID, JWS    string
			StatusList string `json:"status_list"`
		}
		api(http.MethodPost, "/api/v1/licenses", "officer", `{"type":"social_security_card","holder":"`+citizen+
			`","fields":{"card_number":"D44010699887","issue_place":"广州市"}}`, &l)
		s.licence = l.JWS
		var p struct{ Code string }
		api(http.MethodPost, "/api/v1/licenses/"+l.ID+"/present", "citizen", "", &p)
		s.token = p.Code
		path := func(u string) string { return u[strings.Index(u, "/credentials/"):] }
		s.revURL = l.StatusList
		s.suspURL = strings.Replace(l.StatusList, "revocation", "suspension", 1)
		write(t, s.path("jwks.json"), api(http.MethodGet, "/.well-known/jwks.json", "", "", nil))
		s.trustList = api(http.MethodGet, "/.well-known/trust-list.jws", "", "", nil)
		s.revList = api(http.MethodGet, path(s.revURL), "", "", nil)
		s.suspList = api(http.MethodGet, path(s.suspURL), "", "", nil)
		api(http.MethodPost, "/api/v1/licenses/"+l.ID+"/revoke", "officer", `{"reason":"核实冒领"}`, nil)
		s.revokedList = api(http.MethodGet, path(s.revURL), "", "", nil)
		write(t, s.path("licence.jws"), s.licence)
		write(t, s.path("revocation.jws"), s.revList)
		write(t, s.path("suspension.jws"), s.suspList)
		write(t, s.path("revocation-new.jws"), s.revokedList)
	})
	if t.Failed() {
		t.FailNow()
	}
	// Closed: nothing answers at its address any more.
	if resp, err := http.Get(url + "/.well-known/jwks.json"); err == nil {
		resp.Body.Close()
		t.Fatalf("the node still answers: %d", resp.StatusCode)
	}
	return s
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestOfflineFromARealNode: a licence and a 亮证 token issued by a real node
// verify after the node is closed, from the saved JWKS and status lists;
// the revocation shows once the refreshed list is loaded; a list past its
// validUntil makes the status unknown (stale), never silently used; lists
// under the wrong URL, of the wrong purpose or not signed by a loaded key
// are refused; a tampered licence answers why.
func TestOfflineFromARealNode(t *testing.T) {
	s := fromNode(t)
	ctx := context.Background()
	now := time.Now()
	clock := func() time.Time { return now }
	v := verifier.New(verifier.WithClock(clock))
	if n, err := v.AddJWKSFile(s.path("jwks.json")); err != nil || n == 0 {
		t.Fatalf("JWKS: %d keys, %v", n, err)
	}
	// Without the status lists: genuine, but the status cannot be had.
	if r := v.Verify(ctx, s.licence); !r.Genuine || r.Verdict != verifier.Invalid || r.Reason != verifier.ReasonStatusAbsent ||
		r.StatusError != verifier.ListNotLoaded {
		t.Errorf("without status lists: %+v", r)
	}
	// Each list under the URL the licence names; a list under another URL is refused.
	if err := v.AddStatusListFile(s.revURL, s.path("suspension.jws")); !isList(err, verifier.ListWrongList) {
		t.Errorf("the suspension list as the revocation list: %v", err)
	}
	if err := v.AddStatusListFile(s.revURL, s.path("revocation.jws")); err != nil {
		t.Fatal(err)
	}
	if err := v.AddStatusList("", []byte(s.suspList)); err != nil { // under its own id
		t.Fatal(err)
	}
	r := v.Verify(ctx, s.licence)
	if !r.Genuine || r.Verdict != verifier.Valid || r.Reason != verifier.ReasonOK || r.Kind != "license" ||
		r.IssuerName != "广州市人力资源和社会保障局" || r.HolderName != "张明" || r.Type != "social_security_card" || r.StatusStale {
		t.Fatalf("offline, before the revocation: %+v", r)
	}
	if r := v.VerifyQR(ctx, s.token); r.Verdict != verifier.Valid || r.Kind != "present" || r.HolderName != "张明" {
		t.Errorf("亮证 token offline: %+v", r)
	}
	// The refreshed revocation list replaces the older one: revoked.
	if err := v.AddStatusListFile(s.revURL, s.path("revocation-new.jws")); err != nil {
		t.Fatal(err)
	}
	if r := v.Verify(ctx, s.licence); !r.Genuine || r.Verdict != verifier.Revoked || r.Reason != verifier.ReasonRevoked {
		t.Errorf("after refreshing the list: %+v", r)
	}
	if r := v.VerifyQR(ctx, s.token); r.Verdict != verifier.Revoked {
		t.Errorf("亮证 token of the revoked licence: %+v", r)
	}
	// Tampered: the reason, not a verdict on the forged contents.
	parts := strings.Split(s.licence, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), "张明", "李四", 1)))
	if r := v.Verify(ctx, parts[0]+"."+forged+"."+parts[2]); r.Genuine || r.Reason != verifier.ReasonTampered {
		t.Errorf("tampered: %+v", r)
	}
	if r := v.Verify(ctx, s.licence[:len(s.licence)-30]); r.Reason != verifier.ReasonTruncated {
		t.Errorf("truncated: %+v", r)
	}
	if r := v.VerifyQR(ctx, "WIFI:S:cafe;;"); r.Reason != verifier.ReasonMalformedQR {
		t.Errorf("another QR code: %+v", r)
	}

	// A day later the lists (valid 24 h) have expired: status unknown.
	now = now.Add(25 * time.Hour)
	if r := v.Verify(ctx, s.licence); !r.Genuine || r.Verdict != verifier.Invalid || r.Reason != verifier.ReasonStatusStale ||
		!r.StatusStale || r.StatusError != verifier.ListExpired {
		t.Errorf("with expired status lists: %+v", r)
	}
	// …and an expired copy is refused outright.
	if err := v.AddStatusListFile(s.revURL, s.path("revocation-new.jws")); !isList(err, verifier.ListExpired) {
		t.Errorf("loading an expired list: %v", err)
	}

	// Another province's verifier that imported the node's trust list
	// (证照互认) instead of its JWKS: the licence verifies, named as
	// trust-listed, with its status from the node's lists.
	now = now.Add(-25 * time.Hour)
	tv := verifier.New(verifier.WithClock(clock))
	if n, err := tv.AddTrustList([]byte(s.trustList)); err != nil || n == 0 {
		t.Fatalf("trust list: %d %v", n, err)
	}
	if _, err := tv.AddTrustList([]byte(s.licence)); err == nil {
		t.Error("a licence taken as a trust list")
	}
	if err := tv.AddStatusList(s.revURL, []byte(s.revokedList)); err != nil {
		t.Fatal(err)
	}
	if err := tv.AddStatusList(s.suspURL, []byte(s.suspList)); err != nil {
		t.Fatal(err)
	}
	if r := tv.Verify(ctx, s.licence); !r.Genuine || r.KeySource == "" || r.Verdict != verifier.Revoked || r.StatusUnchecked {
		t.Errorf("through the trust list: %+v", r)
	}

	// A verifier without the node's keys: the licence's key is unknown and
	// the node's lists are refused.
	other := verifier.New()
	if r := other.Verify(ctx, s.licence); r.Genuine || r.Reason != verifier.ReasonUnknownKey {
		t.Errorf("without the JWKS: %+v", r)
	}
	if err := other.AddStatusList(s.revURL, []byte(s.revList)); !isList(err, verifier.ListBadSignature) {
		t.Errorf("a list without its key: %v", err)
	}
}

func isList(err error, reason string) bool {
	var le *verifier.ListError
	return errors.As(err, &le) && le.Reason == reason
}
