package web

import (
	"net/http"
	"strconv"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// dataOpenRoutes registers the second part of 数据要素: applying for
// conditionally open (有条件开放) datasets and their decision, the rows API
// of open datasets, and the refresh of resources fed by digigov's own data.
func (s *Server) dataOpenRoutes(mux *http.ServeMux) {
	mux.Handle("POST /opendata/datasets/{name}/apply", s.errorPage(s.handleOpenDataApply))
	mux.Handle("GET /opendata/applications", s.errorPage(s.handleMyOpenDataApplications))
	mux.Handle("GET /opendata/applications/{id}", s.errorPage(s.handleOpenDataApplication))
	mux.Handle("POST /opendata/applications/{id}/approve", s.errorPage(s.handleOpenDataApprove))
	mux.Handle("POST /opendata/applications/{id}/refuse", s.errorPage(s.handleOpenDataRefuse))
	mux.Handle("POST /opendata/applications/{id}/revoke", s.errorPage(s.handleOpenDataRevoke))
	mux.Handle("GET /workbench/data/open-applications", s.errorPage(s.handleOpenDataInbox))
	mux.Handle("GET /api/v1/opendata/datasets/{name}/rows", s.handleOpenDataRows())
	mux.Handle("POST /workbench/data/resources/{id}/refresh", s.errorPage(s.handleDataRefreshFeed))
}

func (s *Server) handleOpenDataApply(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	a, err := s.opendata.Apply(r.Context(), caller(r), r.PathValue("name"), opendata.ApplicationInput{
		Purpose: r.PostFormValue("purpose"), IntendedUse: r.PostFormValue("intended_use"), Days: days, Contact: r.PostFormValue("contact")})
	if e := formRefusal(err); e != nil {
		d, derr := s.opendata.Dataset(r.Context(), r.PathValue("name"))
		if derr != nil {
			return derr
		}
		return s.renderOpenDataset(w, r, d, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/opendata/applications/"+string(a.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleMyOpenDataApplications(w http.ResponseWriter, r *http.Request) error {
	list, err := s.opendata.MyApplications(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "opendata_applications", &page{Title: "opendata.applications_title", Face: identity.FacePortal,
		Data: map[string]any{"Applications": list, "Now": s.datashareNow()}})
}

func (s *Server) handleOpenDataInbox(w http.ResponseWriter, r *http.Request) error {
	list, err := s.opendata.ApplicationInbox(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "data_open_applications", &page{Title: "opendata.inbox_title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Applications": list, "Now": s.datashareNow()}})
}

// openDataApplicationView is what an application's page shows.
type openDataApplicationView struct {
	Application *opendata.Application
	CanDecide   bool
	CanRevoke   bool
	Status      string
	Overdue     bool
}

func (s *Server) handleOpenDataApplication(w http.ResponseWriter, r *http.Request) error {
	return s.renderOpenDataApplication(w, r, nil)
}

func (s *Server) renderOpenDataApplication(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	by := caller(r)
	a, err := s.opendata.ApplicationFor(r.Context(), by, ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	now := s.datashareNow()
	v := &openDataApplicationView{Application: a, CanDecide: opendata.CanDecide(by, a), CanRevoke: s.opendata.CanRevoke(by, a), Status: a.Status(now), Overdue: a.Overdue(now)}
	face := identity.FacePortal
	if v.CanDecide {
		face = identity.FaceWorkbench
	}
	p := &page{Title: "opendata.application_title", Face: face, Data: v}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	w.Header().Set("Cache-Control", "no-store") // it shows the applicant's contact
	return s.rd.render(w, r, "opendata_application", p)
}

// afterApplicationStep returns to the application's page.
func (s *Server) afterApplicationStep(w http.ResponseWriter, r *http.Request, err error) error {
	if e := formRefusal(err); e != nil {
		return s.renderOpenDataApplication(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/opendata/applications/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) handleOpenDataApprove(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, err := s.opendata.ApproveApplication(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("note"))
	return s.afterApplicationStep(w, r, err)
}

func (s *Server) handleOpenDataRefuse(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, err := s.opendata.RefuseApplication(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("reason"))
	return s.afterApplicationStep(w, r, err)
}

func (s *Server) handleOpenDataRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, err := s.opendata.RevokeApplication(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("reason"))
	return s.afterApplicationStep(w, r, err)
}

// openDataRowsBody is a page of the rows API.
type openDataRowsBody struct {
	Dataset string              `json:"dataset"`
	Columns []string            `json:"columns"`
	Start   int                 `json:"start"`
	Total   int                 `json:"total"`
	Next    *int                `json:"next,omitempty"`
	Data    []map[string]string `json:"data"`
}

// handleOpenDataRows is the rows API of an open dataset
// (?start=0&rows=100, rows up to 1000). A 有条件开放 dataset answers only
// callers with an approved application (signed in, or by API token);
// others get 403 with the sentence that says how to apply.
func (s *Server) handleOpenDataRows() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		start, err1 := atoiOr(q.Get("start"), 0)
		rows, err2 := atoiOr(q.Get("rows"), 100)
		if err1 != nil || err2 != nil {
			s.writeProblem(w, r, errs.Fields(map[string]string{"rows": "opendata.rows_range"}))
			return
		}
		name := r.PathValue("name")
		p, err := s.opendata.Rows(r.Context(), caller(r), name, start, rows)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		out := openDataRowsBody{Dataset: name, Columns: p.Columns, Start: p.Start, Total: p.Total, Data: make([]map[string]string, len(p.Rows))}
		for i, row := range p.Rows {
			m := make(map[string]string, len(p.Columns))
			for j, c := range p.Columns {
				if j < len(row) {
					m[c] = row[j]
				}
			}
			out.Data[i] = m
		}
		if next := p.Start + len(p.Rows); next < p.Total {
			out.Next = &next
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, out)
	})
}

func atoiOr(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	return strconv.Atoi(s)
}
