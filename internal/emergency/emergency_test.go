package emergency_test

import (
	"context"
	"encoding/xml"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/storetest"
)

type env struct {
	t    *testing.T
	n    *apptest.Node
	em   *emergency.Service
	ctx  context.Context
	duty *identity.Caller // 何伟, duty officer of 广州 4401
}

func start(t *testing.T, e storetest.Engine) *env {
	n := apptest.Start(t, e)
	return &env{t: t, n: n, em: n.App.Emergency, ctx: context.Background(), duty: n.Caller(t, "duty")}
}

// provinceDuty is a duty officer for all of 广东, to make incidents outside
// 广州.
func provinceDuty() *identity.Caller {
	return &identity.Caller{UserID: ids.New(), Name: "省值班员", Kind: identity.KindStaff,
		Grants: []identity.Grant{{Role: identity.RoleDutyOfficer, Scope: "44"}}}
}

func typhoon(region string) emergency.DeclareInput {
	return emergency.DeclareInput{Title: "台风测试", Type: emergency.NaturalDisaster, Grade: 2, Region: region,
		Summary: "沿海大风", Lat: 22.8, Lon: 113.5}
}

func (e *env) declare(in emergency.DeclareInput) *emergency.Incident {
	e.t.Helper()
	inc, err := e.em.Declare(e.ctx, e.duty, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return inc
}

func (e *env) org(part string) ids.ID {
	e.t.Helper()
	orgs, err := e.n.App.Identity.Organizations(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, o := range orgs {
		if strings.Contains(o.Name, part) {
			return o.ID
		}
	}
	e.t.Fatalf("no organisation %s", part)
	return ""
}

// code is the error's code, "" for nil; msg its message key.
func code(err error) errs.Code { return errs.CodeOf(err) }

func TestLifecycle(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			inc := e.declare(typhoon("440115"))
			if inc.State != emergency.Declared || inc.Version != 1 || inc.DeclaredByName != "何伟" {
				t.Fatalf("declared %+v", inc)
			}
			v := func() int {
				x, err := e.em.Incident(e.ctx, e.duty, inc.ID)
				if err != nil {
					t.Fatal(err)
				}
				return x.Version
			}
			steps := []struct {
				name string
				do   func() error
				want errs.Code
				msg  string
			}{
				{"respond without a commander", func() error { _, err := e.em.Respond(e.ctx, e.duty, inc.ID, v()); return err }, errs.Conflict, "emergency.commander_required"},
				{"close before responding", func() error { _, err := e.em.Close(e.ctx, e.duty, inc.ID, v(), "总结"); return err }, errs.Conflict, "emergency.not_responding"},
				{"name the command", func() error {
					_, err := e.em.SetCommand(e.ctx, e.duty, inc.ID, v(), emergency.Command{Commander: "何伟", Logistics: "王建华"})
					return err
				}, "", ""},
				{"stale version", func() error { _, err := e.em.Respond(e.ctx, e.duty, inc.ID, 1); return err }, errs.Conflict, "emergency.incident_changed"},
				{"respond", func() error { _, err := e.em.Respond(e.ctx, e.duty, inc.ID, v()); return err }, "", ""},
				{"respond twice", func() error { _, err := e.em.Respond(e.ctx, e.duty, inc.ID, v()); return err }, errs.Conflict, "emergency.not_declared"},
				{"regrade without reason", func() error { _, err := e.em.Regrade(e.ctx, e.duty, inc.ID, v(), 1, " "); return err }, errs.Invalid, ""},
				{"regrade", func() error { _, err := e.em.Regrade(e.ctx, e.duty, inc.ID, v(), 1, "风力增强"); return err }, "", ""},
				{"task without deadline", func() error {
					_, err := e.em.AddTask(e.ctx, e.duty, inc.ID, emergency.TaskInput{OrgID: e.org("广州市应急管理局"), Title: "转移群众"})
					return err
				}, errs.Invalid, ""},
				{"task to an unknown department", func() error {
					_, err := e.em.AddTask(e.ctx, e.duty, inc.ID, emergency.TaskInput{OrgID: ids.New(), Title: "转移群众", Hours: 2})
					return err
				}, errs.Invalid, ""},
				{"task to a body of another city", func() error {
					_, err := e.em.AddTask(e.ctx, e.duty, inc.ID, emergency.TaskInput{OrgID: e.org("福田区政务服务数据管理局"), Title: "转移群众", Hours: 2})
					return err
				}, errs.Invalid, ""},
				{"task", func() error {
					_, err := e.em.AddTask(e.ctx, e.duty, inc.ID, emergency.TaskInput{OrgID: e.org("广州市应急管理局"), Title: "转移群众", Hours: 6})
					return err
				}, "", ""},
				{"report empty", func() error { _, err := e.em.Report(e.ctx, e.duty, inc.ID, "  "); return err }, errs.Invalid, ""},
				{"report", func() error { _, err := e.em.Report(e.ctx, e.duty, inc.ID, "已转移群众300人"); return err }, "", ""},
				{"cancel before any alert", func() error {
					_, err := e.em.IssueAlert(e.ctx, e.duty, inc.ID, v(), emergency.AlertInput{Cancel: true, Headline: "解除"})
					return err
				}, errs.Conflict, "emergency.alert_nothing_to_cancel"},
				{"alert", func() error {
					_, err := e.em.IssueAlert(e.ctx, e.duty, inc.ID, v(), emergency.AlertInput{Headline: "台风预警", Description: "大风"})
					return err
				}, "", ""},
				{"close without report", func() error { _, err := e.em.Close(e.ctx, e.duty, inc.ID, v(), ""); return err }, errs.Invalid, ""},
				{"close", func() error {
					_, err := e.em.Close(e.ctx, e.duty, inc.ID, v(), "转移群众1260人，无伤亡。")
					return err
				}, "", ""},
				{"report after closing", func() error { _, err := e.em.Report(e.ctx, e.duty, inc.ID, "补充"); return err }, errs.Conflict, "emergency.closed"},
				{"command after closing", func() error {
					_, err := e.em.SetCommand(e.ctx, e.duty, inc.ID, v(), emergency.Command{Commander: "别人"})
					return err
				}, errs.Conflict, "emergency.closed"},
			}
			for _, s := range steps {
				err := s.do()
				if code(err) != s.want {
					t.Fatalf("%s: error %v, want code %q", s.name, err, s.want)
				}
				if s.msg != "" && errs.As(err).Msg != s.msg {
					t.Fatalf("%s: message %q, want %q", s.name, errs.As(err).Msg, s.msg)
				}
			}
			b, err := e.em.Board(e.ctx, e.duty, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if b.Incident.State != emergency.Closed || b.Incident.Grade != 1 || b.Incident.Report == "" || b.Incident.Command.Commander != "何伟" {
				t.Errorf("closed incident %+v", b.Incident)
			}
			var kinds []string
			for _, x := range b.Entries {
				kinds = append(kinds, x.Kind)
			}
			slices.Reverse(kinds)
			want := []string{"declared", "command", "responding", "regraded", "task", "report", "alert", "closed"}
			if !slices.Equal(kinds, want) {
				t.Errorf("timeline %v, want %v", kinds, want)
			}
			// Closing cancelled the alert: Alert then Cancel, the Cancel current.
			if len(b.Alerts) != 2 || b.Alerts[0].MsgType != "Alert" || b.Alerts[1].MsgType != "Cancel" ||
				b.Alerts[0].State != emergency.AlertReplaced || b.Alerts[1].State != emergency.AlertCurrent {
				t.Errorf("alerts after closing: %+v", b.Alerts)
			}
			// Every change is in the audit log.
			log, err := e.n.App.Identity.AuditLog(e.ctx, e.n.Caller(t, "admin"), "", 500)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, x := range log {
				if x.TargetID == string(inc.ID) {
					seen[x.Action] = true
				}
			}
			for _, a := range []string{"emergency.declared", "emergency.command_set", "emergency.responding", "emergency.regraded",
				"emergency.task_assigned", "emergency.report_added", "emergency.alert_issued", "emergency.closed"} {
				if !seen[a] {
					t.Errorf("audit log lacks %s (has %v)", a, seen)
				}
			}
		})
	}
}

