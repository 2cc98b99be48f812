package appointment_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/appointment"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/storetest"
)

// The tests' clock: Monday 28 September 2026, 10:10 in 广州. 1 October
// (Thursday) is 国庆节, Saturday 10 October an adjusted working day (调休),
// Monday 12 October the last day of the booking window.
var monday = time.Date(2026, 9, 28, 10, 10, 0, 0, workday.Shanghai)

func at(day string, hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hhmm, workday.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

type env struct {
	n     *apptest.Node
	ctx   context.Context
	svc   *appointment.Service
	clock *clock
}

// start runs a node with the demo data and an appointment service on the
// test clock (the node's own runs on the wall clock).
func start(t *testing.T, e storetest.Engine) *env {
	t.Helper()
	n := apptest.Start(t, e)
	a := n.App
	clk := &clock{t: monday}
	svc := appointment.NewService(appointment.Deps{Store: a.Store, Tx: a.DB, Audit: a.Audit, Identity: a.Identity,
		Catalog: a.Catalog, Cases: a.Cases, Calendar: a.Calendar, Regions: a.Regions, Now: clk.Now})
	ctx := context.Background()
	items := []catalog.Item{testItem("TST-0001", "hrss"), testItem("TST-0002", "public_security")}
	if _, err := a.Catalog.ImportAs(ctx, audit.System("test"), items); err != nil {
		t.Fatal(err)
	}
	return &env{n: n, ctx: ctx, svc: svc, clock: clk}
}

func testItem(code, dept string) catalog.Item {
	return catalog.Item{
		Code: code, Name: "测试事项" + code, Type: catalog.TypePublic, Department: dept, Level: catalog.LevelCounty,
		Materials:    []catalog.Material{{Name: "居民身份证", Required: true, Form: "original"}},
		Form:         []catalog.Field{{Name: "reason", Label: "申请事由", Kind: catalog.FieldText, Required: true, MaxLength: 20}},
		PromisedDays: 5, StatutoryDays: 20, Fee: "不收费", OnlineDepth: 3, Trips: 1,
		Channels: []catalog.Channel{catalog.ChannelOnline}, Targets: []catalog.Target{catalog.TargetPerson},
		Steps:  []catalog.Step{{Stage: catalog.StageAccept, Role: identity.RoleCaseOfficer}, {Stage: catalog.StageDecide, Role: identity.RoleDepartmentHead}},
		Result: "测试结果",
	}
}

// caller loads an account as the services see it.
func (e *env) caller(t *testing.T, username string) *identity.Caller { return e.n.Caller(t, username) }

// center finds a demo center and its counters by region.
func (e *env) center(t *testing.T, code string) appointment.Center {
	t.Helper()
	cs, err := e.svc.Centers(e.ctx, region.Code(code))
	if err != nil || len(cs) != 1 {
		t.Fatalf("centers in %s: %v %v", code, cs, err)
	}
	return cs[0]
}

func counterNamed(t *testing.T, c appointment.Center, name string) appointment.Counter {
	t.Helper()
	for _, ct := range c.Counters {
		if ct.Name == name {
			return ct
		}
	}
	t.Fatalf("%s has no counter %s", c.Name, name)
	return appointment.Counter{}
}

func TestDemoCenters(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	all, err := e.svc.Centers(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range all {
		got[string(c.Region)] = len(c.Counters)
	}
	if got["440106"] != 2 || got["440304"] != 1 {
		t.Errorf("demo counters by center region: %v, want 天河 2, 福田 1", got)
	}
	// A street of 天河区 finds its district's center; 广州市 finds it too.
	for _, code := range []string{"440106006", "4401", "44"} {
		cs, _ := e.svc.Centers(e.ctx, region.Code(code))
		found := false
		for _, c := range cs {
			found = found || c.Region == "440106"
		}
		if !found {
			t.Errorf("centers for %s miss 天河区's", code)
		}
	}
	if cs, _ := e.svc.Centers(e.ctx, "4403"); len(cs) != 1 || cs[0].Region != "440304" {
		t.Errorf("centers of 深圳: %v", cs)
	}
}

// TestBookingRules: each rule of the booking window answers Invalid with
// its own sentence; a full slot and a double booking answer Conflict.
func TestBookingRules(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	th := e.center(t, "440106")
	general := counterNamed(t, th, "综合受理1号窗")
	social := counterNamed(t, th, "社保医保专窗")
	citizen := e.caller(t, "citizen")
	tests := []struct {
		name    string
		b       appointment.Booking
		code    errs.Code
		msg     string
		field   string
		wantArg bool
	}{
		{"slot already started today", appointment.Booking{CounterID: general.ID, Start: at("2026-09-28", "10:00")}, errs.Invalid, "appointment.past", "start", false},
		{"yesterday", appointment.Booking{CounterID: general.ID, Start: at("2026-09-25", "10:00")}, errs.Invalid, "appointment.past", "start", false},
		{"国庆节 is a day off", appointment.Booking{CounterID: general.ID, Start: at("2026-10-01", "10:00")}, errs.Invalid, "appointment.not_workday", "start", false},
		{"a Sunday", appointment.Booking{CounterID: general.ID, Start: at("2026-10-11", "10:00")}, errs.Invalid, "appointment.not_workday", "start", false},
		{"15 days ahead", appointment.Booking{CounterID: general.ID, Start: at("2026-10-13", "10:00")}, errs.Invalid, "appointment.too_far", "start", true},
		{"not a slot start", appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "10:10")}, errs.Invalid, "appointment.slot_unknown", "start", false},
		{"after closing", appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "17:30")}, errs.Invalid, "appointment.slot_unknown", "start", false},
		{"unknown item", appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "10:00"), ItemCode: "NOPE-1"}, errs.Invalid, "appointment.item_unknown", "item_code", false},
		{"item the counter does not serve", appointment.Booking{CounterID: social.ID, Start: at("2026-09-29", "10:00"), ItemCode: "TST-0002"}, errs.Invalid, "appointment.item_not_served", "item_code", false},
		{"someone else's case", appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "10:00"), CaseID: ids.New()}, errs.Invalid, "appointment.case_unknown", "case_id", false},
		{"unknown counter", appointment.Booking{CounterID: ids.New(), Start: at("2026-09-29", "10:00")}, errs.NotFound, "appointment.counter.not_found", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Book(e.ctx, citizen, tt.b)
			got := errs.As(err)
			if got == nil || got.Code != tt.code || got.Msg != tt.msg || (tt.field != "" && got.Fields[tt.field] != tt.msg) {
				t.Fatalf("got %v, want %s %s on %q", err, tt.code, tt.msg, tt.field)
			}
			if tt.wantArg && (len(got.Args) != 1 || got.Args[0] != appointment.BookingDays) {
				t.Errorf("args %v, want the window's length", got.Args)
			}
		})
	}
	// Two problems at once are both reported.
	_, err := e.svc.Book(e.ctx, citizen, appointment.Booking{CounterID: general.ID, Start: at("2026-10-01", "10:00"), ItemCode: "NOPE-1"})
	if got := errs.As(err); got == nil || got.Fields["start"] != "appointment.not_workday" || got.Fields["item_code"] != "appointment.item_unknown" {
		t.Errorf("two problems: %v", err)
	}

	// The adjusted working Saturday and the last day of the window can be booked.
	for _, day := range []string{"2026-10-10", "2026-10-12"} {
		if _, err := e.svc.Book(e.ctx, citizen, appointment.Booking{CounterID: general.ID, Start: at(day, "09:00")}); err != nil {
			t.Errorf("booking %s: %v", day, err)
		}
	}
	// Today's next slot can be booked; the same time twice cannot.
	a, err := e.svc.Book(e.ctx, citizen, appointment.Booking{CounterID: social.ID, Start: at("2026-09-28", "10:30"), ItemCode: "tst-0001"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Day != "2026-09-28" || a.Time.String() != "10:30" || !a.End.Equal(at("2026-09-28", "11:00")) || a.ItemName != "测试事项TST-0001" || a.Region != "440106" {
		t.Errorf("booking: %+v", a)
	}
	_, err = e.svc.Book(e.ctx, citizen, appointment.Booking{CounterID: general.ID, Start: at("2026-09-28", "10:30")})
	if got := errs.As(err); got == nil || got.Code != errs.Conflict || got.Msg != "appointment.duplicate" {
		t.Errorf("second booking at the same time: %v", err)
	}
	// Staff do not book.
	if _, err := e.svc.Book(e.ctx, e.caller(t, "counter"), appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "10:00")}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("counter staff booking: %v", err)
	}
	// The slots show the seat taken, and today's passed slots as not bookable.
	_, counters, err := e.svc.Slots(e.ctx, th.ID, "2026-09-28")
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range counters {
		for _, sl := range cs.Slots {
			switch {
			case sl.Time.String() == "10:00" && sl.Bookable:
				t.Errorf("10:00 (started) is bookable")
			case cs.Counter.ID == social.ID && sl.Time.String() == "10:30" && (sl.Booked != 1 || sl.Remaining() != 1 || !sl.Bookable):
				t.Errorf("社保医保专窗 10:30: %+v", sl)
			}
		}
		if n := len(cs.Slots); n != 17 {
			t.Errorf("%s has %d slots, want 17 (09:00–17:30 by 30 minutes)", cs.Counter.Name, n)
		}
	}
	if _, _, err := e.svc.Slots(e.ctx, th.ID, "2026-10-03"); errs.As(err) == nil || errs.As(err).Msg != "appointment.not_workday" {
		t.Errorf("slots on a holiday: %v", err)
	}
	if _, _, err := e.svc.Slots(e.ctx, th.ID, "28/09/2026"); !errs.Is(err, errs.Invalid) {
		t.Errorf("slots on a malformed day: %v", err)
	}
	var days []string
	for _, d := range e.svc.Days() {
		days = append(days, d.Format("01-02"))
	}
	if got := strings.Join(days, " "); got != "09-28 09-29 09-30 10-08 10-09 10-10 10-12" {
		t.Errorf("bookable days %s: want the working days 09-28 … 10-12, 调休 Saturday included", got)
	}
}

