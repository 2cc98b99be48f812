package knowledge

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Entry is one answer of the knowledge base.
type Entry struct {
	ID         ids.ID
	Slug       string // a stable name ("noise-hours"), unique
	Category   string // an event category code: a group ("04") or a leaf ("0401")
	Question   string
	Answer     string
	QuestionEn string // "" when not translated yet: the Chinese text is shown
	AnswerEn   string
	Keywords   string // extra words a search finds it by, separated by spaces
	Version    int    // 1 when created, +1 per edit
	CreatedAt  time.Time
	UpdatedAt  time.Time
	UpdatedBy  string
	RetiredAt  time.Time // zero: in use
}

// Retired reports whether the entry is out of use.
func (e *Entry) Retired() bool { return !e.RetiredAt.IsZero() }

// Q is the question in lang, falling back to Chinese.
func (e *Entry) Q(lang string) string {
	if lang == "en" && e.QuestionEn != "" {
		return e.QuestionEn
	}
	return e.Question
}

// A is the answer in lang, falling back to Chinese.
func (e *Entry) A(lang string) string {
	if lang == "en" && e.AnswerEn != "" {
		return e.AnswerEn
	}
	return e.Answer
}

// Query selects entries.
type Query struct {
	Text     string // words that must all appear in the question, answer or keywords (either language)
	Category string // a leaf finds its own and its group's entries; a group its own and its leaves'
	Retired  bool   // include retired entries
	Limit    int
}

