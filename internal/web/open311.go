package web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/open311"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at
// /open311/v2/: the standard face of events for 311 clients. Each method
// answers in XML or JSON by the resource's extension; errors are the
// spec's array of {code, description} with 404 for what does not exist,
// 403 for a missing or wrong api_key and 400 for everything else a client
// got wrong. jurisdiction_id is ignored: one node serves one jurisdiction.
//
// Our richer states map onto open and closed, with status_notes saying
// where the event stands. Lists are public, as the spec intends, so they
// carry no personal data and leave out private categories (social
// security): no reporter, no phone; free text (description, the reply in
// status_notes, address) goes through identity.ScrubText, which masks the
// ID and phone numbers people type into it; coordinates are rounded to
// open311GeoDecimals places (0.001° is about 110 m north–south and 100 m
// east–west in Guangdong: the street and the block, not the door); and a
// 12345 hotline ticket, which an operator wrote down from a caller's own
// words, shows its category instead of its description and no address.
// The reporter and staff see everything behind sign-in, on the event pages
// and the JSON API. Service requests are created in real time; a token is
// the request's ID, so tokens/{id} answers for any request.

// open311Routes registers the Open311 methods.
func (s *Server) open311Routes(mux *http.ServeMux) {
	// ServeMux wildcards are whole segments, so "services.json" is one
	// resource name, dispatched by its stem.
	mux.Handle("GET /open311/v2/{resource}", s.open311(func(w http.ResponseWriter, r *http.Request, f string) error {
		switch stem(r.PathValue("resource")) {
		case "discovery":
			return s.handleOpen311Discovery(w, r, f)
		case "services":
			return s.handleOpen311Services(w, r, f)
		case "requests":
			return s.handleOpen311Requests(w, r, f)
		}
		return open311Err(http.StatusNotFound, "open311.no_method")
	}))
	mux.Handle("POST /open311/v2/{resource}", s.open311(func(w http.ResponseWriter, r *http.Request, f string) error {
		if stem(r.PathValue("resource")) == "requests" {
			return s.handleOpen311Create(w, r, f)
		}
		return open311Err(http.StatusNotFound, "open311.no_method")
	}))
	mux.Handle("GET /open311/v2/services/{code}", s.open311(s.handleOpen311Definition))
	mux.Handle("GET /open311/v2/requests/{id}", s.open311(s.handleOpen311Request))
	mux.Handle("GET /open311/v2/tokens/{id}", s.open311(s.handleOpen311Token))
	mux.Handle("GET /open311/v2/media/{file}", s.errorPage(s.handleOpen311Media)) // open311x.go
	mux.Handle("/open311/", s.open311(func(w http.ResponseWriter, r *http.Request, f string) error {
		return open311Err(http.StatusNotFound, "open311.no_method")
	}))
}

// open311Error is an error the spec's way: an HTTP status and a message.
type open311Error struct {
	status int
	err    error
}

func (e *open311Error) Error() string { return e.err.Error() }

func open311Err(status int, key string, args ...any) error {
	return &open311Error{status: status, err: &errs.Error{Code: errs.Invalid, Msg: key, Args: args}}
}

// open311Handler handles one method in format f ("json" or "xml").
type open311Handler func(w http.ResponseWriter, r *http.Request, f string) error

// open311 resolves the format from the last path segment's extension and
// writes errors in the spec's shape.
func (s *Server) open311(h open311Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Open311 clients are programs: their Accept-Language decides.
		if l := i18n.FromAcceptLanguage(r.Header.Get("Accept-Language")); l != "" {
			state(r.Context()).Lang = l
		}
		last := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		f := "" // XML, the spec's required format, answers malformed URLs
		if i := strings.LastIndexByte(last, '.'); i >= 0 {
			f = last[i+1:]
		}
		if f != "json" && f != "xml" {
			s.writeOpen311Error(w, r, "xml", open311Err(http.StatusBadRequest, "open311.format"))
			return
		}
		if err := h(w, r, f); err != nil {
			s.writeOpen311Error(w, r, f, err)
		}
	})
}

// stem is a path value without its format extension.
func stem(v string) string {
	if i := strings.LastIndexByte(v, '.'); i >= 0 {
		return v[:i]
	}
	return v
}

