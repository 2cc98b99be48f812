package notify

import (
	"context"

	"github.com/digigov/digigov/internal/platform/ids"
)

// Notice says what to tell people: the stem of the keys <stem>.title and
// <stem>.body, the body's arguments and a link on this site.
type Notice struct {
	Stem string
	Args []string
	Link string
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
