package web

import (
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
)

// The body of POST /api/v1/events, decoded once.
//
// Huma validates a JSON body by decoding it into maps and checking those
// against the schema, then decodes it again into the Go type: two decodes,
// the first allocating a map and a string per field. Event reports are the
// busiest write of the API, so their operation takes the raw body and
// decodes it here: a body of the usual shape (a flat object of the known
// keys, plain strings, decimal numbers) is read in one pass straight into
// the Go type and checked against the schema's limits in Go; anything else
// (escapes, photos, null, unknown or repeated keys, a value out of bounds,
// malformed JSON, another content type) goes the way Huma would have gone
// (validateBody, then parseBodyInto), so that its answer — status, problem
// and every error's location and message — stays exactly Huma's.
// TestEventReportBodyLikeHuma compares the two answers on the same bodies;
// FuzzEventReportBody checks that whatever the fast path accepts, Huma's
// way accepts and decodes the same.

// govEventReportRequest is the body (an alias of an unnamed struct, as
// the Body field's type was, so that its schema keeps its name in the
// OpenAPI document).
type govEventReportRequest = struct {
	Source      string          `json:"source,omitempty" enum:"grid,hotline,sensor,api,open311," doc:"citizens always report as portal"`
	ExternalID  string          `json:"external_id,omitempty" maxLength:"100" doc:"the sending system's own ID"`
	Category    string          `json:"category" maxLength:"4" doc:"a subcategory code, e.g. 0101"`
	Description string          `json:"description" maxLength:"4000"`
	Region      string          `json:"region" maxLength:"12" doc:"region code of the place (2–12 digits)"`
	Address     string          `json:"address,omitempty" maxLength:"400"`
	Lat         *float64        `json:"lat,omitempty"`
	Lng         *float64        `json:"long,omitempty"`
	Urgency     string          `json:"urgency,omitempty" enum:"normal,urgent,critical,"`
	Reporter    string          `json:"reporter_name,omitempty" maxLength:"100" doc:"the citizen's name (hotline, grid)"`
	Phone       string          `json:"phone,omitempty" maxLength:"20" doc:"the citizen's phone; stored encrypted, shown masked"`
	Photos      []EventPhotoRef `json:"photos,omitempty" maxItems:"9" doc:"photos uploaded by the same account with POST /api/v1/event-photos, each with its receipt"`
	OnSpot      bool            `json:"on_spot,omitempty" doc:"grid workers: fixed on patrol, close at once"`
	OnSpotNote  string          `json:"on_spot_note,omitempty" maxLength:"2000"`
}

// govEventReportInput carries the raw body; Resolve decodes it into body
// before the handler runs. The raw body's content type is a placeholder
// that registration removes from the document (fixEventReportDoc): the
// document keeps the JSON body and its schema as Huma made them.
type govEventReportInput struct {
	RawBody []byte `contentType:"application/x-digigov-raw"`
	body    govEventReportRequest
}

const rawPlaceholder = "application/x-digigov-raw"

// eventReportOperation prepares op for the raw body: the request body is
// the JSON schema Huma would have made of a Body field of the type
// (govEventReportInputBody), Huma reads the body (up to 1 MB, within 5 s,
// its defaults for a Body) without validating or decoding it, and the
// middleware hands the API and the schema to Resolve.
func eventReportOperation(api huma.API, op huma.Operation) huma.Operation {
	f := reflect.StructField{Name: "Body", Type: reflect.TypeFor[govEventReportRequest]()}
	schema := huma.SchemaFromField(api.OpenAPI().Components.Schemas, f, "govEventReportInputBody")
	op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{"application/json": {Schema: schema}}}
	op.SkipValidateBody = true
	op.MaxBodyBytes, op.BodyReadTimeout = 1<<20, 5*time.Second
	with := eventReportDeps{api, schema}
	op.Middlewares = append(op.Middlewares, func(ctx huma.Context, next func(huma.Context)) {
		next(huma.WithValue(ctx, eventReportAPIKey{}, with))
	})
	return op
}

