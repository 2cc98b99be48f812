package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Sign-in policy.
const (
	MaxFailedLogins = 5                // failures before the account locks
	LockDuration    = 15 * time.Minute // how long it stays locked
	SessionLifetime = 12 * time.Hour
)

// Transactor runs fn in a transaction (platform/db.DB implements it).
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Service manages accounts, organisations, persons and enterprises, signs
// people in, and answers who a request comes from.
type Service struct {
	store       Store
	tx          Transactor
	audit       *audit.Service
	keys        *cryptox.Keyring
	regions     *region.Tree
	now         func() time.Time
	log         *slog.Logger
	tokens      ttlCache[*Caller]
	authorities ttlCache[*Organization]
}

// NewService returns a Service.
func NewService(store Store, tx Transactor, au *audit.Service, keys *cryptox.Keyring, regions *region.Tree, now func() time.Time, log *slog.Logger) *Service {
	return &Service{store: store, tx: tx, audit: au, keys: keys, regions: regions, now: now, log: log,
		tokens:      ttlCache[*Caller]{ttl: TokenCacheTTL},
		authorities: ttlCache[*Organization]{ttl: AuthorityCacheTTL},
	}
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]{3,32}$`)

func validName(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 2 && n <= 50 && strings.TrimSpace(s) == s
}

// Blind-index kinds: one per field, so equal values in different fields
// do not share an index value.
const (
	idxIDNumber = "id_number"
	idxPhone    = "phone"
)

// personAD binds a sealed field to its record and field, so a ciphertext
// copied into another row or column fails to open.
func personAD(id ids.ID, field string) []byte { return []byte(string(id) + "/" + field) }

func (s *Service) sealPerson(p *Person) *PersonRecord {
	r := &PersonRecord{
		ID: p.ID, Name: p.Name, Region: p.Region, CreatedAt: p.CreatedAt,
		IDNumberEnc: s.keys.Seal([]byte(p.IDNumber.Clear()), personAD(p.ID, idxIDNumber)),
		IDNumberIdx: s.keys.BlindIndex(idxIDNumber, p.IDNumber.Clear()),
	}
	if p.Phone != "" {
		r.PhoneEnc = s.keys.Seal([]byte(p.Phone.Clear()), personAD(p.ID, idxPhone))
		r.PhoneIdx = s.keys.BlindIndex(idxPhone, p.Phone.Clear())
	}
	return r
}

func (s *Service) openPerson(r *PersonRecord) (*Person, error) {
	idn, err := s.keys.Open(r.IDNumberEnc, personAD(r.ID, idxIDNumber))
	if err != nil {
		return nil, err
	}
	p := &Person{ID: r.ID, Name: r.Name, IDNumber: IDNumber(idn), Region: r.Region, CreatedAt: r.CreatedAt}
	if len(r.PhoneEnc) > 0 {
		ph, err := s.keys.Open(r.PhoneEnc, personAD(r.ID, idxPhone))
		if err != nil {
			return nil, err
		}
		p.Phone = Phone(ph)
	}
	return p, nil
}

// regionOf resolves a 6-digit address code (from an ID number or a USCC) to
// the most precise region that still exists: the county, else its city, else
// its province. Address codes of abolished counties remain valid in numbers
// issued before.
func (s *Service) regionOf(prefix6 string) region.Code {
	for _, c := range []string{prefix6, prefix6[:4], prefix6[:2]} {
		if _, ok := s.regions.Lookup(region.Code(c)); ok {
			return region.Code(c)
		}
	}
	return region.Code(prefix6[:2])
}

func (s *Service) personRegion(id IDNumber) region.Code { return s.regionOf(id.RegionPrefix()) }
func (s *Service) usccRegion(u USCC) region.Code        { return s.regionOf(u.RegionCode()) }

func newToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// loadCaller builds the Caller of user u.
func (s *Service) loadCaller(ctx context.Context, u *User) (*Caller, error) {
	c := &Caller{
		UserID: u.ID, Username: u.Username, Name: u.DisplayName, Kind: u.Kind,
		PersonID: u.PersonID, EnterpriseID: u.EnterpriseID, OrgID: u.OrgID,
		Locale: u.Locale, Elderly: u.Elderly,
	}
	switch {
	case u.Kind == KindStaff || u.Kind == KindSystem:
		g, err := s.store.Grants(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		c.Grants = g
	case u.Kind == KindEnterprise && u.EnterpriseID != "":
		// The agent acts for its enterprise: one grant, over its region.
		e, err := s.store.Enterprise(ctx, u.EnterpriseID)
		switch {
		case err == nil:
			c.Grants = []Grant{AgentGrant(e)}
		case !errs.Is(err, errs.NotFound):
			return nil, err
		}
	}
	return c, nil
}

// CallerOf returns the Caller of account id as signing in builds it (its
// grants included), for trusted code acting as that account: demo data,
// tests. A disabled or unknown account is errs.Unauthenticated.
func (s *Service) CallerOf(ctx context.Context, id ids.ID) (*Caller, error) {
	return s.callerOf(ctx, id)
}
