package open311

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Key is an Open311 API key: it reports as its account. Only the hash of
// the key is stored; the key itself is shown once, when it is issued.
type Key struct {
	ID         ids.ID
	Hash       string
	UserID     ids.ID
	OrgID      ids.ID      // the account's organisation ("" for citizens)
	Region     region.Code // the account's reporting scope, for administrators' lists ("" for citizens)
	Name       string      // what the client is, e.g. "街坊随手拍 App"
	CreatedBy  string
	CreatedAt  time.Time
	RevokedBy  string
	RevokedAt  time.Time // zero: in use
	LastUsedAt time.Time
	ExpiresAt  time.Time // zero: issued before keys expired; works until revoked
	Owner      string    // the account's name, filled by lists
}

// Active reports whether the key is not revoked (it may have expired).
func (k *Key) Active() bool { return k.RevokedAt.IsZero() }

// ExpiredAt reports whether the key has expired at now.
func (k *Key) ExpiredAt(now time.Time) bool { return !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt) }

// Key lifetimes the issuer chooses from, in days; DefaultKeyDays when
// none is chosen.
var KeyDays = []int{30, 90, 180, 365, 730}

// DefaultKeyDays is how long a key works unless its issuer chooses.
const DefaultKeyDays = 365

// KeyQuery selects keys: an account's own, or those within regions (for
// administrators), or both (ORed).
type KeyQuery struct {
	UserID   ids.ID
	Within   []region.Code
	Citizens bool // also the keys of citizens' accounts (province administrators)
	Limit    int
}

// Store is the persistence this package needs; its methods join the
// transaction in the context.
type Store interface {
	PutOpen311Media(ctx context.Context, eventID ids.ID, url string, at time.Time) error
	Open311Media(ctx context.Context, eventIDs []ids.ID) (map[ids.ID]string, error)
	PutOpen311Device(ctx context.Context, eventID ids.ID, deviceID string, at time.Time) error
	Open311Device(ctx context.Context, eventID ids.ID) (string, error) // "" if none was given
	CreateOpen311Key(ctx context.Context, k *Key) error
	Open311KeyByHash(ctx context.Context, hash string) (*Key, error)
	Open311Key(ctx context.Context, id ids.ID) (*Key, error)
	Open311Keys(ctx context.Context, q KeyQuery) ([]Key, error)
	// RevokeOpen311Key marks an active key revoked; errs.Conflict if it is
	// revoked already.
	RevokeOpen311Key(ctx context.Context, id ids.ID, by string, at time.Time) error
	TouchOpen311Key(ctx context.Context, id ids.ID, at time.Time) error
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Deps are the Service's collaborators.
type Deps struct {
	Store      Store
	Tx         Transactor
	Audit      *audit.Service
	Governance *governance.Service
	// CallerOf loads the caller an account acts as (identity.Service.CallerByUserID).
	CallerOf func(ctx context.Context, userID ids.ID) (*identity.Caller, error)
	Now      func() time.Time
}

// Service issues and checks Open311 keys and reports Open311 requests.
type Service struct {
	store    Store
	tx       Transactor
	audit    *audit.Service
	gov      *governance.Service
	callerOf func(ctx context.Context, userID ids.ID) (*identity.Caller, error)
	now      func() time.Time
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, gov: d.Governance, callerOf: d.CallerOf, now: d.Now}
}

// Limits.
const (
	MaxMediaURL    = 1000 // characters of a media_url
	MaxKeyName     = 60   // characters of a key's name
	MaxActiveKeys  = 10   // active keys per account
	KeyPrefix      = "o311_"
	keyTouchPeriod = time.Hour // last use is written at most this often
)

// Report is Submit with only a media_url (may be "").
func (s *Service) Report(ctx context.Context, by *identity.Caller, in governance.Input, mediaURL string) (*governance.Event, error) {
	e, _, err := s.Submit(ctx, by, in, Request{MediaURL: mediaURL})
	return e, err
}

// MediaURLs returns the media_url clients gave for the events, by event.
func (s *Service) MediaURLs(ctx context.Context, events []ids.ID) (map[ids.ID]string, error) {
	if len(events) == 0 {
		return nil, nil
	}
	return s.store.Open311Media(ctx, events)
}

// mayReport reports whether an account can file events at all: citizens
// and enterprise agents for themselves, staff with event.report.
func mayReport(by *identity.Caller) bool {
	if by.Kind == identity.KindPerson || by.Kind == identity.KindEnterprise {
		return true
	}
	return identity.Authorize(by, identity.PermEventReport, "") == nil
}

