package seal

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestSVGIsWellFormedAndEscaped(t *testing.T) {
	svg := SVG(`广州市<script>局`, "行政审批专用章")
	d := xml.NewDecoder(strings.NewReader(svg))
	texts := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v", err)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local == "script" {
				t.Fatal("markup in the organisation's name became an element")
			}
			if se.Name.Local == "text" {
				texts++
			}
		}
	}
	// One text per character of the name on the rim, and the seal's name.
	if want := len([]rune(`广州市<script>局`)) + 1; texts != want {
		t.Errorf("%d text elements, want %d", texts, want)
	}
	if !strings.Contains(svg, "<polygon") || !strings.Contains(svg, `stroke="#d81e06"`) {
		t.Error("no star or no red ring")
	}
}

func TestSignVerifyEveryAlgorithm(t *testing.T) {
	for _, alg := range Algs {
		sg, secret, err := GenerateKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		again, err := LoadKey(alg, secret)
		if err != nil || again.KeyID() != sg.KeyID() {
			t.Fatalf("%s: reloaded key %v, kid %s vs %s", alg, err, again.KeyID(), sg.KeyID())
		}
		msg := []byte("eyJhbGciOiJTTTIifQ.eyJ4IjoxfQ")
		sig, err := again.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		jwk, _ := PublicJWK(alg, sg.Public())
		if jwk.Thumbprint() != sg.KeyID() {
			t.Errorf("%s: kid is not the thumbprint", alg)
		}
		gotAlg, pub, err := jwk.Key()
		if err != nil || gotAlg != alg {
			t.Fatalf("%s: JWK round trip: %v %s", alg, err, gotAlg)
		}
		if !Verify(alg, pub, msg, sig) {
			t.Errorf("%s: signature does not verify", alg)
		}
		for _, other := range Algs {
			if other != alg && Verify(other, pub, msg, sig) {
				t.Errorf("%s signature verifies as %s", alg, other)
			}
		}
		if Verify(alg, pub, msg, sig[:len(sig)-1]) {
			t.Errorf("%s: a truncated signature verifies", alg)
		}
	}
}

func TestJWKRejectsBadKeys(t *testing.T) {
	sg, _, _ := GenerateKey(ES256)
	good, _ := PublicJWK(ES256, sg.Public())
	offCurve := good
	offCurve.Y = good.X
	wrongCrv := good
	wrongCrv.Alg = "EdDSA"
	for name, j := range map[string]JWK{
		"point off the curve": offCurve, "alg of another key type": wrongCrv,
		"not base64": {Kty: "OKP", Crv: "Ed25519", X: "!!"}, "short": {Kty: "OKP", Crv: "Ed25519", X: "AAAA"},
		"unknown kty": {Kty: "RSA", X: good.X},
	} {
		if _, _, err := j.Key(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
