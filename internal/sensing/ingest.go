package sensing

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// MaxBatchLines is the most lines one ingestion request may carry.
const MaxBatchLines = 50000

// TxReadings is how many readings are stored per transaction: large enough
// that a commit and the roll-ups' upserts are shared by many readings (a
// batch of one minute's readings of a thousand stations adds into a few
// hundred roll-ups), small enough that SQLite's single writer is not held
// for more than some tens of milliseconds.
const TxReadings = 10000

// MaxAge and MaxAhead bound a reading's time against the clock: older
// readings belong in a bulk import, later ones come from a wrong clock.
const (
	MaxAge   = 30 * 24 * 3600
	MaxAhead = 10 * 60
)

var (
	errTooMany     = errs.E(errs.Invalid, "sensing.batch_too_large")
	errLineTooLong = errs.E(errs.Invalid, "sensing.line_too_long")
)

// Report is the outcome of a batch: how many readings were stored, which
// lines were not and why, and how many alerts were raised or escalated.
type Report struct {
	Accepted int         `json:"accepted"`
	Rejected []Rejection `json:"rejected"`
	Alerts   int         `json:"alerts"`
}

// Ingest stores a batch of readings sent by by, who needs sensing.ingest:
// each reading's station must lie within by's ingest scope. Lines that
// fail (unknown station or metric — also a station outside the scope, so
// that its existence does not leak —, a value outside the metric's range,
// a time too old or ahead, a reading stored already) are reported and
// skipped; the others are stored with their roll-ups, and the rules run
// on them, in transactions of TxReadings readings. bad are lines the
// caller's parser rejected already; they are merged into the report.
//
// Returns errs.Unauthenticated or errs.Forbidden for callers without
// sensing.ingest anywhere; an error from the store after some transactions
// committed leaves those readings stored (the report is then not returned:
// sending the batch again skips them as duplicates).
func (s *Service) Ingest(ctx context.Context, by *identity.Caller, in []Input, bad []Rejection) (*Report, error) {
	if err := identity.Authorize(by, identity.PermSensingIngest, ""); err != nil {
		return nil, err
	}
	scopes := by.Scopes(identity.PermSensingIngest)
	return s.ingest(ctx, by, in, bad, func(c region.Code) bool {
		for _, sc := range scopes {
			if region.Within(c, sc) {
				return true
			}
		}
		return false
	})
}

// IngestAs stores a batch for a trusted source that checked its senders
// itself (the MQTT bridge, whose clients' topics were limited to their
// stations when they connected; bench tools).
func (s *Service) IngestAs(ctx context.Context, actor audit.Actor, in []Input, bad []Rejection) (*Report, error) {
	return s.ingest(ctx, actor, in, bad, func(region.Code) bool { return true })
}

