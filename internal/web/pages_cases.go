package web

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// handleMyCases lists the applicant's cases (我的办件).
func (s *Server) handleMyCases(w http.ResponseWriter, r *http.Request) error {
	list, err := s.cases.Mine(r.Context(), caller(r), 100)
	if err != nil {
		return err
	}
	if b := ids.ID(r.URL.Query().Get("bundle")); b != "" { // the cases of one bundled application (一件事)
		list = slices.DeleteFunc(list, func(c cases.Case) bool { return c.BundleID != b })
	}
	return s.rd.render(w, r, "cases", &page{Title: "cases.title", Face: identity.FacePortal, Data: s.caseRows(list)})
}

// caseRow is a case in a list, with its traffic light.
type caseRow struct {
	cases.Case
	Status string
}

func (s *Server) caseRows(list []cases.Case) []caseRow {
	out := make([]caseRow, len(list))
	for i, c := range list {
		out[i] = caseRow{Case: c, Status: s.cases.Status(&list[i]).String()}
	}
	return out
}

// handleQueue is the workbench's work queue: open cases in the officer's
// reach, oldest deadline first, green / yellow / red.
func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request) error {
	var states []cases.State
	if st := r.URL.Query().Get("state"); st != "" {
		states = []cases.State{cases.State(st)}
	}
	list, err := s.cases.Queue(r.Context(), caller(r), states, 200)
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "queue", &page{Title: "queue.title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Cases": s.caseRows(list), "State": r.URL.Query().Get("state"),
			"States": []cases.State{cases.Received, cases.Submitted, cases.Correction, cases.InReview, cases.InDecision, cases.Decided}}})
}

// handleCase shows one case: where it stands, who has it now, the promised
// date, the timeline, the materials, and the steps the caller may take.
func (s *Server) handleCase(w http.ResponseWriter, r *http.Request) error {
	c, evs, err := s.cases.Get(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	face := identity.FacePortal
	if caller(r).Kind == identity.KindStaff {
		face = identity.FaceWorkbench
	}
	return s.rd.render(w, r, "case", &page{Title: "case.title", Face: face, Data: map[string]any{
		"Case": c, "Events": evs, "Allowed": s.cases.Allowed(r.Context(), caller(r), c),
		"Status": s.cases.Status(c).String(), "Rating": s.ratingPanelOf(r, c),
	}})
}

// handleCaseAction takes a step on a case. The form carries the version
// the person saw, so a step on a case someone else changed meanwhile is
// refused with a sentence, not applied.
func (s *Server) handleCaseAction(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	id := ids.ID(r.PathValue("id"))
	_, err := s.cases.Act(r.Context(), caller(r), id, version, cases.Action(r.PostForm.Get("action")), r.PostForm.Get("comment"))
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict || e.Code == errs.Forbidden) {
		c, evs, gerr := s.cases.Get(r.Context(), caller(r), id)
		if gerr != nil {
			return gerr
		}
		face := identity.FacePortal
		if caller(r).Kind == identity.KindStaff {
			face = identity.FaceWorkbench
		}
		return s.rd.render(w, r, "case", &page{Title: "case.title", Face: face, Status: status(err),
			Errors: map[string]string{"form": e.Msg}, Args: e.Args, Form: r.PostForm, Data: map[string]any{
				"Case": c, "Events": evs, "Allowed": s.cases.Allowed(r.Context(), caller(r), c),
				"Status": s.cases.Status(c).String(),
			}})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+string(id), http.StatusSeeOther)
	return nil
}

// handleMaterial sends an uploaded material to someone who may see its
// case, as a download (never rendered inline: its type is a label sniffed
// from its first bytes, not a guarantee).
func (s *Server) handleMaterial(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.cases.Get(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	sha := r.PathValue("sha")
	for _, m := range c.Materials {
		if m.SHA256 != sha {
			continue
		}
		rc, info, err := s.blobs.Open(r.Context(), sha)
		if err != nil {
			return err
		}
		defer rc.Close()
		w.Header().Set("Content-Type", info.ContentType)
		w.Header().Set("Content-Disposition", `attachment; filename="material"; filename*=UTF-8''`+url.PathEscape(m.Name))
		w.Header().Set("Cache-Control", "private, no-store")
		_, err = io.Copy(w, rc)
		return err
	}
	return errs.E(errs.NotFound, "not_found")
}
