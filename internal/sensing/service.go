package sensing

import (
	"context"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Store is the persistence sensing needs. Its methods join the transaction
// in the context, if any.
type Store interface {
	// CreateStation inserts st and sets its ID; errs.Conflict
	// ("sensing.station.exists") if the code is taken.
	CreateStation(ctx context.Context, st *Station) error
	// UpdateStation writes st's name, region, coordinates and metrics
	// (errs.NotFound for an unknown code).
	UpdateStation(ctx context.Context, st *Station) error
	// ChangedStations lists the codes and change times of the stations
	// created or changed after since (Station.ChangedAt), oldest first.
	ChangedStations(ctx context.Context, since time.Time) ([]StationChange, error)
	// StationByCode returns a station; errs.NotFound if absent.
	StationByCode(ctx context.Context, code string) (*Station, error)
	// Stations lists the stations within one of within, by code.
	Stations(ctx context.Context, within []region.Code) ([]Station, error)

	// InsertReadings stores rs. A reading whose station, metric and time
	// are stored already is skipped; its index in rs is returned in dups.
	InsertReadings(ctx context.Context, rs []Reading) (dups []int, err error)
	// EarliestReading returns the station's earliest reading of the metric
	// in [from, before); false if none.
	EarliestReading(ctx context.Context, stationID int64, metricID int, from, before int64) (Reading, bool, error)
	// Readings returns a station's readings of a metric in [from, to), in
	// time order, at most limit.
	Readings(ctx context.Context, stationID int64, metricID int, from, to int64, limit int) ([]Reading, error)
	// AddRollups adds each roll-up's count, sum, minimum and maximum into
	// the stored one of the same grain, metric, region and bucket.
	AddRollups(ctx context.Context, rs []Rollup) error
	// Rollups returns the roll-ups of grain and metric for the regions in
	// [from, to) buckets, by region and bucket: stored ones down to
	// StoredLevel (hours not folded yet added up from their minutes),
	// summed from the readings below it.
	Rollups(ctx context.Context, grain Grain, metricID int, regions []region.Code, from, to int64) ([]Rollup, error)
	// RegionRollups returns the roll-ups of grain of every metric in
	// metricIDs for one region in [from, to) buckets.
	RegionRollups(ctx context.Context, grain Grain, metricIDs []int, c region.Code, from, to int64) ([]Rollup, error)
	// PruneRollups deletes roll-ups of grain with buckets before before
	// (minutes of hours not folded yet stay).
	PruneRollups(ctx context.Context, grain Grain, before int64) (int64, error)
	// RollupsFolded returns the start of the first hour whose minutes are
	// not folded into hour roll-ups yet; inside a transaction it keeps a
	// fold from passing that hour until commit.
	RollupsFolded(ctx context.Context) (int64, error)
	// FoldRollups folds the minute roll-ups of every hour that ended at or
	// before before and is not folded yet into hour roll-ups, and returns
	// how many hours it folded. Safe to run on every instance at once.
	FoldRollups(ctx context.Context, before int64) (int, error)

	// Rules lists every rule.
	Rules(ctx context.Context) ([]Rule, error)
	// Rule returns a rule; errs.NotFound if absent.
	Rule(ctx context.Context, id ids.ID) (*Rule, error)
	// SaveRule inserts or replaces r.
	SaveRule(ctx context.Context, r *Rule) error
	// SeedRule inserts r unless a rule with its ID exists.
	SeedRule(ctx context.Context, r *Rule) error

	// ActiveAlert returns the alert of rule at station that is not closed;
	// errs.NotFound if none.
	ActiveAlert(ctx context.Context, ruleID ids.ID, stationID int64) (*Alert, error)
	// CreateAlert inserts a; false (and no error) if another active alert
	// of the same rule and station exists.
	CreateAlert(ctx context.Context, a *Alert) (bool, error)
	// UpdateAlert writes a's level, value, state and closing fields if its
	// stored version is a.Version, and increments the version; errs.Conflict
	// ("sensing.alert_changed") otherwise.
	UpdateAlert(ctx context.Context, a *Alert) error
	// Alert returns an alert; errs.NotFound ("sensing.alert.not_found").
	Alert(ctx context.Context, id ids.ID) (*Alert, error)
	// Alerts lists alerts, highest level first, newest first.
	Alerts(ctx context.Context, q AlertQuery) ([]Alert, error)

	// AddOutbox records an event for delivery after commit.
	AddOutbox(ctx context.Context, topic string, payload any, at time.Time) error
}

// Transactor runs fn in a transaction.
type Transactor interface {
	Transact(ctx context.Context, fn func(ctx context.Context) error) error
}

// Deps are the Service's collaborators.
type Deps struct {
	Store   Store
	Tx      Transactor
	Audit   *audit.Service
	Regions *region.Tree
	Now     func() time.Time
	// Changed, if set, is called after a commit that changed indicators or
	// alerts, with the stations' and alerts' regions: the cockpit's live
	// stream listens here.
	Changed func(regions []region.Code)
}

// Service ingests readings, keeps roll-ups, runs rules and alerts, and
// reads indicators for the cockpit.
type Service struct {
	store   Store
	tx      Transactor
	audit   *audit.Service
	regions *region.Tree
	now     func() time.Time
	notify  func([]region.Code)

	mu       sync.RWMutex
	stations map[string]*Station // by code; misses go to the store
	check    stationCheck        // changes on other instances (stationcache.go)
	rules    *ruleSet
	rulesAt  time.Time // when rules were read; re-read after ruleTTL
}

// ruleTTL is how long rules are cached: a rule changed on another instance
// applies here within this time.
const ruleTTL = 2 * time.Second

// NewService returns a Service.
func NewService(d Deps) *Service {
	s := &Service{store: d.Store, tx: d.Tx, audit: d.Audit, regions: d.Regions, now: d.Now, notify: d.Changed,
		stations: map[string]*Station{}}
	// Nothing is cached yet: stations loaded from now on are at least as
	// new as this, so the first check looks back from here.
	s.check.last = d.Now()
	return s
}

// OnChange sets the function called after indicators or alerts change (see
// Deps.Changed); the web server's live stream registers itself here.
func (s *Service) OnChange(fn func(regions []region.Code)) {
	s.mu.Lock()
	s.notify = fn
	s.mu.Unlock()
}

func (s *Service) changed(regions ...region.Code) {
	s.mu.RLock()
	fn := s.notify
	s.mu.RUnlock()
	if fn != nil && len(regions) > 0 {
		fn(regions)
	}
}

// clock is now, in UTC at the microsecond precision both engines keep.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// station returns the station with code, from the cache or the store, or
// nil if there is none.
func (s *Service) station(ctx context.Context, code string) (*Station, error) {
	s.mu.RLock()
	st := s.stations[code]
	s.mu.RUnlock()
	if st != nil {
		return st, nil
	}
	st, err := s.store.StationByCode(ctx, code)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st.Rollup = rollupRegions(s.regions, st.Region)
	s.mu.Lock()
	s.stations[code] = st
	s.mu.Unlock()
	return st, nil
}

// ruleSet returns the enabled rules, re-read after ruleTTL.
func (s *Service) ruleSet(ctx context.Context) (*ruleSet, error) {
	s.mu.RLock()
	rs, at := s.rules, s.rulesAt
	s.mu.RUnlock()
	if rs != nil && s.now().Sub(at) < ruleTTL {
		return rs, nil
	}
	rules, err := s.store.Rules(ctx)
	if err != nil {
		return nil, err
	}
	rs = newRuleSet(rules)
	s.mu.Lock()
	s.rules, s.rulesAt = rs, s.now()
	s.mu.Unlock()
	return rs, nil
}

// SeedDefaultRules stores the province-wide default rules that do not
// exist yet (a rule changed by a person keeps its change).
func (s *Service) SeedDefaultRules(ctx context.Context, province region.Code) error {
	return s.tx.Transact(ctx, func(ctx context.Context) error {
		for _, r := range DefaultRules(province) {
			r.UpdatedAt = s.clock()
			if err := s.store.SeedRule(ctx, &r); err != nil {
				return err
			}
		}
		return nil
	})
}

// CreateStation registers a station. Needs sensing.manage over its region.
//
// Returns errs.Invalid with every bad field, errs.NotFound if the region is
// outside by's scope, errs.Conflict ("sensing.station.exists") if the code
// is taken.
func (s *Service) CreateStation(ctx context.Context, by *identity.Caller, in NewStation) (*Station, error) {
	return s.createStation(ctx, by, in, func(c region.Code) error {
		return identity.Authorize(by, identity.PermSensingManage, c)
	})
}

// CreateStationAs registers a station on behalf of a trusted actor (demo
// data, the command line).
func (s *Service) CreateStationAs(ctx context.Context, actor audit.Actor, in NewStation) (*Station, error) {
	return s.createStation(ctx, actor, in, func(region.Code) error { return nil })
}

func (s *Service) createStation(ctx context.Context, actor audit.Actor, in NewStation, allow func(region.Code) error) (*Station, error) {
	st, err := in.check(s.regions)
	if err != nil {
		return nil, err
	}
	if err := allow(st.Region); err != nil {
		return nil, err
	}
	st.CreatedAt = s.clock()
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateStation(ctx, st); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, "sensing.station.created", audit.Target{Type: "sensing_station", ID: st.Code},
			map[string]any{"name": st.Name, "region": st.Region, "lat": st.Lat, "lon": st.Lon, "metrics": st.Metrics})
	})
	if err != nil {
		return nil, err
	}
	st.Rollup = rollupRegions(s.regions, st.Region)
	return st, nil
}

