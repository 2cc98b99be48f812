package identity

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Store is the persistence identity needs. Methods return errs.NotFound for
// missing records and errs.Conflict for duplicates (username, USCC, ID
// number). Writes run in the transaction carried by ctx, if any.
type Store interface {
	CreateOrganization(ctx context.Context, o *Organization) error
	Organization(ctx context.Context, id ids.ID) (*Organization, error)
	Organizations(ctx context.Context) ([]Organization, error)
	// OrganizationByDepartment returns the department body of that kind
	// whose region is exactly code (errs.NotFound if none).
	OrganizationByDepartment(ctx context.Context, department string, code region.Code) (*Organization, error)

	CreatePerson(ctx context.Context, p *PersonRecord) error
	Person(ctx context.Context, id ids.ID) (*PersonRecord, error)
	PersonByIDNumberIndex(ctx context.Context, idx string) (*PersonRecord, error)

	CreateEnterprise(ctx context.Context, e *Enterprise) error
	Enterprise(ctx context.Context, id ids.ID) (*Enterprise, error)

	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id ids.ID) (*User, error)
	UserByUsername(ctx context.Context, username string) (*User, error)
	// UserByPerson returns the person account of a person (errs.NotFound
	// if they have none).
	UserByPerson(ctx context.Context, personID ids.ID) (*User, error)
	// RecordLogin stores the failed-login counter and lock of a user.
	RecordLogin(ctx context.Context, id ids.ID, failed int, lockedUntil time.Time) error
	SetPreferences(ctx context.Context, id ids.ID, locale string, elderly bool) error

	AddGrant(ctx context.Context, userID ids.ID, g Grant) error
	Grants(ctx context.Context, userID ids.ID) ([]Grant, error)

	CreateSession(ctx context.Context, s *Session) error
	// SessionByHash returns an unexpired session (errs.NotFound otherwise).
	SessionByHash(ctx context.Context, hash string, now time.Time) (*Session, error)
	DeleteSession(ctx context.Context, hash string) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error

	// Overview counts records whose region lies within one of scopes.
	Overview(ctx context.Context, scopes []region.Code) (Overview, error)

	CreateAPIToken(ctx context.Context, t *APIToken) error
	// APITokenByHash returns an unexpired token (errs.NotFound otherwise).
	APITokenByHash(ctx context.Context, hash string, now time.Time) (*APIToken, error)
	// ExpireAPITokens ends, as of now, the unexpired tokens of a user with
	// that name, returning how many it ended.
	ExpireAPITokens(ctx context.Context, userID ids.ID, name string, now time.Time) (int, error)
}
