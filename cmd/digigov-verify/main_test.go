package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/seal"
)

// TestCommand: a licence verifies from the saved files (exit 0), the same
// licence with its status list revoked does not (exit 1, reason revoked),
// a list saved for another URL is refused (exit 2), a tampered licence
// answers tampered.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	sg, _, err := seal.GenerateKey(seal.ES256)
	if err != nil {
		t.Fatal(err)
	}
	j, _ := seal.PublicJWK(sg.Alg(), sg.Public())
	j.Kid, j.Org = j.Thumbprint(), "广州市公安局"
	jwks, _ := json.Marshal(seal.JWKS{Keys: []seal.JWK{j}})
	sign := func(typ string, v any) string {
		b, _ := json.Marshal(v)
		in, _ := license.SigningInput(license.Header{Alg: string(sg.Alg()), Kid: sg.KeyID(), Typ: typ}, b)
		sig, err := sg.Sign([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		return license.Assemble(in, sig)
	}
	const node = "https://gd.example"
	rev, susp := node+"/credentials/status/1-revocation", node+"/credentials/status/1-suspension"
	iss := license.CredIssuer{ID: node + "/issuers/2", Name: "广州市公安局"}
	list := func(url, purpose string, set ...int) string {
		bits := license.NewBitstring(license.ListSize)
		for _, i := range set {
			bits.Set(i)
		}
		return sign(license.TypStatusList, license.StatusListCredential(url, iss, purpose, bits, time.Now(), time.Hour, time.Minute))
	}
	entry := func(url, purpose string) license.StatusEntry {
		return license.StatusEntry{ID: url + "#5", Type: "BitstringStatusListEntry", StatusPurpose: purpose, StatusListIndex: "5",
			StatusListCredential: url}
	}
	lic := sign(license.TypCredential, license.Credential{Context: []any{license.ContextV2}, ID: "urn:uuid:7",
		Type: []string{"VerifiableCredential", license.LicenseVCType}, Name: "居住证", Issuer: iss,
		ValidFrom: "2026-01-01T00:00:00Z", ValidUntil: "2036-01-01T00:00:00Z",
		Subject:          map[string]any{"id": "urn:digigov:holder:x", "name": "张明", "licenseType": "residence_permit", "licenseNumber": "JZ1"},
		CredentialStatus: []license.StatusEntry{entry(rev, "revocation"), entry(susp, "suspension")}})
	files := map[string]string{"jwks.json": string(jwks), "lic.jws": lic, "rev.jws": list(rev, "revocation"),
		"rev-new.jws": list(rev, "revocation", 5), "susp.jws": list(susp, "suspension")}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := func(name string) string { return filepath.Join(dir, name) }
	cmd := func(stdin string, args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := run(args, strings.NewReader(stdin), &out, &errOut)
		return code, out.String() + errOut.String()
	}
	if code, out := cmd("", "-jwks", p("jwks.json"), "-status", rev+"="+p("rev.jws"), "-status", p("susp.jws"), p("lic.jws")); code != 0 ||
		!strings.Contains(out, "verdict: valid") || !strings.Contains(out, "居住证 JZ1, holder 张明") {
		t.Errorf("valid: %d %s", code, out)
	}
	if code, out := cmd("", "-jwks", p("jwks.json"), "-status", p("rev-new.jws"), "-status", p("susp.jws"), p("lic.jws")); code != 1 ||
		!strings.Contains(out, "reason:  revoked") {
		t.Errorf("revoked: %d %s", code, out)
	}
	if code, out := cmd("", "-jwks", p("jwks.json"), "-status", rev+"="+p("susp.jws"), p("lic.jws")); code != 2 ||
		!strings.Contains(out, "refused: wrong_list") {
		t.Errorf("a list for another URL: %d %s", code, out)
	}
	parts := strings.Split(lic, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte("张明"), []byte("李四"), 1)) + "." + parts[2]
	if code, out := cmd(tampered, "-jwks", p("jwks.json"), "-json", "-"); code != 1 || !strings.Contains(out, `"Reason": "tampered"`) {
		t.Errorf("tampered from stdin: %d %s", code, out)
	}
	if code, _ := cmd("", p("lic.jws")); code != 2 {
		t.Errorf("without keys: %d", code)
	}
}
