package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/digigov/digigov/internal/knowledge"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

var _ knowledge.Store = (*Store)(nil)

const knowledgeCols = `id, slug, category, question, answer, question_en, answer_en, keywords, version, created_at, updated_at,
	updated_by, retired_at`

func scanKnowledge(sc interface{ Scan(...any) error }) (*knowledge.Entry, error) {
	var e knowledge.Entry
	var retired sql.NullTime
	if err := sc.Scan(&e.ID, &e.Slug, &e.Category, &e.Question, &e.Answer, &e.QuestionEn, &e.AnswerEn, &e.Keywords, &e.Version,
		&e.CreatedAt, &e.UpdatedAt, &e.UpdatedBy, &retired); err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = utc(e.CreatedAt), utc(e.UpdatedAt)
	if retired.Valid {
		e.RetiredAt = utc(retired.Time)
	}
	return &e, nil
}

func (s *Store) CreateKnowledge(ctx context.Context, e *knowledge.Entry) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateKnowledge(%q)", e.Slug)
	_, err = s.db.Exec(ctx, `INSERT INTO gov_knowledge (`+knowledgeCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.Slug, e.Category, e.Question, e.Answer, e.QuestionEn, e.AnswerEn, e.Keywords, e.Version,
		e.CreatedAt.UTC(), e.UpdatedAt.UTC(), e.UpdatedBy, nullTime(e.RetiredAt))
	return conflictKey(err, "knowledge.slug_taken")
}

func (s *Store) UpdateKnowledge(ctx context.Context, e *knowledge.Entry) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateKnowledge(%q)", e.ID)
	res, err := s.db.Exec(ctx, `UPDATE gov_knowledge SET category = ?, question = ?, answer = ?, question_en = ?, answer_en = ?,
		keywords = ?, version = ?, updated_at = ?, updated_by = ?, retired_at = ? WHERE id = ? AND version = ?`,
		e.Category, e.Question, e.Answer, e.QuestionEn, e.AnswerEn, e.Keywords, e.Version, e.UpdatedAt.UTC(), e.UpdatedBy,
		nullTime(e.RetiredAt), e.ID, e.Version-1)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.Conflict, "knowledge.stale")
	}
	return nil
}

func (s *Store) Knowledge(ctx context.Context, id ids.ID) (_ *knowledge.Entry, err error) {
	defer errs.Wrap(&err, "sqlstore.Knowledge(%q)", id)
	e, err := scanKnowledge(s.db.QueryRow(ctx, `SELECT `+knowledgeCols+` FROM gov_knowledge WHERE id = ?`, id))
	return e, notFound(err, "knowledge")
}

func (s *Store) KnowledgeBySlug(ctx context.Context, slug string) (_ *knowledge.Entry, err error) {
	defer errs.Wrap(&err, "sqlstore.KnowledgeBySlug(%q)", slug)
	e, err := scanKnowledge(s.db.QueryRow(ctx, `SELECT `+knowledgeCols+` FROM gov_knowledge WHERE slug = ?`, slug))
	return e, notFound(err, "knowledge")
}

// likeEscaper escapes LIKE's wildcards (with ! as the escape character).
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

func (s *Store) SearchKnowledge(ctx context.Context, q knowledge.Query) (_ []knowledge.Entry, err error) {
	defer errs.Wrap(&err, "sqlstore.SearchKnowledge")
	where, args := []string{"1 = 1"}, []any{}
	if !q.Retired {
		where = append(where, "retired_at IS NULL")
	}
	switch len(q.Category) {
	case 2:
		where, args = append(where, "substr(category, 1, 2) = ?"), append(args, q.Category)
	case 4:
		where, args = append(where, "category IN (?, ?)"), append(args, q.Category, q.Category[:2])
	}
	for _, w := range strings.Fields(strings.ToLower(q.Text)) {
		where = append(where, `LOWER(question || ' ' || answer || ' ' || question_en || ' ' || answer_en || ' ' || keywords || ' ' || slug) LIKE ? ESCAPE '!'`)
		args = append(args, "%"+likeEscaper.Replace(w)+"%")
	}
	rows, err := s.db.Query(ctx, `SELECT `+knowledgeCols+` FROM gov_knowledge WHERE `+strings.Join(where, " AND ")+
		` ORDER BY category, slug LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []knowledge.Entry
	for rows.Next() {
		e, err := scanKnowledge(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

func (s *Store) CountKnowledge(ctx context.Context) (n int, err error) {
	defer errs.Wrap(&err, "sqlstore.CountKnowledge")
	err = s.db.QueryRow(ctx, `SELECT COUNT(*) FROM gov_knowledge`).Scan(&n)
	return n, err
}
