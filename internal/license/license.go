package license

import (
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// State is a licence's status as its issuer sets it.
type State string

const (
	StateValid     State = "valid"
	StateSuspended State = "suspended" // 暂扣 / 中止: may be reinstated
	StateRevoked   State = "revoked"   // 吊销 / 注销: final
)

// License is an issued electronic licence (电子证照). JWS is the credential
// as signed; everything else is kept beside it to find and list it.
type License struct {
	ID          ids.ID
	IssuerID    ids.ID
	IssuerName  string
	Region      region.Code // the issuer's region
	Type        string      // Type.Key
	Number      string      // 证照编号, unique per issuer
	HolderKind  HolderKind
	HolderID    ids.ID // persons.id or enterprises.id
	HolderRef   string // the keyed hash naming the holder in the credential
	HolderName  string
	Fields      map[string]string
	ValidFrom   time.Time
	ValidUntil  time.Time // zero: 长期
	State       State
	Reason      string // why it was last suspended, revoked or reinstated
	StatusList  int64
	StatusIndex int
	SealID      ids.ID
	KID         string
	JWS         string
	CaseID      ids.ID // the case whose completion issued it; "" if issued by hand
	IssuedBy    string
	IssuedAt    time.Time
	UpdatedAt   time.Time
}

// TypeInfo returns the licence's type (zero Type if unknown).
func (l *License) TypeInfo() Type {
	t, _ := TypeByKey(l.Type)
	return t
}

// Expired reports whether the licence's validity ended before now.
func (l *License) Expired(now time.Time) bool {
	return !l.ValidUntil.IsZero() && !now.Before(l.ValidUntil)
}

// Use is one use of a licence (用证记录): by whom, for what, when.
type Use struct {
	ID        ids.ID
	LicenseID ids.ID
	HolderID  ids.ID
	UserID    string
	UserName  string
	OrgName   string
	CaseID    ids.ID
	Purpose   string // "verify", "present", "case", "legal_basis", "point_of_use"
	Scenario  string // 电子社保卡 scenario
	Place     string
	Basis     string // for "legal_basis": the law and article (Basis.String)
	Reason    string // for "legal_basis": why
	At        time.Time
	// Filled when listing:
	Number, Type string
}
