// Package web serves digigov to people and systems: the three faces
// (portal for citizens and enterprises, workbench for staff, cockpit for
// leaders) as server-rendered pages, the JSON API under /api/v1 with its
// generated OpenAPI document, and the operational endpoints.
//
// Handlers decode the request, call a domain service with the caller, and
// render the result. They never decide authorization themselves: services
// do, and their error codes become statuses in errors.go.
package web

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"

	"github.com/digigov/digigov/internal/appointment"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/jobs"
	"github.com/digigov/digigov/internal/knowledge"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/open311"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/platform/blob"
	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/rating"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/region/geo"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/sensing"
)

// Deps is what the web server needs from the composition root.
type Deps struct {
	Log          *slog.Logger
	Identity     *identity.Service
	Audit        *audit.Service
	Catalog      *catalog.Service
	Cases        *cases.Service
	Rating       *rating.Service
	Blobs        blob.Store
	Regions      *region.Tree
	Ready        func(ctx context.Context) error // database reachable and migrations current
	Pools        map[string]*sql.DB              // database pools, for metrics
	MaxBodyBytes int64
	Appointments *appointment.Service
	Version      string
	Notify       *notify.Service                           // inboxes
	Outbox       func(context.Context) (jobs.Stats, error) // outbox backlog, for metrics; nil: none
	Seals        *seal.Service                             // 电子印章
	Licenses     *license.Service                          // 电子证照
	Documents    *sealdoc.Service                          // sealed documents (决定书, 证明)
	Governance   *governance.Service                       // 一网统管 events
	Sensing      *sensing.Service                          // 感知 indicators and alerts; nil: cockpit without them
	CockpitMaps  string                                    // directory of GeoJSON maps overriding the embedded ones
	Places       *geo.Locator                              // points located on those maps (nil: built from them)
	// CockpitEvents is the events engine's read method for the cockpit's
	// events figures (today's events, closure rate, overdue, satisfaction);
	// nil until governance provides it: the cockpit then shows an empty slot.
	CockpitEvents CockpitEventsFunc
	DataShare     *datashare.Service // data catalog, sharing, exchange
	OpenData      *opendata.Service  // open-data portal, CKAN and DCAT
	Market        *market.Service    // data products, orders, contracts, asset certificates
	Emergency     *emergency.Service // 突发事件应急指挥 and public CAP alerts
	Open311       *open311.Service   // Open311 keys and media URLs (open311x.go)
	Knowledge     *knowledge.Service // the hotline's knowledge base (pages_knowledge.go)
}

// Server is digigov's HTTP face.
type Server struct {
	log     *slog.Logger
	id      *identity.Service
	audit   *audit.Service
	catalog *catalog.Service
	cases   *cases.Service
	rating  *rating.Service
	blobs   blob.Store
	regions *region.Tree
	ready   func(ctx context.Context) error
	msgs    *i18n.Catalog
	assets  *assets
	rd      *renderer
	metrics *metrics
	maxBody int64
	version string
	handler http.Handler

	appointments *appointment.Service
	notify       *notify.Service
	outbox       func(context.Context) (jobs.Stats, error)
	seals        *seal.Service
	licenses     *license.Service
	documents    *sealdoc.Service
	governance   *governance.Service

	sensing       *sensing.Service
	live          *liveHub // the cockpit's live stream (live.go)
	cockpitMaps   string
	places        *geo.Locator // Open311 reports located by point (open311geo.go)
	cockpitEvents CockpitEventsFunc
	datashare     *datashare.Service
	opendata      *opendata.Service
	market        *market.Service
	emergency     *emergency.Service
	open311keys   *open311.Service
	knowledge     *knowledge.Service
}

// NewServer builds the server and its routes.
func NewServer(d Deps) (*Server, error) {
	a, err := newAssets()
	if err != nil {
		return nil, err
	}
	msgs, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	rd, err := newRenderer(msgs, a, d.Regions)
	if err != nil {
		return nil, err
	}
	s := &Server{
		log: d.Log, id: d.Identity, audit: d.Audit, catalog: d.Catalog, cases: d.Cases, blobs: d.Blobs,
		regions: d.Regions, ready: d.Ready, rating: d.Rating,
		msgs: msgs, assets: a, rd: rd, metrics: newMetrics(d.Pools),
		maxBody: d.MaxBodyBytes, version: d.Version,
		appointments: d.Appointments,
		notify:       d.Notify,
		outbox:       d.Outbox,
		seals:        d.Seals,
		documents:    d.Documents,
		licenses:     d.Licenses,
		governance:   d.Governance,
		datashare:    d.DataShare,
		opendata:     d.OpenData,
		market:       d.Market,
		emergency:    d.Emergency,
		open311keys:  d.Open311,
		knowledge:    d.Knowledge,

		sensing: d.Sensing, cockpitMaps: d.CockpitMaps, places: d.Places, cockpitEvents: d.CockpitEvents,
	}
	if d.Sensing != nil {
		var incidents incidentsFunc
		if d.Emergency != nil {
			incidents = d.Emergency.ActiveCount
		}
		s.live = newLiveHub(d.Log, d.Sensing, d.CockpitEvents, incidents, d.Identity)
		d.Sensing.OnChange(s.live.Changed)
		if d.Governance != nil {
			d.Governance.OnChange(s.live.Changed) // events figures at once, not at the next refresh
		}
		if d.Emergency != nil {
			d.Emergency.OnChange(s.live.Changed) // the active-incident count at once
		}
	}
	if s.places == nil {
		s.places = geo.NewLocator(MapSource(d.CockpitMaps), d.Regions)
	}
	if s.maxBody <= 0 {
		s.maxBody = 10 << 20
	}
	mux := http.NewServeMux()
	s.routes(mux)
	// Outermost first: request ID, security headers, body limit, caller,
	// CSRF, then observe (logs and metrics; it must wrap the mux directly to
	// see the matched route).
	s.handler = requestID(securityHeaders(s.limitBody(s.authenticate(s.checkCSRF(s.observe(mux))))))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
