package license

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// FuzzDecodeCredential checks the one-pass reader against encoding/json:
// on any input both accept or both refuse, and what they accept decodes
// to the same value — for credentials and for JWS headers.
func FuzzDecodeCredential(f *testing.F) {
	cred, _ := json.Marshal(credentialAt(42, t0.Add(-time.Hour), t0.AddDate(1, 0, 0)))
	for _, s := range []string{string(cred), `{"alg":"EdDSA","kid":"k","typ":"vc+jwt"}`, `null`, `{}`, `[]`, `{"ID":"x","iD":"y"}`,
		`{"type":["a",null,"b"],"type":[null]}`, `{"credentialStatus":[{"id":"a"}],"credentialStatus":[{"type":"b"},null]}`,
		`{"credentialSubject":{"a":null,"b":"\u00e9\ud800x"},"credentialSubject":{"c":"d"}}`, `{"@context":[1, {"a":[true,false,null]}, "x"]}`,
		`{"name":"\xff\xfe"}`, `{"ſtatusPurpose":1}`, `{"issuer":{"ID":"a","uscc":null}}`, `{"a":-0.5e+3}`, `{"a":01}`, `{"a":"\t"}`,
		"{\"a\":\"\x01\"}", `{"a" : [ ] , "b":{ } }`, `{"validFrom":"2026-01-01T00:00:00Z","validFrom":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want, got licenseCred
		errW := json.Unmarshal(b, &want)
		ok := decodeCredential(b, &got)
		if (errW == nil) != ok {
			t.Fatalf("%q: encoding/json %v, reader %v", b, errW, ok)
		}
		if ok && !reflect.DeepEqual(want, got) {
			t.Fatalf("%q:\nencoding/json %#v\nreader        %#v", b, want, got)
		}
		var hw, hg Header
		errH := json.Unmarshal(b, &hw)
		okH := decodeHeader(b, &hg)
		if (errH == nil) != okH || (okH && hw != hg) {
			t.Fatalf("header %q: encoding/json %v %+v, reader %v %+v", b, errH, hw, okH, hg)
		}
	})
}
