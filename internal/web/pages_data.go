package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// dataChoices are the lists the resource form offers.
type dataChoices struct {
	Classifications []datashare.Classification
	ShareClasses    []datashare.ShareClass
	OpenClasses     []datashare.OpenClass
	Frequencies     []string
	Formats         []string
	FieldTypes      []datashare.FieldType
	Sensitivities   []datashare.Sensitivity
}

var dataFormChoices = dataChoices{datashare.Classifications, datashare.ShareClasses, datashare.OpenClasses,
	datashare.Frequencies, datashare.Formats, datashare.FieldTypes, datashare.Sensitivities}

// handleDataCatalog is the catalog as staff browse it: every body's
// resources, searchable.
func (s *Server) handleDataCatalog(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	list, err := s.datashare.Catalog(r.Context(), caller(r), datashare.ResourceQuery{Text: q, Limit: 200})
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "data_catalog", &page{Title: "data.catalog_title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Resources": list, "Q": q}})
}

// handleDataMine is the CDO's view of the body's resources with their
// quality (rows, filled cells, schema) and usage.
func (s *Server) handleDataMine(w http.ResponseWriter, r *http.Request) error {
	list, usage, err := s.datashare.Mine(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "data_mine", &page{Title: "data.mine_title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Resources": list, "Usage": usage}})
}

func (s *Server) handleDataResourceForm(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermDataManage, ""); err != nil {
		return err
	}
	return s.renderDataResourceForm(w, r, nil)
}

func (s *Server) renderDataResourceForm(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	p := &page{Title: "data.register_title", Face: identity.FaceWorkbench, Data: dataResourceFormData{dataFormChoices, s.datashare.FeedNames()}}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "data_resource_form", p)
}

func dataResourceInput(f url.Values) datashare.ResourceInput {
	return datashare.ResourceInput{Code: f.Get("code"), Name: f.Get("name"), Description: f.Get("description"),
		Classification: datashare.Classification(f.Get("classification")), Fields: datashare.ParseFields(f.Get("fields")),
		UpdateFrequency: f.Get("update_frequency"), Format: f.Get("format"), SourceSystem: f.Get("source_system"),
		ShareClass: datashare.ShareClass(f.Get("share_class")), ShareConditions: f.Get("share_conditions"),
		ShareBasis: f.Get("share_basis"), OpenClass: datashare.OpenClass(f.Get("open_class"))}
}

// formRefusal returns err as the error to show on the form when it is a
// person's mistake (invalid or conflicting input), nil otherwise.
func formRefusal(err error) *errs.Error {
	e := errs.As(err)
	if e != nil && (e.Code == errs.Invalid || e.Code == errs.Conflict) {
		if len(e.Fields) == 0 {
			e = &errs.Error{Code: e.Code, Msg: e.Msg, Args: e.Args, Fields: map[string]string{"form": e.Msg}, Err: e.Err}
		}
		return e
	}
	return nil
}

func (s *Server) handleDataRegister(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var res *datashare.Resource
	var err error
	if feed := r.PostFormValue("feed"); feed != "" { // the platform's own data (pages_data_feed.go)
		res, err = s.datashare.RegisterFed(r.Context(), caller(r), feed, dataResourceInput(r.PostForm))
	} else {
		res, err = s.datashare.Register(r.Context(), caller(r), dataResourceInput(r.PostForm))
	}
	if e := formRefusal(err); e != nil {
		return s.renderDataResourceForm(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/data/resources/"+string(res.ID), http.StatusSeeOther)
	return nil
}

// dataResourceView is what a resource's page shows.
type dataResourceView struct {
	Resource *datashare.Resource
	Schemas  []datashare.Schema
	Manages  bool
	Preview  []datashare.Row
	Lines    []datashare.LineError // a refused upload's rows in error
	Loaded   int                   // rows of an upload just loaded
	Themes   []opendata.Group      // for publishing as open data
	Feed     *datashare.FeedState  // the platform's own data feeding it, nil for uploads
}

func (s *Server) handleDataResource(w http.ResponseWriter, r *http.Request) error {
	return s.renderDataResource(w, r, &dataResourceView{Loaded: -1}, nil)
}

func (s *Server) renderDataResource(w http.ResponseWriter, r *http.Request, v *dataResourceView, refused *errs.Error) error {
	ctx, by := r.Context(), caller(r)
	id := ids.ID(r.PathValue("id"))
	res, err := s.datashare.Resource(ctx, by, id)
	if err != nil {
		return err
	}
	v.Resource, v.Manages, v.Themes = res, datashare.Manages(by, res), opendata.Themes
	if v.Schemas, err = s.datashare.Schemas(ctx, by, id); err != nil {
		return err
	}
	if v.Feed, err = s.datashare.FeedOf(ctx, by, id); err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	if v.Manages {
		if v.Preview, err = s.datashare.Preview(ctx, by, id, 10); err != nil {
			return err
		}
	}
	p := &page{Title: "data.resource_title", Face: identity.FaceWorkbench, Data: v}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "data_resource", p)
}

// handleDataLoadRows loads an uploaded CSV or JSON file into a resource; a
// refused upload comes back on the page with every row in error.
func (s *Server) handleDataLoadRows(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return s.renderDataResource(w, r, &dataResourceView{Loaded: -1}, errs.As(errs.Fields(map[string]string{"file": "datashare.file_required"})))
	}
	defer f.Close()
	format := r.PostFormValue("format")
	if format == "" {
		format = datashare.FormatCSV
		if strings.HasSuffix(strings.ToLower(hdr.Filename), ".json") {
			format = datashare.FormatJSON
		}
	}
	res, err := s.datashare.LoadRows(r.Context(), caller(r), ids.ID(r.PathValue("id")), format, f)
	if lines := datashare.LoadErrors(err); lines != nil {
		return s.renderDataResource(w, r, &dataResourceView{Loaded: -1, Lines: lines}, errs.As(err))
	}
	if e := formRefusal(err); e != nil {
		return s.renderDataResource(w, r, &dataResourceView{Loaded: -1}, e)
	}
	if err != nil {
		return err
	}
	return s.renderDataResource(w, r, &dataResourceView{Loaded: res.RowCount}, nil)
}

