// Package app is digigov's composition root: it opens storage, applies
// migrations, loads the region tree and the node key, builds the domain
// services and the web server, and runs them. Nothing else wires
// dependencies together.
package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/digigov/digigov/internal/appointment"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/config"
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
	"github.com/digigov/digigov/internal/platform/cryptox"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/rating"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/region/geo"
	"github.com/digigov/digigov/internal/seal"
	"github.com/digigov/digigov/internal/sealdoc"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/web"
)

// App is a running digigov node's parts.
type App struct {
	Cfg      *config.Config
	Log      *slog.Logger
	DB       *db.DB
	Store    *sqlstore.Store
	Regions  *region.Tree
	Audit    *audit.Service
	Identity *identity.Service
	Catalog  *catalog.Service
	Cases    *cases.Service
	Blobs    *blob.Dir
	Calendar *workday.Calendar
	Rating   *rating.Service
	Version  string
	now      func() time.Time

	Appointments *appointment.Service // 窗口预约
	Notify       *notify.Service      // inboxes (消息) and e-mail
	Jobs         *jobs.Dispatcher     // the outbox dispatcher: Serve runs it, tests call RunOnce
	Seals        *seal.Service        // 电子印章
	Licenses     *license.Service     // 电子证照
	Documents    *sealdoc.Service     // sealed documents: case decisions (决定书), certificates
	Governance   *governance.Service  // 一网统管 events
	Places       *geo.Locator         // points on the province's map (events checked against their region)
	Sensing      *sensing.Service     // 感知: indicators and alerts (sensing.go)
	Emergency    *emergency.Service   // 突发事件应急指挥 (emergency.go)
	DataShare    *datashare.Service   // data catalog, sharing and exchange (数据要素)
	Market       *market.Service      // data products, orders, contracts, asset certificates (数据要素市场)
	OpenData     *opendata.Service    // the open-data portal (公共数据开放)
	Open311      *open311.Service     // Open311 keys and media URLs
	Knowledge    *knowledge.Service   // the 12345 hotline's knowledge base
}

// Open opens the database (creating and migrating it as needed), loads the
// node key and the region tree, and builds the services.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger, version string) (*App, error) {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, cfg, log, version, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

func build(ctx context.Context, cfg *config.Config, log *slog.Logger, version string, d *db.DB) (*App, error) {
	if err := sqlstore.Migrate(ctx, d); err != nil {
		return nil, err
	}
	key, err := cryptox.LoadOrCreateNodeKey(cfg.NodeKeyFile)
	if err != nil {
		return nil, fmt.Errorf("node key: %w", err)
	}
	keys, err := cryptox.NewKeyring(key)
	if err != nil {
		return nil, fmt.Errorf("node key: %w", err)
	}
	st := sqlstore.New(d)
	regions, err := loadRegions(ctx, st)
	if err != nil {
		return nil, err
	}
	blobs, err := blob.NewDir(cfg.BlobDir())
	if err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	now := time.Now
	au := audit.NewService(st, d, now)
	id := identity.NewService(st, d, au, keys, regions, now, log)
	cat := catalog.NewService(st, d, au, now)
	cal, err := calendar(cfg)
	if err != nil {
		return nil, err
	}
	a := &App{
		Cfg: cfg, Log: log, DB: d, Store: st, Regions: regions, Audit: au, Version: version, now: now,
		Identity: id, Catalog: cat, Blobs: blobs, Calendar: cal,
	}
	a.Cases = cases.NewService(cases.Deps{Store: st, Tx: d, Audit: au, Identity: id, Catalog: cat, Keys: keys,
		Blobs: blobs, Calendar: cal, Regions: regions, Licenses: caseLicenses{a}, Now: now})
	a.Rating = rating.NewService(rating.Deps{Store: st, Tx: d, Audit: au, Cases: a.Cases, Calendar: cal, Regions: regions, Now: now})
	a.Appointments = appointment.NewService(appointment.Deps{Store: st, Tx: d, Audit: au, Identity: id, Catalog: cat,
		Cases: a.Cases, Calendar: cal, Regions: regions, Now: now})
	a.Seals = seal.NewService(seal.Deps{Store: st, Tx: d, Audit: au, Orgs: id, Keys: keys, Now: now})
	base := cfg.PublicURL
	if base == "" {
		base = "http://localhost"
	}
	a.Documents = sealdoc.NewService(sealdoc.Deps{Store: st, Tx: d, Audit: au, Seals: a.Seals, Orgs: id, Blobs: blobs, BaseURL: base, Font: cfg.PDFFont, Now: now})
	a.Licenses = license.NewService(license.Deps{Store: st, Tx: d, Audit: au, Seals: a.Seals, People: id, Cases: a.Cases, Items: cat, Keys: keys,
		BaseURL: base, Font: cfg.PDFFont, Documents: a.Documents, Now: now})
	a.Documents.OnRef(license.RefType, a.Licenses.DocumentSubject)
	a.Places = geo.NewLocator(web.MapSource(cfg.Sensing.CockpitMaps), regions)
	a.Governance = governance.NewService(governance.Deps{Store: st, Tx: d, Audit: au, Directory: id, Keys: keys,
		Blobs: blobs, Calendar: cal, Regions: regions, Places: a.Places, Now: now})
	a.Knowledge = knowledge.NewService(knowledge.Deps{Store: st, Tx: d, Audit: au, Now: now})
	a.Open311 = open311.NewService(open311.Deps{Store: st, Tx: d, Audit: au, Governance: a.Governance, CallerOf: id.CallerByUserID, Now: now})
	a.DataShare = datashare.NewService(datashare.Deps{Store: st, Tx: d, Audit: au, Identity: id, Calendar: cal,
		Key: cryptox.SigningKey(key, "exchange message log"), Feeds: dataFeeds(st), Now: now})
	a.OpenData = opendata.NewService(opendata.Deps{Store: st, Tx: d, Audit: au, Identity: id, DataShare: a.DataShare,
		Keys: keys, Calendar: cal, Now: now})
	a.Market = market.NewService(market.Deps{Store: st, Tx: d, Audit: au, Identity: id, Data: a.DataShare, Seals: a.Seals,
		Notary: market.SealedPDFs{Docs: a.Documents}, Calendar: cal, Regions: regions, Themes: marketThemes(), Now: now})
	if err := a.Knowledge.EnsureSeed(ctx); err != nil {
		return nil, fmt.Errorf("knowledge base: %w", err)
	}
	if err := a.OpenData.EnsureThemes(ctx); err != nil {
		return nil, fmt.Errorf("open data themes: %w", err)
	}
	if a.Notify, a.Jobs, err = newJobs(cfg, log, d, st, cat, now); err != nil {
		return nil, err
	}
	a.handleLicenseJobs()
	a.handleDataRequestEvents() // datarequest_events.go
	a.handleDecisionDocuments()
	a.handleAlertEvents()
	a.handleEventNotices() // events_notify.go
	a.handleTaskNotices()  // emtask_notify.go
	if err := a.buildSensing(ctx); err != nil {
		return nil, err
	}
	a.buildEmergency()
	// Every handler is registered: from now on events of topics nobody
	// handles are written processed and never wait in the outbox.
	st.SubscribeOutbox(a.Jobs.Wants)
	return a, nil
}