func TestScope(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			sz, err := e.em.Declare(e.ctx, provinceDuty(), typhoon("440304")) // 深圳福田
			if err != nil {
				t.Fatal(err)
			}
			gz := e.declare(typhoon("440106"))
			leader, citizen := e.n.Caller(t, "leader"), e.n.Caller(t, "citizen")
			cases := []struct {
				name string
				err  error
				want errs.Code
			}{
				{"广州 duty declares in 深圳", func() error { _, err := e.em.Declare(e.ctx, e.duty, typhoon("440304")); return err }(), errs.NotFound},
				{"广州 duty reads 深圳", func() error { _, err := e.em.Incident(e.ctx, e.duty, sz.ID); return err }(), errs.NotFound},
				{"广州 duty commands 深圳", func() error {
					_, err := e.em.SetCommand(e.ctx, e.duty, sz.ID, 0, emergency.Command{Commander: "x"})
					return err
				}(), errs.NotFound},
				{"广州 duty alerts 深圳", func() error {
					_, err := e.em.IssueAlert(e.ctx, e.duty, sz.ID, 0, emergency.AlertInput{Headline: "x", Description: "y"})
					return err
				}(), errs.NotFound},
				{"leader reads 深圳", func() error { _, err := e.em.Incident(e.ctx, leader, sz.ID); return err }(), ""},
				{"leader may not command", func() error { _, err := e.em.Respond(e.ctx, leader, gz.ID, 0); return err }(), errs.NotFound},
				{"leader may not declare", func() error { _, err := e.em.Declare(e.ctx, leader, typhoon("440106")); return err }(), errs.Forbidden},
				{"citizen may not list", func() error { _, err := e.em.Incidents(e.ctx, citizen, nil, 10); return err }(), errs.Forbidden},
				{"anonymous", func() error { _, err := e.em.Incident(e.ctx, nil, gz.ID); return err }(), errs.Unauthenticated},
			}
			for _, c := range cases {
				if code(c.err) != c.want {
					t.Errorf("%s: %v, want %q", c.name, c.err, c.want)
				}
			}
			list, err := e.em.Incidents(e.ctx, e.duty, nil, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range list {
				if x.ID == sz.ID {
					t.Errorf("广州 duty officer's list holds the 深圳 incident")
				}
			}
			n, err := e.em.ActiveCount(e.ctx, leader, "4403")
			if err != nil || n != 1 {
				t.Errorf("leader's active count in 深圳: %d, %v; want 1", n, err)
			}
		})
	}
}

