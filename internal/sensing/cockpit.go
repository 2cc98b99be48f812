package sensing

import (
	"context"
	"math"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// Window is the span the cockpit's "now" covers: a region's current value
// of a metric combines its minute roll-ups of the last Window seconds.
const Window = 3600

// AreaValue is one region's current value of the chosen metric.
type AreaValue struct {
	Region region.Code `json:"region"`
	Name   string      `json:"name"`
	N      int64       `json:"n"`               // readings in the window
	Value  *float64    `json:"value,omitempty"` // nil: no reading
	Level  string      `json:"level"`           // of the province's default thresholds: "none" … "red"
}

// Indicator is a region's current value of one metric.
type Indicator struct {
	Metric string   `json:"metric"`
	Unit   string   `json:"unit"`
	N      int64    `json:"n"`
	Value  *float64 `json:"value,omitempty"`
	Level  string   `json:"level"`
}

// Point is one bucket of a trend.
type Point struct {
	At    int64    `json:"t"` // bucket start, Unix seconds
	Value *float64 `json:"v"`
}

// Summary is what the cockpit shows about indicators in one region: the
// chosen metric's value in each child region (the map), every metric's
// current value (the tiles), the chosen metric's trend over the last hour
// by minute and the last day by hour, and the active alerts.
type Summary struct {
	Region      region.Code `json:"region"`
	Name        string      `json:"name"`
	Metric      string      `json:"metric"`
	Unit        string      `json:"unit"`
	At          int64       `json:"at"` // the clock when computed, Unix seconds
	Areas       []AreaValue `json:"areas"`
	Indicators  []Indicator `json:"indicators"`
	Trend       []Point     `json:"trend"`      // minutes
	TrendDay    []Point     `json:"trend_day"`  // hours
	AlertCounts [5]int      `json:"alert_cnt"`  // active alerts by level (index 0 unused)
	Alerts      []Alert     `json:"alerts"`     // active, highest level first, at most 20
	Breadcrumbs []AreaValue `json:"breadcrumb"` // from the viewer's scope down to Region
}

// Summary computes the indicators of the region c (by's widest cockpit
// scope if ""), for metric (the first metric if ""). by needs cockpit.view
// (or sensing.manage) over c.
//
// Returns errs.NotFound if c is unknown or outside
// by's scope, errs.Invalid if the metric is unknown.
func (s *Service) Summary(ctx context.Context, by *identity.Caller, c region.Code, metric string) (*Summary, error) {
	scopes := readScopes(by)
	if len(scopes) == 0 {
		return nil, identity.Authorize(by, identity.PermCockpit, "")
	}
	if c == "" {
		c = widest(scopes)
	}
	r, ok := s.regions.Lookup(c)
	inScope := false
	for _, sc := range scopes {
		inScope = inScope || region.Within(c, sc)
	}
	if !ok || !inScope {
		return nil, errs.E(errs.NotFound, "not_found")
	}
	if metric == "" {
		metric = Metrics[0].Code
	}
	m, ok := MetricByCode(metric)
	if !ok {
		return nil, errs.Fields(map[string]string{"metric": "sensing.metric_unknown"})
	}
	now := s.now().Unix()
	sum := &Summary{Region: c, Name: r.Name, Metric: m.Code, Unit: m.Unit, At: now}
	children := s.regions.Children(c)
	if r.Level >= region.Town {
		children = nil
	}
	from := now - now%int64(Minute) - Window + int64(Minute)
	codes := make([]region.Code, 0, len(children))
	for _, ch := range children {
		codes = append(codes, ch.Code)
	}
	rolled, err := s.current(ctx, m, codes, from, now)
	if err != nil {
		return nil, err
	}
	for _, ch := range children {
		sum.Areas = append(sum.Areas, areaValue(m, ch, rolled[ch.Code]))
	}
	if sum.Indicators, err = s.indicators(ctx, r, from, now); err != nil {
		return nil, err
	}
	if sum.Trend, err = s.trend(ctx, m, c, Minute, from, now); err != nil {
		return nil, err
	}
	dayFrom := now - now%int64(Hour) - 23*int64(Hour)
	if sum.TrendDay, err = s.trend(ctx, m, c, Hour, dayFrom, now); err != nil {
		return nil, err
	}
	active, err := s.store.Alerts(ctx, AlertQuery{Within: []region.Code{c}, States: []AlertState{Open, Acknowledged}, Limit: 500})
	if err != nil {
		return nil, err
	}
	for _, a := range active {
		sum.AlertCounts[a.Level]++
	}
	sum.Alerts = active[:min(len(active), 20)]
	for _, x := range s.regions.Chain(c) {
		for _, sc := range scopes {
			if region.Within(x.Code, sc) {
				sum.Breadcrumbs = append(sum.Breadcrumbs, AreaValue{Region: x.Code, Name: x.Name})
				break
			}
		}
	}
	return sum, nil
}

// widest is the scope nearest the top of the tree (the first of equals).
func widest(scopes []region.Code) region.Code {
	w := scopes[0]
	for _, s := range scopes[1:] {
		if len(s) < len(w) {
			w = s
		}
	}
	return w
}

// current folds the minute roll-ups of metric m since from into one per
// region.
func (s *Service) current(ctx context.Context, m Metric, codes []region.Code, from, now int64) (map[region.Code]Rollup, error) {
	out := map[region.Code]Rollup{}
	if len(codes) == 0 {
		return out, nil
	}
	rs, err := s.store.Rollups(ctx, Minute, m.ID, codes, from, now+1)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		x := out[r.Region]
		x.merge(r)
		out[r.Region] = x
	}
	return out, nil
}