// calendar is the embedded working-day calendar, with the schedules of
// the configured calendar file added.
func calendar(cfg *config.Config) (*workday.Calendar, error) {
	if cfg.CalendarFile == "" {
		return workday.Embedded(), nil
	}
	b, err := os.ReadFile(cfg.CalendarFile)
	if err != nil {
		return nil, fmt.Errorf("calendar file: %w", err)
	}
	c, err := workday.EmbeddedWith(b)
	if err != nil {
		return nil, fmt.Errorf("calendar file %s: %w", cfg.CalendarFile, err)
	}
	return c, nil
}

// loadRegions is the embedded tree plus any towns and villages imported
// into this node's database (another province's, say).
func loadRegions(ctx context.Context, st *sqlstore.Store) (*region.Tree, error) {
	extra, err := st.ImportedRegions(ctx)
	if err != nil {
		return nil, err
	}
	t := region.Embedded()
	if len(extra) == 0 {
		return t, nil
	}
	t, err = t.With(extra)
	if err != nil {
		return nil, fmt.Errorf("imported regions: %w", err)
	}
	return t, nil
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Ready reports whether the node can serve: database reachable, schema
// current.
func (a *App) Ready(ctx context.Context) error {
	if err := a.DB.W.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	ok, err := sqlstore.MigrationsCurrent(ctx, a.DB)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if !ok {
		return errors.New("migrations pending")
	}
	return nil
}

// Handler builds the web server.
func (a *App) Handler() (http.Handler, error) {
	return web.NewServer(web.Deps{
		Log: a.Log, Identity: a.Identity, Audit: a.Audit, Regions: a.Regions, Ready: a.Ready,
		Catalog: a.Catalog, Cases: a.Cases, Blobs: a.Blobs, Rating: a.Rating,
		Pools: a.pools(), MaxBodyBytes: a.Cfg.MaxBodyBytes, Version: a.Version,
		Appointments:  a.Appointments,
		Notify:        a.Notify,
		Outbox:        a.Jobs.Stats,
		Seals:         a.Seals,
		Licenses:      a.Licenses,
		Documents:     a.Documents,
		Governance:    a.Governance,
		Sensing:       a.Sensing,
		CockpitMaps:   a.Cfg.Sensing.CockpitMaps,
		Places:        a.Places,
		CockpitEvents: a.cockpitEvents,
		DataShare:     a.DataShare,
		OpenData:      a.OpenData,
		Market:        a.Market,
		Emergency:     a.Emergency,
		Open311:       a.Open311,
		Knowledge:     a.Knowledge,
	})
}

func (a *App) pools() map[string]*sql.DB {
	if a.DB.R == a.DB.W {
		return map[string]*sql.DB{"db": a.DB.W}
	}
	return map[string]*sql.DB{"db_writer": a.DB.W, "db_reader": a.DB.R}
}

// Serve answers HTTP on ln until ctx is cancelled, then shuts down
// gracefully: it stops accepting, lets requests in flight finish (up to 15
// seconds) and returns.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	h, err := a.Handler()
	if err != nil {
		return err
	}
	defer a.startJobs(ctx)() // the outbox dispatcher, stopped and waited for on return
	defer a.startGovernanceTimer(ctx)()
	defer a.startEventTally(ctx)() // governance.go: the cockpit's counts
	defer a.startTaskTimer(ctx)()  // emtask_notify.go
	defer a.startSealUpkeep(ctx)()
	defer a.startDataFeeds(ctx)()    // datafeeds.go
	defer a.startPhotoPruning(ctx)() // events_photos.go
	stopSensing, err := a.startSensing(ctx)
	if err != nil {
		return err
	}
	defer stopSensing()
	go a.OpenData.Warm(ctx) // load the open-data search index now, not on the first search
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// marketThemes are the open-data portal's theme names: products carry the
// same themes as datasets.
func marketThemes() []string {
	out := make([]string, len(opendata.Themes))
	for i, g := range opendata.Themes {
		out[i] = g.Name
	}
	return out
}
