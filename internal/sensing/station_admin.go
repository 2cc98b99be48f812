package sensing

import (
	"context"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// UpdateStation changes a station's name, region, coordinates, metrics and
// whether it is disabled (停用: its readings refused as
// "sensing.station_disabled"); its code, which sensors send, stays. Needs sensing.manage over the
// station's region and over the new one; audited with before and after.
//
// Readings keep the regions they were rolled up into; this instance uses
// the new station from now on, other instances sharing the database within
// StationRecheck (stationcache.go).
//
// Returns errs.NotFound for a station outside by's scope (or none),
// errs.Invalid with every bad field (a new region outside the scope is
// one).
func (s *Service) UpdateStation(ctx context.Context, by *identity.Caller, code string, in NewStation) (*Station, error) {
	old, err := s.store.StationByCode(ctx, code) // not the cache: another instance may have changed it
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if old == nil || identity.Authorize(by, identity.PermSensingManage, old.Region) != nil {
		return nil, errs.E(errs.NotFound, "sensing.station.not_found")
	}
	in.Code = old.Code
	st, err := in.check(s.regions)
	if err != nil {
		return nil, err
	}
	if identity.Authorize(by, identity.PermSensingManage, st.Region) != nil {
		return nil, errs.Fields(map[string]string{"region": "eventsui.region_outside_scope"})
	}
	st.ID, st.CreatedAt, st.ChangedAt = old.ID, old.CreatedAt, s.clock()
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateStation(ctx, st); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "sensing.station.changed", audit.Target{Type: "sensing_station", ID: st.Code, Region: string(st.Region)},
			map[string]any{"before": stationDetail(old), "after": stationDetail(st)})
	})
	if err != nil {
		return nil, err
	}
	st.Rollup = rollupRegions(s.regions, st.Region)
	s.mu.Lock()
	s.stations[st.Code] = st
	s.mu.Unlock()
	return st, nil
}

func stationDetail(st *Station) map[string]any {
	return map[string]any{"name": st.Name, "region": st.Region, "lat": st.Lat, "lon": st.Lon, "metrics": st.Metrics, "disabled": st.Disabled}
}

// ManagedRules lists the alert rules by may change: those whose scope lies
// within by's sensing.manage scope.
func (s *Service) ManagedRules(ctx context.Context, by *identity.Caller) ([]Rule, error) {
	if err := identity.Authorize(by, identity.PermSensingManage, ""); err != nil {
		return nil, err
	}
	all, err := s.store.Rules(ctx)
	if err != nil {
		return nil, err
	}
	var out []Rule
	for _, r := range all {
		if identity.Authorize(by, identity.PermSensingManage, r.Scope) == nil {
			out = append(out, r)
		}
	}
	return out, nil
}
