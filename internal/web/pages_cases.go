package web

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
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
	contrib, err := s.cases.ContributionQueue(r.Context(), caller(r), 50)
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "queue", &page{Title: "queue.title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Cases": s.caseRows(list), "State": r.URL.Query().Get("state"), "Contrib": contrib,
			"States": []cases.State{cases.Received, cases.Submitted, cases.Correction, cases.InReview, cases.InDecision, cases.Decided}}})
}

// handleCase shows one case: where it stands, who has it now, the promised
// date, the timeline, the materials, and the steps the caller may take.
func (s *Server) handleCase(w http.ResponseWriter, r *http.Request) error {
	return s.renderCase(w, r, ids.ID(r.PathValue("id")), nil)
}

// renderCase renders the case page, with the error of a refused step on it
// when refused is not nil (the form comes back as it was sent). Staff see
// it in the workbench, applicants in the portal.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, id ids.ID, refused *errs.Error) error {
	c, evs, err := s.cases.Get(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	data := s.casePageData(r, c, evs)
	if len(c.LicenseMaterials()) > 0 { // 免提交: staff see the licences verified now (pages_licuse.go)
		if data["Licenses"], err = s.caseLicenseRows(r, c.ID); err != nil {
			return err
		}
	}
	p := &page{Title: "case.title", Face: identity.FacePortal, Data: data}
	if caller(r).Kind == identity.KindStaff {
		p.Face = identity.FaceWorkbench
	}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "case", p)
}

// fileFields is the file fields of an item's form.
func fileFields(it *catalog.Item) []catalog.Field {
	var files []catalog.Field
	for _, fl := range it.Form {
		if fl.Kind == catalog.FieldFile {
			files = append(files, fl)
		}
	}
	return files
}

// casePageData is what the case page shows besides the case: its history,
// the caller's possible steps, the traffic light, the rating, and the file
// fields an applicant may supplement in a correction.
func (s *Server) casePageData(r *http.Request, c *cases.Case, evs []cases.Event) map[string]any {
	var files []catalog.Field
	if it, err := s.catalog.Item(r.Context(), c.ItemCode); err == nil {
		files = fileFields(it)
	}
	contribs, mayContribute, _ := s.cases.Contributions(r.Context(), caller(r), c)
	return map[string]any{
		"Contributions": contribs, "MayContribute": mayContribute,
		"Case": c, "Events": evs, "Allowed": s.cases.Allowed(r.Context(), caller(r), c),
		"Status": s.cases.Status(c).String(), "Rating": s.ratingPanelOf(r, c), "FileFields": files,
		"Documents": s.caseDocuments(r, c),
	}
}

// handleCaseAction takes a step on a case. The form carries the version
// the person saw, so a step on a case someone else changed meanwhile is
// refused with a sentence, not applied.
func (s *Server) handleCaseAction(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	id := ids.ID(r.PathValue("id"))
	action, comment := cases.Action(r.PostFormValue("action")), r.PostFormValue("comment")
	var err error
	if action == cases.ActCorrect {
		err = s.supplement(r, id, version, comment)
	} else {
		_, err = s.cases.Act(r.Context(), caller(r), id, version, action, comment)
	}
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict || e.Code == errs.Forbidden) {
		return s.renderCase(w, r, id, e)
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

// supplement answers a correction request with the files chosen on the
// case page (each replaces its field's material) and the comment.
func (s *Server) supplement(r *http.Request, id ids.ID, version int, comment string) error {
	c, _, err := s.cases.Get(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	it, err := s.catalog.Item(r.Context(), c.ItemCode)
	if err != nil {
		return err
	}
	files := fileFields(it)
	_, byField, bad, badArgs, err := s.collectForm(r, caller(r), files)
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return &errs.Error{Code: errs.Invalid, Msg: "validation.failed", Args: badArgs, Fields: bad}
	}
	var mats []cases.MaterialRef
	for _, fl := range files {
		if m, ok := byField[fl.Name]; ok {
			mats = append(mats, m)
		}
	}
	_, err = s.cases.Supplement(r.Context(), caller(r), id, version, comment, mats)
	return err
}

// errorsOf is a form page's errors for a refusal: the sentence on the
// whole form ("form") and the fields' own.
func errorsOf(e *errs.Error) map[string]string {
	out := map[string]string{"form": e.Msg}
	for k, v := range e.Fields {
		out[k] = v
	}
	return out
}

// handleContribute records a contributing authority's opinion (多地联办).
func (s *Server) handleContribute(w http.ResponseWriter, r *http.Request) error {
	id := ids.ID(r.PathValue("id"))
	_, err := s.cases.Contribute(r.Context(), caller(r), id, r.PostFormValue("opinion"))
	if e := errs.As(err); e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict) {
		return s.renderCase(w, r, id, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+string(id), http.StatusSeeOther)
	return nil
}