type open311ErrorBody struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

func (s *Server) writeOpen311Error(w http.ResponseWriter, r *http.Request, f string, err error) {
	st := state(r.Context())
	code, inner := http.StatusBadRequest, err
	var oe *open311Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &oe):
		code, inner = oe.status, oe.err
	case errors.As(err, &mbe):
		code = http.StatusRequestEntityTooLarge
	case errs.Is(err, errs.NotFound):
		code = http.StatusNotFound
	case errs.Is(err, errs.Unauthenticated), errs.Is(err, errs.Forbidden):
		code = http.StatusForbidden
	case errs.Is(err, errs.Invalid), errs.Is(err, errs.Conflict), errs.Is(err, errs.TooLarge):
	default:
		code = http.StatusInternalServerError
		s.log.Error("open311 request failed", "request_id", st.ID, "err", err)
	}
	var list []open311ErrorBody
	if e := errs.As(inner); e != nil && len(e.Fields) > 0 {
		args := s.args(st.Lang, e.Args)
		fields := make([]string, 0, len(e.Fields))
		for f := range e.Fields {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			list = append(list, open311ErrorBody{Code: code, Description: open311Field(f) + ": " + s.msgs.T(st.Lang, e.Fields[f], args...)})
		}
	} else {
		list = []open311ErrorBody{{Code: code, Description: s.sentence(st.Lang, inner)}}
	}
	type errorsXML struct {
		XMLName xml.Name           `xml:"errors"`
		Errors  []open311ErrorBody `xml:"error"`
	}
	writeOpen311(w, f, code, list, errorsXML{Errors: list})
}

// open311Field names our field as the spec's parameter.
func open311Field(f string) string {
	switch f {
	case "category":
		return "service_code"
	case "region":
		return "attribute[region]"
	case "address":
		return "address_string"
	case "urgency":
		return "attribute[urgency]"
	case "reporter_name":
		return "first_name"
	case "photos":
		return "media"
	}
	return f
}

