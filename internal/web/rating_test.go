package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

// ratingNode is a node with a city-level 人社 test item that can be
// handled anywhere in the province.
type ratingNode struct {
	*apptest.Node
	t   *testing.T
	ctx context.Context
}

func startRating(t *testing.T, e storetest.Engine) *ratingNode {
	n := apptest.Start(t, e)
	it := catalog.Item{
		Code: "TST-0001", Name: "测试事项", Type: catalog.TypePublic, Department: "hrss", Level: catalog.LevelCity,
		Materials:    []catalog.Material{{Name: "居民身份证", Required: true, Form: "original"}},
		Form:         []catalog.Field{{Name: "reason", Label: "申请事由", Kind: catalog.FieldText, Required: true, MaxLength: 20}},
		PromisedDays: 5, StatutoryDays: 20, Fee: "不收费", OnlineDepth: 4, Scopes: []catalog.Scope{catalog.ScopeProvince},
		Channels: []catalog.Channel{catalog.ChannelOnline}, Targets: []catalog.Target{catalog.TargetPerson},
		Steps: []catalog.Step{{Stage: catalog.StageAccept, Role: identity.RoleCaseOfficer},
			{Stage: catalog.StageDecide, Role: identity.RoleDepartmentHead}},
		Result: "测试结果",
	}
	ctx := context.Background()
	if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{it}); err != nil {
		t.Fatal(err)
	}
	return &ratingNode{Node: n, t: t, ctx: ctx}
}

func (n *ratingNode) caller(username string) *identity.Caller {
	n.t.Helper()
	c, err := n.App.Identity.CallerByAPIToken(n.ctx, n.Token(n.t, username))
	if err != nil {
		n.t.Fatal(err)
	}
	return c
}

// caseOf submits a case of the test item for username, decided in 天河区,
// and completes it unless open is set.
func (n *ratingNode) caseOf(username string, open bool) *cases.Case {
	n.t.Helper()
	c, err := n.App.Cases.Apply(n.ctx, n.caller(username), cases.Application{ItemCode: "TST-0001", DecideIn: "440106",
		Form: map[string]string{"reason": "换领"}})
	if err != nil {
		n.t.Fatal(err)
	}
	if open {
		return c
	}
	officer, head := n.caller("officer"), n.caller("head")
	for _, step := range []struct {
		by *identity.Caller
		a  cases.Action
	}{{officer, cases.ActAccept}, {head, cases.ActApprove}, {head, cases.ActComplete}} {
		if c, err = n.App.Cases.Act(n.ctx, step.by, c.ID, c.Version, step.a, "准予"); err != nil {
			n.t.Fatalf("%s: %v", step.a, err)
		}
	}
	return c
}

// staff opens a department head account at 深圳市人力资源和社会保障局.
func (n *ratingNode) szHead() string {
	n.t.Helper()
	orgs, _ := n.App.Identity.Organizations(n.ctx)
	for _, o := range orgs {
		if o.Department == "hrss" && o.Region == "4403" {
			if _, err := n.App.Identity.CreateStaffAs(n.ctx, audit.System("test"), identity.NewStaff{
				Username: "sz_head", Name: "深圳负责人", Password: app.DemoPassword, OrgID: o.ID,
				Grants: []identity.Grant{{Role: identity.RoleDepartmentHead, Scope: "4403"}},
			}); err != nil {
				n.t.Fatal(err)
			}
			return "sz_head"
		}
	}
	n.t.Fatal("no 深圳 人社 bureau")
	return ""
}