// fixEventReportDoc removes the raw body's placeholder content type from
// the document once the operation is registered.
func fixEventReportDoc(api huma.API, path string) {
	p := api.OpenAPI().Paths[path]
	if p == nil || p.Post == nil || p.Post.RequestBody == nil {
		panic("fixEventReportDoc: no POST " + path)
	}
	delete(p.Post.RequestBody.Content, rawPlaceholder)
}

type eventReportDeps struct {
	api    huma.API
	schema *huma.Schema
}

type eventReportAPIKey struct{}

// Resolve decodes the body (huma.Resolver: runs after the body is read,
// before the handler; the errors it returns are answered as Huma answers
// a body that fails validation).
func (in *govEventReportInput) Resolve(ctx huma.Context) []error {
	deps, ok := ctx.Context().Value(eventReportAPIKey{}).(eventReportDeps)
	if !ok {
		return []error{errors.New("report-event: registered without eventReportOperation")}
	}
	return decodeEventReport(deps, ctx.Header("Content-Type"), in.RawBody, &in.body)
}

// decodeEventReport decodes body into out: the fast path when it can
// vouch for the body, else Huma's way.
func decodeEventReport(deps eventReportDeps, contentType string, body []byte, out *govEventReportRequest) []error {
	if jsonContent(contentType) && parseEventReportFast(body, out) {
		return nil
	}
	*out = govEventReportRequest{}
	return decodeLikeHuma(deps, contentType, body, out)
}

// jsonContent reports whether Huma's default formats read contentType as
// JSON and the fast path may too (anything else goes Huma's way).
func jsonContent(ct string) bool {
	return ct == "" || ct == "application/json" || ct == "application/json; charset=utf-8" || ct == "application/json;charset=utf-8"
}

// decodeLikeHuma is Huma's validateBody followed by parseBodyInto
// (huma.go, v2.37): decode into any (400, or 415 for an unknown content
// type, on failure), validate against the schema (422 with every error),
// then decode into out.
func decodeLikeHuma(deps eventReportDeps, contentType string, body []byte, out *govEventReportRequest) []error {
	api := deps.api
	if contentType == "" {
		contentType = "application/json" // Huma's fallback: the operation's JSON content type
	}
	var parsed any
	if err := api.Unmarshal(contentType, body, &parsed); err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, huma.ErrUnknownContentType) {
			status = http.StatusUnsupportedMediaType
		}
		return []error{statusDetail{status, &huma.ErrorDetail{Location: "body", Message: err.Error(), Value: string(body)}}}
	}
	res := &huma.ValidateResult{}
	pb := huma.NewPathBuffer(make([]byte, 0, 64), 0)
	pb.Push("body")
	huma.Validate(api.OpenAPI().Components.Schemas, deps.schema, pb, huma.ModeWriteToServer, parsed, res)
	if len(res.Errors) > 0 {
		return res.Errors
	}
	if err := api.Unmarshal(contentType, body, out); err != nil {
		return []error{&huma.ErrorDetail{Location: "body", Message: err.Error(), Value: string(body)}}
	}
	return nil
}

// statusDetail is an error detail that also sets the response's status,
// as Huma's own body errors do (400 malformed, 415 unknown content type).
type statusDetail struct {
	status int
	d      *huma.ErrorDetail
}

func (e statusDetail) Error() string                  { return e.d.Error() }
func (e statusDetail) ErrorDetail() *huma.ErrorDetail { return e.d }
func (e statusDetail) GetStatus() int                 { return e.status }

