package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/appointment"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/store/storetest"
)

// apptNode is a node with a test item and the days the tests book on,
// found from the real calendar (the server runs on the wall clock).
type apptNode struct {
	*apptest.Node
	t         *testing.T
	ctx       context.Context
	today     time.Time // midnight, Shanghai
	next      string    // the first working day after today
	dayOff    string    // a weekend or holiday day within the window
	yesterday string
	tooFar    string // 15 days ahead
	th, ft    appointment.Center
}

func startAppointments(t *testing.T, e storetest.Engine) *apptNode {
	n := &apptNode{Node: apptest.Start(t, e), t: t, ctx: context.Background()}
	item := catalog.Item{Code: "TST-0101", Name: "测试社保事项", Type: catalog.TypePublic, Department: "hrss", Level: catalog.LevelCounty,
		Materials:    []catalog.Material{{Name: "居民身份证", Required: true, Form: "original"}},
		Form:         []catalog.Field{{Name: "reason", Label: "申请事由", Kind: catalog.FieldText, Required: true, MaxLength: 20}},
		PromisedDays: 5, StatutoryDays: 20, Fee: "不收费", OnlineDepth: 3, Trips: 1,
		Channels: []catalog.Channel{catalog.ChannelOnline}, Targets: []catalog.Target{catalog.TargetPerson},
		Steps:  []catalog.Step{{Stage: catalog.StageAccept, Role: identity.RoleCaseOfficer}, {Stage: catalog.StageDecide, Role: identity.RoleDepartmentHead}},
		Result: "测试结果"}
	if _, err := n.App.Catalog.ImportAs(n.ctx, audit.System("test"), []catalog.Item{item}); err != nil {
		t.Fatal(err)
	}
	y, m, d := time.Now().In(workday.Shanghai).Date()
	day := func(i int) time.Time { return time.Date(y, m, d+i, 0, 0, 0, 0, workday.Shanghai) }
	n.today, n.yesterday, n.tooFar = day(0), day(-1).Format("2006-01-02"), day(15).Format("2006-01-02")
	for i := 1; i <= appointment.BookingDays; i++ {
		switch {
		case n.next == "" && n.App.Calendar.IsWorkday(day(i)):
			n.next = day(i).Format("2006-01-02")
		case n.dayOff == "" && !n.App.Calendar.IsWorkday(day(i)):
			n.dayOff = day(i).Format("2006-01-02")
		}
	}
	centers, err := n.App.Appointments.Centers(n.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range centers {
		switch c.Region {
		case "440106":
			n.th = c
		case "440304":
			n.ft = c
		}
	}
	return n
}

func (n *apptNode) counter(c appointment.Center, name string) appointment.Counter {
	for _, ct := range c.Counters {
		if ct.Name == name {
			return ct
		}
	}
	n.t.Fatalf("no counter %s at %s", name, c.Name)
	return appointment.Counter{}
}

func (n *apptNode) user(username string) *identity.User {
	u, err := n.App.Identity.UserByUsername(n.ctx, username)
	if err != nil {
		n.t.Fatal(err)
	}
	return u
}

// todayBooking stores a booking for today's 09:00 directly, so that the
// check-in scenarios do not depend on the hour the tests run at (booking
// through the service needs a slot that has not started).
func (n *apptNode) todayBooking(username string, ct appointment.Counter, c appointment.Center, caseID ids.ID) *appointment.Appointment {
	u := n.user(username)
	start := n.today.Add(9 * time.Hour)
	a := &appointment.Appointment{ID: ids.New(), CounterID: ct.ID, CenterID: c.ID, Region: c.Region, CounterName: ct.Name,
		CenterName: c.Name, UserID: u.ID, PersonID: u.PersonID, Name: u.DisplayName, CaseID: caseID,
		Day: n.today.Format("2006-01-02"), Time: 9 * 60, Start: start.UTC(), End: start.Add(30 * time.Minute).UTC(),
		State: appointment.Booked, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	if err := n.App.Store.CreateAppointment(n.ctx, a); err != nil {
		n.t.Fatal(err)
	}
	return a
}

// caseOf applies for the test item as username, decided in 天河区.
func (n *apptNode) caseOf(username string) *cases.Case {
	u := n.user(username)
	c, err := n.App.Cases.Apply(n.ctx, &identity.Caller{UserID: u.ID, Name: u.DisplayName, Kind: u.Kind, PersonID: u.PersonID},
		cases.Application{ItemCode: "TST-0101", DecideIn: "440106", Form: map[string]string{"reason": "补办"}})
	if err != nil {
		n.t.Fatal(err)
	}
	return c
}

// api sends a JSON request with a token.
func (n *apptNode) api(method, path, token string, body any) *apptest.Response {
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, n.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return n.Client(n.t).Do(req)
}

func slotStart(day, hhmm string) string {
	t, _ := time.ParseInLocation("2006-01-02 15:04", day+" "+hhmm, workday.Shanghai)
	return t.Format(time.RFC3339)
}

func TestAppointmentAPI(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startAppointments(t, e)
			tok := map[string]string{}
			for _, u := range []string{"citizen", "elder", "enterprise", "counter", "counter_sz", "admin"} {
				tok[u] = n.Token(t, u)
			}
			general, social := n.counter(n.th, "综合受理1号窗"), n.counter(n.th, "社保医保专窗")
			c := n.caseOf("citizen")
			today := n.todayBooking("citizen", general, n.th, c.ID)
			var booked string // ID of the citizen's booking made through the API

			tests := []struct {
				name, method, path, who string
				body                    any
				status                  int
				check                   func(t *testing.T, r *apptest.Response)
			}{
				{"centers are public", "GET", "/api/v1/centers?region=4401", "", nil, 200, func(t *testing.T, r *apptest.Response) {
					var out struct {
						Items []struct{ Name, Region string }
					}
					mustJSON(t, r.Body, &out)
					if len(out.Items) != 1 || out.Items[0].Region != "440106" || !strings.Contains(r.Body, `"name":"社保医保专窗"`) {
						t.Errorf("centers of 广州: %.400s", r.Body)
					}
				}},
				{"unknown region", "GET", "/api/v1/centers?region=999999", "", nil, 422, nil},
				{"slots of a working day", "GET", "/api/v1/centers/" + string(n.th.ID) + "/slots?date=" + n.next, "", nil, 200, func(t *testing.T, r *apptest.Response) {
					var out struct {
						Counters []struct {
							Slots []struct {
								Time      string
								Remaining int
								Bookable  bool
							}
						}
					}
					mustJSON(t, r.Body, &out)
					if len(out.Counters) != 2 || len(out.Counters[0].Slots) != 17 || out.Counters[0].Slots[0].Time != "09:00" || !out.Counters[0].Slots[0].Bookable {
						t.Errorf("slots: %.300s", r.Body)
					}
				}},
				{"slots on a day off", "GET", "/api/v1/centers/" + string(n.th.ID) + "/slots?date=" + n.dayOff, "", nil, 422, func(t *testing.T, r *apptest.Response) {
					wantProblem(t, r.Body, 422, "所选日期不是工作日（周末或法定节假日），服务中心不办公，请选择工作日。")
				}},
				{"slots of an unknown center", "GET", "/api/v1/centers/" + string(ids.New()) + "/slots?date=" + n.next, "", nil, 404, nil},
				{"bookings need a token", "GET", "/api/v1/appointments", "", nil, 401, nil},
				{"book", "POST", "/api/v1/appointments", "citizen", map[string]any{"counter_id": social.ID, "start": slotStart(n.next, "09:00"), "item_code": "TST-0101"}, 201, func(t *testing.T, r *apptest.Response) {
					var a struct {
						ID, State, Day, Time string
						ItemName             string `json:"item_name"`
					}
					mustJSON(t, r.Body, &a)
					if a.State != "booked" || a.Day != n.next || a.Time != "09:00" || a.ItemName != "测试社保事项" {
						t.Errorf("booking: %s", r.Body)
					}
					booked = a.ID
				}},
				{"the same time twice", "POST", "/api/v1/appointments", "citizen", map[string]any{"counter_id": general.ID, "start": slotStart(n.next, "09:00")}, 409, func(t *testing.T, r *apptest.Response) {
					wantProblem(t, r.Body, 409, "您在这个时间已有预约，同一时间只能预约一个窗口。")
				}},
				{"second seat", "POST", "/api/v1/appointments", "elder", map[string]any{"counter_id": social.ID, "start": slotStart(n.next, "09:00")}, 201, nil},
				{"a full slot", "POST", "/api/v1/appointments", "enterprise", map[string]any{"counter_id": social.ID, "start": slotStart(n.next, "09:00")}, 409, func(t *testing.T, r *apptest.Response) {
					wantProblem(t, r.Body, 409, "该时段已约满，请选择其他时段或其他窗口。")
				}},
				{"a past slot", "POST", "/api/v1/appointments", "citizen", map[string]any{"counter_id": general.ID, "start": slotStart(n.yesterday, "09:00")}, 422, func(t *testing.T, r *apptest.Response) {
					wantProblem(t, r.Body, 422, "该时段已开始或已过去，只能预约尚未开始的时段。")
				}},
				{"a day off", "POST", "/api/v1/appointments", "citizen", map[string]any{"counter_id": general.ID, "start": slotStart(n.dayOff, "09:00")}, 422, func(t *testing.T, r *apptest.Response) {
					wantProblem(t, r.Body, 422, "所选日期不是工作日（周末或法定节假日），服务中心不办公，请选择工作日。")
				}},
				{"too far ahead", "POST", "/api/v1/appointments", "citizen", map[string]any{"counter_id": general.ID, "start": slotStart(n.tooFar, "09:00")}, 422, func(t *testing.T, r *apptest.Response) {
					wantProblem(t, r.Body, 422, "只能预约今天起 14 天内的时段。")
				}},
				{"in English", "POST", "/api/v1/appointments", "citizen", map[string]any{"counter_id": general.ID, "start": slotStart(n.tooFar, "09:00")}, 422, nil},
				{"staff do not book", "POST", "/api/v1/appointments", "counter", map[string]any{"counter_id": general.ID, "start": slotStart(n.next, "10:00")}, 403, nil},
				{"my bookings", "GET", "/api/v1/appointments", "citizen", nil, 200, func(t *testing.T, r *apptest.Response) {
					if !strings.Contains(r.Body, booked) || !strings.Contains(r.Body, string(today.ID)) {
						t.Errorf("my bookings lack one: %.400s", r.Body)
					}
				}},
				{"cancelling someone else's", "POST", "/api/v1/appointments/{booked}/cancel", "elder", nil, 404, nil},
				{"checking in outside the scope", "POST", "/api/v1/appointments/" + string(today.ID) + "/check-in", "counter_sz", nil, 404, nil},
				{"a citizen checking in", "POST", "/api/v1/appointments/" + string(today.ID) + "/check-in", "citizen", nil, 404, nil},
				{"a counter's day outside the scope", "GET", "/api/v1/counters/" + string(general.ID) + "/appointments", "counter_sz", nil, 404, nil},
				{"a counter's day", "GET", "/api/v1/counters/" + string(general.ID) + "/appointments", "counter", nil, 200, func(t *testing.T, r *apptest.Response) {
					if !strings.Contains(r.Body, string(today.ID)) || !strings.Contains(r.Body, `"name":"张明"`) {
						t.Errorf("today at 综合受理1号窗: %.400s", r.Body)
					}
				}},
				{"check in", "POST", "/api/v1/appointments/" + string(today.ID) + "/check-in", "counter", map[string]any{"note": "材料齐全"}, 200, func(t *testing.T, r *apptest.Response) {
					if !strings.Contains(r.Body, `"state":"checked_in"`) || !strings.Contains(r.Body, `"handled_at"`) {
						t.Errorf("check-in: %s", r.Body)
					}
				}},
				{"check in twice", "POST", "/api/v1/appointments/" + string(today.ID) + "/check-in", "counter", nil, 409, func(t *testing.T, r *apptest.Response) {
					wantProblem(t, r.Body, 409, "该预约的状态是“已签到”，不能再办理此操作。")
				}},
				{"no-show before the slot", "POST", "/api/v1/appointments/{booked}/no-show", "counter", nil, 409, nil},
				{"cancel", "POST", "/api/v1/appointments/{booked}/cancel", "citizen", nil, 200, func(t *testing.T, r *apptest.Response) {
					if !strings.Contains(r.Body, `"state":"cancelled"`) {
						t.Errorf("cancel: %s", r.Body)
					}
				}},
				{"the freed seat can be taken", "POST", "/api/v1/appointments", "enterprise", map[string]any{"counter_id": social.ID, "start": slotStart(n.next, "09:00")}, 201, nil},
				{"open a counter", "POST", "/api/v1/centers/" + string(n.ft.ID) + "/counters", "admin", map[string]any{"name": "企业开办专窗", "departments": []string{"market_regulation"}, "opens": "09:00", "closes": "12:00", "slot_minutes": 60, "capacity": 5}, 201, nil},
				{"open a counter elsewhere", "POST", "/api/v1/centers/" + string(n.ft.ID) + "/counters", "counter", map[string]any{"name": "x窗口", "opens": "09:00", "closes": "12:00", "slot_minutes": 60, "capacity": 5}, 404, nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					path := strings.ReplaceAll(tt.path, "{booked}", booked)
					req, _ := http.NewRequest(tt.method, n.URL+path, nil)
					if tt.body != nil {
						b, _ := json.Marshal(tt.body)
						req, _ = http.NewRequest(tt.method, n.URL+path, bytes.NewReader(b))
						req.Header.Set("Content-Type", "application/json")
					}
					if tt.who != "" {
						req.Header.Set("Authorization", "Bearer "+tok[tt.who])
					}
					if tt.name == "in English" {
						req.Header.Set("Accept-Language", "en")
					}
					r := n.Client(t).Do(req)
					if r.StatusCode != tt.status {
						t.Fatalf("status %d, want %d: %.400s", r.StatusCode, tt.status, r.Body)
					}
					if tt.check != nil {
						tt.check(t, r)
					}
					if tt.name == "in English" && !strings.Contains(r.Body, "Slots can be booked up to 14 days ahead only.") {
						t.Errorf("English problem: %s", r.Body)
					}
				})
			}
			got, _, err := n.App.Cases.Get(n.ctx, &identity.Caller{UserID: c.ApplicantID, Kind: identity.KindPerson}, c.ID)
			if err != nil || got.Trips != 1 {
				t.Errorf("trips on the case after check-in: %v %v, want 1", got, err)
			}
			doc := n.api("GET", "/api/openapi.json", "", nil)
			for _, p := range []string{"/api/v1/centers", "/api/v1/centers/{id}/slots", "/api/v1/appointments", "/api/v1/appointments/{id}/cancel",
				"/api/v1/appointments/{id}/check-in", "/api/v1/counters/{id}/appointments"} {
				if !strings.Contains(doc.Body, `"`+p+`"`) {
					t.Errorf("openapi lacks %s", p)
				}
			}
		})
	}
}

