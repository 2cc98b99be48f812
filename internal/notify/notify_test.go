package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

func testItem(code string) catalog.Item {
	return apptest.TestItem(code, catalog.LevelCity, catalog.ScopeProvince)
}

type env struct {
	n   *apptest.Node
	ctx context.Context
}

func start(t *testing.T, e storetest.Engine) *env {
	t.Helper()
	n := apptest.Start(t, e)
	ctx := context.Background()
	if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{testItem("TST-0001")}); err != nil {
		t.Fatal(err)
	}
	return &env{n: n, ctx: ctx}
}

func (e *env) caller(t *testing.T, username string) *identity.Caller { return e.n.Caller(t, username) }

// dispatch runs the outbox dispatcher until nothing is due.
func (e *env) dispatch(t *testing.T) {
	t.Helper()
	for {
		n, err := e.n.App.Jobs.RunOnce(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func (e *env) inbox(t *testing.T, by *identity.Caller) []notify.Notification {
	t.Helper()
	list, err := e.n.App.Notify.List(e.ctx, by, notify.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func keys(list []notify.Notification) string {
	var s []string
	for _, n := range list {
		s = append(s, strings.TrimSuffix(strings.TrimPrefix(n.Title, "notify.case."), ".title"))
	}
	return strings.Join(s, " ")
}

var t0 = time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)

var form = map[string]string{"reason": "换领", "phone": "13800138000"}

func TestCaseNotifications(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			cs := e.n.App.Cases
			citizen, officer, head := e.caller(t, "citizen"), e.caller(t, "officer"), e.caller(t, "head")
			c, err := cs.Apply(e.ctx, citizen, cases.Application{ItemCode: "TST-0001", DecideIn: "440106", Form: form})
			if err != nil {
				t.Fatal(err)
			}
			act := func(by *identity.Caller, a cases.Action, comment string) {
				t.Helper()
				if c, err = cs.Act(e.ctx, by, c.ID, c.Version, a, comment); err != nil {
					t.Fatalf("%s: %v", a, err)
				}
			}
			act(officer, cases.ActAccept, "")
			if got := e.inbox(t, citizen); len(got) != 0 {
				t.Fatalf("notifications before the dispatcher ran: %d", len(got))
			}
			e.dispatch(t)

			// An applied and accepted case: two entries, newest first.
			list := e.inbox(t, citizen)
			if keys(list) != "accept submit" {
				t.Fatalf("citizen's inbox: %q, want accept and submit", keys(list))
			}
			n := list[0]
			if n.Link != "/cases/"+string(c.ID) || n.Topic != "cases.accept" || n.Urgent || !n.Unread() ||
				len(n.Args) != 2 || n.Args[0] != c.Number || n.Args[1] != "测试事项TST-0001" {
				t.Errorf("accept notification: %+v", n)
			}
			msgs := i18n.MustLoad()
			title, body := n.Render(msgs, i18n.ZhCN)
			if title != "申请已受理" || !strings.Contains(body, c.Number) || !strings.Contains(body, "测试事项TST-0001") {
				t.Errorf("rendered zh-CN: %q / %q", title, body)
			}
			if title, _ := n.Render(msgs, i18n.En); title != "Application accepted" {
				t.Errorf("rendered en: %q", title)
			}
			if got := e.inbox(t, officer); len(got) != 0 {
				t.Errorf("the officer got %d notifications", len(got))
			}
			if u, _ := e.n.App.Notify.Unread(e.ctx, citizen); u != 2 {
				t.Errorf("unread %d, want 2", u)
			}

			// The rest of the life: only steps that concern the applicant notify.
			act(officer, cases.ActRequestCorrection, "请补充身份证复印件")
			act(citizen, cases.ActCorrect, "")
			act(officer, cases.ActPass, "")
			act(head, cases.ActApprove, "准予")
			act(head, cases.ActComplete, "")
			e.dispatch(t)
			list = e.inbox(t, citizen)
			if keys(list) != "complete approve request_correction accept submit" {
				t.Fatalf("after the whole life: %q", keys(list))
			}
			if !list[2].Urgent || list[0].Urgent {
				t.Errorf("only the correction request is urgent: %v %v", list[2].Urgent, list[0].Urgent)
			}
			for _, u := range []*identity.Caller{officer, head} {
				if got := e.inbox(t, u); len(got) != 0 {
					t.Errorf("%s got %d notifications", u.Username, len(got))
				}
			}

			// Replaying every event notifies nobody twice.
			if _, err := e.n.App.DB.Exec(e.ctx, `UPDATE outbox SET processed_at = NULL WHERE topic LIKE 'cases.%'`); err != nil {
				t.Fatal(err)
			}
			e.dispatch(t)
			if got := e.inbox(t, citizen); len(got) != 5 {
				t.Errorf("after a replay: %d notifications, want 5", len(got))
			}

			// Each delivery was logged with the user and title, never with
			// a clear ID number or phone.
			logs := e.n.Log.String()
			// (The demo's events notify their departments' staff too.)
			if got := strings.Count(logs, `"user":"`+string(citizen.UserID)+`","title"`); got != 5 {
				t.Errorf("%d notification log lines for the citizen, want 5", got)
			}
			if !strings.Contains(logs, `"user":"`+string(citizen.UserID)+`","title":"申请已受理"`) {
				t.Errorf("log lacks the user and title: %.2000s", logs)
			}
			me, err := e.n.App.Identity.Me(e.ctx, citizen)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{me.IDNumber.Clear(), "13800138000"} {
				if strings.Contains(logs, secret) {
					t.Errorf("the log holds %s in clear", secret)
				}
			}
		})
	}
}

func TestCounterNotifications(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	sz, elder := e.caller(t, "counter_sz"), e.caller(t, "elder")
	c, err := e.n.App.Cases.ReceiveAtCounter(e.ctx, sz, cases.CounterApplication{
		Application:       cases.Application{ItemCode: "TST-0001", DecideIn: "440106", Form: form},
		ApplicantUsername: "elder", Consent: "本人到场，书面同意代办"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.n.App.Cases.Act(e.ctx, sz, c.ID, c.Version, cases.ActForward, "材料已核对"); err != nil {
		t.Fatal(err)
	}
	e.dispatch(t)
	if got := keys(e.inbox(t, elder)); got != "forward received" {
		t.Errorf("the person a counter applied for: %q", got)
	}
	if got := e.inbox(t, sz); len(got) != 0 {
		t.Errorf("the counter staff got %d notifications", len(got))
	}
}

func TestInbox(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	citizen, elder := e.caller(t, "citizen"), e.caller(t, "elder")
	for range 2 {
		if _, err := e.n.App.Cases.Apply(e.ctx, citizen, cases.Application{ItemCode: "TST-0001", DecideIn: "440106", Form: form}); err != nil {
			t.Fatal(err)
		}
	}
	e.dispatch(t)
	nt := e.n.App.Notify
	list := e.inbox(t, citizen)
	if len(list) != 2 {
		t.Fatalf("inbox: %d", len(list))
	}
	if _, err := nt.Open(e.ctx, elder, list[0].ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("opening another person's notification: %v", err)
	}
	if _, err := nt.Open(e.ctx, &identity.Caller{}, list[0].ID); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("opening anonymously: %v", err)
	}
	if _, err := nt.List(e.ctx, nil, notify.Query{}); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("listing anonymously: %v", err)
	}
	if _, err := nt.Open(e.ctx, citizen, ids.ID("not-an-id")); !errs.Is(err, errs.NotFound) {
		t.Errorf("opening a malformed ID: %v", err)
	}
	got, err := nt.Open(e.ctx, citizen, list[0].ID)
	if err != nil || got.Unread() {
		t.Fatalf("open: %+v %v", got, err)
	}
	again, _ := nt.Open(e.ctx, citizen, list[0].ID)
	if !again.ReadAt.Equal(got.ReadAt) {
		t.Errorf("opening twice moved the read time")
	}
	if u, _ := nt.Unread(e.ctx, citizen); u != 1 {
		t.Errorf("unread after opening one: %d", u)
	}
	if l, _ := nt.List(e.ctx, citizen, notify.Query{UnreadOnly: true}); len(l) != 1 || l[0].ID != list[1].ID {
		t.Errorf("unread only: %+v", l)
	}
	if n, err := nt.ReadAll(e.ctx, citizen); n != 1 || err != nil {
		t.Errorf("read all: %d %v", n, err)
	}
	if u, _ := nt.Unread(e.ctx, citizen); u != 0 {
		t.Errorf("unread after reading all: %d", u)
	}
	if u, err := nt.Unread(e.ctx, &identity.Caller{}); u != 0 || err != nil {
		t.Errorf("a visitor's unread count: %d %v", u, err)
	}
}

// recorder is a Sender that keeps what it was given.
type recorder struct{ got []notify.Message }

func (r *recorder) Send(_ context.Context, m notify.Message) error {
	r.got = append(r.got, m)
	return nil
}

// directory knows one person's address and language.
type directory map[ids.ID]notify.Recipient

func (d directory) Recipient(_ context.Context, id ids.ID) (notify.Recipient, error) {
	return d[id], nil
}

// TestDeliver: messages go out after the handler, rendered in the
// recipient's language, with their address when the Directory knows one.
func TestDeliver(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	citizen, elder := e.caller(t, "citizen"), e.caller(t, "elder")
	rec := &recorder{}
	nt := notify.NewService(notify.Deps{Store: e.n.App.Store, Items: e.n.App.Catalog, Messages: i18n.MustLoad(), Sender: rec,
		Directory: directory{citizen.UserID: {Email: "zhangming@example.cn", Locale: "en"}}})
	for i, user := range []ids.ID{citizen.UserID, elder.UserID} {
		ev := notify.Event{ID: ids.New(), Topic: "cases.request_correction", At: t0.Add(time.Duration(i) * time.Minute),
			Payload: []byte(`{"case_id":"c1","number":"N-1","item":"TST-0001","to":"correction","applicant":"` + string(user) + `"}`)}
		var list []notify.Notification
		err := e.n.App.DB.Transact(e.ctx, func(ctx context.Context) error {
			var err error
			list, err = nt.CaseEvent(ctx, ev)
			return err
		})
		if err != nil || len(list) != 1 {
			t.Fatalf("case event: %v %v", list, err)
		}
		nt.Deliver(e.ctx, list)
	}
	if len(rec.got) != 2 {
		t.Fatalf("sent %d messages", len(rec.got))
	}
	m := rec.got[0]
	if m.To != "zhangming@example.cn" || !strings.HasPrefix(m.Title, "Please supplement") || !m.Urgent || m.Link != "/cases/c1" {
		t.Errorf("message to the citizen: %+v", m)
	}
	if m := rec.got[1]; m.To != "" || !strings.HasPrefix(m.Title, "请补正材料") {
		t.Errorf("message to a person without an address: %+v", m)
	}
	// Steps that concern nobody, and other topics, write nothing.
	for _, topic := range []string{"cases.correct", "cases.pass", "cases.withdraw", "ratings.given"} {
		list, err := nt.CaseEvent(e.ctx, notify.Event{ID: ids.New(), Topic: topic, Payload: []byte(`{"case_id":"c1","applicant":"x"}`)})
		if err != nil || len(list) != 0 {
			t.Errorf("%s: %v %v", topic, list, err)
		}
	}
	if _, err := nt.CaseEvent(e.ctx, notify.Event{ID: ids.New(), Topic: "cases.accept", Payload: []byte(`{`)}); err == nil {
		t.Error("a malformed payload was accepted")
	}
}