func (s *Service) ingest(ctx context.Context, actor audit.Actor, in []Input, bad []Rejection, allowed func(region.Code) bool) (*Report, error) {
	rep := &Report{Rejected: bad}
	if err := s.recheckStations(ctx); err != nil {
		return nil, err
	}
	now := s.clock().Unix()
	rs := make([]Reading, 0, len(in))
	sts := make([]*Station, 0, len(in))
	lines := make([]int, 0, len(in))
	for _, x := range in {
		st, err := s.station(ctx, x.Station)
		if err != nil {
			return nil, err
		}
		m, mok := MetricByCode(x.Metric)
		at := int64(x.Time)
		if at == 0 {
			at = now
		}
		reason := ""
		switch v := *x.Value; {
		case st == nil || !allowed(st.Region):
			reason = "sensing.station_unknown"
		case st.Disabled:
			reason = "sensing.station_disabled"
		case !mok:
			reason = "sensing.metric_unknown"
		case len(st.Metrics) > 0 && !slices.Contains(st.Metrics, m.Code):
			reason = "sensing.metric_not_measured"
		case math.IsNaN(v) || math.IsInf(v, 0) || v < m.Min || v > m.Max:
			reason = "sensing.value_out_of_range"
		case at < now-MaxAge || at > now+MaxAhead:
			reason = "sensing.time_out_of_range"
		}
		if reason != "" {
			rep.Rejected = append(rep.Rejected, Rejection{Line: x.Line, Station: x.Station, Metric: x.Metric, Reason: reason})
			continue
		}
		rs = append(rs, Reading{StationID: st.ID, MetricID: m.ID, At: at, Value: *x.Value})
		sts = append(sts, st)
		lines = append(lines, x.Line)
	}
	touched := map[region.Code]bool{}
	for start := 0; start < len(rs); start += TxReadings {
		end := min(start+TxReadings, len(rs))
		dups, alerts, err := s.store1(ctx, actor, rs[start:end], sts[start:end])
		if err != nil {
			return nil, err
		}
		isDup := map[int]bool{}
		for _, i := range dups {
			isDup[i] = true
			rep.Rejected = append(rep.Rejected, Rejection{Line: lines[start+i], Station: sts[start+i].Code,
				Metric: metricByID[rs[start+i].MetricID].Code, Reason: "sensing.duplicate"})
		}
		rep.Accepted += end - start - len(dups)
		rep.Alerts += len(alerts)
		for i, st := range sts[start:end] {
			if !isDup[i] && len(st.Rollup) > 1 {
				touched[st.Rollup[1]] = true // the city: enough for the live stream to know whom to tell
			}
		}
		for _, a := range alerts {
			touched[a.Region] = true
		}
	}
	slices.SortFunc(rep.Rejected, func(a, b Rejection) int { return cmp.Compare(a.Line, b.Line) })
	if rep.Rejected == nil {
		rep.Rejected = []Rejection{}
	}
	if len(touched) > 0 {
		regs := make([]region.Code, 0, len(touched))
		for c := range touched {
			regs = append(regs, c)
		}
		s.changed(regs...)
	}
	return rep, nil
}

// store1 stores one transaction's readings with their roll-ups and runs
// the rules on them. It returns the indexes of duplicates and the alerts
// raised or escalated.
func (s *Service) store1(ctx context.Context, actor audit.Actor, rs []Reading, sts []*Station) (dups []int, alerts []*Alert, err error) {
	rules, err := s.ruleSet(ctx)
	if err != nil {
		return nil, nil, err
	}
	// The minute roll-ups are folded before the transaction, outside
	// SQLite's single writer; duplicates (rare: a batch sent again) fold
	// them anew.
	all := rollups(rs, sts, Minute)
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		dups, alerts = nil, nil
		// First, before any row is written (PostgreSQL: the fold's row is
		// held shared from here, and a fold waiting for it holds nothing
		// this transaction could wait for).
		folded, err := s.store.RollupsFolded(ctx)
		if err != nil {
			return err
		}
		d, err := s.store.InsertReadings(ctx, rs)
		if err != nil {
			return err
		}
		dups = d
		keep, keepSt, ups := rs, sts, all
		if len(d) > 0 {
			keep, keepSt = make([]Reading, 0, len(rs)), make([]*Station, 0, len(rs))
			isDup := map[int]bool{}
			for _, i := range d {
				isDup[i] = true
			}
			for i := range rs {
				if !isDup[i] {
					keep, keepSt = append(keep, rs[i]), append(keepSt, sts[i])
				}
			}
			ups = rollups(keep, keepSt, Minute)
		}
		// Readings for hours folded already add into the hour rows too.
		var late []Reading
		var lateSt []*Station
		for i, r := range keep {
			if r.At < folded {
				late, lateSt = append(late, r), append(lateSt, keepSt[i])
			}
		}
		if len(late) > 0 {
			ups = append(slices.Clip(ups), rollups(late, lateSt, Hour)...)
		}
		if err := s.store.AddRollups(ctx, ups); err != nil {
			return err
		}
		alerts, err = s.evaluate(ctx, actor, rules, keep, keepSt)
		return err
	})
	return dups, alerts, err
}

// candidate is the highest level a rule reached at a station in a batch.
type candidate struct {
	rule      *Rule
	st        *Station
	level     Level
	value     float64
	threshold float64
	at        int64
}

