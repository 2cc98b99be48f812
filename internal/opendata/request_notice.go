package opendata

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Data requests tell their followers what happens to them: a comment, a
// closing, a closing with the dataset that fulfilled the request. The
// step writes an outbox event in its transaction; the dispatcher turns it
// into inbox notifications (internal/app wires notify to it), so each
// follower is told once, and never of their own step.

// Topics of data-request events.
const (
	TopicRequestPrefix    = "opendata.request."
	TopicRequestCommented = "opendata.request.commented"
	TopicRequestClosed    = "opendata.request.closed"
)

// requestEvent is the payload of a data-request event.
type requestEvent struct {
	RequestID ids.ID `json:"request_id"`
	Title     string `json:"title"`
	ActorID   ids.ID `json:"actor_id"`
	Actor     string `json:"actor"`
	Dataset   string `json:"dataset,omitempty"` // closed with the dataset that fulfilled it
}

// NoticeOf reads a data-request event and returns whom to tell: the
// request's followers but the one who took the step. ok is false for a
// topic that is not a data-request event.
//
// Application events (TopicApplicationPrefix) are read here too: see
// access_notice.go.
func (s *Service) NoticeOf(ctx context.Context, topic string, payload []byte) (n notify.Notice, ok bool, err error) {
	if strings.HasPrefix(topic, TopicApplicationPrefix) {
		return s.applicationNotice(ctx, topic, payload)
	}
	var stem string
	switch topic {
	case TopicRequestCommented:
		stem = "notify.datarequest.commented"
	case TopicRequestClosed:
		stem = "notify.datarequest.closed"
	default:
		return n, false, nil
	}
	var ev requestEvent
	if err := json.Unmarshal(payload, &ev); err != nil || ev.RequestID == "" {
		return n, true, fmt.Errorf("opendata: payload of %s: %v", topic, err)
	}
	if ev.Dataset != "" {
		stem = "notify.datarequest.fulfilled"
	}
	followers, err := s.store.Followers(ctx, ev.RequestID)
	if err != nil {
		return n, true, err
	}
	for _, u := range followers {
		if u != ev.ActorID {
			n.Users = append(n.Users, u)
		}
	}
	n.Stem, n.Args, n.Link = stem, []string{ev.Title, ev.Actor, ev.Dataset}, "/opendata/requests/"+url.PathEscape(string(ev.RequestID))
	return n, true, nil
}