// parseEventReportFast reads a body of the usual shape into out and
// reports whether it did and the body meets the schema. false means "not
// sure": the caller then goes Huma's way, which gives the answer.
func parseEventReportFast(b []byte, out *govEventReportRequest) bool {
	*out = govEventReportRequest{}
	p := fastJSON{b: b}
	if !p.byte('{') {
		return false
	}
	var seen uint16
	if !p.byte('}') {
		for {
			key, ok := p.plainString()
			if !ok || !p.byte(':') {
				return false
			}
			bit, ok := reportFields[key]
			if !ok || seen&bit != 0 {
				return false // unknown (or differently cased) or repeated key
			}
			seen |= bit
			switch bit {
			case fLat, fLng:
				v, ok := p.decimal()
				if !ok {
					return false
				}
				if bit == fLat {
					out.Lat = &v
				} else {
					out.Lng = &v
				}
			case fOnSpot:
				v, ok := p.boolean()
				if !ok {
					return false
				}
				out.OnSpot = v
			case fPhotos:
				return false
			default:
				v, ok := p.plainString()
				if !ok {
					return false
				}
				*reportString(out, bit) = v
			}
			if p.byte(',') {
				continue
			}
			if p.byte('}') {
				break
			}
			return false
		}
	}
	p.space()
	if p.i != len(p.b) || seen&required != required {
		return false
	}
	return within(out.ExternalID, 100) && within(out.Category, 4) && within(out.Description, 4000) &&
		within(out.Region, 12) && within(out.Address, 400) && within(out.Reporter, 100) && within(out.Phone, 20) &&
		within(out.OnSpotNote, 2000) && oneOf(out.Source, "grid", "hotline", "sensor", "api", "open311", "") &&
		oneOf(out.Urgency, "normal", "urgent", "critical", "")
}

// The body's keys, one bit each.
const (
	fSource uint16 = 1 << iota
	fExternalID
	fCategory
	fDescription
	fRegion
	fAddress
	fLat
	fLng
	fUrgency
	fReporter
	fPhone
	fPhotos
	fOnSpot
	fOnSpotNote

	required = fCategory | fDescription | fRegion
)

var reportFields = map[string]uint16{
	"source": fSource, "external_id": fExternalID, "category": fCategory, "description": fDescription,
	"region": fRegion, "address": fAddress, "lat": fLat, "long": fLng, "urgency": fUrgency,
	"reporter_name": fReporter, "phone": fPhone, "photos": fPhotos, "on_spot": fOnSpot, "on_spot_note": fOnSpotNote,
}

func reportString(out *govEventReportRequest, bit uint16) *string {
	switch bit {
	case fSource:
		return &out.Source
	case fExternalID:
		return &out.ExternalID
	case fCategory:
		return &out.Category
	case fDescription:
		return &out.Description
	case fRegion:
		return &out.Region
	case fAddress:
		return &out.Address
	case fUrgency:
		return &out.Urgency
	case fReporter:
		return &out.Reporter
	case fPhone:
		return &out.Phone
	default:
		return &out.OnSpotNote
	}
}

// within is Huma's maxLength: characters, not bytes.
func within(s string, n int) bool { return len(s) <= n || utf8.RuneCountInString(s) <= n }

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

// fastJSON reads the plain subset of JSON the fast path accepts.
type fastJSON struct {
	b []byte
	i int
}

func (p *fastJSON) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// byte consumes c (after white space) if it comes next.
func (p *fastJSON) byte(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// plainString reads a string without escapes or control characters, in
// valid UTF-8 (false otherwise: encoding/json would unescape or replace).
func (p *fastJSON) plainString() (string, bool) {
	if !p.byte('"') {
		return "", false
	}
	start := p.i
	for ; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return "", false
			}
			return string(s), true
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

// decimal reads -?(0|[1-9][0-9]*)(\.[0-9]+)? (no exponent) as
// encoding/json would (strconv.ParseFloat of the literal).
func (p *fastJSON) decimal() (float64, bool) {
	p.space()
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.i < len(p.b) && p.b[p.i] >= '1' && p.b[p.i] <= '9':
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
	default:
		return 0, false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		digits := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		if p.i == digits {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(string(p.b[start:p.i]), 64)
	return v, err == nil
}

func (p *fastJSON) boolean() (bool, bool) {
	p.space()
	rest := p.b[p.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		p.i += 4
		return true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		p.i += 5
		return false, true
	}
	return false, false
}