// TestLifecycle: a citizen books for their case at 天河区's center and
// cancels another booking; counter staff of 福田 cannot touch it; 天河's
// counter staff checks the citizen in, which counts a trip on the case.
func TestLifecycle(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			th := e.center(t, "440106")
			general := counterNamed(t, th, "综合受理1号窗")
			citizen, elder := e.caller(t, "citizen"), e.caller(t, "elder")
			counter, counterSZ := e.caller(t, "counter"), e.caller(t, "counter_sz")

			c, err := e.n.App.Cases.Apply(e.ctx, citizen, cases.Application{ItemCode: "TST-0001", DecideIn: "440106",
				Form: map[string]string{"reason": "补办"}})
			if err != nil {
				t.Fatal(err)
			}
			// The elder's case cannot be linked by the citizen, nor a case of 越秀区 at 天河's center.
			ec, err := e.n.App.Cases.Apply(e.ctx, elder, cases.Application{ItemCode: "TST-0001", DecideIn: "440104",
				Form: map[string]string{"reason": "补办"}})
			if err != nil {
				t.Fatal(err)
			}
			for who, b := range map[string]struct {
				by  *identity.Caller
				key string
			}{"someone else's case": {citizen, "appointment.case_unknown"}, "a case of 越秀区": {elder, "appointment.case_elsewhere"}} {
				_, err := e.svc.Book(e.ctx, b.by, appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "09:00"), CaseID: ec.ID})
				if got := errs.As(err); got == nil || got.Fields["case_id"] != b.key {
					t.Errorf("%s: %v, want %s", who, err, b.key)
				}
			}

			a, err := e.svc.Book(e.ctx, citizen, appointment.Booking{CounterID: general.ID, Start: at("2026-09-28", "14:00"), CaseID: c.ID})
			if err != nil {
				t.Fatal(err)
			}
			if a.ItemCode != "TST-0001" || a.CaseID != c.ID || a.State != appointment.Booked {
				t.Fatalf("booking for a case: %+v", a)
			}
			other, err := e.svc.Book(e.ctx, citizen, appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "09:00")})
			if err != nil {
				t.Fatal(err)
			}
			// Cancelling: not someone else's, not twice, not once started.
			if _, err := e.svc.Cancel(e.ctx, elder, other.ID); !errs.Is(err, errs.NotFound) {
				t.Errorf("cancelling someone else's booking: %v, want NotFound", err)
			}
			if _, err := e.svc.Cancel(e.ctx, citizen, other.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Cancel(e.ctx, citizen, other.ID); errs.As(err) == nil || errs.As(err).Msg != "appointment.not_booked" {
				t.Errorf("cancelling twice: %v", err)
			}
			_, slots, _ := e.svc.Slots(e.ctx, th.ID, "2026-09-29")
			for _, cs := range slots {
				for _, sl := range cs.Slots {
					if sl.Booked != 0 {
						t.Errorf("a cancelled seat is still taken: %s %s", cs.Counter.Name, sl.Time)
					}
				}
			}
			mine, _ := e.svc.Mine(e.ctx, citizen, 10)
			if len(mine) != 2 || mine[0].ID != other.ID || mine[0].State != appointment.Cancelled || mine[1].ID != a.ID {
				t.Errorf("my bookings, latest slot first: %+v", mine)
			}

			// 福田's counter staff see nothing of 天河's center.
			if _, err := e.svc.CheckIn(e.ctx, counterSZ, a.ID, ""); !errs.Is(err, errs.NotFound) {
				t.Errorf("check-in outside the scope: %v, want NotFound", err)
			}
			if _, err := e.svc.CenterDay(e.ctx, counterSZ, th.ID, ""); !errs.Is(err, errs.NotFound) {
				t.Errorf("day list outside the scope: %v, want NotFound", err)
			}
			if _, err := e.svc.CheckIn(e.ctx, citizen, a.ID, ""); !errs.Is(err, errs.NotFound) {
				t.Errorf("a citizen checking in: %v, want NotFound", err)
			}
			if _, err := e.svc.MarkNoShow(e.ctx, counter, a.ID); errs.As(err) == nil || errs.As(err).Msg != "appointment.not_started" {
				t.Errorf("no-show before the slot: %v", err)
			}
			day, err := e.svc.CenterDay(e.ctx, counter, th.ID, "")
			if err != nil || len(day) != 1 || day[0].ID != a.ID || day[0].Name != "张明" {
				t.Fatalf("today's list: %+v %v", day, err)
			}
			e.clock.Set(at("2026-09-28", "13:55"))
			got, err := e.svc.CheckIn(e.ctx, counter, a.ID, "携带材料齐全")
			if err != nil {
				t.Fatal(err)
			}
			if got.State != appointment.CheckedIn || got.HandledBy != counter.UserID {
				t.Errorf("checked in: %+v", got)
			}
			if _, err := e.svc.CheckIn(e.ctx, counter, a.ID, ""); !errs.Is(err, errs.Conflict) {
				t.Errorf("checking in twice: %v", err)
			}
			cs, _, err := e.n.App.Cases.Get(e.ctx, citizen, c.ID)
			if err != nil || cs.Trips != 1 || cs.Version != c.Version+1 {
				t.Errorf("case after check-in: trips %d version %d (was %d), %v", cs.Trips, cs.Version, c.Version, err)
			}

			// Audit entries name the person as subject; the outbox has every change.
			entries, err := e.n.App.Audit.Entries(e.ctx, audit.Filter{SubjectID: string(citizen.PersonID), Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for _, en := range entries {
				seen[en.Action]++
			}
			if seen["appointment.booked"] != 2 || seen["appointment.cancelled"] != 1 || seen["appointment.checked_in"] != 1 || seen["case.trip_recorded"] != 1 {
				t.Errorf("audit actions about the citizen: %v", seen)
			}
			var outbox int
			e.n.App.DB.QueryRow(e.ctx, `SELECT COUNT(*) FROM outbox WHERE topic LIKE 'appointments.%' OR topic = 'cases.trip_recorded'`).Scan(&outbox)
			if outbox != 3+2+1+1+1 { // three demo counters, two bookings, a cancellation, a check-in, a trip
				t.Errorf("outbox events: %d, want 8", outbox)
			}
			if res, err := e.n.App.Audit.Verify(e.ctx); err != nil || !res.OK() {
				t.Errorf("audit chain: %+v %v", res, err)
			}
		})
	}
}

