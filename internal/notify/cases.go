package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Event is an outbox event as notify receives it (internal/app adapts the
// dispatcher's events, so notify does not depend on internal/jobs).
type Event struct {
	ID      ids.ID
	Topic   string
	Payload []byte
	At      time.Time
}

// CaseTopicPrefix is the prefix of the case events CaseEvent handles.
const CaseTopicPrefix = "cases."

// caseEvent is the payload cases.Service writes with every transition.
type caseEvent struct {
	CaseID    string `json:"case_id"`
	Number    string `json:"number"`
	Item      string `json:"item"`
	To        string `json:"to"`
	Applicant string `json:"applicant"`
}

// caseMessage says which message, if any, a transition sends its
// applicant: the stem of the keys <stem>.title and <stem>.body, and whether
// the applicant must act. Steps the applicant takes themselves (correcting,
// withdrawing) and internal ones (passing review) send nothing.
func caseMessage(a cases.Action, to cases.State) (stem string, urgent, ok bool) {
	switch a {
	case cases.ActSubmit:
		if to == cases.Received { // 异地代收: received at a counter, to be forwarded
			return "notify.case.received", false, true
		}
		return "notify.case.submit", false, true
	case cases.ActRequestCorrection:
		return "notify.case.request_correction", true, true
	case cases.ActForward, cases.ActAccept, cases.ActReject, cases.ActApprove, cases.ActDeny, cases.ActComplete:
		return "notify.case." + string(a), false, true
	}
	return "", false, false
}

// CaseEvent writes the inbox notification a case event means for the
// case's applicant, in the transaction ctx carries (the dispatcher's), and
// returns what it wrote — nothing for a step that concerns nobody, or when
// the applicant already has this event's notification. Hand the result to
// Deliver after the transaction commits.
//
// The title and body are message keys; their arguments are the case
// number and the item's name, so that no personal data is stored twice.
func (s *Service) CaseEvent(ctx context.Context, ev Event) ([]Notification, error) {
	action, ok := strings.CutPrefix(ev.Topic, CaseTopicPrefix)
	if !ok {
		return nil, nil
	}
	var p caseEvent
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return nil, fmt.Errorf("notify: payload of %s %s: %w", ev.Topic, ev.ID, err)
	}
	stem, urgent, ok := caseMessage(cases.Action(action), cases.State(p.To))
	if !ok || p.Applicant == "" || p.CaseID == "" {
		return nil, nil
	}
	name := p.Item
	if it, err := s.items.Item(ctx, p.Item); err == nil {
		name = it.Name
	} else if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	n := Notification{
		ID: ids.New(), UserID: ids.ID(p.Applicant), EventID: ev.ID, Topic: ev.Topic,
		Title: stem + ".title", Body: stem + ".body", Args: []string{p.Number, name},
		Link: "/cases/" + url.PathEscape(p.CaseID), Urgent: urgent, CreatedAt: ev.At.UTC(),
	}
	added, err := s.store.AddNotification(ctx, &n)
	if err != nil || !added {
		return nil, err
	}
	return []Notification{n}, nil
}
