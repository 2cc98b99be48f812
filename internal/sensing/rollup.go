package sensing

import (
	"cmp"
	"math"
	"slices"
	"strings"

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

// StoredLevel is the finest level whose roll-ups are stored: the province,
// its cities and counties get a row per metric and minute, upserted with
// the readings, and a row per metric and hour, folded from the minutes.
// Towns (and any finer level asked for) are summed from their stations'
// readings when read, by minute or by hour, with the same figures: the
// readings are keyed by station, metric and time, so a town's hour is a
// range scan per station, whereas a province's 1,750 towns would need a
// minute row for nearly every reading (in bench/sensing, where most towns
// have one station: 1.6 roll-up rows per reading instead of 0.6, and
// ingestion at 0.40 of the raw insert rate instead of 0.59;
// docs/benchmarks.md "Minute roll-ups at every level").
const StoredLevel = region.County

type rollupKey struct {
	metric int
	region region.Code
	bucket int64
}

// FoldDelay is how long after an hour ends its minutes are folded into
// hour roll-ups: readings sent a little late still take the cheap path
// (minute rows only).
const FoldDelay = 5 * 60

// rollups folds readings (with their stations) into roll-ups of grain g
// for every region of each station's chain (rollupRegions) down to
// StoredLevel, in the key order of their table: minutes by bucket,
// metric and region (sensing_minutes is keyed time first), hours by
// metric, region and bucket.
//
// Every stored level has minute roll-ups, upserted with the readings. Hour
// roll-ups are not: the store folds an hour's minutes into them once the
// hour has closed (Store.FoldRollups, run by every instance each minute),
// and readers add up the minutes of hours not folded yet, so hours are
// exact at every moment. Only a reading for an hour folded already (late,
// or sent again after a restart) adds into the hour rows directly (ingest
// asks the store which hours are folded in the readings' transaction).
// Minute roll-ups are kept MinuteRetention; hours stay.
func rollups(rs []Reading, stations []*Station, g Grain) []Rollup {
	idx := make(map[rollupKey]int32, len(rs))
	out := make([]Rollup, 0, len(rs))
	for i, r := range rs {
		b := r.At - r.At%int64(g)
		for _, c := range stations[i].Rollup {
			if region.LevelOf(c) > StoredLevel {
				break // towns are summed from readings when read
			}
			k := rollupKey{r.MetricID, c, b}
			if j, ok := idx[k]; ok {
				x := &out[j]
				x.N++
				x.Sum += r.Value
				x.Lo, x.Hi = min(x.Lo, r.Value), max(x.Hi, r.Value)
			} else {
				idx[k] = int32(len(out))
				out = append(out, Rollup{Grain: g, MetricID: r.MetricID, Region: c, Bucket: b, N: 1, Sum: r.Value, Lo: r.Value, Hi: r.Value})
			}
		}
	}
	if g == Minute {
		slices.SortFunc(out, func(a, b Rollup) int {
			if a.Bucket != b.Bucket {
				return cmp.Compare(a.Bucket, b.Bucket)
			}
			if a.MetricID != b.MetricID {
				return cmp.Compare(a.MetricID, b.MetricID)
			}
			return strings.Compare(string(a.Region), string(b.Region))
		})
	} else {
		slices.SortFunc(out, func(a, b Rollup) int {
			if a.MetricID != b.MetricID {
				return cmp.Compare(a.MetricID, b.MetricID)
			}
			if a.Region != b.Region {
				return strings.Compare(string(a.Region), string(b.Region))
			}
			return cmp.Compare(a.Bucket, b.Bucket)
		})
	}
	return out
}
