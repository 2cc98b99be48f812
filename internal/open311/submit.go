package open311

import (
	"context"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// Request is what an Open311 POST carries besides the report itself.
type Request struct {
	// MediaURL is the client's own URL of a photo (media_url), or "".
	MediaURL string
	// DeviceID is the GeoReport device_id: the device the request came
	// from, kept as an attribute of the event. One phone sends many
	// reports, so it says nothing about whether two requests are one.
	DeviceID string
	// Token is the client's request token (attribute[request_token] or an
	// Idempotency-Key header): a client unsure whether a request arrived
	// sends it again with the same token, and gets the request it made
	// the first time. Tokens are the account's own: the same token from
	// another account is another request.
	Token string
}

// Limits of a Request's fields, in characters.
const (
	MaxDeviceID = 100
	MaxToken    = 60 // the external ID is the account's ID, ":" and the token: governance.MaxExternalID
)

// Submit files an Open311 request as by, in one transaction. A request
// with a Token this account sent before is a retry: Submit returns the
// event it created then, as it is now, with existing true, and writes
// nothing.
//
// Returns errs.Invalid on field "media_url" for a URL that is not an
// absolute http(s) URL of at most MaxMediaURL characters, on "device_id"
// or "request_token" for one too long, with the fields governance.Report
// refuses; and its other errors.
func (s *Service) Submit(ctx context.Context, by *identity.Caller, in governance.Input, rq Request) (*governance.Event, bool, error) {
	rq.MediaURL, rq.DeviceID, rq.Token = strings.TrimSpace(rq.MediaURL), strings.TrimSpace(rq.DeviceID), strings.TrimSpace(rq.Token)
	bad := map[string]string{}
	if rq.MediaURL != "" {
		u, err := url.Parse(rq.MediaURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || utf8.RuneCountInString(rq.MediaURL) > MaxMediaURL {
			bad["media_url"] = "open311x.media_url"
		}
	}
	if utf8.RuneCountInString(rq.DeviceID) > MaxDeviceID {
		bad["device_id"] = "open311x.device_id"
	}
	if utf8.RuneCountInString(rq.Token) > MaxToken {
		bad["request_token"] = "open311x.request_token"
	}
	if len(bad) > 0 {
		return nil, false, errs.Fields(bad)
	}
	in.ExternalID = ""
	if rq.Token != "" && !by.Anonymous() {
		in.ExternalID = string(by.UserID) + ":" + rq.Token
	}
	if e, err := s.retry(ctx, by, in); e != nil || err != nil {
		return e, e != nil, err
	}
	var e *governance.Event
	var existing bool
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		e2, out, err := s.gov.Report(ctx, by, in)
		if err != nil {
			return err
		}
		e = e2
		if existing = out != nil && out.Existing; existing {
			return nil
		}
		now := s.now().UTC()
		if rq.MediaURL != "" {
			if err := s.store.PutOpen311Media(ctx, e.ID, rq.MediaURL, now); err != nil {
				return err
			}
		}
		if rq.DeviceID != "" {
			return s.store.PutOpen311Device(ctx, e.ID, rq.DeviceID, now)
		}
		return nil
	})
	if err != nil && errs.Is(err, errs.Conflict) {
		// Another copy of the request won the race: answer with its event.
		if old, _ := s.retry(ctx, by, in); old != nil {
			return old, true, nil
		}
	}
	return e, existing, err
}

// retry returns the event by reported with in's external ID before, if
// any (nil, nil if none).
func (s *Service) retry(ctx context.Context, by *identity.Caller, in governance.Input) (*governance.Event, error) {
	if in.ExternalID == "" {
		return nil, nil
	}
	e, err := s.gov.ByExternalID(ctx, by, in.Source, in.ExternalID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	return e, err
}

// DeviceID returns the device_id the Open311 request that made an event
// came from, "" if none. Callers must have read the event
// (governance.Service.Get) first: it is no more public than the event.
func (s *Service) DeviceID(ctx context.Context, e *governance.Event) (string, error) {
	return s.store.Open311Device(ctx, e.ID)
}