// TestNoShowAndCheckInDay: check-in is for the day of the booking; a
// no-show is marked once the slot has started.
func TestNoShowAndCheckInDay(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	general := counterNamed(t, e.center(t, "440304"), "综合受理1号窗")
	citizen, counterSZ := e.caller(t, "citizen"), e.caller(t, "counter_sz")
	a, err := e.svc.Book(e.ctx, citizen, appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "09:30")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CheckIn(e.ctx, counterSZ, a.ID, ""); errs.As(err) == nil || errs.As(err).Msg != "appointment.not_today" {
		t.Errorf("check-in the day before: %v", err)
	}
	e.clock.Set(at("2026-09-29", "09:40"))
	if _, err := e.svc.Cancel(e.ctx, citizen, a.ID); errs.As(err) == nil || errs.As(err).Msg != "appointment.started" {
		t.Errorf("cancelling a started slot: %v", err)
	}
	got, err := e.svc.MarkNoShow(e.ctx, counterSZ, a.ID)
	if err != nil || got.State != appointment.NoShow {
		t.Fatalf("no-show: %v %v", got, err)
	}
	if _, err := e.svc.CheckIn(e.ctx, counterSZ, a.ID, ""); errs.As(err) == nil || errs.As(err).Msg != "appointment.not_booked" {
		t.Errorf("checking in a no-show: %v", err)
	}
}

