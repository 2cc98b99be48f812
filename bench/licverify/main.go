// Command licverify measures in-process licence verification (parse, key
// look-up, signature, payload, validity period, both status entries from
// cached status lists) against the raw signature verification of the same
// signing input, per algorithm. The two are interleaved in short blocks
// so that the load of a shared machine falls on both alike; the ratio is
// what to read.
//
//	go run ./bench/licverify [-d 5s]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/seal"
)

func main() {
	dur := flag.Duration("d", 5*time.Second, "time per algorithm")
	flag.Parse()
	const list = "https://node.example/credentials/status/1-"
	cache := license.StatusCache{
		list + "revocation": {Purpose: license.PurposeRevocation, Bits: license.NewBitstring(license.ListSize)},
		list + "suspension": {Purpose: license.PurposeSuspension, Bits: license.NewBitstring(license.ListSize)}}
	keys := license.KeySet{}
	v := &license.Verifier{Keys: keys, Statuses: cache, Now: time.Now}
	ctx := context.Background()
	for _, alg := range seal.Algs {
		sg, _, err := seal.GenerateKey(alg)
		if err != nil {
			fail(err)
		}
		keys[sg.KeyID()] = &license.KeyInfo{Alg: alg, Public: sg.Public(), Org: "广州市市场监督管理局"}
		jws := credential(sg, list)
		c, _ := license.ParseCompact(jws)
		raw := func() {
			if !seal.Verify(alg, sg.Public(), []byte(c.SigningInput), c.Signature) {
				fail(fmt.Errorf("raw %s does not verify", alg))
			}
		}
		full := func() {
			if r := v.Verify(ctx, jws, false); r.Verdict != license.Valid {
				fail(fmt.Errorf("%s licence: %s", alg, r.Reason))
			}
		}
		var nRaw, nFull int
		var tRaw, tFull time.Duration
		end := time.Now().Add(*dur)
		for time.Now().Before(end) {
			t := time.Now()
			for range 50 {
				raw()
			}
			tRaw += time.Since(t)
			t = time.Now()
			for range 50 {
				full()
			}
			tFull += time.Since(t)
			nRaw, nFull = nRaw+50, nFull+50
		}
		rRaw, rFull := float64(nRaw)/tRaw.Seconds(), float64(nFull)/tFull.Seconds()
		fmt.Printf("%-6s raw verify %8.0f /s   licence (signature + status) %8.0f /s   ratio %.0f%%\n", alg, rRaw, rFull, 100*rFull/rRaw)
	}
}

// credential signs a licence like the ones the node issues.
func credential(sg seal.Signer, list string) string {
	entry := func(purpose string) license.StatusEntry {
		return license.StatusEntry{ID: list + purpose + "#4242", Type: "BitstringStatusListEntry", StatusPurpose: purpose,
			StatusListIndex: strconv.Itoa(4242), StatusListCredential: list + purpose}
	}
	now := time.Now().UTC()
	cred := license.Credential{Context: []any{license.ContextV2, map[string]any{"@vocab": "https://node.example/ns/licenses#"}},
		ID: "urn:uuid:01a2", Type: []string{"VerifiableCredential", license.LicenseVCType, "BusinessLicenseCredential"},
		Name: "营业执照", Issuer: license.CredIssuer{ID: "https://node.example/issuers/1", Name: "广州市市场监督管理局", USCC: "11440100MB2C92578X"},
		ValidFrom: now.Add(-time.Hour).Format(time.RFC3339),
		Subject: map[string]any{"id": "urn:digigov:holder:5d41402abc4b2a76b9719d911017c592", "type": "Organization",
			"name": "广州数智科技有限公司", "licenseType": "business_license", "licenseNumber": "YZ4401002026000000001",
			"entity_type": "有限责任公司（自然人投资或控股）", "legal_representative": "陈晓丽", "registered_capital": "人民币伍佰万元",
			"established": "2020年06月18日", "address": "广州市天河区软件路11号", "business_scope": "软件开发；信息技术咨询服务；数据处理和存储支持服务"},
		CredentialStatus: []license.StatusEntry{entry(license.PurposeRevocation), entry(license.PurposeSuspension)}}
	b, _ := json.Marshal(cred)
	in, err := license.SigningInput(license.Header{Alg: string(sg.Alg()), Kid: sg.KeyID(), Typ: license.TypCredential}, b)
	if err != nil {
		fail(err)
	}
	sig, err := sg.Sign([]byte(in))
	if err != nil {
		fail(err)
	}
	return license.Assemble(in, sig)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "licverify:", err)
	os.Exit(1)
}
