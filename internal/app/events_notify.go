package app

import (
	"context"
	"slices"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/notify"
)

// handleEventNotices tells people about the steps of events that concern
// them (governance/notice.go says whom and what): the departments an
// event is dispatched to, whoever a supervision notice (督办) or an
// escalation is for, the reporter when a reply waits for confirmation.
// Only those exact topics are subscribed, not "events.": the outbox keeps
// no rows of topics nobody handles, so a report stays one insert lighter.
// Each handler writes one inbox row per person, in the dispatcher's
// transaction; the sender runs after it commits.
func (a *App) handleEventNotices() {
	for _, topic := range governance.NoticeTopics {
		a.Jobs.Handle(topic, a.eventNotice)
	}
}

func (a *App) eventNotice(ctx context.Context, ev jobs.Event) error {
	if !slices.Contains(governance.NoticeTopics, ev.Topic) { // Handle matches prefixes
		return nil
	}
	notices, err := a.Governance.NoticeOf(ctx, ev.Topic, ev.Payload)
	if err != nil {
		return err
	}
	return a.tellNotices(ctx, ev, notices)
}

// tellNotices writes each notice's inbox rows in the dispatcher's
// transaction and sends them after it commits; shared by the events and
// emergency-task handlers (emtask_notify.go).
func (a *App) tellNotices(ctx context.Context, ev jobs.Event, notices []notify.Notice) error {
	sent, err := a.Notify.TellAll(ctx, notify.Event{ID: ev.ID, Topic: ev.Topic, Payload: ev.Payload, At: ev.CreatedAt}, notices)
	if err != nil {
		return err
	}
	if len(sent) > 0 {
		jobs.AfterCommit(ctx, func(ctx context.Context) { a.Notify.Deliver(ctx, sent) })
	}
	return nil
}