// TestCapacityUnderConcurrency: ten people book the last two seats of a
// slot at once; exactly two get them, on every engine.
func TestCapacityUnderConcurrency(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			ft := e.center(t, "440304")
			counter := counterNamed(t, ft, "综合受理1号窗") // capacity 2
			if counter.Capacity != 2 {
				t.Fatalf("capacity %d, want 2", counter.Capacity)
			}
			people := make([]*identity.Caller, 10)
			for i := range people {
				name := fmt.Sprintf("person%02d", i)
				born := time.Date(1980, 1, 1+i, 0, 0, 0, 0, time.UTC)
				if _, err := e.n.App.Identity.RegisterPerson(e.ctx, identity.PersonSignup{Username: name, Name: "市民" + name[6:],
					IDNumber: identity.MakeIDNumber("440304", born, 100+i).Clear(), Phone: fmt.Sprintf("139%08d", i), Password: app.DemoPassword}); err != nil {
					t.Fatal(err)
				}
				people[i] = e.caller(t, name)
			}
			start := at("2026-09-30", "15:00")
			errsOf := make([]error, len(people))
			var wg sync.WaitGroup
			for i, p := range people {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errsOf[i] = e.svc.Book(e.ctx, p, appointment.Booking{CounterID: counter.ID, Start: start})
				}()
			}
			wg.Wait()
			won, full := 0, 0
			for _, err := range errsOf {
				switch {
				case err == nil:
					won++
				case errs.As(err) != nil && errs.As(err).Msg == "appointment.slot_full":
					full++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}
			if won != 2 || full != 8 {
				t.Errorf("%d booked, %d told the slot is full; want 2 and 8", won, full)
			}
			_, slots, err := e.svc.Slots(e.ctx, ft.ID, "2026-09-30")
			if err != nil {
				t.Fatal(err)
			}
			for _, sl := range slots[0].Slots {
				if sl.Time.String() == "15:00" && (sl.Booked != 2 || sl.Bookable) {
					t.Errorf("15:00 after the rush: %+v", sl)
				}
			}
			var rows int
			e.n.App.DB.QueryRow(e.ctx, `SELECT COUNT(*) FROM appointments WHERE counter_id = ?`, counter.ID).Scan(&rows)
			if rows != 2 {
				t.Errorf("%d bookings stored, want 2", rows)
			}
		})
	}
}

