package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/knowledge"
	"github.com/digigov/digigov/internal/store/storetest"
)

// The knowledge base: seeded, edited by a dispatcher with every change
// audited, searched and answered from on the hotline desk, in both
// languages; operators cannot edit it.
func TestKnowledgeBase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { testKnowledgeBase(t, apptest.Start(t, e)) })
	}
}

func testKnowledgeBase(t *testing.T, n *apptest.Node) {
	ctx := context.Background()
	ed := n.Client(t)
	ed.Login("dispatch", app.DemoPassword)
	r := ed.Get("/workbench/knowledge")
	if r.StatusCode != 200 || r.Doc.Find("#kb-list tbody tr").Length() < len(knowledge.Seed) {
		t.Fatalf("list: %d, %d entries", r.StatusCode, r.Doc.Find("#kb-list tbody tr").Length())
	}
	for _, g := range governance.Categories() {
		if !g.Leaf() && r.Doc.Find("#kb-list code:contains('"+g.Code+"')").Length() == 0 {
			t.Errorf("no seeded entry for category %s %s", g.Code, g.Name)
		}
	}
	// Bad input: every field reported, nothing written.
	r = ed.Post("/workbench/knowledge", url.Values{"category": {"99"}, "question": {"短"}, "answer": {"太短"}, "question_en": {"Only a question"}})
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#e-category").Length() != 1 || r.Doc.Find("#e-question").Length() != 1 ||
		r.Doc.Find("#e-answer").Length() != 1 || r.Doc.Find("#e-answer_en").Length() != 1 {
		t.Fatalf("bad entry: %d %s", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	r = ed.Post("/workbench/knowledge", url.Values{"category": {"0501"}, "question": {"共享单车乱停放怎么处理？"},
		"answer":      {"共享单车乱停放由各运营企业负责清理，热线将转交区交通部门督促企业在 2 小时内调度清理。"},
		"question_en": {"Who clears badly parked shared bikes?"}, "answer_en": {"The operators clear them; we pass it to the district transport office, which has them moved within 2 hours."},
		"keywords": {"单车 共享 bike"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	list, err := n.App.Knowledge.Search(ctx, n.Caller(t, "dispatch"), knowledge.Query{Text: "单车"})
	if err != nil || len(list) != 1 {
		t.Fatalf("search 单车: %v %v", list, err)
	}
	e := list[0]
	// Edit it; a stale version is refused.
	form := url.Values{"category": {"0501"}, "question": {e.Question}, "answer": {e.Answer + "如有车辆堵塞盲道请说明位置。"},
		"question_en": {e.QuestionEn}, "answer_en": {e.AnswerEn}, "keywords": {e.Keywords}, "version": {"1"}}
	if r := ed.Post("/workbench/knowledge/"+string(e.ID), form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.StatusCode)
	}
	if r := ed.Post("/workbench/knowledge/"+string(e.ID), form); r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "他人修改") {
		t.Fatalf("stale edit: %d", r.StatusCode)
	}
	// The hotline desk finds it by keyword and by category, and answers from it.
	op := n.Client(t)
	op.Login("hotline", app.DemoPassword)
	r = op.Get("/hotline?kb_q=" + url.QueryEscape("单车"))
	if r.StatusCode != 200 || r.Doc.Find("#knowledge dt").Length() != 1 || !strings.Contains(r.Doc.Find("#knowledge dd").Text(), "盲道") {
		t.Fatalf("hotline search: %d %q", r.StatusCode, r.Doc.Find("#knowledge").Text())
	}
	if r = op.Get("/hotline?kb_cat=0203"); r.Doc.Find("#kb-"+string(mustSlug(t, n, "streetlight-info"))).Length() != 1 {
		t.Errorf("category 0203 does not show the street light answer: %q", r.Doc.Find("#knowledge").Text())
	}
	op.Post("/prefs", url.Values{"lang": {"en"}})
	if r = op.Get("/hotline?kb_q=bike"); !strings.Contains(r.Doc.Find("#knowledge").Text(), "Who clears badly parked shared bikes?") {
		t.Errorf("English desk: %q", r.Doc.Find("#knowledge").Text())
	}
	op.Post("/prefs", url.Values{"lang": {"zh-CN"}})
	r = op.Post("/events/new", url.Values{"category": {"0501"}, "description": {"来电反映小区门口共享单车堆满人行道"}, "region": {"440106006002"},
		"reporter_name": {"陈先生"}, "phone": {"13700001111"}, "handling": {"answer"}, "kb": {string(e.ID)}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer from the knowledge base: %d %s", r.StatusCode, r.Doc.Find(".field-error").Text())
	}
	evs, err := n.App.Governance.List(ctx, n.Caller(t, "hotline"), governance.Query{States: []governance.State{governance.Closed}, Limit: 10})
	if err != nil || len(evs) == 0 || !strings.Contains(evs[0].Reply, "盲道") {
		t.Fatalf("the answered ticket: %+v %v", evs, err)
	}
	// Retired, it is gone from the desk; operators cannot edit.
	if r := ed.Post("/workbench/knowledge/"+string(e.ID)+"/retire", url.Values{"version": {"2"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("retire: %d", r.StatusCode)
	}
	if r = op.Get("/hotline?kb_q=" + url.QueryEscape("单车")); r.Doc.Find("#knowledge dt").Length() != 0 {
		t.Errorf("a retired entry on the desk")
	}
	if r := op.Post("/workbench/knowledge", form); r.StatusCode != http.StatusForbidden {
		t.Errorf("operator creates: %d", r.StatusCode)
	}
	if r := op.Get("/workbench/knowledge"); r.StatusCode != http.StatusForbidden {
		t.Errorf("operator opens the editor: %d", r.StatusCode)
	}
	for _, a := range []string{"knowledge.seeded", "knowledge.created", "knowledge.updated", "knowledge.retired"} {
		if es, err := n.App.Audit.Entries(ctx, audit.Filter{Action: a, Limit: 5}); err != nil || len(es) != 1 {
			t.Errorf("audit %s: %d entries, %v", a, len(es), err)
		}
	}
}

func mustSlug(t *testing.T, n *apptest.Node, slug string) string {
	t.Helper()
	list, err := n.App.Knowledge.Search(context.Background(), n.Caller(t, "dispatch"), knowledge.Query{Text: slug})
	if err != nil || len(list) != 1 {
		t.Fatalf("slug %s: %v %v", slug, list, err)
	}
	return string(list[0].ID)
}
