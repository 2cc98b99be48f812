package license

import "time"

// Presentation is the payload of a 亮证 code: a short-lived statement, by
// the issuer's seal, that the bearer holds this licence. It carries the
// licence's status entries, so a verifier offline with a cached status
// list can still tell a revoked licence.
type Presentation struct {
	LicenseID  string        `json:"lid"`
	Number     string        `json:"num"`
	Type       string        `json:"lt"`
	TypeName   string        `json:"ltn"`
	HolderName string        `json:"hn"`
	HolderRef  string        `json:"sub"`
	Issuer     string        `json:"iss"`
	IssuerName string        `json:"isn"`
	ValidFrom  int64         `json:"nbf"`          // the licence's validFrom (Unix seconds)
	ValidUntil int64         `json:"vu,omitempty"` // the licence's validUntil, 0 if 长期
	IssuedAt   int64         `json:"iat"`          // of the code
	Expires    int64         `json:"exp"`          // of the code: minutes after iat
	Status     []StatusEntry `json:"st,omitempty"` //
}

// PresentTTL is how long a 亮证 code verifies.
const PresentTTL = 5 * time.Minute

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

func (p *Presentation) fill(r *Result) {
	r.LicenseID, r.Number, r.Type, r.TypeName, r.HolderName, r.HolderRef = p.LicenseID, p.Number, p.Type, p.TypeName, p.HolderName, p.HolderRef
	r.Issuer = p.Issuer
	r.ValidFrom, r.ValidUntil, r.ExpiresAt = fromUnix(p.ValidFrom), fromUnix(p.ValidUntil), fromUnix(p.Expires)
}
