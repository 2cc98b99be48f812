package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/rating"
	"github.com/digigov/digigov/internal/region"
)

// ratingAspects are the sub-score fields of the rating form, in order.
var ratingAspects = []string{"guide", "convenience", "timeliness", "attitude"}

// ratingPanel is what a case's page shows about its rating: the rating once
// given, the form while its applicant may give one, nothing otherwise.
type ratingPanel struct {
	CaseID  ids.ID
	Rating  *rating.Rating
	CanRate bool
	Scores  []rating.Score
	Aspects []string
}

// Aspect returns a sub-score of the rating by form field name.
func (p *ratingPanel) Aspect(name string) rating.Score {
	if p.Rating == nil {
		return 0
	}
	return aspectsByName(p.Rating.Aspects)[name]
}

func aspectsByName(a rating.Aspects) map[string]rating.Score {
	return map[string]rating.Score{"guide": a.Guide, "convenience": a.Convenience, "timeliness": a.Timeliness, "attitude": a.Attitude}
}

// ratingPanelOf builds the panel of c for the caller. It does not fail the
// page: a rating that cannot be read is logged and left out.
func (s *Server) ratingPanelOf(r *http.Request, c *cases.Case) *ratingPanel {
	p := &ratingPanel{CaseID: c.ID, Scores: rating.Scores, Aspects: ratingAspects}
	got, err := s.rating.CaseRating(r.Context(), caller(r), c.ID)
	switch {
	case err == nil:
		p.Rating = got
	case !errs.Is(err, errs.NotFound):
		s.log.Error("read rating", "request_id", state(r.Context()).ID, "case", c.ID, "err", err)
		return p
	}
	p.CanRate = rating.CanRate(caller(r), c, p.Rating != nil)
	return p
}

// ratingInput reads the rating form.
func ratingInput(f url.Values) rating.Input {
	score := func(name string) rating.Score {
		n, err := strconv.Atoi(f.Get(name))
		if err != nil {
			if f.Get(name) != "" {
				return -1 // not a number: invalid, not "left out"
			}
			return 0
		}
		return rating.Score(n)
	}
	return rating.Input{Score: score("score"), Comment: f.Get("comment"), Aspects: rating.Aspects{
		Guide: score("guide"), Convenience: score("convenience"), Timeliness: score("timeliness"), Attitude: score("attitude")}}
}

// handleRatingForm is the rating page of a case (a link in a completion
// notice leads here): the form, or the rating once given.
func (s *Server) handleRatingForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderRatingForm(w, r, ids.ID(r.PathValue("id")), nil)
}

// renderRatingForm renders the rating page of a case, with the error of a
// refused rating on it when refused is not nil.
func (s *Server) renderRatingForm(w http.ResponseWriter, r *http.Request, id ids.ID, refused *errs.Error) error {
	c, _, err := s.cases.Get(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	p := &page{Title: "rating.title", Face: identity.FacePortal, Data: map[string]any{"Case": c, "Rating": s.ratingPanelOf(r, c)}}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "rating_form", p)
}

// handleRate records the applicant's rating and returns to the case. A
// form with errors, or a case that cannot be rated (not completed, rated
// meanwhile), comes back on the rating page with a sentence.
func (s *Server) handleRate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	_, _, err := s.rating.Rate(r.Context(), caller(r), id, ratingInput(r.PostForm))
	e := errs.As(err)
	if e == nil || (e.Code != errs.Invalid && e.Code != errs.Conflict) {
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/cases/"+string(id)+"#rating", http.StatusSeeOther)
		return nil
	}
	return s.renderRatingForm(w, r, id, e)
}

// ratingTaskRow is a rectification task with its traffic light.
type ratingTaskRow struct {
	rating.Rectification
	Light string
}

func (s *Server) ratingTaskRows(list []rating.Rectification) []ratingTaskRow {
	out := make([]ratingTaskRow, len(list))
	for i := range list {
		out[i] = ratingTaskRow{Rectification: list[i], Light: s.rating.Light(&list[i]).String()}
	}
	return out
}

// handleRectifications lists the department head's rectification tasks:
// open ones by default, earliest due first, overdue ones red.
func (s *Server) handleRectifications(w http.ResponseWriter, r *http.Request) error {
	st := r.URL.Query().Get("state")
	var want rating.State
	switch st {
	case "", "open":
		st, want = "open", rating.Open
	case "closed":
		want = rating.Closed
	case "all":
	default:
		return errs.E(errs.NotFound, "error.page_not_found")
	}
	list, err := s.rating.Rectifications(r.Context(), caller(r), want, 200)
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "rating_rectifications", &page{Title: "rating.tasks_title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Tasks": s.ratingTaskRows(list), "State": st, "States": []string{"open", "closed", "all"}}})
}

// handleRectification shows one task, with the closing form while it is open.
func (s *Server) handleRectification(w http.ResponseWriter, r *http.Request) error {
	x, err := s.rating.Rectification(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	return s.renderTask(w, r, x, nil)
}

func (s *Server) renderTask(w http.ResponseWriter, r *http.Request, x *rating.Rectification, err error) error {
	p := &page{Title: "rating.task_title", Face: identity.FaceWorkbench,
		Data: ratingTaskRow{Rectification: *x, Light: s.rating.Light(x).String()}}
	if e := errs.As(err); e != nil {
		p.Status, p.Errors, p.Args, p.Form = status(e), errorsOf(e), e.Args, r.PostForm
	}
	return s.rd.render(w, r, "rating_rectification", p)
}

// handleCloseRectification records the call-back and the rectification and
// closes the task; with a missing text, or a task closed meanwhile, the
// task page comes back with the reason.
func (s *Server) handleCloseRectification(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	_, err := s.rating.Close(r.Context(), caller(r), id, r.PostForm.Get("callback"), r.PostForm.Get("action"))
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.Conflict {
		x, xerr := s.rating.Rectification(r.Context(), caller(r), id)
		if xerr != nil {
			return xerr
		}
		return s.renderTask(w, r, x, err)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/rectifications/"+string(id), http.StatusSeeOther)
	return nil
}

// ratingStatRow is a group of the statistics, with its rate in percent.
type ratingStatRow struct{ rating.Stat }

// Percent is the satisfaction rate in percent.
func (r ratingStatRow) Percent() float64 { return 100 * r.SatisfactionRate() }

// handleRatingStats shows the statistics of the ratings in the caller's
// regions, grouped by item, authority or region.
func (s *Server) handleRatingStats(w http.ResponseWriter, r *http.Request) error {
	by := rating.Grouping(r.URL.Query().Get("by"))
	if by == "" {
		by = rating.ByItem
	}
	rep, err := s.rating.Stats(r.Context(), caller(r), by, region.Code(r.URL.Query().Get("region")))
	if err != nil {
		return err
	}
	rows := make([]ratingStatRow, len(rep.Groups))
	for i, g := range rep.Groups {
		rows[i] = ratingStatRow{g}
	}
	return s.rd.render(w, r, "rating_stats", &page{Title: "rating.stats_title", Face: identity.FaceWorkbench,
		Data: map[string]any{"By": string(rep.By), "Groupings": rating.Groupings, "Rows": rows,
			"Total": ratingStatRow{rep.Total}, "Region": region.Code(r.URL.Query().Get("region"))}})
}
