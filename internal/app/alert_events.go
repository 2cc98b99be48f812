package app

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/platform/errs"
)

// handleAlertEvents opens an event for each orange or red sensing alert
// (预警联动): sensing publishes sensing.alert.raised and
// sensing.alert.escalated, governance opens the event in the dispatcher's
// transaction, so an alert opens its event exactly once. Neither domain
// imports the other; the event is the link. Incidents declared from the
// alert before its event opened are linked to the event here.
func (a *App) handleAlertEvents() {
	open := func(ctx context.Context, ev jobs.Event) error {
		var al governance.SensorAlert
		if err := json.Unmarshal(ev.Payload, &al); err != nil || al.AlertID == "" {
			return fmt.Errorf("governance: payload of %s %s: %v", ev.Topic, ev.ID, err)
		}
		e, err := a.Governance.OpenFromAlert(ctx, al)
		if errs.Is(err, errs.Invalid) {
			// An alert the events engine cannot take (a region it does not
			// know, say) stays an alert: retrying would not change that.
			a.Log.Warn("alert opens no event", "alert", al.AlertID, "err", err)
			return nil
		}
		if err != nil || e == nil {
			return err
		}
		a.Log.Info("event opened for an alert", "alert", al.AlertID, "level", al.Level, "event", e.Number)
		// Incidents already declared from this alert are linked to its
		// event in the same transaction (the others link it when declared).
		if a.Emergency != nil {
			if _, err := a.Emergency.LinkAlertEvent(ctx, al.AlertID, e); err != nil {
				return err
			}
		}
		return nil
	}
	a.Jobs.Handle("sensing.alert.raised", open)
	a.Jobs.Handle("sensing.alert.escalated", open)
}
