package governance_test

import (
	"testing"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestReportPointInRegion: a report's point must lie in its region on the
// province's map (the region's county for a community; within a margin of
// the drawn border), else 422 on lat naming why, with nothing stored; bad
// latitude and longitude are both reported at once.
func TestReportPointInRegion(t *testing.T) {
	v := start(t, storetest.Engines(t)[0])
	at := func(region string, lat, lng float64) governance.Input {
		in := noiseReport()
		in.Source = governance.SourceGrid
		in.Region = region
		in.Lat, in.Lng = &lat, &lng
		return in
	}
	// A hotline operator of the whole province, so that every region is in scope.
	op := v.staff("geo_hotline", identity.RoleHotlineOperator, "广州市12345政务服务便民热线", "44")
	fields := func(in governance.Input) map[string]string {
		t.Helper()
		in.Source = governance.SourceHotline
		_, _, err := v.gov.Report(v.ctx, op, in)
		e := errs.As(err)
		if e == nil || e.Code != errs.Invalid {
			t.Fatalf("report %s at %v,%v: %v, want invalid", in.Region, *in.Lat, *in.Lng, err)
		}
		return e.Fields
	}
	before := v.count()
	for _, c := range []struct {
		name, region string
		lat, lng     float64
		want         string
	}{
		{"北京 in 天河区", "440106", 39.9, 116.4, "event.point_outside_area"},
		{"北京 in a 天河区 community", "440106006002", 39.9, 116.4, "event.point_outside_area"},
		{"福田区 in 天河区", "440106", 22.54, 114.06, "event.point_outside_region"},
		{"海珠区 in a 天河区 community", "440106006002", 23.09, 113.32, "event.point_outside_region"},
		{"天河区 in 深圳", "4403", 23.1335, 113.3301, "event.point_outside_region"},
		{"the sea off 汕头 in the province", "44", 20.0, 118.0, "event.point_outside_area"},
	} {
		if f := fields(at(c.region, c.lat, c.lng)); f["lat"] != c.want || len(f) != 1 {
			t.Errorf("%s: %v, want lat %s", c.name, f, c.want)
		}
	}
	if f := fields(at("440106", 91, 500)); f["lat"] != "event.lat_range" || f["long"] != "event.long_range" {
		t.Errorf("lat 91 long 500: %v, want both fields", f)
	}
	lat := 23.13
	in := noiseReport()
	in.Lat = &lat
	if f := fields(in); f["long"] != "event.geo_pair" {
		t.Errorf("lat without long: %v", f)
	}
	if got := v.count(); got != before {
		t.Fatalf("refused reports stored events: %d → %d", before, got)
	}
	// In its county, its city, the province.
	for _, c := range []struct {
		region   string
		lat, lng float64
	}{{"440106006002", 23.1335, 113.3301}, {"440106", 23.1335, 113.3301}, {"4401", 23.1335, 113.3301},
		{"44", 23.1335, 113.3301}, {"440105", 23.09, 113.32}} {
		in := at(c.region, c.lat, c.lng)
		in.Source = governance.SourceHotline
		if _, _, err := v.gov.Report(v.ctx, op, in); err != nil {
			t.Errorf("report in %s at %v,%v: %v", c.region, c.lat, c.lng, err)
		}
	}
	// Just over the drawn eastern border of 天河区 (the maps are simplified)
	// still counts as 天河区; 5 km further does not.
	lng := 113.40
	for ; lng < 113.6; lng += 0.0005 {
		if c, _, _ := v.n.App.Places.Locate(23.15, lng); c != "440106" {
			break
		}
	}
	if _, _, err := v.gov.Report(v.ctx, v.as("grid"), at("440106006002", 23.15, lng)); err != nil {
		t.Errorf("report 50 m over the border of 天河区 (%v): %v", lng, err)
	}
	if f := fields(at("440106006002", 23.15, lng+0.05)); f["lat"] != "event.point_outside_region" {
		t.Errorf("5 km over the border: %v", f)
	}
}

func (v *env) count() int {
	v.t.Helper()
	var n int
	if err := v.n.App.DB.R.QueryRowContext(v.ctx, "SELECT COUNT(*) FROM gov_events").Scan(&n); err != nil {
		v.t.Fatal(err)
	}
	return n
}