// Stations lists the stations within by's read scope.
func (s *Service) Stations(ctx context.Context, by *identity.Caller) ([]Station, error) {
	scopes := readScopes(by)
	if len(scopes) == 0 {
		return nil, identity.Authorize(by, identity.PermCockpit, "")
	}
	return s.store.Stations(ctx, scopes)
}

// Station returns one station within by's read scope; errs.NotFound
// otherwise.
func (s *Service) Station(ctx context.Context, by *identity.Caller, code string) (*Station, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	if err := s.recheckStations(ctx); err != nil {
		return nil, err
	}
	st, err := s.station(ctx, code)
	if err != nil {
		return nil, err
	}
	if st != nil {
		for _, sc := range readScopes(by) {
			if region.Within(st.Region, sc) {
				return st, nil
			}
		}
	}
	return nil, errs.E(errs.NotFound, "sensing.station.not_found")
}

// StationReadings returns a station's readings of a metric in [from, to)
// (Unix seconds), at most limit (≤ 10,000), within by's read scope.
func (s *Service) StationReadings(ctx context.Context, by *identity.Caller, code, metric string, from, to int64, limit int) ([]Reading, error) {
	st, err := s.Station(ctx, by, code)
	if err != nil {
		return nil, err
	}
	m, ok := MetricByCode(metric)
	if !ok {
		return nil, errs.Fields(map[string]string{"metric": "sensing.metric_unknown"})
	}
	if to <= from {
		return nil, errs.Fields(map[string]string{"to": "sensing.range_invalid"})
	}
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	return s.store.Readings(ctx, st.ID, m.ID, from, to, limit)
}

