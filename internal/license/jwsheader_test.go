package license

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/seal"
)

// TestHeaderIsReadAsRFC7515Says: a licence whose protected header is
// properly signed but names a member in other case, repeats a member, or
// carries crit (§4.1.11: an extension we do not understand MUST make the
// JWS invalid) is refused as malformed; the same licence with a plain
// header verifies.
func TestHeaderIsReadAsRFC7515Says(t *testing.T) {
	fx := newFixture(t)
	sg := fx.signers[seal.EdDSA]
	payload, _ := json.Marshal(credentialAt(1, t0.Add(-time.Hour), t0.AddDate(1, 0, 0)))
	signed := func(header string) string {
		in := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString(payload)
		sig, err := sg.Sign([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		return Assemble(in, sig)
	}
	kid := sg.KeyID()
	if r := fx.v.Verify(context.Background(), signed(`{"alg":"EdDSA","kid":"`+kid+`","typ":"vc+jwt"}`), false); r.Verdict != Valid {
		t.Fatalf("plain header: %+v", r)
	}
	for name, c := range map[string]struct {
		h    string
		want Reason
	}{
		"ALG in capitals":           {`{"ALG":"EdDSA","kid":"` + kid + `","typ":"vc+jwt"}`, ReasonWrongAlg},   // no alg: ALG is another member
		"Kid in other case":         {`{"alg":"EdDSA","Kid":"` + kid + `","typ":"vc+jwt"}`, ReasonUnknownKey}, // no kid
		"alg twice":                 {`{"alg":"EdDSA","kid":"` + kid + `","typ":"vc+jwt","alg":"EdDSA"}`, ReasonMalformed},
		"kid twice, escaped":        {`{"alg":"EdDSA","kid":"` + kid + `","typ":"vc+jwt","\u006bid":"other"}`, ReasonMalformed},
		"crit with an extension":    {`{"alg":"EdDSA","kid":"` + kid + `","typ":"vc+jwt","crit":["exp"],"exp":1}`, ReasonMalformed},
		"crit naming nothing known": {`{"alg":"EdDSA","kid":"` + kid + `","typ":"vc+jwt","crit":["b64"],"b64":false}`, ReasonMalformed},
		"empty crit":                {`{"alg":"EdDSA","kid":"` + kid + `","typ":"vc+jwt","crit":[]}`, ReasonMalformed},
		"alg null":                  {`{"alg":null,"kid":"` + kid + `","typ":"vc+jwt"}`, ReasonMalformed},
		"header null":               {`null`, ReasonMalformed},
	} {
		if r := fx.v.Verify(context.Background(), signed(c.h), false); r.Verdict != Invalid || r.Reason != c.want || r.Genuine {
			t.Errorf("%s: %+v", name, r)
		}
	}
	// Members we do not use are allowed.
	if r := fx.v.Verify(context.Background(), signed(`{"alg":"EdDSA","kid":"`+kid+`","typ":"vc+jwt","iat":1}`), false); r.Verdict != Valid {
		t.Errorf("an extra member: %+v", r)
	}
}
