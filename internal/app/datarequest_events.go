package app

import (
	"context"

	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/opendata"
)

// handleDataRequestEvents tells the followers of a public data request
// (数据需求) when it is commented on, closed, or fulfilled with a dataset:
// opendata says whom and what, notify writes their inboxes in the
// dispatcher's transaction (once per event and person) and hands the
// messages to the sender (e-mail when configured) after it commits.
// Applications to use 有条件开放 data are told the same way: the body's
// CDOs of a new one, the applicant of its approval, refusal or revocation.
func (a *App) handleDataRequestEvents() {
	for _, prefix := range []string{opendata.TopicRequestPrefix, opendata.TopicApplicationPrefix} {
		a.handleOpenDataEvents(prefix)
	}
}

func (a *App) handleOpenDataEvents(prefix string) {
	a.Jobs.Handle(prefix, func(ctx context.Context, ev jobs.Event) error {
		n, ok, err := a.OpenData.NoticeOf(ctx, ev.Topic, ev.Payload)
		if err != nil || !ok || len(n.Users) == 0 {
			return err
		}
		list, err := a.Notify.Tell(ctx, notify.Event{ID: ev.ID, Topic: ev.Topic, Payload: ev.Payload, At: ev.CreatedAt}, n.Users, n)
		if err == nil && len(list) > 0 {
			jobs.AfterCommit(ctx, func(ctx context.Context) { a.Notify.Deliver(ctx, list) })
		}
		return err
	})
}
