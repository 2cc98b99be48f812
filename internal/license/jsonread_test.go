package license

import (
	"bytes"
	"encoding/json"
	"io"
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
		`{"name":"\xff\xfe"}`, `{"ALG":"EdDSA"}`, `{"alg":"EdDSA","alg":"none"}`, `{"alg":"EdDSA","\u0061lg":"x"}`, `{"crit":["exp"],"exp":1}`,
		`{"crit":[]}`, `{"alg":null}`, `{"kid":1}`, `{"x5u":"https://e.example","alg":"ES256"}`, `{"ſtatusPurpose":1}`, `{"issuer":{"ID":"a","uscc":null}}`, `{"a":-0.5e+3}`, `{"a":01}`, `{"a":"\t"}`,
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
		var hg Header
		hw, okW := strictHeader(b)
		okH := decodeHeader(b, &hg)
		if okW != okH || (okH && hw != hg) {
			t.Fatalf("header %q: reference %v %+v, reader %v %+v", b, okW, hw, okH, hg)
		}
	})
}

// strictHeader is the reference for decodeHeader, on encoding/json's
// tokenizer: an object, exact names, none twice, alg/kid/typ/cty strings,
// no crit, anything else valid JSON.
func strictHeader(b []byte) (Header, bool) {
	var h Header
	d := json.NewDecoder(bytes.NewReader(b))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return h, false
	}
	seen := map[string]bool{}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return h, false
		}
		k, _ := tok.(string)
		if seen[k] {
			return h, false
		}
		seen[k] = true
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return h, false
		}
		var dst *string
		switch k {
		case "alg":
			dst = &h.Alg
		case "kid":
			dst = &h.Kid
		case "typ":
			dst = &h.Typ
		case "cty":
			dst = &h.Cty
		case "crit":
			return h, false
		}
		if raw = bytes.TrimSpace(raw); dst != nil && (len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, dst) != nil) {
			return h, false
		}
	}
	if tok, err := d.Token(); err != nil || tok != json.Delim('}') {
		return h, false
	}
	if _, err := d.Token(); err != io.EOF {
		return h, false
	}
	return h, true
}
