package governance

import (
	"context"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/region"
)

// Overdue policy: what the timer does to an event whose acceptance,
// dispatch or handling is past its deadline, by the level handling it.
// Village, town and county events go up one level (逐级上报), where the
// department's body there dispatches them again; city and province events
// get a supervision notice (督办) instead, once per deadline. The other
// steps' limits and what lateness there leads to are in timelimit.go.
var escalateOverdue = map[region.Level]bool{
	region.Village: true, region.Town: true, region.County: true,
	region.City: false, region.Province: false,
}

// timer is the actor of the overdue timer's steps.
const timer = audit.System(SystemOverdueTimer)

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
			a := overdueAction(e)
			note := overdueNote(a, from)
			st := &Step{Action: a, From: from, Comment: overdueNotes[note],
				Detail: map[string]any{"deadline": e.Deadline, "automatic": true, "note": note}}
			switch a {
			case ActEscalate:
				if err := s.escalate(e, st); err != nil {
					return err
				}
			case ActVerify:
				e.State = Verified
				e.Deadline = s.stageDeadline(e, now)
			default:
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
