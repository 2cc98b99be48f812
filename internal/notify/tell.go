package notify

import (
	"context"

	"github.com/digigov/digigov/internal/platform/ids"
)

// Notice says whom to tell and what: the users, the stem of the keys
// <stem>.title and <stem>.body, the body's arguments and a link on this
// site. Domains that decide who is told of their events (governance's
// event steps, emergency's tasks) answer with Notices; TellAll writes
// them. Tell takes its users apart and ignores Users.
type Notice struct {
	Users []ids.ID
	Stem  string
	Args  []string
	Link  string
}

// TellAll writes each notice of an outbox event into its users' inboxes,
// as Tell does, and returns what it wrote, for Deliver after the
// transaction commits.
func (s *Service) TellAll(ctx context.Context, ev Event, notices []Notice) ([]Notification, error) {
	var out []Notification
	for _, n := range notices {
		if len(n.Users) == 0 {
			continue
		}
		list, err := s.Tell(ctx, ev, n.Users, n)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// Tell writes the notice of an outbox event into each user's inbox, in
// the transaction ctx carries (the dispatcher's), and returns what it
// wrote: a user who already has this event's notification gets no second.
// Hand the result to Deliver after the transaction commits. Domains other
// than cases use it for their own events (data requests' followers, say):
// they decide who is told and what; notify keeps the inbox.
func (s *Service) Tell(ctx context.Context, ev Event, users []ids.ID, n Notice) ([]Notification, error) {
	var out []Notification
	for _, u := range users {
		x := Notification{ID: ids.New(), UserID: u, EventID: ev.ID, Topic: ev.Topic, Title: n.Stem + ".title", Body: n.Stem + ".body",
			Args: n.Args, Link: n.Link, CreatedAt: ev.At.UTC()}
		added, err := s.store.AddNotification(ctx, &x)
		if err != nil {
			return nil, err
		}
		if added {
			out = append(out, x)
		}
	}
	return out, nil
}
