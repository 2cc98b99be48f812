package identity

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// errBadLogin is the one answer to every failed sign-in — unknown user,
// wrong password, locked or disabled account — so that the answer does not
// tell whether an account exists.
var errBadLogin = errs.E(errs.Unauthenticated, "login.failed")

// SignIn checks a username and password and opens a session. It returns the
// session token for the cookie.
//
// After MaxFailedLogins wrong passwords in a row the account is locked for
// LockDuration; while locked, even the right password fails. Every outcome
// is audited.
func (s *Service) SignIn(ctx context.Context, username, password string) (token string, c *Caller, err error) {
	now := s.now().UTC()
	u, err := s.store.UserByUsername(ctx, username)
	if errs.Is(err, errs.NotFound) {
		CheckPassword(dummyHash, password) // spend the same time as a real check
		return "", nil, errBadLogin
	}
	if err != nil {
		return "", nil, err
	}
	target := audit.Target{Type: "user", ID: string(u.ID), Subject: string(u.PersonID)}
	locked := u.LockedUntil.After(now)
	ok := CheckPassword(u.PasswordHash, password)
	if !ok || locked || u.Disabled {
		failed, until := u.FailedLogins, u.LockedUntil
		if !ok && !locked {
			failed++
			if failed >= MaxFailedLogins {
				failed, until = 0, now.Add(LockDuration)
			}
		}
		err := s.tx.Transact(ctx, func(ctx context.Context) error {
			if err := s.store.RecordLogin(ctx, u.ID, failed, until); err != nil {
				return err
			}
			return s.audit.Record(ctx, audit.System("sign-in"), "session.sign_in_failed", target,
				map[string]any{"locked": until.After(now), "username": u.Username})
		})
		if err != nil {
			return "", nil, err
		}
		return "", nil, errBadLogin
	}
	c, err = s.loadCaller(ctx, u)
	if err != nil {
		return "", nil, err
	}
	token, hash := newToken()
	csrf, _ := newToken()
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if u.FailedLogins != 0 || !u.LockedUntil.IsZero() {
			if err := s.store.RecordLogin(ctx, u.ID, 0, time.Time{}); err != nil {
				return err
			}
		}
		// Sweep expired sessions here, where a write transaction is open
		// anyway, so the table does not grow without a job to clean it.
		if err := s.store.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		sess := &Session{TokenHash: hash, UserID: u.ID, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
		if err := s.store.CreateSession(ctx, sess); err != nil {
			return err
		}
		return s.audit.Record(ctx, c, "session.signed_in", target, nil)
	})
	if err != nil {
		return "", nil, err
	}
	return token, c, nil
}

// CallerBySession returns the caller of a session token and the session's
// CSRF token, or errs.Unauthenticated if the session is unknown or expired.
func (s *Service) CallerBySession(ctx context.Context, token string) (*Caller, string, error) {
	if token == "" {
		return nil, "", errs.E(errs.Unauthenticated, "auth.required")
	}
	sess, err := s.store.SessionByHash(ctx, hashToken(token), s.now().UTC())
	if errs.Is(err, errs.NotFound) {
		return nil, "", errs.E(errs.Unauthenticated, "auth.expired")
	}
	if err != nil {
		return nil, "", err
	}
	c, err := s.callerOf(ctx, sess.UserID)
	if err != nil {
		return nil, "", err
	}
	return c, sess.CSRF, nil
}

// CallerByAPIToken returns the caller an API token acts as, or
// errs.Unauthenticated. Resolved tokens are remembered for TokenCacheTTL.
// The returned Caller is shared: callers must not modify it.
func (s *Service) CallerByAPIToken(ctx context.Context, token string) (*Caller, error) {
	if token == "" {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	now := s.now().UTC()
	hash := hashToken(strings.TrimPrefix(token, "dg_"))
	if c, ok := s.tokens.get(hash, now); ok {
		return c, nil
	}
	t, err := s.store.APITokenByHash(ctx, hash, now)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.Unauthenticated, "auth.token_invalid")
	}
	if err != nil {
		return nil, err
	}
	c, err := s.callerOf(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	s.tokens.put(hash, c, now)
	return c, nil
}

func (s *Service) callerOf(ctx context.Context, id ids.ID) (*Caller, error) {
	u, err := s.store.User(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	return s.loadCaller(ctx, u)
}

// SignOut ends the session of token. Ending an unknown session is not an
// error.
func (s *Service) SignOut(ctx context.Context, c *Caller, token string) error {
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.DeleteSession(ctx, hashToken(token)); err != nil {
			return err
		}
		if c.Anonymous() {
			return nil
		}
		return s.audit.Record(ctx, c, "session.signed_out", audit.Target{Type: "user", ID: string(c.UserID)}, nil)
	})
}