func TestConcurrentChanges(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			inc := e.declare(typhoon("440106"))
			// Eight officers save the command from the same version: one wins.
			var wg sync.WaitGroup
			results := make([]error, 8)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, results[i] = e.em.SetCommand(e.ctx, e.duty, inc.ID, inc.Version, emergency.Command{Commander: "指挥" + string(rune('A'+i))})
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range results {
				switch code(err) {
				case "":
					won++
				case errs.Conflict:
				default:
					t.Errorf("unexpected error %v", err)
				}
			}
			if won != 1 {
				t.Fatalf("%d of 8 concurrent changes won, want exactly 1", won)
			}
			// Two alerts issued from the same version: one message, not two
			// first Alerts.
			x, _ := e.em.Incident(e.ctx, e.duty, inc.ID)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, results[i] = e.em.IssueAlert(e.ctx, e.duty, inc.ID, x.Version, emergency.AlertInput{Headline: "预警", Description: "大风"})
				}()
			}
			wg.Wait()
			b, _ := e.em.Board(e.ctx, e.duty, inc.ID)
			if len(b.Alerts) != 1 || (results[0] == nil) == (results[1] == nil) {
				t.Errorf("concurrent alerts: %d stored, errors %v / %v", len(b.Alerts), results[0], results[1])
			}
			// Concurrent progress on one task: one wins.
			task, err := e.em.AddTask(e.ctx, e.duty, inc.ID, emergency.TaskInput{OrgID: e.org("广州市应急管理局"), Title: "转移", Workdays: 2})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, results[i] = e.em.Progress(e.ctx, e.duty, task.ID, task.Version, 50+i, "")
				}()
			}
			wg.Wait()
			if (results[0] == nil) == (results[1] == nil) {
				t.Errorf("concurrent progress: %v / %v, want one conflict", results[0], results[1])
			}
			if want := e.n.App.Calendar.AddWorkdays(task.CreatedAt, 2).UTC().Truncate(time.Microsecond); !task.Due.Equal(want) {
				t.Errorf("task due %v, want 2 working days later %v", task.Due, want)
			}
		})
	}
}

