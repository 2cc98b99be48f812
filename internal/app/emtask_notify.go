package app

import (
	"context"
	"slices"
	"time"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/jobs"
)

// handleTaskNotices tells a department's staff of the emergency tasks
// given to it and of those past their deadline (emergency/orgtasks.go
// says whom). Exact topics only, as for events (events_notify.go).
func (a *App) handleTaskNotices() {
	for _, topic := range emergency.TaskNoticeTopics {
		a.Jobs.Handle(topic, a.taskNotice)
	}
}

func (a *App) taskNotice(ctx context.Context, ev jobs.Event) error {
	if !slices.Contains(emergency.TaskNoticeTopics, ev.Topic) { // Handle matches prefixes
		return nil
	}
	notices, err := a.Emergency.TaskNoticeOf(ctx, ev.Topic, ev.Payload)
	if err != nil {
		return err
	}
	return a.tellNotices(ctx, ev, notices)
}

// taskTick is how often overdue emergency tasks are looked for.
const taskTick = time.Minute

// startTaskTimer tells departments of their overdue emergency tasks, once
// per task, until ctx ends. Every instance may run it: a task is claimed
// by the one update that marks it.
func (a *App) startTaskTimer(ctx context.Context) (stop func()) {
	return periodic(ctx, taskTick, true, func(ctx context.Context) {
		for {
			n, err := a.Emergency.RunOverdueTasks(ctx, 100)
			if err != nil && ctx.Err() == nil {
				a.Log.Error("overdue emergency tasks", "err", err)
			}
			if err != nil || n < 100 {
				return
			}
		}
	})
}