// call sends an API request with a bearer token and a JSON body.
func (n *ratingNode) call(c *apptest.Client, method, path, token, body string) *apptest.Response {
	n.t.Helper()
	req, _ := http.NewRequest(method, n.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.Do(req)
}

// TestRatingAPI runs the rating operations as a table of calls, in order:
// each call may depend on the ones before it.
func TestRatingAPI(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := startRating(t, e)
			good, bad, open := n.caseOf("citizen", false), n.caseOf("citizen", false), n.caseOf("citizen", true)
			tok := map[string]string{}
			for _, u := range []string{"citizen", "elder", "officer", "head", "leader", n.szHead()} {
				tok[u] = n.Token(t, u)
			}
			c := n.Client(t)
			var taskID string
			tests := []struct {
				name, method, path, who, body string
				want                          int
				check                         func(t *testing.T, b string)
			}{
				{"read without a token", "GET", "/api/v1/cases/" + string(good.ID) + "/rating", "", "", 401, nil},
				{"rate an open case", "POST", "/api/v1/cases/" + string(open.ID) + "/rating", "citizen", `{"score": 5}`, 409, func(t *testing.T, b string) {
					wantProblem(t, b, 409, "办件办结后才能评价。")
				}},
				{"rate someone else's case", "POST", "/api/v1/cases/" + string(good.ID) + "/rating", "elder", `{"score": 1}`, 404, nil},
				{"staff rating a case they handled", "POST", "/api/v1/cases/" + string(good.ID) + "/rating", "head", `{"score": 5}`, 403, func(t *testing.T, b string) {
					wantProblem(t, b, 403, "只有申请人本人可以评价该办件。")
				}},
				{"score out of range", "POST", "/api/v1/cases/" + string(good.ID) + "/rating", "citizen", `{"score": 9}`, 422, nil},
				{"rate", "POST", "/api/v1/cases/" + string(good.ID) + "/rating", "citizen",
					`{"score": 4, "guide": 5, "attitude": 4, "comment": "很方便"}`, 201, func(t *testing.T, b string) {
						var r struct {
							Score, Guide, Attitude, Convenience int
							Comment                             string
							Rectification                       any
						}
						mustJSON(t, b, &r)
						if r.Score != 4 || r.Guide != 5 || r.Attitude != 4 || r.Convenience != 0 || r.Comment != "很方便" || r.Rectification != nil {
							t.Errorf("rating: %s", b)
						}
					}},
				{"rate twice", "POST", "/api/v1/cases/" + string(good.ID) + "/rating", "citizen", `{"score": 1}`, 409, func(t *testing.T, b string) {
					wantProblem(t, b, 409, "该办件已评价，评价不能修改。")
				}},
				{"applicant reads the rating", "GET", "/api/v1/cases/" + string(good.ID) + "/rating", "citizen", "", 200, func(t *testing.T, b string) {
					if !strings.Contains(b, `"score":4`) || !strings.Contains(b, `"case_number":"`+good.Number+`"`) {
						t.Errorf("rating: %s", b)
					}
				}},
				{"another citizen reads it", "GET", "/api/v1/cases/" + string(good.ID) + "/rating", "elder", "", 404, nil},
				{"no rating yet", "GET", "/api/v1/cases/" + string(bad.ID) + "/rating", "citizen", "", 404, nil},
				{"a bad rating opens a task", "POST", "/api/v1/cases/" + string(bad.ID) + "/rating", "citizen", `{"score": 1, "comment": "跑了三次"}`, 201,
					func(t *testing.T, b string) {
						var r struct {
							Rectification struct{ ID, State, Light string }
						}
						mustJSON(t, b, &r)
						if r.Rectification.ID == "" || r.Rectification.State != "open" || r.Rectification.Light != "on_time" {
							t.Errorf("rectification: %s", b)
						}
						taskID = r.Rectification.ID
					}},
				{"the head lists it", "GET", "/api/v1/rectifications", "head", "", 200, func(t *testing.T, b string) {
					var r struct {
						Items []struct{ ID, CaseNumber, Comment, State string }
					}
					mustJSON(t, b, &r)
					if len(r.Items) != 1 || r.Items[0].ID != taskID || !strings.Contains(b, `"comment":"跑了三次"`) || !strings.Contains(b, bad.Number) {
						t.Errorf("head's tasks: %s", b)
					}
				}},
				{"深圳 head lists none", "GET", "/api/v1/rectifications?state=all", "sz_head", "", 200, func(t *testing.T, b string) {
					if !strings.Contains(b, `"items":[]`) {
						t.Errorf("深圳 head's tasks: %s", b)
					}
				}},
				{"officer may not list tasks", "GET", "/api/v1/rectifications", "officer", "", 403, nil},
				{"深圳 head closing it", "POST", "/api/v1/rectifications/{task}/close", "sz_head", `{"callback": "x", "action": "y"}`, 404, nil},
				{"closing needs both texts", "POST", "/api/v1/rectifications/{task}/close", "head", `{"callback": " ", "action": ""}`, 422, func(t *testing.T, b string) {
					var p problem
					mustJSON(t, b, &p)
					got := map[string]string{}
					for _, e := range p.Errors {
						got[e.Location] = e.Message
					}
					if got["callback"] != "请填写回访申请人的情况。" || got["action"] != "请填写采取的整改措施。" {
						t.Errorf("field errors: %v", got)
					}
				}},
				{"close", "POST", "/api/v1/rectifications/{task}/close", "head", `{"callback": "已电话回访", "action": "优化窗口流程"}`, 200, func(t *testing.T, b string) {
					if !strings.Contains(b, `"state":"closed"`) || !strings.Contains(b, `"closed_by":"周建国"`) || !strings.Contains(b, `"callback":"已电话回访"`) {
						t.Errorf("closed task: %s", b)
					}
				}},
				{"close twice", "POST", "/api/v1/rectifications/{task}/close", "head", `{"callback": "a", "action": "b"}`, 409, nil},
				{"stats by city", "GET", "/api/v1/ratings/stats?by=city", "leader", "", 200, func(t *testing.T, b string) {
					var r struct {
						By     string
						Groups []struct {
							Key                   string
							Name                  string
							Count, Bad, Rectified int
							Average               float64
							SatisfactionRate      float64 `json:"satisfaction_rate"`
						}
						Total struct{ Count int }
					}
					mustJSON(t, b, &r)
					if r.By != "city" || len(r.Groups) != 1 || r.Total.Count != 2 {
						t.Fatalf("stats: %s", b)
					}
					g := r.Groups[0]
					if g.Key != "4401" || g.Name != "广东省广州市" || g.Count != 2 || g.Average != 2.5 || g.SatisfactionRate != 0.5 || g.Bad != 1 || g.Rectified != 1 {
						t.Errorf("广州: %+v", g)
					}
				}},
				{"stats by item for the head", "GET", "/api/v1/ratings/stats?by=item", "head", "", 200, func(t *testing.T, b string) {
					if !strings.Contains(b, `"key":"TST-0001","name":"测试事项","count":2`) {
						t.Errorf("stats by item: %s", b)
					}
				}},
				{"stats of another city", "GET", "/api/v1/ratings/stats?by=city&region=4403", "head", "", 404, nil},
				{"officer may not read stats", "GET", "/api/v1/ratings/stats", "officer", "", 403, nil},
				{"unknown grouping", "GET", "/api/v1/ratings/stats?by=street", "leader", "", 422, nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					path := strings.Replace(tt.path, "{task}", taskID, 1)
					r := n.call(c, tt.method, path, tok[tt.who], tt.body)
					if r.StatusCode != tt.want {
						t.Fatalf("%s %s: status %d, want %d: %.300s", tt.method, path, r.StatusCode, tt.want, r.Body)
					}
					if tt.check != nil {
						tt.check(t, r.Body)
					}
				})
			}
			doc := c.Get("/api/openapi.json").Body
			var spec struct {
				Paths map[string]map[string]any `json:"paths"`
			}
			if err := json.Unmarshal([]byte(doc), &spec); err != nil {
				t.Fatal(err)
			}
			for path, method := range map[string]string{"/api/v1/cases/{id}/rating": "post", "/api/v1/rectifications": "get",
				"/api/v1/rectifications/{id}/close": "post", "/api/v1/ratings/stats": "get"} {
				if spec.Paths[path][method] == nil {
					t.Errorf("openapi lacks %s %s", method, path)
				}
			}
			if spec.Paths["/api/v1/cases/{id}/rating"]["get"] == nil {
				t.Errorf("openapi lacks get /api/v1/cases/{id}/rating")
			}
		})
	}
}