func TestDeployQuantities(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			r, err := e.em.CreateResource(e.ctx, e.duty, emergency.ResourceInput{Kind: emergency.Supply, Name: "沙袋", Region: "440106",
				Lat: 23.1, Lon: 113.3, Quantity: 100, Unit: "个"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.em.CreateResource(e.ctx, e.duty, emergency.ResourceInput{Kind: "boat", Name: "", Region: "9999", Quantity: -1}); code(err) != errs.Invalid ||
				len(errs.As(err).Fields) < 4 {
				t.Errorf("bad resource: %v, want every field refused", err)
			}
			if _, err := e.em.CreateResource(e.ctx, e.duty, emergency.ResourceInput{Kind: emergency.Team, Name: "深圳队", Region: "440304",
				Lat: 22.5, Lon: 114.1, Quantity: 10}); code(err) != errs.NotFound {
				t.Errorf("resource outside scope: %v, want not found", err)
			}
			a, b := e.declare(typhoon("440106")), e.declare(typhoon("440106"))
			if _, err := e.em.Deploy(e.ctx, e.duty, a.ID, r.ID, 70, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := e.em.Deploy(e.ctx, e.duty, b.ID, r.ID, 31, ""); code(err) != errs.Invalid {
				t.Errorf("deploying 31 of 30 free: %v, want invalid", err)
			}
			d, err := e.em.Deploy(e.ctx, e.duty, b.ID, r.ID, 0, "余下全部")
			if err != nil || d.Quantity != 30 {
				t.Fatalf("deploy the rest: %+v, %v", d, err)
			}
		})
	}
}

// capDoc is a CAP message parsed generically, to check it against the
// spec rather than against our own structs.
type capDoc struct {
	XMLName    xml.Name
	Identifier string `xml:"identifier"`
	Sender     string `xml:"sender"`
	Sent       string `xml:"sent"`
	Status     string `xml:"status"`
	MsgType    string `xml:"msgType"`
	Scope      string `xml:"scope"`
	References string `xml:"references"`
	Info       []struct {
		Language     string   `xml:"language"`
		Category     []string `xml:"category"`
		Event        string   `xml:"event"`
		ResponseType []string `xml:"responseType"`
		Urgency      string   `xml:"urgency"`
		Severity     string   `xml:"severity"`
		Certainty    string   `xml:"certainty"`
		Expires      string   `xml:"expires"`
		Headline     string   `xml:"headline"`
		Description  string   `xml:"description"`
		Instruction  string   `xml:"instruction"`
		Area         []struct {
			AreaDesc string `xml:"areaDesc"`
			Geocode  []struct {
				ValueName string `xml:"valueName"`
				Value     string `xml:"value"`
			} `xml:"geocode"`
		} `xml:"area"`
	} `xml:"info"`
}