// TestCounterManagement: the center's counter staff and administrators
// open and change counters; 深圳's staff cannot touch 天河's center;
// invalid settings are reported all at once.
func TestCounterManagement(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	th := e.center(t, "440106")
	in := appointment.CounterInput{Name: "不动产专窗", Departments: []string{"natural_resources"}, Opens: "08:30", Closes: "12:00", SlotMinutes: 20, Capacity: 4}
	if _, err := e.svc.CreateCounter(e.ctx, e.caller(t, "counter_sz"), th.ID, in); !errs.Is(err, errs.NotFound) {
		t.Errorf("深圳 counter staff opening a counter in 天河: %v, want NotFound", err)
	}
	if _, err := e.svc.CreateCounter(e.ctx, e.caller(t, "citizen"), th.ID, in); !errs.Is(err, errs.NotFound) {
		t.Errorf("a citizen opening a counter: %v, want NotFound", err)
	}
	c, err := e.svc.CreateCounter(e.ctx, e.caller(t, "counter"), th.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.SlotsOn(monday)) != 10 || c.Hours() != "08:30–12:00" {
		t.Errorf("new counter: %d slots, hours %s", len(c.SlotsOn(monday)), c.Hours())
	}
	if _, err := e.svc.CreateCounter(e.ctx, e.caller(t, "admin"), th.ID, in); errs.As(err) == nil || errs.As(err).Fields["name"] != "appointment.counter_name_taken" {
		t.Errorf("same name twice: %v", err)
	}
	bad := appointment.CounterInput{Name: "x", Departments: []string{"nope"}, Opens: "17:00", Closes: "09:00", SlotMinutes: 30, Capacity: 0}
	_, err = e.svc.CreateCounter(e.ctx, e.caller(t, "admin"), th.ID, bad)
	want := map[string]string{"name": "appointment.counter_name_invalid", "departments": "appointment.department_unknown",
		"opens": "appointment.hours_invalid", "capacity": "appointment.capacity_invalid"}
	if got := errs.As(err); got == nil || len(got.Fields) != len(want) {
		t.Fatalf("invalid counter: %v", err)
	} else {
		for k, v := range want {
			if got.Fields[k] != v {
				t.Errorf("field %s: %q, want %q", k, got.Fields[k], v)
			}
		}
	}
	in.Active, in.Capacity = false, 1
	u, err := e.svc.UpdateCounter(e.ctx, e.caller(t, "admin"), c.ID, c.Version, in)
	if err != nil || u.Active || u.Capacity != 1 || u.Version != 2 {
		t.Fatalf("update: %+v %v", u, err)
	}
	if _, err := e.svc.UpdateCounter(e.ctx, e.caller(t, "counter"), c.ID, c.Version, in); !errs.Is(err, errs.Conflict) {
		t.Errorf("update from a stale version: %v", err)
	}
	if got := e.center(t, "440106"); len(got.Counters) != 2 {
		t.Errorf("an inactive counter is offered: %d counters", len(got.Counters))
	}
	if _, err := e.svc.Book(e.ctx, e.caller(t, "citizen"), appointment.Booking{CounterID: c.ID, Start: at("2026-09-29", "08:30")}); !errs.Is(err, errs.NotFound) {
		t.Errorf("booking an inactive counter: %v", err)
	}
}