// TestRatingPages follows the pages: the applicant rates on the case page,
// the department head calls back and closes the task, the leader reads
// the numbers. Markup typed into the fields comes back escaped.
func TestRatingPages(t *testing.T) {
	n := startRating(t, storetest.Engines(t)[0])
	c, open := n.caseOf("citizen", false), n.caseOf("citizen", true)
	const markup = `<script>alert("x")</script>`

	citizen := n.Client(t)
	citizen.Login("citizen", app.DemoPassword)
	if r := citizen.Get("/cases/" + string(open.ID)); r.Doc.Find("#rating-form").Length() != 0 {
		t.Errorf("an open case offers the rating form")
	}
	r := citizen.Get("/cases/" + string(c.ID))
	if r.StatusCode != 200 || r.Doc.Find("#rating-form select[name=score] option").Length() != 6 {
		t.Fatalf("completed case page: %d, rating form options %d", r.StatusCode, r.Doc.Find("#rating-form select[name=score] option").Length())
	}
	rate := func(form url.Values) *apptest.Response { return citizen.Post("/cases/"+string(c.ID)+"/rating", form) }
	r = rate(url.Values{"comment": {markup}, "guide": {"7"}})
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-score").Text() != "请选择总体评价。" ||
		r.Doc.Find("#e-guide").Text() != "请从选项中选择。" || r.Doc.Find("#f-comment").Text() != markup {
		t.Errorf("rating without a score: %d, score error %q", r.StatusCode, r.Doc.Find("#e-score").Text())
	}
	r = rate(url.Values{"score": {"2"}, "timeliness": {"1"}, "comment": {markup}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/cases/"+string(c.ID)+"#rating" {
		t.Fatalf("rating: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	r = citizen.Get("/cases/" + string(c.ID))
	if r.Doc.Find("#rating-form").Length() != 0 || r.Doc.Find("#rating-score").Text() != "不满意" ||
		r.Doc.Find("#rating-timeliness").Text() != "非常不满意" || r.Doc.Find("#rating-comment").Text() != markup {
		t.Errorf("case page after rating: score %q, comment %q", r.Doc.Find("#rating-score").Text(), r.Doc.Find("#rating-comment").Text())
	}
	if strings.Contains(r.Body, markup) {
		t.Errorf("the comment's markup is not escaped")
	}
	if r = citizen.Get("/cases/" + string(c.ID) + "/rating"); r.Doc.Find("#rating-score").Text() != "不满意" || r.Doc.Find("#rating-form").Length() != 0 {
		t.Errorf("rating page of a rated case: %d", r.StatusCode)
	}
	if r = citizen.Get("/cases/" + string(open.ID) + "/rating"); r.StatusCode != 200 || r.Doc.Find("#rating-unavailable").Length() != 1 {
		t.Errorf("rating page of an open case: %d", r.StatusCode)
	}
	if r = rate(url.Values{"score": {"5"}}); r.StatusCode != http.StatusConflict || r.Doc.Find("#rating-error").Text() != "该办件已评价，评价不能修改。" {
		t.Errorf("rating twice: %d %q", r.StatusCode, r.Doc.Find("#rating-error").Text())
	}

	var taskID ids.ID
	if list, err := n.App.Rating.Rectifications(n.ctx, n.caller("head"), "", 10); err != nil || len(list) != 1 {
		t.Fatalf("tasks: %v %v", list, err)
	} else {
		taskID = list[0].ID
	}
	head := n.Client(t)
	head.Login("head", app.DemoPassword)
	r = head.Get("/workbench/rectifications")
	row := r.Doc.Find("#task-" + string(taskID))
	if r.StatusCode != 200 || row.Length() != 1 || !row.HasClass("on_time") || row.Find("td.comment").Text() != markup {
		t.Fatalf("head's task list: %d, row %d", r.StatusCode, row.Length())
	}
	if r.Doc.Find(`.main-nav a[href="/workbench/rectifications"]`).Length() != 1 || r.Doc.Find(`.main-nav a[href="/workbench/ratings/stats"]`).Length() != 1 {
		t.Errorf("the head's navigation lacks the rating links")
	}
	if r = head.Get("/cases/" + string(c.ID)); r.Doc.Find("#rating-score").Text() != "不满意" || r.Doc.Find("#rating-form").Length() != 0 {
		t.Errorf("the head does not see the rating on the case page")
	}
	closeTask := func(form url.Values) *apptest.Response {
		head.Get("/workbench/rectifications/" + string(taskID))
		return head.Post("/workbench/rectifications/"+string(taskID)+"/close", form)
	}
	r = closeTask(url.Values{"callback": {markup}})
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-action").Text() != "请填写采取的整改措施。" ||
		r.Doc.Find("#e-callback").Length() != 0 || r.Doc.Find("#f-callback").Text() != markup {
		t.Errorf("closing without the rectification: %d", r.StatusCode)
	}
	if r = closeTask(url.Values{"callback": {markup}, "action": {"增加预约提醒"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("closing: %d %.300s", r.StatusCode, r.Body)
	}
	r = head.Get("/workbench/rectifications/" + string(taskID))
	if r.Doc.Find("#task-state").Text() != "已整改" || r.Doc.Find("#task-callback").Text() != markup || r.Doc.Find("#close-form").Length() != 0 {
		t.Errorf("closed task page: state %q", r.Doc.Find("#task-state").Text())
	}
	if strings.Contains(r.Body, markup) {
		t.Errorf("the call-back's markup is not escaped")
	}
	if r = head.Get("/workbench/rectifications"); r.Doc.Find("#task-"+string(taskID)).Length() != 0 {
		t.Errorf("a closed task is still on the open list")
	}
	if r = head.Get("/workbench/rectifications?state=closed"); r.Doc.Find("#task-"+string(taskID)).Length() != 1 {
		t.Errorf("the closed task is not on the closed list")
	}

	officer := n.Client(t)
	officer.Login("officer", app.DemoPassword)
	if r = officer.Get("/workbench/rectifications"); r.StatusCode != http.StatusForbidden {
		t.Errorf("officer's task list: %d, want 403", r.StatusCode)
	}
	if r = officer.Get("/workbench"); r.Doc.Find(`.main-nav a[href="/workbench/rectifications"]`).Length() != 0 {
		t.Errorf("the officer's navigation links to rectifications")
	}
	sz := n.Client(t)
	sz.Login(n.szHead(), app.DemoPassword)
	if r = sz.Get("/workbench/rectifications/" + string(taskID)); r.StatusCode != http.StatusNotFound {
		t.Errorf("深圳 head opening a 广州 task: %d, want 404", r.StatusCode)
	}

	leader := n.Client(t)
	leader.Login("leader", app.DemoPassword)
	r = leader.Get("/workbench/ratings/stats?by=city")
	g := r.Doc.Find(`#rating-stats tbody tr[data-key="4401"]`)
	if r.StatusCode != 200 || g.Find(".count").Text() != "1" || g.Find(".average").Text() != "2.00" || g.Find(".rate").Text() != "0.0%" ||
		g.Find(".bad").Text() != "1" || g.Find(".rectified").Text() != "1" || !strings.Contains(g.Text(), "广州市") {
		t.Errorf("stats by city: %d %q", r.StatusCode, g.Text())
	}
	if r.Doc.Find(`.chips a[aria-current]`).Text() != "按地市" {
		t.Errorf("current grouping: %q", r.Doc.Find(`.chips a[aria-current]`).Text())
	}
	if r = leader.Get("/workbench/ratings/stats?by=authority"); !strings.Contains(r.Doc.Find("#rating-stats tbody").Text(), "广州市人力资源和社会保障局") {
		t.Errorf("stats by authority lack the authority's name")
	}
	if r = officer.Get("/workbench/ratings/stats"); r.StatusCode != http.StatusForbidden {
		t.Errorf("officer's stats page: %d, want 403", r.StatusCode)
	}
	if res, err := n.App.Audit.Verify(n.ctx); err != nil || !res.OK() {
		t.Errorf("audit chain: %+v %v", res, err)
	}
}