// CAP 1.2 §3.2 value vocabularies.
var (
	capStatus    = []string{"Actual", "Exercise", "System", "Test", "Draft"}
	capMsgType   = []string{"Alert", "Update", "Cancel", "Ack", "Error"}
	capScope     = []string{"Public", "Restricted", "Private"}
	capCategory  = []string{"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"}
	capUrgency   = []string{"Immediate", "Expected", "Future", "Past", "Unknown"}
	capSeverity  = []string{"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
	capCertainty = []string{"Observed", "Likely", "Possible", "Unlikely", "Unknown"}
	capResponse  = []string{"Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"}
	// CAP times: offset required, "Z" not allowed (§3.3.2).
	capTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$`)
)

// parseCAP parses and checks a message against the spec; it returns the
// parsed message.
func parseCAP(t *testing.T, b []byte) *capDoc {
	t.Helper()
	var m capDoc
	if err := xml.Unmarshal(b, &m); err != nil {
		t.Fatalf("CAP does not parse: %v\n%s", err, b)
	}
	if m.XMLName.Space != "urn:oasis:names:tc:emergency:cap:1.2" || m.XMLName.Local != "alert" {
		t.Errorf("root %v, want CAP 1.2 alert", m.XMLName)
	}
	if m.Identifier == "" || strings.ContainsAny(m.Identifier, " ,<&") || m.Sender == "" || strings.ContainsAny(m.Sender, " ,<&") {
		t.Errorf("identifier %q / sender %q: required, without spaces, commas, < or &", m.Identifier, m.Sender)
	}
	check := func(what, v string, vocab []string) {
		if !slices.Contains(vocab, v) {
			t.Errorf("%s %q not in the CAP vocabulary", what, v)
		}
	}
	if !capTime.MatchString(m.Sent) {
		t.Errorf("sent %q is not a CAP time", m.Sent)
	}
	check("status", m.Status, capStatus)
	check("msgType", m.MsgType, capMsgType)
	check("scope", m.Scope, capScope)
	if len(m.Info) == 0 || m.Info[0].Language != "zh-CN" {
		t.Fatalf("info: %+v, want a zh-CN info first", m.Info)
	}
	for _, in := range m.Info {
		if len(in.Category) == 0 || in.Event == "" || len(in.Area) == 0 || in.Area[0].AreaDesc == "" {
			t.Errorf("info lacks category, event or area: %+v", in)
		}
		for _, c := range in.Category {
			check("category", c, capCategory)
		}
		for _, r := range in.ResponseType {
			check("responseType", r, capResponse)
		}
		check("urgency", in.Urgency, capUrgency)
		check("severity", in.Severity, capSeverity)
		check("certainty", in.Certainty, capCertainty)
		if !capTime.MatchString(in.Expires) {
			t.Errorf("expires %q is not a CAP time", in.Expires)
		}
	}
	return &m
}

func TestCAPMessages(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			inc := e.declare(typhoon("440115"))
			a1, err := e.em.IssueAlert(e.ctx, e.duty, inc.ID, inc.Version, emergency.AlertInput{Headline: "台风红色预警", Description: "大风暴雨",
				Instruction: "立即转移", ResponseType: "Evacuate", HeadlineEn: "Typhoon red alert", DescriptionEn: "Gale and rainstorm"})
			if err != nil {
				t.Fatal(err)
			}
			b1, _ := a1.MarshalCAP("")
			m1 := parseCAP(t, b1)
			if m1.MsgType != "Alert" || m1.Status != "Actual" || m1.References != "" || len(m1.Info) != 2 || m1.Info[1].Language != "en" {
				t.Errorf("first message: %+v", m1)
			}
			in := m1.Info[0]
			if in.Severity != "Severe" || in.Urgency != "Immediate" || in.Category[0] != "Met" || in.ResponseType[0] != "Evacuate" ||
				in.Area[0].Geocode[0].Value != "440115" || !strings.Contains(in.Area[0].AreaDesc, "南沙区") {
				t.Errorf("grade Ⅱ typhoon info: %+v", in)
			}
			inc, _ = e.em.Incident(e.ctx, e.duty, inc.ID)
			a2, err := e.em.IssueAlert(e.ctx, e.duty, inc.ID, inc.Version, emergency.AlertInput{Headline: "台风预警更新", Description: "已登陆"})
			if err != nil {
				t.Fatal(err)
			}
			b2, _ := a2.MarshalCAP("")
			m2 := parseCAP(t, b2)
			if m2.MsgType != "Update" || m2.References != m1.Sender+","+m1.Identifier+","+m1.Sent || len(m2.Info) != 1 {
				t.Errorf("update: msgType %s, references %q", m2.MsgType, m2.References)
			}
			inc, _ = e.em.Incident(e.ctx, e.duty, inc.ID)
			a3, err := e.em.IssueAlert(e.ctx, e.duty, inc.ID, inc.Version, emergency.AlertInput{Cancel: true, Headline: "解除台风预警"})
			if err != nil {
				t.Fatal(err)
			}
			b3, _ := a3.MarshalCAP("")
			m3 := parseCAP(t, b3)
			if m3.MsgType != "Cancel" || len(strings.Fields(m3.References)) != 2 || m3.Info[0].Urgency != "Past" {
				t.Errorf("cancel: %+v", m3)
			}
			cur, _ := e.em.CurrentAlerts(e.ctx, 100)
			for _, a := range cur {
				if a.ID == a1.ID || a.ID == a2.ID {
					t.Errorf("replaced message %s still current", a.MsgType)
				}
			}
			// A drill's messages are exercises.
			drill := typhoon("440106")
			drill.Drill, drill.Grade, drill.Type = true, 4, emergency.Accident
			d := e.declare(drill)
			ad, err := e.em.IssueAlert(e.ctx, e.duty, d.ID, d.Version, emergency.AlertInput{Headline: "演练", Description: "疏散演练"})
			if err != nil {
				t.Fatal(err)
			}
			bd, _ := ad.MarshalCAP("")
			if md := parseCAP(t, bd); md.Status != "Exercise" || md.Info[0].Severity != "Minor" || md.Info[0].Category[0] != "Safety" {
				t.Errorf("drill: %+v", md)
			}
			// Bad input: every bad field at once, nothing stored.
			_, err = e.em.IssueAlert(e.ctx, e.duty, d.ID, 0, emergency.AlertInput{ResponseType: "Panic", Hours: 9999, HeadlineEn: "x"})
			if f := errs.As(err); f == nil || f.Code != errs.Invalid || len(f.Fields) != 5 {
				t.Errorf("bad alert: %v (%v)", err, f)
			}
		})
	}
}

// TestDeclareFromSensingAlert declares an incident answering an indicator
// alert: the alert's region is the default, and an alert outside the
// officer's scope is not found.
func TestDeclareFromSensingAlert(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	now := time.Now().Unix()
	v := 180.0
	lines := []sensing.Input{{Line: 1, Station: "GZ-TH-RAIN-01", Metric: "rainfall", Time: sensing.Time(now - 30), Value: &v},
		{Line: 2, Station: "SZ-NS-RAIN-01", Metric: "rainfall", Time: sensing.Time(now - 30), Value: &v}}
	if _, err := e.n.App.Sensing.IngestAs(e.ctx, audit.System("test"), lines, nil); err != nil {
		t.Fatal(err)
	}
	alerts, err := e.n.App.Sensing.Alerts(e.ctx, provinceDuty(), nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	byStation := map[string]ids.ID{}
	for _, a := range alerts {
		byStation[a.Station] = a.ID
	}
	gz, sz := byStation["GZ-TH-RAIN-01"], byStation["SZ-NS-RAIN-01"]
	if gz == "" || sz == "" {
		t.Fatalf("no rainfall alerts raised: %v", byStation)
	}
	in := typhoon("")
	in.SourceAlert = gz
	inc, err := e.em.Declare(e.ctx, e.duty, in)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Region != "440106001" || inc.SourceAlert != gz {
		t.Errorf("declared from alert: region %s, source %s", inc.Region, inc.SourceAlert)
	}
	in.SourceAlert = sz
	if _, err := e.em.Declare(e.ctx, e.duty, in); code(err) != errs.NotFound {
		t.Errorf("declaring from a 深圳 alert: %v, want not found", err)
	}
}
