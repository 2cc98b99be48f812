package sensing

import (
	"cmp"
	"math"
	"slices"

	"github.com/digigov/digigov/internal/region"
)

// Grain is the length of a roll-up bucket in seconds.
type Grain int

const (
	Minute Grain = 60
	Hour   Grain = 3600
)

// MinuteRetention is how long minute roll-ups are kept (hours stay).
const MinuteRetention = 48 * 3600

// Rollup is the readings of one metric in one region during one bucket:
// their count, sum, minimum and maximum. Bucket is the bucket's start in
// Unix seconds.
type Rollup struct {
	Grain    Grain
	MetricID int
	Region   region.Code
	Bucket   int64
	N        int64
	Sum      float64
	Lo, Hi   float64
}

// Value combines the roll-up as the metric says (mean, max or sum); NaN if
// it holds no reading.
func (r Rollup) Value(a Agg) float64 {
	if r.N == 0 {
		return math.NaN()
	}
	switch a {
	case AggMax:
		return r.Hi
	case AggSum:
		return r.Sum
	}
	return r.Sum / float64(r.N)
}

// merge adds o into r.
func (r *Rollup) merge(o Rollup) {
	if r.N == 0 {
		*r = o
		return
	}
	r.N += o.N
	r.Sum += o.Sum
	r.Lo, r.Hi = min(r.Lo, o.Lo), max(r.Hi, o.Hi)
}

type rollupKey struct {
	grain  Grain
	metric int
	region region.Code
	bucket int64
}

// MinuteLevel is the lowest level with minute roll-ups; counties and towns
// have hourly ones only. A province has some 120 counties and 1,750 towns:
// a row per county (town), metric and minute would be 1.6 (22) million rows
// a day, and writing them would cost more than the readings themselves.
// Minute roll-ups serve the live trends of the province and its cities.
const MinuteLevel = region.City

// grainOf is the finest grain kept for a region.
func grainOf(c region.Code) Grain {
	if region.LevelOf(c) > MinuteLevel {
		return Hour
	}
	return Minute
}

// rollups folds readings (with their stations) into roll-ups for every
// region of each station's chain, by the hour and, down to MinuteLevel, by
// the minute, in key order.
func rollups(rs []Reading, stations []*Station) []Rollup {
	acc := make(map[rollupKey]*Rollup, len(rs))
	for i, r := range rs {
		for _, g := range [...]Grain{Minute, Hour} {
			b := r.At - r.At%int64(g)
			for _, c := range stations[i].Rollup {
				if g == Minute && grainOf(c) == Hour {
					continue
				}
				k := rollupKey{g, r.MetricID, c, b}
				if x := acc[k]; x != nil {
					x.merge(Rollup{N: 1, Sum: r.Value, Lo: r.Value, Hi: r.Value})
				} else {
					acc[k] = &Rollup{Grain: g, MetricID: r.MetricID, Region: c, Bucket: b, N: 1, Sum: r.Value, Lo: r.Value, Hi: r.Value}
				}
			}
		}
	}
	out := make([]Rollup, 0, len(acc))
	for _, x := range acc {
		out = append(out, *x)
	}
	slices.SortFunc(out, func(a, b Rollup) int {
		return cmp.Or(cmp.Compare(a.Grain, b.Grain), cmp.Compare(a.MetricID, b.MetricID),
			cmp.Compare(a.Region, b.Region), cmp.Compare(a.Bucket, b.Bucket))
	})
	return out
}