// IssueKey issues an Open311 key for by's own account, named name, and
// returns it with the key in clear (shown once). Any account that may
// report events may hold keys: a key reports as its account, so it gives
// nothing the account does not have.
//
// Returns errs.Unauthenticated for anonymous callers, errs.Forbidden for
// accounts that may not report, errs.Invalid on field "name", and
// errs.Conflict ("open311x.too_many_keys") beyond MaxActiveKeys.
func (s *Service) IssueKey(ctx context.Context, by *identity.Caller, name string, days int) (*Key, string, error) {
	if by.Anonymous() {
		return nil, "", errs.E(errs.Unauthenticated, "auth.required")
	}
	if !mayReport(by) {
		return nil, "", errs.E(errs.Forbidden, "auth.forbidden")
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 2 || n > MaxKeyName {
		return nil, "", errs.Fields(map[string]string{"name": "open311x.key_name"})
	}
	if days == 0 {
		days = DefaultKeyDays
	}
	if !slices.Contains(KeyDays, days) {
		return nil, "", errs.Fields(map[string]string{"days": "open311x.key_days"})
	}
	raw := make([]byte, 24)
	rand.Read(raw)
	clear := KeyPrefix + base64.RawURLEncoding.EncodeToString(raw)
	now := s.now().UTC()
	k := &Key{ID: ids.New(), Hash: hashKey(clear), UserID: by.UserID, OrgID: by.OrgID, Name: name,
		CreatedBy: by.Name, CreatedAt: now, ExpiresAt: now.AddDate(0, 0, days)}
	if sc := by.Scopes(identity.PermEventReport); len(sc) > 0 {
		k.Region = sc[0]
	}
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		mine, err := s.store.Open311Keys(ctx, KeyQuery{UserID: by.UserID, Limit: 100})
		if err != nil {
			return err
		}
		active := 0
		for i := range mine {
			if mine[i].Active() && !mine[i].ExpiredAt(now) {
				active++
			}
		}
		if active >= MaxActiveKeys {
			return &errs.Error{Code: errs.Conflict, Msg: "open311x.too_many_keys", Args: []any{MaxActiveKeys}}
		}
		if err := s.store.CreateOpen311Key(ctx, k); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "open311.key_issued", audit.Target{Type: "open311_key", ID: string(k.ID), Region: string(k.Region)},
			map[string]any{"name": k.Name, "user_id": k.UserID, "expires_at": k.ExpiresAt})
	})
	if err != nil {
		return nil, "", err
	}
	return k, clear, nil
}

func hashKey(k string) string {
	h := sha256.Sum256([]byte(k))
	return hex.EncodeToString(h[:])
}

// manages reports whether by may see and revoke k: its own account's, or
// as an administrator (user.manage) over its region; province
// administrators also over citizens' keys.
func manages(by *identity.Caller, k *Key) bool {
	if k.UserID == by.UserID {
		return true
	}
	if k.Region != "" {
		return identity.Authorize(by, identity.PermUserManage, k.Region) == nil
	}
	for _, sc := range by.Scopes(identity.PermUserManage) {
		if region.LevelOf(sc) == region.Province {
			return true
		}
	}
	return false
}

// Keys lists the keys by may manage: its own, and for administrators
// those within their scopes, newest first.
func (s *Service) Keys(ctx context.Context, by *identity.Caller) ([]Key, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	q := KeyQuery{UserID: by.UserID, Within: by.Scopes(identity.PermUserManage), Limit: 500}
	for _, sc := range q.Within {
		q.Citizens = q.Citizens || region.LevelOf(sc) == region.Province
	}
	return s.store.Open311Keys(ctx, q)
}

// RevokeKey revokes a key by may manage.
//
// Returns errs.NotFound for keys by may not manage and errs.Conflict
// ("open311x.key_revoked") for a key revoked already.
func (s *Service) RevokeKey(ctx context.Context, by *identity.Caller, id ids.ID) error {
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	if !ids.Valid(string(id)) {
		return errs.E(errs.NotFound, "not_found")
	}
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		k, err := s.store.Open311Key(ctx, id)
		if err != nil {
			return err
		}
		if !manages(by, k) {
			return errs.E(errs.NotFound, "not_found")
		}
		if err := s.store.RevokeOpen311Key(ctx, id, by.Name, s.now().UTC()); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "open311.key_revoked", audit.Target{Type: "open311_key", ID: string(id), Region: string(k.Region)},
			map[string]any{"name": k.Name, "user_id": k.UserID})
	})
}

// CallerByKey returns the account an active Open311 key reports as.
//
// Returns errs.Unauthenticated for an unknown or revoked key and
// errs.Forbidden ("open311.api_key_expired") for an expired one.
func (s *Service) CallerByKey(ctx context.Context, key string) (*identity.Caller, error) {
	if !strings.HasPrefix(key, KeyPrefix) {
		return nil, errs.E(errs.Unauthenticated, "auth.token_invalid")
	}
	k, err := s.store.Open311KeyByHash(ctx, hashKey(key))
	if errs.Is(err, errs.NotFound) || err == nil && !k.Active() {
		return nil, errs.E(errs.Unauthenticated, "auth.token_invalid")
	}
	if err != nil {
		return nil, err
	}
	if k.ExpiredAt(s.now()) {
		return nil, errs.E(errs.Forbidden, "open311.api_key_expired")
	}
	by, err := s.callerOf(ctx, k.UserID)
	if err != nil {
		return nil, err
	}
	if now := s.now().UTC(); now.Sub(k.LastUsedAt) > keyTouchPeriod {
		if err := s.store.TouchOpen311Key(ctx, k.ID, now); err != nil {
			return nil, err
		}
	}
	return by, nil
}
