package sensing

import (
	"math"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// RuleKind is what a rule compares with its levels.
type RuleKind string

const (
	// Threshold compares each reading's value.
	Threshold RuleKind = "threshold"
	// Rate compares the rise per hour of a station's metric over the rule's
	// window: from the earliest reading within Window seconds before the
	// latest one to the latest, when they are at least MinRateSpan apart
	// (over shorter spans, sensor noise would look like a flood).
	Rate RuleKind = "rate"
)

// Rule turns readings of one metric at the stations within Scope into
// alerts. Where several rules of the same metric and kind cover a station,
// the one with the narrowest scope applies: a city can set its own
// thresholds under the province's.
type Rule struct {
	ID        ids.ID      `json:"id"`
	Metric    string      `json:"metric"`
	Scope     region.Code `json:"scope"`
	Kind      RuleKind    `json:"kind"`
	Levels    Levels      `json:"levels"`
	Window    int         `json:"window_seconds"` // Rate only: the span the rise is measured over
	Enabled   bool        `json:"enabled"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// RuleInput is a rule to create or change.
type RuleInput struct {
	Metric  string
	Scope   string
	Kind    RuleKind
	Levels  Levels
	Window  int
	Enabled bool
}

// check validates in and returns the rule it describes (without ID).
func (in RuleInput) check(t *region.Tree) (*Rule, error) {
	f := map[string]string{}
	if _, ok := MetricByCode(in.Metric); !ok {
		f["metric"] = "sensing.metric_unknown"
	}
	code, err := t.Normalize(in.Scope)
	if _, ok := t.Lookup(code); err != nil || !ok {
		f["scope"] = "region.code_invalid"
	}
	if in.Kind != Threshold && in.Kind != Rate {
		f["kind"] = "form.choice"
	}
	if !in.Levels.valid() {
		f["levels"] = "sensing.levels_invalid"
	}
	if in.Kind == Rate && (in.Window < MinRateSpan || in.Window > 86400) {
		f["window_seconds"] = "sensing.window_invalid"
	}
	if in.Kind == Threshold {
		in.Window = 0
	}
	if len(f) > 0 {
		return nil, errs.Fields(f)
	}
	return &Rule{Metric: in.Metric, Scope: code, Kind: in.Kind, Levels: in.Levels, Window: in.Window, Enabled: in.Enabled}, nil
}

// DefaultRules are the province-wide rules a node starts with, built from
// the metrics' default levels (IDs fixed so that seeding is idempotent).
func DefaultRules(province region.Code) []Rule {
	var out []Rule
	for _, m := range Metrics {
		out = append(out, Rule{ID: ids.ID("default-" + m.Code + "-" + string(province)), Metric: m.Code, Scope: province,
			Kind: Threshold, Levels: m.Default, Enabled: true})
		if m.Rise != (Levels{}) {
			out = append(out, Rule{ID: ids.ID("default-" + m.Code + "-rise-" + string(province)), Metric: m.Code, Scope: province,
				Kind: Rate, Levels: m.Rise, Window: 3600, Enabled: true})
		}
	}
	return out
}

// ruleSet answers which rule of a metric and kind applies at a region.
type ruleSet struct {
	byMetric map[string][]Rule // enabled rules, narrowest scope first
}

func newRuleSet(rules []Rule) *ruleSet {
	rs := &ruleSet{byMetric: map[string][]Rule{}}
	for _, r := range rules {
		if r.Enabled {
			rs.byMetric[r.Metric] = append(rs.byMetric[r.Metric], r)
		}
	}
	for _, list := range rs.byMetric {
		// Narrowest scope first (insertion sort: the lists are short).
		for i := 1; i < len(list); i++ {
			for j := i; j > 0 && len(list[j].Scope) > len(list[j-1].Scope); j-- {
				list[j], list[j-1] = list[j-1], list[j]
			}
		}
	}
	return rs
}

// applying returns the rule of kind for metric at region c, or nil.
func (rs *ruleSet) applying(metric string, kind RuleKind, c region.Code) *Rule {
	for i, r := range rs.byMetric[metric] {
		if r.Kind == kind && region.Within(c, r.Scope) {
			return &rs.byMetric[metric][i]
		}
	}
	return nil
}

// hasRate reports whether any rate rule exists for metric.
func (rs *ruleSet) hasRate(metric string) bool {
	for _, r := range rs.byMetric[metric] {
		if r.Kind == Rate {
			return true
		}
	}
	return false
}

// MinRateSpan is the shortest span, in seconds, a rise is measured over.
const MinRateSpan = 600

// risePerHour is the rise from prev to cur per hour; NaN when prev is not
// usable (less than MinRateSpan before cur, or more than window).
func risePerHour(prev, cur Reading, window int) float64 {
	dt := cur.At - prev.At
	if dt < MinRateSpan || dt > int64(window) {
		return math.NaN()
	}
	return (cur.Value - prev.Value) * 3600 / float64(dt)
}