// Rules lists the rules that apply within by's read scope: those whose
// scope covers or lies within one of by's scopes.
func (s *Service) Rules(ctx context.Context, by *identity.Caller) ([]Rule, error) {
	scopes := readScopes(by)
	if len(scopes) == 0 {
		return nil, identity.Authorize(by, identity.PermCockpit, "")
	}
	all, err := s.store.Rules(ctx)
	if err != nil {
		return nil, err
	}
	var out []Rule
	for _, r := range all {
		for _, sc := range scopes {
			if region.Within(r.Scope, sc) || region.Within(sc, r.Scope) {
				out = append(out, r)
				break
			}
		}
	}
	return out, nil
}

// SaveRule creates a rule (id == "") or changes one. Needs sensing.manage
// over the rule's scope (for a change, over the old scope too); audited.
//
// Returns errs.Invalid with every bad field, errs.NotFound if the rule or
// the scope is outside by's reach.
func (s *Service) SaveRule(ctx context.Context, by *identity.Caller, id ids.ID, in RuleInput) (*Rule, error) {
	r, err := in.check(s.regions)
	if err != nil {
		return nil, err
	}
	if err := identity.Authorize(by, identity.PermSensingManage, r.Scope); err != nil {
		return nil, err
	}
	r.UpdatedAt = s.clock()
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		action := "sensing.rule.created"
		if id == "" {
			r.ID = ids.New()
		} else {
			old, err := s.store.Rule(ctx, id)
			if err != nil {
				return err
			}
			if identity.Authorize(by, identity.PermSensingManage, old.Scope) != nil {
				return errs.E(errs.NotFound, "sensing.rule.not_found")
			}
			r.ID, action = id, "sensing.rule.changed"
		}
		if err := s.store.SaveRule(ctx, r); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, action, audit.Target{Type: "sensing_rule", ID: string(r.ID)},
			map[string]any{"metric": r.Metric, "scope": r.Scope, "kind": r.Kind, "levels": r.Levels, "window": r.Window, "enabled": r.Enabled})
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.rules = nil // re-read on the next reading
	s.mu.Unlock()
	return r, nil
}

// StationCodes lists the codes of the stations in service (not disabled)
// within one of scopes, for
// trusted callers (the MQTT bridge limiting a client to its stations).
func (s *Service) StationCodes(ctx context.Context, scopes []region.Code) ([]string, error) {
	sts, err := s.store.Stations(ctx, scopes)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(sts))
	for _, st := range sts {
		if !st.Disabled {
			out = append(out, st.Code)
		}
	}
	return out, nil
}

// FoldRollups folds the minutes of the hours that ended FoldDelay ago or
// earlier into hour roll-ups (see rollups); every instance calls it each
// minute, and it catches up after a stop.
func (s *Service) FoldRollups(ctx context.Context) (int, error) {
	return s.store.FoldRollups(ctx, s.now().Unix()-FoldDelay)
}

// PruneRollups deletes minute roll-ups older than MinuteRetention (hours
// stay; minutes of hours not folded yet too); the jobs runner calls it now
// and then.
func (s *Service) PruneRollups(ctx context.Context) (int64, error) {
	now := s.now().Unix()
	return s.store.PruneRollups(ctx, Minute, now-MinuteRetention)
}