func TestAppointmentPages(t *testing.T) {
	n := startAppointments(t, storetest.Engines(t)[0])
	general, social := n.counter(n.th, "综合受理1号窗"), n.counter(n.th, "社保医保专窗")

	citizen := n.Client(t)
	citizen.Login("citizen", app.DemoPassword)
	// From the service guide to the booking page.
	g := citizen.Get("/services/TST-0101")
	if href, _ := g.Doc.Find("#book-counter-link").Attr("href"); href != "/appointments/new?item=TST-0101" {
		t.Fatalf("guide's booking link: %q", href)
	}
	if citizen.Get("/").Doc.Find(`nav.main-nav a[href="/appointments"]`).Length() != 1 {
		t.Errorf("a citizen's navigation lacks 预约")
	}
	p := citizen.Get("/appointments/new?item=TST-0101")
	if p.StatusCode != 200 || p.Doc.Find("#rp-region").Length() != 1 || p.Doc.Find("#booking-item").Text() != "办理事项：测试社保事项" {
		t.Fatalf("booking page: %d", p.StatusCode)
	}
	link := p.Doc.Find(`#centers a`).First()
	if link.Text() != n.th.Name {
		t.Fatalf("centers near the citizen (天河区): first is %q", link.Text())
	}
	href, _ := link.Attr("href")
	p = citizen.Get(href)
	if p.Doc.Find("#days a").Length() == 0 {
		t.Fatalf("no days offered at %s: %d %.500s", href, p.StatusCode, p.Doc.Find("main").Text())
	}
	p = citizen.Get(href + "&date=" + n.next)
	if p.Doc.Find(`#slot-form input[name="slot"]`).Length() != 34 {
		t.Fatalf("slots of two counters: %d radios", p.Doc.Find(`#slot-form input[name="slot"]`).Length())
	}
	book := func(c *apptest.Client, counter appointment.Counter, date, at, item string) *apptest.Response {
		return c.Post("/appointments", url.Values{"center": {string(n.th.ID)}, "date": {date},
			"slot": {string(counter.ID) + "@" + at}, "item": {item}, "case": {""}})
	}
	r := book(citizen, social, n.next, "10:00", "TST-0101")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/appointments?done=booked" {
		t.Fatalf("booking: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	mine := citizen.Get(r.Header.Get("Location"))
	if mine.Doc.Find("#appointment-done").Length() != 1 || mine.Doc.Find("#my-appointments li.appointment-booked button").Length() != 1 ||
		!strings.Contains(mine.Doc.Find("#my-appointments").Text(), "社保医保专窗") {
		t.Errorf("my bookings page: %.600s", mine.Doc.Find("main").Text())
	}

	// Refusals come back on the booking page with the rule's sentence.
	elder := n.Client(t)
	elder.Login("elder", app.DemoPassword)
	if r := book(elder, social, n.next, "10:00", ""); r.StatusCode != 201 && r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second seat: %d", r.StatusCode)
	}
	ent := n.Client(t)
	ent.Login("enterprise", app.DemoPassword)
	r = book(ent, social, n.next, "10:00", "")
	if r.StatusCode != http.StatusConflict || r.Doc.Find("#booking-error").Text() != "该时段已约满，请选择其他时段或其他窗口。" {
		t.Errorf("a full slot: %d %q", r.StatusCode, r.Doc.Find("#booking-error").Text())
	}
	r = book(ent, general, n.dayOff, "10:00", "")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#booking-error").Text(), "不是工作日") {
		t.Errorf("a day off: %d %q", r.StatusCode, r.Doc.Find("#booking-error").Text())
	}
	// Markup typed into a field comes back escaped.
	evil := `<script>alert("x")</script>`
	r = book(ent, general, n.next, "11:00", evil)
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-item_code").Text() != "找不到该事项编码。" {
		t.Errorf("unknown item: %d %q", r.StatusCode, r.Doc.Find("#e-item_code").Text())
	}
	if v, _ := r.Doc.Find("#f-item").Attr("value"); v != evil || strings.Contains(r.Body, evil) {
		t.Errorf("the item field is not escaped: value %q", v)
	}
	// The elder sees the page in elderly mode.
	if e := elder.Get("/appointments/new"); e.Doc.Find("html.elderly").Length() != 1 {
		t.Errorf("the booking page ignores elderly mode")
	}

	// The counter checks the citizen in on the day; 福田's counter cannot.
	c := n.caseOf("citizen")
	today := n.todayBooking("citizen", general, n.th, c.ID)
	sz := n.Client(t)
	sz.Login("counter_sz", app.DemoPassword)
	if r := sz.Post("/workbench/appointments/"+string(today.ID)+"/check-in", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("福田 checking in at 天河: %d, want 404", r.StatusCode)
	}
	if d := sz.Get("/workbench/appointments"); d.Doc.Find("#row-"+string(today.ID)).Length() != 0 {
		t.Errorf("福田's desk shows 天河's booking")
	}
	counter := n.Client(t)
	counter.Login("counter", app.DemoPassword)
	desk := counter.Get("/workbench/appointments")
	row := desk.Doc.Find("#row-" + string(today.ID))
	if desk.StatusCode != 200 || row.Length() != 1 || row.Find("#check-"+string(today.ID)).Length() != 1 {
		t.Fatalf("desk: %d, row %d", desk.StatusCode, row.Length())
	}
	if desk.Doc.Find(`nav.main-nav a[href="/workbench/appointments"]`).Length() != 1 {
		t.Errorf("counter staff's navigation lacks 预约")
	}
	r = counter.Post("/workbench/appointments/"+string(today.ID)+"/check-in", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("check-in: %d", r.StatusCode)
	}
	desk = counter.Get(r.Header.Get("Location"))
	if got := desk.Doc.Find("#row-" + string(today.ID) + " .badge").Text(); got != "已签到" || desk.Doc.Find("#desk-done").Length() != 1 {
		t.Errorf("after check-in: %q", got)
	}
	if got, _, _ := n.App.Cases.Get(n.ctx, &identity.Caller{UserID: c.ApplicantID, Kind: identity.KindPerson}, c.ID); got.Trips != 1 {
		t.Errorf("trips after check-in: %d", got.Trips)
	}
	// The citizen sees who checked them in.
	if use := citizen.Get("/portal").Doc.Find("#data-use").Text(); !strings.Contains(use, "窗口签到") || !strings.Contains(use, "黄志强") {
		t.Errorf("data use lacks the check-in: %q", use)
	}

	// Counters: the center's staff open one; invalid settings come back marked.
	cp := counter.Get("/workbench/counters")
	if cp.StatusCode != 200 || cp.Doc.Find("#counters tbody tr").Length() != 2 {
		t.Fatalf("counters page: %d", cp.StatusCode)
	}
	form := url.Values{"center": {string(n.th.ID)}, "name": {"不动产专窗"}, "opens": {"09:00"}, "closes": {"12:00"},
		"slot_minutes": {"20"}, "capacity": {"3"}, "departments": {"natural_resources"}}
	if r := counter.Post("/workbench/counters", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("open a counter: %d %s", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	form.Set("capacity", "0")
	form.Set("closes", "08:00")
	r = counter.Post("/workbench/counters", form)
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-capacity").Length() != 1 || r.Doc.Find("#e-opens").Length() != 1 {
		t.Errorf("invalid counter: %d", r.StatusCode)
	}
	if r := sz.Post("/workbench/counters", url.Values{"center": {string(n.th.ID)}, "name": {"x窗口"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("福田 opening a counter at 天河: %d, want 404", r.StatusCode)
	}
	admin := n.Client(t)
	admin.Login("admin", app.DemoPassword)
	if a := admin.Get("/workbench/counters?center=" + string(n.ft.ID)); a.StatusCode != 200 || a.Doc.Find("#counter-form").Length() != 1 {
		t.Errorf("admin's counters page: %d", a.StatusCode)
	}
	if p := citizen.Get("/workbench/appointments"); p.StatusCode != http.StatusForbidden {
		t.Errorf("a citizen at the desk: %d, want 403", p.StatusCode)
	}
}
