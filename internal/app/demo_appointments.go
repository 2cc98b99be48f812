package app

import (
	"context"
	"fmt"

	"github.com/digigov/digigov/internal/appointment"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
)

// demoCounters are the demo service counters (窗口): two at 天河区's
// center, one at 福田区's, open 09:00–17:30 in half-hour slots.
var demoCounters = []struct {
	center string
	in     appointment.CounterInput
}{
	{"th-center", appointment.CounterInput{Name: "综合受理1号窗", Opens: "09:00", Closes: "17:30", SlotMinutes: 30, Capacity: 3}},
	{"th-center", appointment.CounterInput{Name: "社保医保专窗", Departments: []string{"hrss", "medical_security"},
		Opens: "09:00", Closes: "17:30", SlotMinutes: 30, Capacity: 2}},
	{"ft-center", appointment.CounterInput{Name: "综合受理1号窗", Opens: "09:00", Closes: "17:30", SlotMinutes: 30, Capacity: 2}},
}

// seedDemoCounters opens the demo counters at the demo centers.
func (a *App) seedDemoCounters(ctx context.Context, actor audit.Actor, orgs map[string]*identity.Organization) error {
	for _, c := range demoCounters {
		if _, err := a.Appointments.CreateCounterAs(ctx, actor, orgs[c.center].ID, c.in); err != nil {
			return fmt.Errorf("demo counter %s: %w", c.in.Name, err)
		}
	}
	return nil
}
