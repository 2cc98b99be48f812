package sensing

import "math"

// Agg is how readings of a metric are combined over a region and a time
// bucket for display.
type Agg string

const (
	AggMean Agg = "mean" // levels and indices: the average of the readings
	AggMax  Agg = "max"  // hazards where the worst station matters: the highest reading
	AggSum  Agg = "sum"  // counts (alarms, cases): the total
)

// Metric is the definition of one kind of reading. Metrics are fixed in
// code; ID is stored with every reading and never reused.
type Metric struct {
	ID      int     `json:"id"`
	Code    string  `json:"code"`    // in topics and JSON lines: "rainfall"
	Unit    string  `json:"unit"`    // "mm/h", as JSON carries it; pages show UnitKey's message
	Agg     Agg     `json:"agg"`     // how the cockpit combines readings
	Min     float64 `json:"min"`     // plausible range: readings outside it are rejected
	Max     float64 `json:"max"`     //
	Default Levels  `json:"default"` // threshold levels of the province-wide default rule
	Rise    Levels  `json:"rise"`    // rise per hour of the default rate rule (zero: none)
}

// NameKey is the message key of the metric's name.
func (m Metric) NameKey() string { return "sensing.metric." + m.Code }

// UnitKey is the message key of the metric's unit as pages show it in the
// reader's language ("人/m²" is "persons/m²" in English).
func (m Metric) UnitKey() string { return "sensing.unit." + m.Code }

// Metrics are the indicators digigov knows, in display order. The default
// thresholds follow the public warning schemes where one exists (暴雨预警 by
// hourly rainfall as Guangdong's meteorological service issues it, the AQI
// bands of HJ 633-2012, PM2.5 24-hour bands) and are otherwise
// demonstration values a province replaces with its own rules.
var Metrics = []Metric{
	{ID: 1, Code: "rainfall", Unit: "mm/h", Agg: AggMax, Min: 0, Max: 500, Default: Levels{20, 30, 50, 80}},
	{ID: 2, Code: "river_level", Unit: "m", Agg: AggMax, Min: -10, Max: 100, Default: Levels{6.0, 6.5, 7.0, 7.5}, Rise: Levels{0.3, 0.5, 0.8, 1.2}},
	{ID: 3, Code: "reservoir_level", Unit: "%", Agg: AggMax, Min: 0, Max: 150, Default: Levels{90, 95, 100, 105}, Rise: Levels{2, 4, 6, 10}},
	{ID: 4, Code: "aqi", Unit: "AQI", Agg: AggMean, Min: 0, Max: 1000, Default: Levels{101, 151, 201, 301}},
	{ID: 5, Code: "pm25", Unit: "μg/m³", Agg: AggMean, Min: 0, Max: 2000, Default: Levels{75, 115, 150, 250}},
	{ID: 6, Code: "crowd_density", Unit: "人/m²", Agg: AggMax, Min: 0, Max: 20, Default: Levels{1.5, 2.5, 3.5, 5}, Rise: Levels{1, 1.5, 2, 3}},
	{ID: 7, Code: "traffic_index", Unit: "", Agg: AggMean, Min: 0, Max: 10, Default: Levels{4, 6, 8, 9.5}},
	{ID: 8, Code: "fire_alarms", Unit: "起", Agg: AggSum, Min: 0, Max: 10000, Default: Levels{1, 3, 5, 10}},
	{ID: 9, Code: "infections", Unit: "例", Agg: AggSum, Min: 0, Max: 1000000, Default: Levels{10, 50, 100, 500}},
}

var metricByCode, metricByID = func() (map[string]Metric, map[int]Metric) {
	c, i := map[string]Metric{}, map[int]Metric{}
	for _, m := range Metrics {
		c[m.Code], i[m.ID] = m, m
	}
	return c, i
}()

// MetricByCode returns the metric with code, or false.
func MetricByCode(code string) (Metric, bool) { m, ok := metricByCode[code]; return m, ok }

// MetricByID returns the metric with id, or false.
func MetricByID(id int) (Metric, bool) { m, ok := metricByID[id]; return m, ok }

// Level is an alert level: blue < yellow < orange < red. The zero value
// means no alert.
type Level int

const (
	None Level = iota
	Blue
	Yellow
	Orange
	Red
)

// LevelNames are the levels' codes, indexed by Level.
var LevelNames = [...]string{"none", "blue", "yellow", "orange", "red"}

func (l Level) String() string {
	if l < None || l > Red {
		return "invalid"
	}
	return LevelNames[l]
}

// ParseLevel reads a level code ("yellow"); None and false if unknown.
func ParseLevel(s string) (Level, bool) {
	for i, n := range LevelNames {
		if n == s && i > 0 {
			return Level(i), true
		}
	}
	return None, false
}

// Levels are the thresholds of blue, yellow, orange and red. A zero or NaN
// entry means the level is not used; used entries must rise.
type Levels [4]float64

// Of returns the highest level v reaches (v >= threshold), and that
// threshold; None if it reaches none.
func (ls Levels) Of(v float64) (Level, float64) {
	for i := 3; i >= 0; i-- {
		if t := ls[i]; t != 0 && !math.IsNaN(t) && v >= t {
			return Level(i + 1), t
		}
	}
	return None, 0
}

// valid reports whether the used thresholds rise from blue to red and at
// least one is used.
func (ls Levels) valid() bool {
	prev, used := math.Inf(-1), false
	for _, t := range ls {
		if t == 0 || math.IsNaN(t) {
			continue
		}
		if math.IsInf(t, 0) || t <= prev {
			return false
		}
		prev, used = t, true
	}
	return used
}
