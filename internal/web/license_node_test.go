package web_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/store/storetest"
)

// EnvTestNode makes TestLicensesVerifyWithNode mandatory: CI sets it, and
// the test then fails when node or the pinned npm modules are missing.
const EnvTestNode = "DIGIGOV_TEST_NODE"

// TestLicensesVerifyWithNode proves that what digigov seals verifies with
// code it did not write: npm jose checks an Ed25519 and a P-256 licence,
// npm sm-crypto an SM2 licence, each against the JWKS the node serves.
// The scripts and their pinned modules are in scripts/verify-node
// (npm ci there; scripts/testenv.sh does it).
func TestLicensesVerifyWithNode(t *testing.T) {
	dir, _ := filepath.Abs("../../scripts/verify-node")
	node, err := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "jose", "package.json"))
	_, smErr := os.Stat(filepath.Join(dir, "node_modules", "sm-crypto", "package.json"))
	if err != nil || modErr != nil || smErr != nil {
		if os.Getenv(EnvTestNode) != "" {
			t.Fatalf("%s is set but node (%v) or the npm modules in %s (run npm ci there) are missing", EnvTestNode, err, dir)
		}
		t.Skipf("node: skipped, needs node and `npm ci` in scripts/verify-node (set %s to require it)", EnvTestNode)
	}
	n := startLicense(t, storetest.Engines(t)[0])
	// A P-256 licence issued now by 广州市人社局's 证照专用章, and the demo
	// licences: the enterprise's 营业执照 (Ed25519) and the citizen's
	// 居民身份证 (SM2).
	body := `{"type":"social_security_card","holder":"` + citizenID + `","fields":{"card_number":"D44010600999","issue_place":"广州市"}}`
	var fresh issued
	if code := n.api(http.MethodPost, "/api/v1/licenses", "officer", body, &fresh); code != http.StatusCreated {
		t.Fatalf("issue: %d", code)
	}
	byAlg := map[string]string{}
	for _, l := range append(n.listMine("citizen"), n.listMine("enterprise")...) {
		alg := headerAlg(t, l.JWS)
		if alg == "ES256" && l.ID != fresh.ID {
			continue
		}
		byAlg[alg] = l.JWS
	}
	for _, alg := range []string{"EdDSA", "ES256", "SM2"} {
		if byAlg[alg] == "" {
			t.Fatalf("no %s licence to verify (have %v)", alg, keysOf(byAlg))
		}
	}
	tmp := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jwks := n.URL + "/.well-known/jwks.json"
	run := func(script string, files ...string) (string, error) {
		cmd := exec.Command(node, append([]string{filepath.Join(dir, script), jwks}, files...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("verify-jose.mjs", write("ed.jws", byAlg["EdDSA"]), write("p256.jws", byAlg["ES256"]))
	if err != nil || strings.Count(out, "ok ") != 2 {
		t.Fatalf("jose: %v\n%s", err, out)
	}
	out, err = run("verify-sm2.mjs", write("sm2.jws", byAlg["SM2"]))
	if err != nil || !strings.Contains(out, "ok SM2") {
		t.Fatalf("sm-crypto: %v\n%s", err, out)
	}
	// And they refuse what they should: a changed payload fails both.
	parts := strings.Split(byAlg["SM2"], ".")
	forgedSM2 := parts[0] + "." + b64url(`{"forged":true}`) + "." + parts[2]
	if out, err := run("verify-sm2.mjs", write("forged-sm2.jws", forgedSM2)); err == nil {
		t.Errorf("sm-crypto accepted a forged payload:\n%s", out)
	}
	parts = strings.Split(byAlg["EdDSA"], ".")
	if out, err := run("verify-jose.mjs", write("forged-ed.jws", parts[0]+"."+b64url(`{"forged":true}`)+"."+parts[2])); err == nil {
		t.Errorf("jose accepted a forged payload:\n%s", out)
	}
}

func headerAlg(t *testing.T, jws string) string {
	h := strings.SplitN(jws, ".", 2)[0]
	switch {
	case strings.Contains(decodeB64URL(t, h), `"alg":"EdDSA"`):
		return "EdDSA"
	case strings.Contains(decodeB64URL(t, h), `"alg":"ES256"`):
		return "ES256"
	case strings.Contains(decodeB64URL(t, h), `"alg":"SM2"`):
		return "SM2"
	}
	return ""
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
