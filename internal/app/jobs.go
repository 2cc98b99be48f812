package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/store/sqlstore"
)

// newJobs builds the notification service, with the sender the
// configuration asks for, and the outbox dispatcher with every handler.
func newJobs(cfg *config.Config, log *slog.Logger, d *db.DB, st *sqlstore.Store, cat *catalog.Service, now func() time.Time) (*notify.Service, *jobs.Dispatcher, error) {
	msgs, err := i18n.Load()
	if err != nil {
		return nil, nil, err
	}
	var sender notify.Sender = notify.LogSender{Log: log}
	if cfg.SMTPAddr != "" {
		sender = &notify.SMTPSender{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, User: cfg.SMTPUser, Password: cfg.SMTPPassword}
	}
	nt := notify.NewService(notify.Deps{Store: st, Items: cat, Messages: msgs, Sender: sender, Log: log, Now: now})
	disp := jobs.New(st, d, jobs.Options{Log: log, Now: now})
	disp.Handle(notify.CaseTopicPrefix, func(ctx context.Context, ev jobs.Event) error {
		list, err := nt.CaseEvent(ctx, notify.Event{ID: ev.ID, Topic: ev.Topic, Payload: ev.Payload, At: ev.CreatedAt})
		if err == nil && len(list) > 0 {
			jobs.AfterCommit(ctx, func(ctx context.Context) { nt.Deliver(ctx, list) })
		}
		return err
	})
	return nt, disp, nil
}

// startJobs runs the outbox dispatcher until ctx ends. The returned
// function stops it and waits for the batch under way, so that the
// database is not closed beneath it.
func (a *App) startJobs(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Jobs.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
