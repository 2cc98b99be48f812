package governance

import (
	"context"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/region"
)

// Overdue policy: what the timer does to a dispatched event past its
// deadline, by the level handling it. Village, town and county events go
// up one level (逐级上报), where the department's body there dispatches
// them again; city and province events get a supervision notice (督办)
// instead, once per deadline.
var escalateOverdue = map[region.Level]bool{
	region.Village: true, region.Town: true, region.County: true,
	region.City: false, region.Province: false,
}

// timer is the actor of the overdue timer's steps.
const timer = audit.System("超时督办")

// RunOverdue acts on up to limit overdue events as the policy says and
// returns how many it handled. It claims them in one transaction (rows
// another instance holds are skipped on PostgreSQL; SQLite has one
// writer), so any number of instances may run it.
func (s *Service) RunOverdue(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		limit = 100
	}
	n := 0
	var touched []region.Code
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		now := s.clock()
		list, err := s.store.ClaimOverdueEvents(ctx, now, limit)
		if err != nil {
			return err
		}
		for i := range list {
			e := &list[i]
			from := e.State
			e.UpdatedAt, e.Version, e.TimerAt = now, e.Version+1, now
			st := &Step{From: from, Detail: map[string]any{"deadline": e.Deadline, "automatic": true}}
			if escalateOverdue[e.Level] && e.Level > region.Province {
				st.Action, st.Comment = ActEscalate, "超过处置时限，自动上报上一级"
				st.Detail["note"] = "event.note.overdue_escalate"
				if err := s.escalate(e, st); err != nil {
					return err
				}
			} else {
				st.Action, st.Comment = ActSupervise, "超过处置时限，自动督办"
				st.Detail["note"] = "event.note.overdue_supervise"
				e.Supervised++
			}
			if err := s.store.UpdateEvent(ctx, e); err != nil {
				return err
			}
			if err := s.record(ctx, timer, e, st); err != nil {
				return err
			}
			n++
			touched = append(touched, e.Region)
		}
		return nil
	})
	if err == nil {
		s.changed(touched...)
	}
	return n, err
}
