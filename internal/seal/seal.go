package seal

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Kind is the kind of a seal.
type Kind string

const (
	Official Kind = "official" // 公章: the organisation's own seal
	Business Kind = "business" // 业务专用章: for one line of business (行政审批专用章, 证照专用章)
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{Official, Business}

// State is where a seal is in its life.
type State string

const (
	Active    State = "active"    // signs
	Suspended State = "suspended" // signs nothing until resumed; what it signed stays valid
	Revoked   State = "revoked"   // for ever: signs nothing, and only signatures proven older than the revocation count
)

// KeyState is where one key of a seal is.
type KeyState string

const (
	KeyActive  KeyState = "active"  // the seal's current key
	KeyRetired KeyState = "retired" // rotated out: published, verifies, signs nothing
	KeyRevoked KeyState = "revoked" // its seal was revoked: not published
)

// Seal is an organisation's electronic seal (电子印章): a key pair, its
// image and its state. Rotation gives it a new key; the old ones stay.
type Seal struct {
	ID        ids.ID
	OrgID     ids.ID
	OrgName   string
	OrgUSCC   string
	Region    region.Code // the organisation's region, for scope checks
	Kind      Kind
	Name      string // shown under the star: "" for a 公章, "行政审批专用章" for a 专用章
	Alg       Alg
	State     State
	Reason    string // why it was last suspended, resumed or revoked
	KeyID     string // the current key's thumbprint
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Title is how people name the seal: "广州市人力资源和社会保障局公章" or
// "… 行政审批专用章".
func (s *Seal) Title() string {
	if s.Kind == Official {
		return s.OrgName + "公章"
	}
	return s.OrgName + s.Name
}

// Image is the seal's SVG image.
func (s *Seal) Image() string { return SVG(s.OrgName, s.Name) }

// Key is one key pair of a seal. The private half is encrypted under the
// node key (cryptox.Keyring.Seal, associated data "seal_key|" + kid).
type Key struct {
	KID        string
	SealID     ids.ID
	Alg        Alg
	Public     JWK    // without the seal members
	PrivateEnc []byte // sealed 32-byte secret
	State      KeyState
	CreatedAt  time.Time
	RetiredAt  time.Time // zero unless retired
	RevokedAt  time.Time // zero unless revoked
}

// Use is one use of a seal (用印记录): who sealed which document when. The
// document is named by the SHA-256 of the bytes signed (for a JWS, its
// signing input), so the log holds no personal data.
type Use struct {
	ID        ids.ID
	SealID    ids.ID
	KID       string
	ActorID   string
	ActorName string
	DocHash   string // hex SHA-256 of what was signed
	Purpose   string // "license", "trust_list", …
	Ref       string // what the document is (a licence ID)
	At        time.Time
	SealTitle string // filled when listing across seals (UsesPage)
}

// NewSeal is what an administrator gives to create a seal.
type NewSeal struct {
	OrgID ids.ID
	Kind  Kind
	Name  string // required for a 专用章; ignored for a 公章
	Alg   Alg    // SM2 if empty
}

// check validates n, returning every bad field at once.
func (n *NewSeal) check() map[string]string {
	fe := map[string]string{}
	n.Name = strings.TrimSpace(n.Name)
	if n.Alg == "" {
		n.Alg = SM2
	}
	if !n.Alg.Valid() {
		fe["alg"] = "form.choice"
	}
	switch n.Kind {
	case Official:
		n.Name = ""
	case Business:
		if n.Name == "" {
			fe["name"] = "form.required"
		} else if utf8.RuneCountInString(n.Name) > 12 {
			fe["name"] = "seal.name_too_long"
		}
	default:
		fe["kind"] = "form.choice"
	}
	if n.OrgID == "" {
		fe["org"] = "form.required"
	}
	return fe
}
