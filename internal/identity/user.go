package identity

import (
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// OrgKind is the kind of a government body.
type OrgKind string

const (
	OrgGovernment OrgKind = "government" // 人民政府
	OrgDepartment OrgKind = "department" // 政府工作部门
	OrgCenter     OrgKind = "center"     // 政务服务中心
	OrgStreet     OrgKind = "street"     // 街道办事处 / 乡镇政府
	OrgVillage    OrgKind = "village"    // 村(居)委会
)

// Organization is a government body. It sits in a region and has a USCC.
type Organization struct {
	ID         ids.ID
	Name       string
	USCC       USCC
	Region     region.Code
	Kind       OrgKind
	Department string // department key (catalog.Departments) for departments, "" otherwise
	ParentID   ids.ID
	CreatedAt  time.Time
}

// Person is a natural person, with clear personal data. It exists only in
// memory; at rest the ID number and phone are encrypted (PersonRecord).
type Person struct {
	ID        ids.ID
	Name      string
	IDNumber  IDNumber
	Phone     Phone
	Region    region.Code // the county of the ID number's address code, if known
	CreatedAt time.Time
}

// PersonRecord is a Person as stored: ID number and phone sealed under the
// node key, and found through keyed blind indexes.
type PersonRecord struct {
	ID          ids.ID
	Name        string
	IDNumberEnc []byte
	IDNumberIdx string
	PhoneEnc    []byte
	PhoneIdx    string
	Region      region.Code
	CreatedAt   time.Time
}

// Enterprise is a legal person identified by its USCC.
type Enterprise struct {
	ID        ids.ID
	Name      string
	USCC      USCC
	Region    region.Code
	CreatedAt time.Time
}

// User is an account that can sign in.
type User struct {
	ID           ids.ID
	Username     string
	DisplayName  string
	PasswordHash string
	Kind         Kind
	PersonID     ids.ID
	EnterpriseID ids.ID
	OrgID        ids.ID
	Locale       string
	Elderly      bool
	FailedLogins int
	LockedUntil  time.Time // zero if not locked
	Disabled     bool
	CreatedAt    time.Time
}

// Session is a signed-in browser. The cookie holds a random token; the
// database holds only its hash.
type Session struct {
	TokenHash string
	UserID    ids.ID
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken lets another system call the API as a user.
type APIToken struct {
	ID        ids.ID
	TokenHash string
	UserID    ids.ID
	Name      string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: no expiry
}