// TestBookForAPerson (代办预约): counter staff book for a person who gives
// their ID number; the booking is the person's, the lookup is audited, and
// staff outside the center's region cannot.
func TestBookForAPerson(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	general := counterNamed(t, e.center(t, "440106"), "综合受理1号窗")
	elder := e.caller(t, "elder")
	me, err := e.n.App.Identity.Me(e.ctx, elder)
	if err != nil {
		t.Fatal(err)
	}
	counter := e.caller(t, "counter")
	b := appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "10:00")}
	if _, err := e.svc.BookFor(e.ctx, counter, me.IDNumber.Clear(), "", b); !errs.Is(err, errs.Invalid) {
		t.Errorf("without consent: %v", err)
	}
	a, err := e.svc.BookFor(e.ctx, counter, me.IDNumber.Clear(), "电话预约，本人同意", b)
	if err != nil {
		t.Fatal(err)
	}
	if a.UserID != elder.UserID || a.Name != "李桂英" {
		t.Errorf("booking holder: %+v", a)
	}
	mine, _ := e.svc.Mine(e.ctx, elder, 10)
	if len(mine) != 1 || mine[0].ID != a.ID {
		t.Errorf("the elder's bookings: %+v", mine)
	}
	if _, err := e.svc.BookFor(e.ctx, e.caller(t, "counter_sz"), "elder", "同意", appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "11:00")}); !errs.Is(err, errs.NotFound) {
		t.Errorf("深圳 counter booking at 天河: %v", err)
	}
	if _, err := e.svc.BookFor(e.ctx, counter, "nobody_here", "同意", appointment.Booking{CounterID: general.ID, Start: at("2026-09-29", "11:00")}); !errs.Is(err, errs.Invalid) {
		t.Errorf("unknown applicant: %v", err)
	}
}