// evaluate runs the rules on stored readings and raises or escalates
// alerts, inside the caller's transaction.
func (s *Service) evaluate(ctx context.Context, actor audit.Actor, rules *ruleSet, rs []Reading, sts []*Station) ([]*Alert, error) {
	type pairKey struct {
		station int64
		metric  int
	}
	best := map[string]*candidate{} // by rule ID and station code
	consider := func(r *Rule, st *Station, v float64, at int64) {
		l, t := r.Levels.Of(v)
		if l == None {
			return
		}
		k := string(r.ID) + "\x00" + st.Code
		if c := best[k]; c == nil || l > c.level || l == c.level && at > c.at {
			best[k] = &candidate{rule: r, st: st, level: l, value: v, threshold: t, at: at}
		}
	}
	// Rate rules need readings in time order per station and metric.
	var ratePairs map[pairKey][]int
	for i, r := range rs {
		m := metricByID[r.MetricID]
		if rule := rules.applying(m.Code, Threshold, sts[i].Region); rule != nil {
			consider(rule, sts[i], r.Value, r.At)
		}
		if rules.hasRate(m.Code) {
			if ratePairs == nil {
				ratePairs = map[pairKey][]int{}
			}
			k := pairKey{r.StationID, r.MetricID}
			ratePairs[k] = append(ratePairs[k], i)
		}
	}
	for k, idx := range ratePairs {
		st := sts[idx[0]]
		rule := rules.applying(metricByID[k.metric].Code, Rate, st.Region)
		if rule == nil {
			continue
		}
		// The rise is measured at the pair's latest reading of the batch,
		// against the earliest stored reading within the rule's window.
		last := idx[0]
		for _, i := range idx[1:] {
			if rs[i].At > rs[last].At {
				last = i
			}
		}
		cur := rs[last]
		first, ok, err := s.store.EarliestReading(ctx, k.station, k.metric, cur.At-int64(rule.Window), cur.At)
		if err != nil {
			return nil, err
		}
		if ok {
			if rise := risePerHour(first, cur, rule.Window); !math.IsNaN(rise) {
				consider(rule, st, rise, cur.At)
			}
		}
	}
	if len(best) == 0 {
		return nil, nil
	}
	keys := make([]string, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	slices.Sort(keys) // a stable order of writes
	var out []*Alert
	for _, k := range keys {
		a, err := s.raise(ctx, actor, best[k])
		if err != nil {
			return nil, err
		}
		if a != nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// raise opens an alert for c, or escalates the active one if c is higher;
// nil if nothing changed.
func (s *Service) raise(ctx context.Context, actor audit.Actor, c *candidate) (*Alert, error) {
	now := s.clock()
	a, err := s.store.ActiveAlert(ctx, c.rule.ID, c.st.ID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if a == nil {
		a = &Alert{ID: ids.New(), RuleID: c.rule.ID, Kind: c.rule.Kind, StationID: c.st.ID, Station: c.st.Code,
			StationName: c.st.Name, Metric: c.rule.Metric, Region: c.st.Region, Level: c.level, Value: c.value,
			Threshold: c.threshold, ReadingAt: c.at, State: Open, RaisedAt: now, UpdatedAt: now}
		created, err := s.store.CreateAlert(ctx, a)
		if err != nil {
			return nil, err
		}
		if !created { // raised by another instance since we looked
			if a, err = s.store.ActiveAlert(ctx, c.rule.ID, c.st.ID); err != nil {
				return nil, err
			}
		} else {
			return a, s.publish(ctx, actor, a, "sensing.alert.raised")
		}
	}
	if c.level <= a.Level {
		return nil, nil
	}
	prev := a.Level
	a.Level, a.Value, a.Threshold, a.ReadingAt, a.State, a.UpdatedAt = c.level, c.value, c.threshold, c.at, Open, now
	if err := s.store.UpdateAlert(ctx, a); err != nil {
		return nil, err
	}
	return a, s.publish(ctx, actor, a, "sensing.alert.escalated", prev)
}

// publish audits a change of alert a and puts it in the outbox; an
// escalation passes the level it rose from (previous_level in the payload).
func (s *Service) publish(ctx context.Context, actor audit.Actor, a *Alert, topic string, from ...Level) error {
	if err := s.audit.Record(ctx, actor, topic, alertTarget(a),
		map[string]any{"level": a.Level.String(), "station": a.Station, "metric": a.Metric, "value": a.Value}); err != nil {
		return err
	}
	ev := alertEvent(a)
	if len(from) > 0 {
		ev["previous_level"] = from[0].String()
	}
	return s.store.AddOutbox(ctx, topic, ev, a.UpdatedAt)
}
