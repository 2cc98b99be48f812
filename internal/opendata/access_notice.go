package opendata

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Applications to use 有条件开放 data tell people what happens to them:
// a new application is told to the publishing body's CDOs; its approval,
// refusal (with the reason) and revocation (with the reason) to the
// applicant. The step writes an outbox event in its transaction; the
// dispatcher turns it into inbox notifications (see NoticeOf).

// Topics of application events.
const (
	TopicApplicationPrefix   = "opendata.application."
	TopicApplicationApplied  = "opendata.application.applied"
	TopicApplicationApproved = "opendata.application.approved"
	TopicApplicationRefused  = "opendata.application.refused"
	TopicApplicationRevoked  = "opendata.application.revoked"
)

// applicationEvent is the payload of an application event.
type applicationEvent struct {
	ApplicationID ids.ID `json:"application_id"`
	Dataset       string `json:"dataset"` // its title
	ActorID       ids.ID `json:"actor_id"`
	Actor         string `json:"actor"`
	Reason        string `json:"reason,omitempty"`
}

func appEvent(by *identity.Caller, a *Application, reason string) applicationEvent {
	return applicationEvent{ApplicationID: a.ID, Dataset: a.DatasetTitle, ActorID: by.UserID, Actor: by.Name, Reason: reason}
}

// applicationNotice says whom to tell of an application event: the
// applicant of a decision, the body's CDOs of a new application.
func (s *Service) applicationNotice(ctx context.Context, topic string, payload []byte) (n notify.Notice, ok bool, err error) {
	var stem string
	switch topic {
	case TopicApplicationApplied:
		stem = "notify.odapp.applied"
	case TopicApplicationApproved:
		stem = "notify.odapp.approved"
	case TopicApplicationRefused:
		stem = "notify.odapp.refused"
	case TopicApplicationRevoked:
		stem = "notify.odapp.revoked"
	default:
		return n, false, nil
	}
	var ev applicationEvent
	if err := json.Unmarshal(payload, &ev); err != nil || ev.ApplicationID == "" {
		return n, true, fmt.Errorf("opendata: payload of %s: %v", topic, err)
	}
	a, err := s.store.Application(ctx, ev.ApplicationID)
	if err != nil {
		return n, true, err
	}
	if topic == TopicApplicationApplied {
		n.Users, err = s.bodyCDOs(ctx, a)
		if err != nil {
			return n, true, err
		}
	} else {
		n.Users = []ids.ID{a.ApplicantID}
	}
	n.Stem, n.Args, n.Link = stem, []string{ev.Dataset, ev.Actor, ev.Reason}, "/opendata/applications/"+url.PathEscape(string(a.ID))
	return n, true, nil
}

// bodyCDOs lists the users who may decide a: the holders of a data.manage
// grant at the publishing body whose scope covers its region.
func (s *Service) bodyCDOs(ctx context.Context, a *Application) ([]ids.ID, error) {
	grants, err := s.store.BodyGrants(ctx, a.BodyID)
	if err != nil {
		return nil, err
	}
	var out []ids.ID
	seen := map[ids.ID]bool{}
	for _, g := range grants {
		c := &identity.Caller{UserID: g.UserID, Kind: identity.KindStaff, Grants: []identity.Grant{g.Grant}}
		if !seen[g.UserID] && decides(c, a) {
			seen[g.UserID] = true
			out = append(out, g.UserID)
		}
	}
	return out, nil
}