// writeOpen311 writes v as JSON or x as XML (with the XML declaration the
// spec requires), UTF-8.
func writeOpen311(w http.ResponseWriter, f string, status int, v, x any) {
	if f == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?>`+"\n")
	xml.NewEncoder(w).Encode(x)
}

// --- discovery and services

// open311Base is this node's scheme and host as the client reached it.
func open311Base(r *http.Request) string {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	return scheme + "://" + r.Host
}

func (s *Server) handleOpen311Discovery(w http.ResponseWriter, r *http.Request, f string) error {
	type endpoint struct {
		XMLName       xml.Name `json:"-" xml:"endpoint"`
		Specification string   `json:"specification" xml:"specification"`
		URL           string   `json:"url" xml:"url"`
		Changeset     string   `json:"changeset" xml:"changeset"`
		Type          string   `json:"type" xml:"type"`
		Formats       []string `json:"formats" xml:"formats>format"`
	}
	type discovery struct {
		XMLName   xml.Name   `json:"-" xml:"discovery"`
		Changeset string     `json:"changeset" xml:"changeset"`
		Contact   string     `json:"contact" xml:"contact"`
		KeyServ   string     `json:"key_service" xml:"key_service"`
		Endpoints []endpoint `json:"endpoints" xml:"endpoints>endpoint"`
	}
	d := discovery{Changeset: "2026-11-26T00:00:00Z", Contact: "12345", KeyServ: open311Base(r) + open311KeyPage,
		Endpoints: []endpoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: open311Base(r) + "/open311/v2",
			Changeset: "2026-11-26T00:00:00Z", Type: "production", Formats: []string{"text/xml", "application/json"}}}}
	writeOpen311(w, f, http.StatusOK, d, d)
	return nil
}

type open311Service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

// open311Lang picks the name of a category in the request's language.
func open311Name(lang string, c governance.Category) string {
	if lang == "en" && c.NameEn != "" {
		return c.NameEn
	}
	return c.Name
}

// limitText is a category's time limit as a sentence.
func (s *Server) limitText(lang string, c governance.Category) string {
	if c.Limit.Days > 0 {
		return s.msgs.T(lang, "event.limit_days", c.Limit.Days)
	}
	return s.msgs.T(lang, "event.limit_hours", c.Limit.Hours)
}

func (s *Server) handleOpen311Services(w http.ResponseWriter, r *http.Request, f string) error {
	lang := state(r.Context()).Lang
	var list []open311Service
	for _, c := range governance.Leaves() {
		if c.Private {
			continue
		}
		g, _ := governance.CategoryOf(c.Parent())
		list = append(list, open311Service{ServiceCode: c.Code, ServiceName: open311Name(lang, c),
			Description: s.msgs.T(lang, "event.department."+c.Department) + " · " + s.limitText(lang, c),
			Metadata:    true, Type: "realtime", Keywords: c.Name + ", " + g.Name, Group: open311Name(lang, g)})
	}
	type servicesXML struct {
		XMLName  xml.Name         `xml:"services"`
		Services []open311Service `xml:"service"`
	}
	writeOpen311(w, f, http.StatusOK, list, servicesXML{Services: list})
	return nil
}

type open311Value struct {
	XMLName xml.Name `json:"-" xml:"value"`
	Key     string   `json:"key" xml:"key"`
	Name    string   `json:"name" xml:"name"`
}

type open311Attribute struct {
	XMLName             xml.Name       `json:"-" xml:"attribute"`
	Variable            bool           `json:"variable" xml:"variable"`
	Code                string         `json:"code" xml:"code"`
	Datatype            string         `json:"datatype" xml:"datatype"`
	Required            bool           `json:"required" xml:"required"`
	DatatypeDescription string         `json:"datatype_description" xml:"datatype_description"`
	Order               int            `json:"order" xml:"order"`
	Description         string         `json:"description" xml:"description"`
	Values              []open311Value `json:"values,omitempty" xml:"values>value,omitempty"`
}

// handleOpen311Definition describes the attributes a request takes: the
// region code (optional: a point gives it), the urgency and the request
// token that makes a retry safe.
func (s *Server) handleOpen311Definition(w http.ResponseWriter, r *http.Request, f string) error {
	code := stem(r.PathValue("code"))
	c, ok := governance.CategoryOf(code)
	if !ok || !c.Leaf() || c.Private {
		return open311Err(http.StatusNotFound, "open311.service_unknown", code)
	}
	lang := state(r.Context()).Lang
	var urg []open311Value
	for _, u := range governance.Urgencies {
		urg = append(urg, open311Value{Key: string(u), Name: s.msgs.T(lang, "event.urgency."+string(u))})
	}
	type definition struct {
		XMLName     xml.Name           `json:"-" xml:"service_definition"`
		ServiceCode string             `json:"service_code" xml:"service_code"`
		Attributes  []open311Attribute `json:"attributes" xml:"attributes>attribute"`
	}
	d := definition{ServiceCode: c.Code, Attributes: []open311Attribute{
		{Variable: true, Code: "region", Datatype: "string", Required: false, Order: 1,
			DatatypeDescription: s.msgs.T(lang, "open311.region_format"), Description: s.msgs.T(lang, "open311.region_optional")},
		{Variable: true, Code: "urgency", Datatype: "singlevaluelist", Required: false, Order: 2,
			Description: s.msgs.T(lang, "open311.urgency_description"), Values: urg},
		{Variable: true, Code: "request_token", Datatype: "string", Required: false, Order: 3,
			DatatypeDescription: s.msgs.T(lang, "open311.request_token_format"), Description: s.msgs.T(lang, "open311.request_token_description")},
	}}
	writeOpen311(w, f, http.StatusOK, d, d)
	return nil
}

// --- requests

type open311Request struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string   `json:"expected_datetime,omitempty" xml:"expected_datetime,omitempty"`
	Address           string   `json:"address" xml:"address"`
	AddressID         string   `json:"address_id" xml:"address_id"`
	Lat               *float64 `json:"lat,omitempty" xml:"lat,omitempty"`
	Long              *float64 `json:"long,omitempty" xml:"long,omitempty"`
	MediaURL          string   `json:"media_url" xml:"media_url"`
}

// w3 formats a time the spec's way, in China Standard Time.
func w3(t time.Time) string { return t.In(shanghai).Format(time.RFC3339) }

// open311Status maps our states onto open and closed, with a note on
// where the event stands.
func (s *Server) open311Status(lang string, e *governance.Event) (string, string) {
	status := "open"
	if !e.State.Open() {
		status = "closed"
	}
	note := s.msgs.T(lang, "event.state."+string(e.State))
	switch {
	case e.State == governance.Merged:
		note += s.msgs.T(lang, "open311.note_merged", string(e.MergedInto))
	case e.State == governance.Closed && e.Reply != "":
		note += "：" + identity.ScrubText(e.Reply)
	case e.Lead.Name != "" && e.State.Open():
		note += " · " + e.Lead.Name
	}
	return status, note
}

func (s *Server) open311RequestOf(lang, base string, e *governance.Event, media map[ids.ID]string) open311Request {
	c, _ := governance.CategoryOf(e.Category)
	status, note := s.open311Status(lang, e)
	out := open311Request{ServiceRequestID: string(e.ID), Status: status, StatusNotes: note, ServiceName: open311Name(lang, c),
		ServiceCode: e.Category, Description: identity.ScrubText(e.Description), AgencyResponsible: e.Lead.Name,
		ServiceNotice: s.msgs.T(lang, "open311.notice", e.Number, s.limitText(lang, c)), RequestedDatetime: w3(e.CreatedAt),
		UpdatedDatetime: w3(e.UpdatedAt), Address: identity.ScrubText(e.Address), AddressID: string(e.Region)}
	if p := open311MediaPath(e); p != "" {
		out.MediaURL = base + p
	} else {
		out.MediaURL = media[e.ID]
	}
	if e.Source == governance.SourceHotline {
		out.Description, out.Address = s.msgs.T(lang, "open311x.hotline_description", open311Name(lang, c)), ""
	}
	if !e.Deadline.IsZero() && (e.State == governance.Dispatched || e.State == governance.Handling) {
		out.ExpectedDatetime = w3(e.Deadline) // the handling deadline, not another step's
	}
	if e.HasGeo {
		lat, lng := roundCoord(e.Lat), roundCoord(e.Lng)
		out.Lat, out.Long = &lat, &lng
	}
	return out
}

// open311GeoDecimals is how many decimal places of a degree the public
// coordinates keep: 3, about 110 m.
const open311GeoDecimals = 3

func roundCoord(v float64) float64 {
	const f = 1e3 // 10^open311GeoDecimals
	return math.Round(v*f) / f
}

type open311RequestsXML struct {
	XMLName  xml.Name `xml:"service_requests"`
	Requests any      `xml:"request"`
}

// open311Form reads a POST body: url-encoded, or multipart with a media file.
func open311Form(r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(8 << 20)
	}
	return r.ParseForm()
}

func parseCoord(v string) (*float64, bool) {
	if v == "" {
		return nil, true
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, false
	}
	return &x, true
}

// handleOpen311Create is POST requests: it reports an event as the
// account whose API token is api_key.
func (s *Server) handleOpen311Create(w http.ResponseWriter, r *http.Request, f string) error {
	if err := open311Form(r); err != nil {
		return open311Err(http.StatusBadRequest, "open311.body")
	}
	form := r.Form
	key := form.Get("api_key")
	if key == "" {
		return open311Err(http.StatusForbidden, "open311.api_key_missing")
	}
	by, err := s.open311Caller(r, key)
	if err != nil {
		if errs.Is(err, errs.Unauthenticated) || errs.Is(err, errs.NotFound) {
			return open311Err(http.StatusForbidden, "open311.api_key_invalid")
		}
		if x := errs.As(err); x != nil && x.Msg == "open311.api_key_expired" {
			return open311Err(http.StatusForbidden, x.Msg)
		}
		return err
	}
	code := strings.TrimSpace(form.Get("service_code"))
	if code == "" {
		return open311Err(http.StatusBadRequest, "open311.service_code_missing")
	}
	if c, ok := governance.CategoryOf(code); !ok || !c.Leaf() || c.Private {
		return open311Err(http.StatusNotFound, "open311.service_unknown", code)
	}
	lat, okLat := parseCoord(form.Get("lat"))
	lng, okLng := parseCoord(form.Get("long"))
	if !okLat || !okLng {
		return open311Err(http.StatusBadRequest, "open311.coordinates")
	}
	if (lat == nil || lng == nil) && form.Get("address_string") == "" && form.Get("address_id") == "" {
		return open311Err(http.StatusBadRequest, "open311.location_missing")
	}
	reg, err := s.open311Region(form, by, lat, lng)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(form.Get("last_name") + form.Get("first_name"))
	in := governance.Input{Source: governance.SourceOpen311, Category: code, Description: form.Get("description"),
		Region: reg, Address: form.Get("address_string"), Lat: lat, Lng: lng, ReporterName: name, Phone: form.Get("phone"),
		Urgency: governance.Urgency(form.Get("attribute[urgency]"))}
	rq := open311.Request{MediaURL: form.Get("media_url"), DeviceID: form.Get("device_id"), Token: form.Get("attribute[request_token]")}
	if rq.Token == "" {
		rq.Token = r.Header.Get("Idempotency-Key")
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["media"] {
			fl, err := fh.Open()
			if err != nil {
				return err
			}
			sum, err := s.governance.UploadPhoto(r.Context(), by, fl)
			fl.Close()
			if err != nil {
				return err
			}
			in.Photos = append(in.Photos, sum)
		}
	}
	if !by.Anonymous() && by.Kind != identity.KindPerson && by.Kind != identity.KindEnterprise {
		in.Source = governance.SourceOpen311
	}
	e, existing, err := s.open311keys.Submit(r.Context(), by, in, rq)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if existing {
		status = http.StatusOK // a retry: the request made the first time
	}
	lang := state(r.Context()).Lang
	c, _ := governance.CategoryOf(e.Category)
	type created struct {
		XMLName          xml.Name `json:"-" xml:"request"`
		ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
		ServiceNotice    string   `json:"service_notice" xml:"service_notice"`
		AccountID        *string  `json:"account_id" xml:"account_id"`
	}
	out := []created{{ServiceRequestID: string(e.ID), ServiceNotice: s.msgs.T(lang, "open311.notice", e.Number, s.limitText(lang, c))}}
	writeOpen311(w, f, status, out, open311RequestsXML{Requests: out})
	return nil
}

// Open311 lists: the spec's 90-day window and 1,000 results, with the
// common extensions page and page_size, and updated_after (also spelt
// updated_datetime) to follow changes.
const (
	open311Window  = 90 * 24 * time.Hour
	open311MaxList = 1000
)

func parseW3(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

func (s *Server) handleOpen311Requests(w http.ResponseWriter, r *http.Request, f string) error {
	q := r.URL.Query()
	lang := state(r.Context()).Lang
	gq := governance.Query{Order: governance.ByCreated, Limit: open311MaxList}
	if v := q.Get("service_request_id"); v != "" {
		// It overrides every other argument.
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); ids.Valid(id) {
				gq.IDs = append(gq.IDs, ids.ID(id))
			}
		}
		if len(gq.IDs) == 0 {
			return s.writeOpen311Requests(w, r, f, lang, nil)
		}
		list, err := s.governance.Public(r.Context(), gq)
		if err != nil {
			return err
		}
		return s.writeOpen311Requests(w, r, f, lang, list)
	}
	if v := q.Get("service_code"); v != "" {
		for _, c := range strings.Split(v, ",") {
			c = strings.TrimSpace(c)
			cat, ok := governance.CategoryOf(c)
			if !ok || !cat.Leaf() || cat.Private {
				return open311Err(http.StatusBadRequest, "open311.service_unknown", c)
			}
			gq.Categories = append(gq.Categories, c)
		}
	}
	start, ok1 := parseW3(q.Get("start_date"))
	end, ok2 := parseW3(q.Get("end_date"))
	if !ok1 || !ok2 {
		return open311Err(http.StatusBadRequest, "open311.date_format")
	}
	upd := q.Get("updated_after")
	if upd == "" {
		upd = q.Get("updated_datetime")
	}
	after, ok := parseW3(upd)
	if !ok {
		return open311Err(http.StatusBadRequest, "open311.date_format")
	}
	now := time.Now()
	switch {
	case start.IsZero() && end.IsZero() && !after.IsZero():
		// Following changes: every request changed since, however old.
	case start.IsZero() && end.IsZero():
		start = now.Add(-open311Window)
	case start.IsZero():
		start = end.Add(-open311Window)
	case end.IsZero():
		if now.Sub(start) > open311Window {
			end = start.Add(open311Window)
		}
	}
	if !end.IsZero() && !start.IsZero() && end.Before(start) {
		return open311Err(http.StatusBadRequest, "open311.date_order")
	}
	if !end.IsZero() && !start.IsZero() && end.Sub(start) > open311Window {
		return open311Err(http.StatusBadRequest, "open311.date_span")
	}
	gq.CreatedFrom, gq.CreatedTo = start, end
	if v := q.Get("status"); v != "" {
		for _, st := range strings.Split(v, ",") {
			switch strings.TrimSpace(st) {
			case "open":
				gq.States = append(gq.States, governance.OpenStates...)
			case "closed":
				gq.States = append(gq.States, governance.Closed, governance.Rejected, governance.Merged, governance.Split)
			default:
				return open311Err(http.StatusBadRequest, "open311.status")
			}
		}
	}
	if !after.IsZero() {
		gq.UpdatedAfter, gq.Order = after, governance.ByUpdated
	}
	page, size := 1, open311MaxList
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		// Bounded so that the offset cannot overflow (PostgreSQL refuses a
		// negative OFFSET).
		if err != nil || n < 1 || n > math.MaxInt32/open311MaxList {
			return open311Err(http.StatusBadRequest, "open311.page")
		}
		page = n
	}
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > open311MaxList {
			return open311Err(http.StatusBadRequest, "open311.page_size", open311MaxList)
		}
		size = n
	}
	gq.Limit, gq.Offset = size, (page-1)*size
	list, err := s.governance.Public(r.Context(), gq)
	if err != nil {
		return err
	}
	return s.writeOpen311Requests(w, r, f, lang, list)
}

func (s *Server) writeOpen311Requests(w http.ResponseWriter, r *http.Request, f, lang string, list []governance.Event) error {
	var bare []ids.ID // events without a photo: the client's media_url, if it gave one
	for i := range list {
		if open311MediaPath(&list[i]) == "" {
			bare = append(bare, list[i].ID)
		}
	}
	media, err := s.open311keys.MediaURLs(r.Context(), bare)
	if err != nil {
		return err
	}
	base := open311Base(r)
	out := make([]open311Request, len(list))
	for i := range list {
		out[i] = s.open311RequestOf(lang, base, &list[i], media)
	}
	writeOpen311(w, f, http.StatusOK, out, open311RequestsXML{Requests: out})
	return nil
}

func (s *Server) handleOpen311Request(w http.ResponseWriter, r *http.Request, f string) error {
	id := stem(r.PathValue("id"))
	e, err := s.governance.PublicEvent(r.Context(), ids.ID(id))
	if errs.Is(err, errs.NotFound) {
		return open311Err(http.StatusNotFound, "open311.request_unknown", id)
	}
	if err != nil {
		return err
	}
	return s.writeOpen311Requests(w, r, f, state(r.Context()).Lang, []governance.Event{*e})
}

// handleOpen311Token answers for a token: requests are created in real
// time, so a token is the request's own ID.
func (s *Server) handleOpen311Token(w http.ResponseWriter, r *http.Request, f string) error {
	id := stem(r.PathValue("id"))
	e, err := s.governance.PublicEvent(r.Context(), ids.ID(id))
	if errs.Is(err, errs.NotFound) {
		return open311Err(http.StatusNotFound, "open311.token_unknown", id)
	}
	if err != nil {
		return err
	}
	type token struct {
		XMLName          xml.Name `json:"-" xml:"request"`
		ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
		Token            string   `json:"token" xml:"token"`
	}
	out := []token{{ServiceRequestID: string(e.ID), Token: id}}
	writeOpen311(w, f, http.StatusOK, out, open311RequestsXML{Requests: out})
	return nil
}