// metricIDs are the IDs of every metric.
var metricIDs = func() []int {
	out := make([]int, len(Metrics))
	for i, m := range Metrics {
		out[i] = m.ID
	}
	return out
}()

// indicators is every metric's current value in r, read in one query.
func (s *Service) indicators(ctx context.Context, r region.Region, from, now int64) ([]Indicator, error) {
	rs, err := s.store.RegionRollups(ctx, Minute, metricIDs, r.Code, from, now+1)
	if err != nil {
		return nil, err
	}
	byMetric := map[int]Rollup{}
	for _, x := range rs {
		y := byMetric[x.MetricID]
		y.merge(x)
		byMetric[x.MetricID] = y
	}
	out := make([]Indicator, 0, len(Metrics))
	for _, m := range Metrics {
		a := areaValue(m, r, byMetric[m.ID])
		out = append(out, Indicator{Metric: m.Code, Unit: m.Unit, N: a.N, Value: a.Value, Level: a.Level})
	}
	return out, nil
}

// trend is the value of m in c per bucket of grain in [from, now].
func (s *Service) trend(ctx context.Context, m Metric, c region.Code, g Grain, from, now int64) ([]Point, error) {
	rs, err := s.store.Rollups(ctx, g, m.ID, []region.Code{c}, from, now+1)
	if err != nil {
		return nil, err
	}
	var out []Point
	i := 0
	for b := from; b <= now; b += int64(g) {
		p := Point{At: b}
		for i < len(rs) && rs[i].Bucket < b {
			i++
		}
		if i < len(rs) && rs[i].Bucket == b {
			p.Value = finite(rs[i].Value(m.Agg))
		}
		out = append(out, p)
	}
	return out, nil
}

func areaValue(m Metric, r region.Region, x Rollup) AreaValue {
	a := AreaValue{Region: r.Code, Name: r.Name, N: x.N, Level: "none"}
	if v := finite(x.Value(m.Agg)); v != nil {
		a.Value = v
		l, _ := m.Default.Of(*v)
		a.Level = l.String()
	}
	return a
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	v = math.Round(v*100) / 100
	return &v
}
