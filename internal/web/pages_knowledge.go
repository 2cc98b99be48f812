package web

import (
	"net/http"
	"strconv"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/knowledge"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// The hotline's knowledge base (知识库): editors (knowledge.edit:
// administrators and dispatchers) list, search, add, edit, retire and
// restore entries at /workbench/knowledge; hotline operators search it
// from the hotline desk and answer from it (pages_governance.go).

// knowledgeRoutes registers the knowledge base pages.
func (s *Server) knowledgeRoutes(mux *http.ServeMux) {
	mux.Handle("GET /workbench/knowledge", s.errorPage(s.handleKnowledge))
	mux.Handle("POST /workbench/knowledge", s.errorPage(s.handleKnowledgeCreate))
	mux.Handle("GET /workbench/knowledge/{id}", s.errorPage(s.handleKnowledgeEdit))
	mux.Handle("POST /workbench/knowledge/{id}", s.errorPage(s.handleKnowledgeUpdate))
	mux.Handle("POST /workbench/knowledge/{id}/{act}", s.errorPage(s.handleKnowledgeRetire))
}

type knowledgePage struct {
	Entries  []knowledge.Entry
	Groups   []eventGroup
	Text     string
	Category string
	Retired  bool
	Edit     *knowledge.Entry // the entry being edited, nil on the list
	Fields   []string         // the form's text fields, in order
}

// knowledgeQuery reads the search form (q, cat) of a page's URL.
func knowledgeQuery(r *http.Request, prefix string) knowledge.Query {
	q := r.URL.Query()
	return knowledge.Query{Text: q.Get(prefix + "q"), Category: q.Get(prefix + "cat")}
}

func (s *Server) handleKnowledge(w http.ResponseWriter, r *http.Request) error {
	return s.renderKnowledge(w, r, nil, nil)
}

func (s *Server) renderKnowledge(w http.ResponseWriter, r *http.Request, edit *knowledge.Entry, refused *errs.Error) error {
	by := caller(r)
	if err := identity.Authorize(by, identity.PermKnowledgeEdit, ""); err != nil {
		return err
	}
	q := knowledgeQuery(r, "")
	q.Retired = r.URL.Query().Get("retired") == "1"
	d := &knowledgePage{Groups: eventGroups(), Text: q.Text, Category: q.Category, Retired: q.Retired, Edit: edit,
		Fields: []string{"question", "answer", "question_en", "answer_en", "keywords"}}
	if edit == nil {
		list, err := s.knowledge.Search(r.Context(), by, q)
		if err != nil {
			return err
		}
		d.Entries = list
	}
	p := &page{Title: "knowledge.title", Face: identity.FaceWorkbench, Data: d, Form: r.PostForm}
	if edit != nil && refused == nil {
		p.Form = map[string][]string{"category": {edit.Category}, "question": {edit.Question}, "answer": {edit.Answer},
			"question_en": {edit.QuestionEn}, "answer_en": {edit.AnswerEn}, "keywords": {edit.Keywords},
			"version": {strconv.Itoa(edit.Version)}}
	}
	if refused != nil {
		p.Status, p.Errors, p.Args = status(refused), errorsOf(refused), refused.Args
		if len(p.Errors) == 0 {
			p.Errors = map[string]string{"form": refused.Msg}
		}
	}
	return s.rd.render(w, r, "knowledge", p)
}

func knowledgeInput(r *http.Request) knowledge.Input {
	f := r.PostForm
	v, _ := strconv.Atoi(f.Get("version"))
	return knowledge.Input{Slug: f.Get("slug"), Category: f.Get("category"), Question: f.Get("question"), Answer: f.Get("answer"),
		QuestionEn: f.Get("question_en"), AnswerEn: f.Get("answer_en"), Keywords: f.Get("keywords"), Version: v}
}

func (s *Server) handleKnowledgeCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	e, err := s.knowledge.Create(r.Context(), caller(r), knowledgeInput(r))
	if x := errs.As(err); x != nil && (x.Code == errs.Invalid || x.Code == errs.Conflict) {
		return s.renderKnowledge(w, r, nil, x)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/knowledge?cat="+e.Category+"#kb-"+string(e.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleKnowledgeEdit(w http.ResponseWriter, r *http.Request) error {
	by := caller(r)
	if err := identity.Authorize(by, identity.PermKnowledgeEdit, ""); err != nil {
		return err
	}
	e, err := s.knowledge.Get(r.Context(), by, ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return s.renderKnowledge(w, r, e, nil)
}

func (s *Server) handleKnowledgeUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	by, id := caller(r), ids.ID(r.PathValue("id"))
	e, err := s.knowledge.Update(r.Context(), by, id, knowledgeInput(r))
	if x := errs.As(err); x != nil && (x.Code == errs.Invalid || x.Code == errs.Conflict) {
		cur, gerr := s.knowledge.Get(r.Context(), by, id)
		if gerr != nil {
			return gerr
		}
		return s.renderKnowledge(w, r, cur, x)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/knowledge?cat="+e.Category+"#kb-"+string(e.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleKnowledgeRetire(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var retire bool
	switch r.PathValue("act") {
	case "retire":
		retire = true
	case "restore":
	default:
		return errs.E(errs.NotFound, "error.page_not_found")
	}
	v, _ := strconv.Atoi(r.PostForm.Get("version"))
	e, err := s.knowledge.SetRetired(r.Context(), caller(r), ids.ID(r.PathValue("id")), v, retire)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/knowledge?retired=1&cat="+e.Category+"#kb-"+string(e.ID), http.StatusSeeOther)
	return nil
}

// hotlineKnowledge is what the hotline desk shows of the knowledge base:
// the entries its search (kb_q, kb_cat) finds, in the page's language.
func (s *Server) hotlineKnowledge(r *http.Request, by *identity.Caller) (*hotlineKB, error) {
	q := knowledgeQuery(r, "kb_")
	list, err := s.knowledge.Search(r.Context(), by, q)
	if err != nil {
		return nil, err
	}
	lang := state(r.Context()).Lang
	out := make([]hotlineAnswer, len(list))
	for i := range list {
		c, _ := governance.CategoryOf(list[i].Category)
		out[i] = hotlineAnswer{Key: string(list[i].ID), Category: list[i].Category, CategoryName: open311Name(lang, c),
			Question: list[i].Q(lang), Text: list[i].A(lang)}
	}
	return &hotlineKB{Entries: out, Text: q.Text, Category: q.Category}, nil
}

// hotlineKB is the hotline desk's knowledge base panel: a search and what
// it found.
type hotlineKB struct {
	Entries  []hotlineAnswer
	Text     string
	Category string
}

// hotlineAnswer is a knowledge base entry on the hotline desk.
type hotlineAnswer struct {
	Key, Category, CategoryName, Question, Text string
}

// knowledgeAnswer is the answer text of the entry an operator picked (by
// ID or slug; "" if none, unknown or retired), in the page's language.
func (s *Server) knowledgeAnswer(r *http.Request, by *identity.Caller, key string) string {
	if key == "" {
		return ""
	}
	var e *knowledge.Entry
	var err error
	if ids.Valid(key) {
		e, err = s.knowledge.Get(r.Context(), by, ids.ID(key))
	} else {
		e, err = s.knowledge.BySlug(r.Context(), by, key) // a seeded entry's stable name
	}
	if err != nil {
		return ""
	}
	return e.A(state(r.Context()).Lang)
}