func (s *Server) handleDataAsk(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	q, err := s.datashare.Ask(r.Context(), caller(r), datashare.RequestInput{ResourceID: ids.ID(r.PathValue("id")),
		Purpose: r.PostFormValue("purpose"), LegalBasis: r.PostFormValue("legal_basis"), Fields: r.PostForm["fields"], Days: days})
	if e := formRefusal(err); e != nil {
		return s.renderDataResource(w, r, &dataResourceView{Loaded: -1}, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/data/requests/"+string(q.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleDataRequests(w http.ResponseWriter, r *http.Request) error {
	ctx, by := r.Context(), caller(r)
	data := map[string]any{}
	if identity.Authorize(by, identity.PermDataManage, "") == nil {
		in, err := s.datashare.Inbox(ctx, by, "")
		if err != nil {
			return err
		}
		data["Inbox"] = in
	}
	out, err := s.datashare.Outgoing(ctx, by)
	if err != nil {
		return err
	}
	data["Outgoing"], data["Now"] = out, s.datashareNow()
	return s.rd.render(w, r, "data_requests", &page{Title: "data.requests_title", Face: identity.FaceWorkbench, Data: data})
}

// dataRequestView is what a request's page shows.
type dataRequestView struct {
	Request    *datashare.Request
	Grant      *datashare.Grant
	Resource   *datashare.Resource
	Provider   bool   // the caller is the provider's CDO
	Consumer   bool   // the caller acts for the requesting body
	Credential string // shown once, just after delivery
	Status     string // the grant's state now
	Overdue    bool
}

func (s *Server) handleDataRequest(w http.ResponseWriter, r *http.Request) error {
	return s.renderDataRequest(w, r, "", nil)
}

func (s *Server) renderDataRequest(w http.ResponseWriter, r *http.Request, credential string, refused *errs.Error) error {
	ctx, by := r.Context(), caller(r)
	q, g, err := s.datashare.RequestOf(ctx, by, ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	res, err := s.datashare.Resource(ctx, by, q.ResourceID)
	if err != nil {
		return err
	}
	now := s.datashareNow()
	v := &dataRequestView{Request: q, Grant: g, Resource: res, Provider: datashare.Manages(by, res),
		Consumer: ofBody(by, q.ConsumerID), Credential: credential, Overdue: q.Overdue(now)}
	if g != nil {
		v.Status = g.Status(now)
	}
	p := &page{Title: "data.request_title", Face: identity.FaceWorkbench, Data: v}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "data_request", p)
}

// ofBody reports whether by may request data for body org.
func ofBody(by *identity.Caller, org ids.ID) bool {
	for _, g := range by.Grants {
		if g.OrgID == org && g.Role.Allows(identity.PermDataRequest) {
			return true
		}
	}
	return false
}

func (s *Server) handleDataApprove(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	_, _, err := s.datashare.Approve(r.Context(), caller(r), id, datashare.ApproveInput{Fields: r.PostForm["fields"], Note: r.PostFormValue("note")})
	return s.afterDataStep(w, r, id, err)
}

func (s *Server) handleDataRefuse(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	_, err := s.datashare.Refuse(r.Context(), caller(r), id, r.PostFormValue("reason"))
	return s.afterDataStep(w, r, id, err)
}

// afterDataStep returns to the request's page: with the refusal on it when
// the step was refused, by redirect when it went through.
func (s *Server) afterDataStep(w http.ResponseWriter, r *http.Request, id ids.ID, err error) error {
	if e := formRefusal(err); e != nil {
		return s.renderDataRequest(w, r, "", e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/data/requests/"+string(id), http.StatusSeeOther)
	return nil
}

// handleDataDeliver issues the grant's credential and shows it once.
func (s *Server) handleDataDeliver(w http.ResponseWriter, r *http.Request) error {
	_, secret, err := s.datashare.Deliver(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if e := formRefusal(err); e != nil {
		return s.renderDataRequest(w, r, "", e)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderDataRequest(w, r, secret, nil)
}

func (s *Server) handleDataRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	g, err := s.datashare.Revoke(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("reason"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/data/requests/"+string(g.RequestID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleDataSatisfaction(w http.ResponseWriter, r *http.Request) error {
	list, total, err := s.datashare.Satisfaction(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "data_satisfaction", &page{Title: "data.satisfaction_title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Rows": list, "Total": total, "Target": datashare.SatisfactionTarget}})
}

func (s *Server) handleDataExchangeLog(w http.ResponseWriter, r *http.Request) error {
	list, v, err := s.datashare.ExchangeLog(r.Context(), caller(r), 200, r.URL.Query().Get("full") == "1")
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "data_exchange_log", &page{Title: "data.log_title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Entries": list, "Verify": v, "Key": s.exchangeKeyText()}})
}

// readUpload reads an API upload body (bounded by limitBody).
func readUpload(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, err
	}
	return b, err
}
