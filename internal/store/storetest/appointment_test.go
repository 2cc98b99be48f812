package storetest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/appointment"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// appointmentFixture stores a center with one counter and n person
// accounts (bookings refer to both).
func appointmentFixture(t *testing.T, s *sqlstore.Store, n int) (*identity.Organization, *appointment.Counter, []ids.ID) {
	t.Helper()
	ctx := context.Background()
	center := newOrg("广州市天河区政务服务数据管理局", "440106", 7)
	center.Kind = identity.OrgCenter
	if err := s.CreateOrganization(ctx, center); err != nil {
		t.Fatal(err)
	}
	ct := &appointment.Counter{ID: ids.New(), CenterID: center.ID, Name: "综合受理1号窗", Departments: []string{"hrss", "health"},
		Opens: 9 * 60, Closes: 17*60 + 30, SlotMinutes: 30, Capacity: 2, Active: true, Version: 1, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateCounter(ctx, ct); err != nil {
		t.Fatal(err)
	}
	users := make([]ids.ID, n)
	for i := range users {
		u := &identity.User{ID: ids.New(), Username: fmt.Sprintf("p%02d", i), DisplayName: "市民", PasswordHash: "h",
			Kind: identity.KindPerson, Locale: "zh-CN", CreatedAt: t0}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		users[i] = u.ID
	}
	return center, ct, users
}

func booking(center *identity.Organization, ct *appointment.Counter, user ids.ID, day string, at appointment.Clock) *appointment.Appointment {
	start, _ := time.Parse("2006-01-02 15:04 -0700", fmt.Sprintf("%s %s +0800", day, at))
	return &appointment.Appointment{ID: ids.New(), CounterID: ct.ID, CenterID: center.ID, Region: center.Region,
		CounterName: ct.Name, CenterName: center.Name, UserID: user, PersonID: ids.New(), Name: "张明", ItemCode: "HRSS-0001",
		ItemName: "社会保障卡申领", Day: day, Time: at, Start: start.UTC(), End: start.Add(30 * time.Minute).UTC(),
		State: appointment.Booked, CreatedAt: t0, UpdatedAt: t0}
}

func TestAppointmentStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			center, ct, users := appointmentFixture(t, s, 2)

			// Counters: round trip, unique names per center, the version check.
			got, err := s.Counter(ctx, ct.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ct, got); diff != "" {
				t.Errorf("counter round trip (-want +got):\n%s", diff)
			}
			dup := *ct
			dup.ID = ids.New()
			if err := s.CreateCounter(ctx, &dup); !errs.Is(err, errs.Conflict) {
				t.Errorf("same name twice at a center: %v, want Conflict", err)
			}
			if _, err := s.Counter(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
				t.Errorf("missing counter: %v", err)
			}
			changed := *ct
			changed.Capacity, changed.Departments, changed.Version = 3, nil, 2
			if err := s.UpdateCounter(ctx, &changed); err != nil {
				t.Fatal(err)
			}
			if err := s.UpdateCounter(ctx, &changed); !errs.Is(err, errs.Conflict) {
				t.Errorf("update from a stale version: %v", err)
			}
			list, err := s.CountersOf(ctx, center.ID)
			if err != nil || len(list) != 1 || list[0].Capacity != 3 || list[0].Departments != nil {
				t.Errorf("counters of the center: %+v %v", list, err)
			}
			// Several centers in one query, by center and then by name.
			szCenter := newOrg("深圳市福田区政务服务数据管理局", "440304", 8)
			szCenter.Kind = identity.OrgCenter
			if err := s.CreateOrganization(ctx, szCenter); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"综合窗B", "综合窗A"} {
				c := *ct
				c.ID, c.CenterID, c.Name = ids.New(), szCenter.ID, name
				if err := s.CreateCounter(ctx, &c); err != nil {
					t.Fatal(err)
				}
			}
			both, err := s.CountersOf(ctx, szCenter.ID, center.ID)
			var names []string
			for _, c := range both {
				names = append(names, string(c.CenterID)+" "+c.Name)
			}
			first, second := center.ID, szCenter.ID
			if second < first {
				first, second = second, first
			}
			byCenter := map[ids.ID][]string{center.ID: {ct.Name}, szCenter.ID: {"综合窗A", "综合窗B"}}
			var wantNames []string
			for _, id := range []ids.ID{first, second} {
				for _, n := range byCenter[id] {
					wantNames = append(wantNames, string(id)+" "+n)
				}
			}
			if err != nil || !cmp.Equal(names, wantNames) {
				t.Errorf("counters of two centers: %v %v, want %v", names, err, wantNames)
			}
			if none, err := s.CountersOf(ctx); none != nil || err != nil {
				t.Errorf("counters of no center: %v %v", none, err)
			}

			// Seats: never more than capacity; released seats are free again.
			for i := range 3 {
				err := s.TakeSeat(ctx, ct.ID, "2026-09-29", "09:00", 2)
				if want := i < 2; (err == nil) != want {
					t.Errorf("seat %d: %v", i+1, err)
				}
				if i == 2 && (errs.As(err) == nil || errs.As(err).Msg != "appointment.slot_full") {
					t.Errorf("third seat: %v, want slot_full", err)
				}
			}
			if err := s.ReleaseSeat(ctx, ct.ID, "2026-09-29", "09:00"); err != nil {
				t.Fatal(err)
			}
			if err := s.TakeSeat(ctx, ct.ID, "2026-09-29", "09:30", 2); err != nil {
				t.Fatal(err)
			}
			taken, err := s.SeatsTaken(ctx, center.ID, "2026-09-29")
			want := map[ids.ID]map[string]int{ct.ID: {"09:00": 1, "09:30": 1}}
			if err != nil || !cmp.Equal(taken, want) {
				t.Errorf("seats taken: %v %v, want %v", taken, err, want)
			}

			// Bookings: round trip, one live booking per account and time,
			// moves only from the state the caller saw.
			a := booking(center, ct, users[0], "2026-09-29", 9*60)
			if err := s.CreateAppointment(ctx, a); err != nil {
				t.Fatal(err)
			}
			ga, err := s.Appointment(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(a, ga); diff != "" {
				t.Errorf("appointment round trip (-want +got):\n%s", diff)
			}
			if _, err := s.Appointment(ctx, ids.New()); !errs.Is(err, errs.NotFound) {
				t.Errorf("missing appointment: %v", err)
			}
			again := booking(center, ct, users[0], "2026-09-29", 9*60)
			if err := s.CreateAppointment(ctx, again); errs.As(err) == nil || errs.As(err).Msg != "appointment.duplicate" {
				t.Errorf("second live booking at the same time: %v", err)
			}
			a.State, a.UpdatedAt = appointment.Cancelled, t0.Add(time.Hour)
			if err := s.MoveAppointment(ctx, a, appointment.Booked); err != nil {
				t.Fatal(err)
			}
			if err := s.MoveAppointment(ctx, a, appointment.Booked); !errs.Is(err, errs.Conflict) {
				t.Errorf("moving from a state it has left: %v", err)
			}
			if err := s.CreateAppointment(ctx, again); err != nil {
				t.Errorf("booking again after cancelling: %v", err)
			}
			later := booking(center, ct, users[0], "2026-09-30", 10*60)
			other := booking(center, ct, users[1], "2026-09-29", 8*60+30)
			for _, b := range []*appointment.Appointment{later, other} {
				if err := s.CreateAppointment(ctx, b); err != nil {
					t.Fatal(err)
				}
			}
			checked := *again
			checked.State, checked.HandledBy, checked.HandledAt = appointment.CheckedIn, users[1], t0.Add(2*time.Hour)
			if err := s.MoveAppointment(ctx, &checked, appointment.Booked); err != nil {
				t.Fatal(err)
			}
			if g, _ := s.Appointment(ctx, again.ID); g.State != appointment.CheckedIn || !g.HandledAt.Equal(checked.HandledAt) || g.HandledBy != users[1] {
				t.Errorf("checked in: %+v", g)
			}
			idsOf := func(list []appointment.Appointment) []ids.ID {
				var out []ids.ID
				for _, x := range list {
					out = append(out, x.ID)
				}
				return out
			}
			mine, err := s.AppointmentsOf(ctx, users[0], 10)
			if err != nil || !cmp.Equal(idsOf(mine)[:1], []ids.ID{later.ID}) || len(mine) != 3 {
				t.Errorf("bookings of an account, latest slot first: %v %v", idsOf(mine), err)
			}
			day, err := s.AppointmentsOn(ctx, appointment.DayQuery{CenterID: center.ID, Day: "2026-09-29"})
			if err != nil || len(day) != 3 || day[0].ID != other.ID {
				t.Errorf("a day's bookings in slot order: %v %v", idsOf(day), err)
			}
			none, _ := s.AppointmentsOn(ctx, appointment.DayQuery{CenterID: center.ID, CounterID: ids.New(), Day: "2026-09-29"})
			if len(none) != 0 {
				t.Errorf("another counter's day: %v", idsOf(none))
			}
		})
	}
}

// TestTakeSeatConcurrently: ten transactions race for a slot of capacity
// two; exactly two win, on every engine.
func TestTakeSeatConcurrently(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			d := storetest.Open(t, e)
			s := sqlstore.New(d)
			center, ct, _ := appointmentFixture(t, s, 0)
			results := make([]error, 10)
			var wg sync.WaitGroup
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = d.Transact(ctx, func(ctx context.Context) error {
						return s.TakeSeat(ctx, ct.ID, "2026-09-29", "11:00", 2)
					})
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range results {
				switch {
				case err == nil:
					won++
				case !errs.Is(err, errs.Conflict):
					t.Errorf("unexpected error: %v", err)
				}
			}
			taken, _ := s.SeatsTaken(ctx, center.ID, "2026-09-29")
			if won != 2 || taken[ct.ID]["11:00"] != 2 {
				t.Errorf("%d won, %d seats taken; want 2 and 2", won, taken[ct.ID]["11:00"])
			}
		})
	}
}