// Store is the persistence the knowledge base needs; its methods join the
// transaction in the context.
type Store interface {
	CreateKnowledge(ctx context.Context, e *Entry) error
	// UpdateKnowledge writes e if the stored version is e.Version-1, else
	// returns errs.Conflict ("knowledge.stale").
	UpdateKnowledge(ctx context.Context, e *Entry) error
	Knowledge(ctx context.Context, id ids.ID) (*Entry, error)
	KnowledgeBySlug(ctx context.Context, slug string) (*Entry, error)
	SearchKnowledge(ctx context.Context, q Query) ([]Entry, error)
	CountKnowledge(ctx context.Context) (int, error)
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Deps are the Service's collaborators.
type Deps struct {
	Store Store
	Tx    Transactor
	Audit *audit.Service
	Now   func() time.Time
}

// Service reads and edits the knowledge base.
type Service struct {
	store Store
	tx    Transactor
	audit *audit.Service
	now   func() time.Time
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{store: d.Store, tx: d.Tx, audit: d.Audit, now: d.Now}
}

// Limits of an entry's texts, in characters.
const (
	MaxQuestion = 200
	MaxAnswer   = 2000
	MaxKeywords = 200
	MaxList     = 200
)

// mayRead reports whether by may search the base: hotline operators and
// everyone else who reports events for others, and its editors.
func mayRead(by *identity.Caller) bool {
	return identity.Authorize(by, identity.PermEventReport, "") == nil || identity.Authorize(by, identity.PermKnowledgeEdit, "") == nil
}

// Search lists entries matching q, by category then slug.
//
// Returns errs.Unauthenticated for anonymous callers and errs.Forbidden
// for accounts that neither report events nor edit the base.
func (s *Service) Search(ctx context.Context, by *identity.Caller, q Query) ([]Entry, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if !mayRead(by) {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	if q.Limit <= 0 || q.Limit > MaxList {
		q.Limit = MaxList
	}
	if identity.Authorize(by, identity.PermKnowledgeEdit, "") != nil {
		q.Retired = false // operators answer from entries in use only
	}
	q.Text = strings.TrimSpace(q.Text)
	if utf8.RuneCountInString(q.Text) > 100 {
		q.Text = string([]rune(q.Text)[:100])
	}
	return s.store.SearchKnowledge(ctx, q)
}

// Get returns an entry; retired entries only to its editors.
//
// Returns errs.NotFound for unknown entries (and retired ones for operators).
func (s *Service) Get(ctx context.Context, by *identity.Caller, id ids.ID) (*Entry, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if !mayRead(by) {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	if !ids.Valid(string(id)) {
		return nil, errs.E(errs.NotFound, "knowledge.not_found")
	}
	e, err := s.store.Knowledge(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.Retired() && identity.Authorize(by, identity.PermKnowledgeEdit, "") != nil {
		return nil, errs.E(errs.NotFound, "knowledge.not_found")
	}
	return e, nil
}

// BySlug returns an entry in use by its slug (the stable names of seeded
// entries, which forms and other systems may refer to).
//
// Returns errs.NotFound for unknown and retired entries.
func (s *Service) BySlug(ctx context.Context, by *identity.Caller, slug string) (*Entry, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if !mayRead(by) {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	if !validSlug(slug) {
		return nil, errs.E(errs.NotFound, "knowledge.not_found")
	}
	e, err := s.store.KnowledgeBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if e.Retired() {
		return nil, errs.E(errs.NotFound, "knowledge.not_found")
	}
	return e, nil
}

// Input is an entry as an editor writes it.
type Input struct {
	Slug       string // new entries only; "" derives one from the ID
	Category   string
	Question   string
	Answer     string
	QuestionEn string
	AnswerEn   string
	Keywords   string
	Version    int // edits: the version the editor saw
}

func (in *Input) clean() map[string]string {
	for _, p := range []*string{&in.Slug, &in.Category, &in.Question, &in.Answer, &in.QuestionEn, &in.AnswerEn, &in.Keywords} {
		*p = strings.TrimSpace(*p)
	}
	fe := map[string]string{}
	if _, ok := governance.CategoryOf(in.Category); !ok {
		fe["category"] = "event.category_unknown"
	}
	if n := utf8.RuneCountInString(in.Question); n < 4 || n > MaxQuestion {
		fe["question"] = "knowledge.question_length"
	}
	if n := utf8.RuneCountInString(in.Answer); n < 10 || n > MaxAnswer {
		fe["answer"] = "knowledge.answer_length"
	}
	if utf8.RuneCountInString(in.QuestionEn) > MaxQuestion {
		fe["question_en"] = "knowledge.question_length"
	}
	if utf8.RuneCountInString(in.AnswerEn) > MaxAnswer {
		fe["answer_en"] = "knowledge.answer_length"
	}
	if (in.QuestionEn == "") != (in.AnswerEn == "") {
		fe["answer_en"] = "knowledge.en_both"
	}
	if utf8.RuneCountInString(in.Keywords) > MaxKeywords {
		fe["keywords"] = "form.too_long"
	}
	if in.Slug != "" && !validSlug(in.Slug) {
		fe["slug"] = "knowledge.slug"
	}
	return fe
}

func validSlug(s string) bool {
	if len(s) < 2 || len(s) > 60 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func (s *Service) mayEdit(by *identity.Caller) error {
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	return identity.Authorize(by, identity.PermKnowledgeEdit, "")
}

// Create adds an entry, audited.
//
// Returns errs.Forbidden without knowledge.edit, errs.Invalid with every
// bad field, errs.Conflict ("knowledge.slug_taken") for a slug in use.
func (s *Service) Create(ctx context.Context, by *identity.Caller, in Input) (*Entry, error) {
	if err := s.mayEdit(by); err != nil {
		return nil, err
	}
	if fe := in.clean(); len(fe) > 0 {
		return nil, errs.Fields(fe)
	}
	now := s.now().UTC()
	e := &Entry{ID: ids.New(), Slug: in.Slug, Category: in.Category, Question: in.Question, Answer: in.Answer,
		QuestionEn: in.QuestionEn, AnswerEn: in.AnswerEn, Keywords: in.Keywords, Version: 1,
		CreatedAt: now, UpdatedAt: now, UpdatedBy: by.Name}
	if e.Slug == "" {
		e.Slug = "kb-" + strings.ToLower(string(e.ID))
	}
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateKnowledge(ctx, e); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "knowledge.created", audit.Target{Type: "knowledge", ID: string(e.ID)},
			map[string]any{"slug": e.Slug, "category": e.Category, "question": e.Question})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Update edits an entry, audited with the fields that changed (their old
// and new texts).
//
// Returns errs.Forbidden without knowledge.edit, errs.NotFound,
// errs.Invalid with every bad field, errs.Conflict ("knowledge.stale")
// when someone saved it since in.Version.
func (s *Service) Update(ctx context.Context, by *identity.Caller, id ids.ID, in Input) (*Entry, error) {
	if err := s.mayEdit(by); err != nil {
		return nil, err
	}
	if !ids.Valid(string(id)) {
		return nil, errs.E(errs.NotFound, "knowledge.not_found")
	}
	in.Slug = ""
	if fe := in.clean(); len(fe) > 0 {
		return nil, errs.Fields(fe)
	}
	var e *Entry
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		old, err := s.store.Knowledge(ctx, id)
		if err != nil {
			return err
		}
		if old.Version != in.Version {
			return errs.E(errs.Conflict, "knowledge.stale")
		}
		n := *old
		n.Category, n.Question, n.Answer, n.QuestionEn, n.AnswerEn, n.Keywords = in.Category, in.Question, in.Answer, in.QuestionEn, in.AnswerEn, in.Keywords
		n.Version, n.UpdatedAt, n.UpdatedBy = old.Version+1, s.now().UTC(), by.Name
		changed := map[string]any{}
		for _, f := range []struct {
			name     string
			was, now string
		}{{"category", old.Category, n.Category}, {"question", old.Question, n.Question}, {"answer", old.Answer, n.Answer},
			{"question_en", old.QuestionEn, n.QuestionEn}, {"answer_en", old.AnswerEn, n.AnswerEn}, {"keywords", old.Keywords, n.Keywords}} {
			if f.was != f.now {
				changed[f.name] = map[string]string{"was": f.was, "now": f.now}
			}
		}
		if len(changed) == 0 {
			e = old
			return nil
		}
		if err := s.store.UpdateKnowledge(ctx, &n); err != nil {
			return err
		}
		e = &n
		return s.audit.Record(ctx, by, "knowledge.updated", audit.Target{Type: "knowledge", ID: string(id)},
			map[string]any{"slug": n.Slug, "version": n.Version, "changed": changed})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// SetRetired retires an entry (operators no longer see it) or puts it back
// in use, audited.
//
// Returns errs.Forbidden without knowledge.edit, errs.NotFound, and
// errs.Conflict ("knowledge.stale") when someone saved it since version.
func (s *Service) SetRetired(ctx context.Context, by *identity.Caller, id ids.ID, version int, retired bool) (*Entry, error) {
	if err := s.mayEdit(by); err != nil {
		return nil, err
	}
	if !ids.Valid(string(id)) {
		return nil, errs.E(errs.NotFound, "knowledge.not_found")
	}
	var e *Entry
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		old, err := s.store.Knowledge(ctx, id)
		if err != nil {
			return err
		}
		if old.Version != version {
			return errs.E(errs.Conflict, "knowledge.stale")
		}
		if old.Retired() == retired {
			e = old
			return nil
		}
		n := *old
		n.Version, n.UpdatedAt, n.UpdatedBy, n.RetiredAt = old.Version+1, s.now().UTC(), by.Name, time.Time{}
		action := "knowledge.restored"
		if retired {
			n.RetiredAt, action = n.UpdatedAt, "knowledge.retired"
		}
		if err := s.store.UpdateKnowledge(ctx, &n); err != nil {
			return err
		}
		e = &n
		return s.audit.Record(ctx, by, action, audit.Target{Type: "knowledge", ID: string(id)},
			map[string]any{"slug": n.Slug, "version": n.Version})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// EnsureSeed fills an empty knowledge base with the seed answers (a new
// node's starting set), audited as the system. A base with entries, even
// retired ones, is left alone.
func (s *Service) EnsureSeed(ctx context.Context) error {
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		n, err := s.store.CountKnowledge(ctx)
		if err != nil || n > 0 {
			return err
		}
		now := s.now().UTC()
		for _, sd := range Seed {
			e := sd
			e.ID, e.Version, e.CreatedAt, e.UpdatedAt, e.UpdatedBy = ids.New(), 1, now, now, "system"
			if err := s.store.CreateKnowledge(ctx, &e); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, audit.System("knowledge seed"), "knowledge.seeded", audit.Target{Type: "knowledge"},
			map[string]any{"entries": len(Seed)})
	})
}
