package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// The cockpit's pre-aggregated events figures (migration 00038): an
// event's transaction appends its change to gov_event_tally_log at the
// event's own region; RollUpEventTally moves the log into gov_event_tally
// at the five levels; readers sum both.

// tallyVec is a row's counts: reported, closed, in_hand, due, rated,
// satisfied.
type tallyVec [6]int64

const tallyVecCols = `reported, closed, in_hand, due, rated, satisfied`

type tallyKey struct {
	region string
	day    int64
}

// levelKey is a gov_event_tally row's key.
type levelKey struct {
	lvl    int
	region string
	day    int64
}

// tallyDay is t's calendar day in Asia/Shanghai (UTC+8, no daylight
// saving) counted from 1970-01-01.
func tallyDay(t time.Time) int64 { return (t.Unix() + 8*3600) / 86400 }

// openDay is the day of the rows holding the counts of events in hand:
// after every real day, so that one index range (day >= the window's
// first day) reads a region's window and its open count together.
const openDay = 1<<31 - 1

// tallyFacts are the columns of an event its counts depend on.
type tallyFacts struct {
	region   string
	state    governance.State
	created  time.Time
	deadline time.Time
	rated    time.Time
	rating   int
}

func factsOf(e *governance.Event) tallyFacts {
	return tallyFacts{region: string(e.Region), state: e.State, created: e.CreatedAt, deadline: e.Deadline, rated: e.RatedAt, rating: e.Rating}
}

// inHand is openCond in Go.
func inHand(s governance.State) bool {
	switch s {
	case governance.Closed, governance.Rejected, governance.Merged, governance.Split:
		return false
	}
	return true
}

// add adds sign times f's counts to m.
func (f tallyFacts) add(m map[tallyKey]tallyVec, sign int64) {
	bump := func(day int64, col int, n int64) {
		k := tallyKey{f.region, day}
		v := m[k]
		v[col] += n
		m[k] = v
	}
	c := tallyDay(f.created)
	bump(c, 0, sign)
	if f.state == governance.Closed {
		bump(c, 1, sign)
	}
	if inHand(f.state) {
		bump(openDay, 2, sign)
		if !f.deadline.IsZero() {
			bump(tallyDay(f.deadline), 3, sign)
		}
	}
	if !f.rated.IsZero() {
		r := tallyDay(f.rated)
		bump(r, 4, sign)
		if f.rating >= 4 {
			bump(r, 5, sign)
		}
	}
}

var tallyLogInserts stmtCache

// logTally appends the non-zero changes of m to the log, in key order.
func (s *Store) logTally(ctx context.Context, m map[tallyKey]tallyVec) error {
	keys := make([]tallyKey, 0, len(m))
	for k, v := range m {
		if v != (tallyVec{}) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.SortFunc(keys, func(a, b tallyKey) int { return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.day, b.day)) })
	args := make([]any, 0, 8*len(keys))
	for _, k := range keys {
		v := m[k]
		args = append(args, k.region, k.day, v[0], v[1], v[2], v[3], v[4], v[5])
	}
	q := tallyLogInserts.get(len(keys), func(n int) string {
		return `INSERT INTO gov_event_tally_log (region, day, ` + tallyVecCols + `) VALUES ` + values(n, 8)
	})
	_, err := s.db.Exec(ctx, q, args...)
	return err
}

// oldFacts reads the counted columns of event id at version v
// (errs.Conflict if it is not at that version).
func (s *Store) oldFacts(ctx context.Context, id string, v int) (tallyFacts, error) {
	var f tallyFacts
	var deadline, rated sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT region, state, created_at, deadline, rated_at, rating FROM gov_events WHERE id = ? AND version = ?`,
		id, v).Scan(&f.region, &f.state, &f.created, &deadline, &rated, &f.rating)
	if err == sql.ErrNoRows {
		return f, errs.E(errs.Conflict, "event.changed")
	}
	f.deadline, f.rated = timeOf(deadline), timeOf(rated)
	return f, err
}

// TallyBatch is how many logged changes one roll-up round moves.
const TallyBatch = 20_000

// RollUpEventTally moves up to limit logged changes into the tally, in one
// transaction (the tally's state row serialises instances), and returns
// how many it moved; on the first run after migration 00038 it rebuilds
// the tally from gov_events instead. Idempotent and safe to run on every
// instance at once: a change leaves the log in the transaction that adds
// it to the tally.
func (s *Store) RollUpEventTally(ctx context.Context, limit int) (n int, err error) {
	defer errs.Wrap(&err, "sqlstore.RollUpEventTally")
	err = s.db.Transact(ctx, func(ctx context.Context) error {
		var built bool
		if err := s.db.QueryRow(ctx, `SELECT built FROM gov_event_tally_state WHERE id = 1`+s.db.ForUpdate()).Scan(&built); err != nil {
			return err
		}
		if !built {
			var err error
			n, err = s.rebuildTally(ctx)
			return err
		}
		rows, err := s.db.Query(ctx, `SELECT id, region, day, `+tallyVecCols+` FROM gov_event_tally_log ORDER BY id LIMIT ?`, limit)
		if err != nil {
			return err
		}
		var idList []int64
		agg := map[levelKey]tallyVec{}
		for rows.Next() {
			var id int64
			var k tallyKey
			var v tallyVec
			if err := rows.Scan(&id, &k.region, &k.day, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]); err != nil {
				rows.Close()
				return err
			}
			idList = append(idList, id)
			addLevels(agg, k, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := s.upsertTally(ctx, agg); err != nil {
			return err
		}
		for len(idList) > 0 {
			c := idList[:min(len(idList), 500)]
			idList = idList[len(c):]
			args := make([]any, len(c))
			for i, id := range c {
				args[i] = id
			}
			if _, err := s.db.Exec(ctx, `DELETE FROM gov_event_tally_log WHERE id IN (`+marks(len(c))+`)`, args...); err != nil {
				return err
			}
			n += len(c)
		}
		return nil
	})
	return n, err
}

// tallyLevels are the code lengths of the five levels.
var tallyLevels = [...]struct {
	lvl region.Level
	n   int
}{{region.Province, 2}, {region.City, 4}, {region.County, 6}, {region.Town, 9}, {region.Village, 12}}

// addLevels adds v, logged at k's region, to the rows of each level that
// region lies within.
func addLevels(agg map[levelKey]tallyVec, k tallyKey, v tallyVec) {
	for _, t := range tallyLevels {
		if len(k.region) < t.n {
			break
		}
		lk := levelKey{int(t.lvl), k.region[:t.n], k.day}
		w := agg[lk]
		for i := range w {
			w[i] += v[i]
		}
		agg[lk] = w
	}
}

var tallyUpserts stmtCache

const tallyChunk = 64 // rows per upsert (a power of two, as chunks needs): 576 parameters

// upsertTally adds agg to the tally rows, in key order (so that two
// writers lock rows in the same order).
func (s *Store) upsertTally(ctx context.Context, agg map[levelKey]tallyVec) error {
	keys := make([]levelKey, 0, len(agg))
	for k, v := range agg {
		if v != (tallyVec{}) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b levelKey) int {
		return cmp.Or(cmp.Compare(a.lvl, b.lvl), cmp.Compare(a.region, b.region), cmp.Compare(a.day, b.day))
	})
	args := make([]any, 0, 9*tallyChunk)
	off := 0
	for _, n := range chunks(len(keys), tallyChunk) {
		args = args[:0]
		for _, k := range keys[off : off+n] {
			v := agg[k]
			args = append(args, k.lvl, k.region, k.day, v[0], v[1], v[2], v[3], v[4], v[5])
		}
		q := tallyUpserts.get(n, func(n int) string {
			set := []string{}
			for _, c := range strings.Split(tallyVecCols, ", ") {
				set = append(set, c+" = gov_event_tally."+c+" + excluded."+c)
			}
			return `INSERT INTO gov_event_tally (lvl, region, day, ` + tallyVecCols + `) VALUES ` + values(n, 9) +
				` ON CONFLICT (lvl, region, day) DO UPDATE SET ` + strings.Join(set, ", ")
		})
		if _, err := s.db.Exec(ctx, q, args...); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// rebuildTally recomputes the tally from gov_events and empties the log,
// holding the log's inserts back on PostgreSQL meanwhile (on SQLite the
// transaction holds the single write lock already).
func (s *Store) rebuildTally(ctx context.Context) (int, error) {
	if s.db.Dialect == db.Postgres {
		if _, err := s.db.Exec(ctx, `LOCK TABLE gov_event_tally_log IN EXCLUSIVE MODE`); err != nil {
			return 0, err
		}
	}
	for _, q := range []string{`DELETE FROM gov_event_tally_log`, `DELETE FROM gov_event_tally`} {
		if _, err := s.db.Exec(ctx, q); err != nil {
			return 0, err
		}
	}
	rows, err := s.db.Query(ctx, `SELECT region, state, created_at, deadline, rated_at, rating FROM gov_events`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	agg, n := map[levelKey]tallyVec{}, 0
	one := map[tallyKey]tallyVec{}
	var pending []map[levelKey]tallyVec
	for rows.Next() {
		var f tallyFacts
		var deadline, rated sql.NullTime
		if err := rows.Scan(&f.region, &f.state, &f.created, &deadline, &rated, &f.rating); err != nil {
			return 0, err
		}
		f.deadline, f.rated = timeOf(deadline), timeOf(rated)
		clear(one)
		f.add(one, 1)
		for k, v := range one {
			addLevels(agg, k, v)
		}
		if n++; len(agg) >= 200_000 {
			pending, agg = append(pending, agg), map[levelKey]tallyVec{}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	rows.Close() // before writing: one connection in the transaction
	for _, p := range append(pending, agg) {
		if err := s.upsertTally(ctx, p); err != nil {
			return 0, err
		}
	}
	_, err = s.db.Exec(ctx, `UPDATE gov_event_tally_state SET built = ? WHERE id = 1`, true)
	return n, err
}

// RebuildEventTally marks the tally for a rebuild from gov_events, which
// the next RollUpEventTally does (a repair; never needed in normal work).
func (s *Store) RebuildEventTally(ctx context.Context) error {
	_, err := s.db.Exec(ctx, `UPDATE gov_event_tally_state SET built = ? WHERE id = 1`, false)
	return err
}

// sumCols are the figures read from tally or log rows, in the order
// addSums takes them: today's reported and closed, in hand, the window's
// rated, satisfied, reported and closed, and the open deadlines of the
// days before today. Arguments: today's day twice, the window's first day
// four times, today's day. (Only openDay rows have in_hand, and they have
// nothing else.)
const sumCols = `CAST(COALESCE(SUM(CASE WHEN day = ? THEN reported ELSE 0 END), 0) AS BIGINT),
	CAST(COALESCE(SUM(CASE WHEN day = ? THEN closed ELSE 0 END), 0) AS BIGINT),
	CAST(COALESCE(SUM(in_hand), 0) AS BIGINT),
	CAST(COALESCE(SUM(CASE WHEN day >= ? THEN rated ELSE 0 END), 0) AS BIGINT),
	CAST(COALESCE(SUM(CASE WHEN day >= ? THEN satisfied ELSE 0 END), 0) AS BIGINT),
	CAST(COALESCE(SUM(CASE WHEN day >= ? THEN reported ELSE 0 END), 0) AS BIGINT),
	CAST(COALESCE(SUM(CASE WHEN day >= ? THEN closed ELSE 0 END), 0) AS BIGINT),
	CAST(COALESCE(SUM(CASE WHEN day >= 1 AND day < ? THEN due ELSE 0 END), 0) AS BIGINT)`

func sumArgs(today, since int64) []any { return []any{today, today, since, since, since, since, today} }

type sums [8]int64

func (v sums) addTo(sum *governance.Summary) {
	sum.Today += int(v[0])
	sum.TodayClosed += int(v[1])
	sum.Open += int(v[2])
	sum.Rated += int(v[3])
	sum.Satisfied += int(v[4])
	sum.Reported30 += int(v[5])
	sum.Closed30 += int(v[6])
	sum.Overdue += int(v[7])
}

// EventSummary sums the tally rows of region (31 of them: the window's
// days and the open count; and the days with open deadlines for the
// overdue count), what the log still holds of it, and the open events
// whose deadline passed earlier today.
func (s *Store) EventSummary(ctx context.Context, in region.Code, w governance.Window) (sum governance.Summary, err error) {
	defer errs.Wrap(&err, "sqlstore.EventSummary(%q)", in)
	m, err := s.eventTally(ctx, []region.Code{in}, w)
	return m[in], err
}

// EventSummaries is EventSummary for each of codes (the children of a
// region, at one level or several).
func (s *Store) EventSummaries(ctx context.Context, codes []region.Code, w governance.Window) (_ map[region.Code]governance.Summary, err error) {
	defer errs.Wrap(&err, "sqlstore.EventSummaries(%d)", len(codes))
	return s.eventTally(ctx, codes, w)
}

func (s *Store) eventTally(ctx context.Context, codes []region.Code, w governance.Window) (map[region.Code]governance.Summary, error) {
	out := map[region.Code]governance.Summary{}
	byLevel := map[region.Level][]any{}
	lens := map[int]bool{}
	prefix := ""
	for i, c := range codes {
		l := region.LevelOf(c)
		if l == 0 {
			continue
		}
		byLevel[l] = append(byLevel[l], string(c))
		lens[len(c)] = true
		if i == 0 {
			prefix = string(c)
		}
		for !strings.HasPrefix(string(c), prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	if len(byLevel) == 0 {
		return out, nil
	}
	today, since := tallyDay(w.Today), tallyDay(w.Since)
	add := func(code string, f func(sum *governance.Summary)) {
		for n := range lens { // the codes code lies within
			if len(code) >= n {
				if c := region.Code(code[:n]); slices.Contains(codes, c) {
					sum := out[c]
					f(&sum)
					out[c] = sum
				}
			}
		}
	}
	query := func(q string, args []any, each func(code string, v sums)) error {
		rows, err := s.db.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			var v sums
			if err := rows.Scan(&code, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]); err != nil {
				return err
			}
			each(code, v)
		}
		return rows.Err()
	}
	// The tally: per code, one index range from the window's first day
	// (the open count's row last), and the partial index of open deadlines.
	for l, cs := range byLevel {
		err := query(`SELECT region, `+sumCols+` FROM gov_event_tally WHERE lvl = ? AND region IN (`+marks(len(cs))+`) AND day >= ?
			GROUP BY region`, append(append(append(sumArgs(today, since), int(l)), cs...), since), func(code string, v sums) {
			v[7] = 0 // the days before the window: below
			sum := out[region.Code(code)]
			v.addTo(&sum)
			out[region.Code(code)] = sum
		})
		if err != nil {
			return nil, err
		}
		rows, err := s.db.Query(ctx, `SELECT region, CAST(COALESCE(SUM(due), 0) AS BIGINT) FROM gov_event_tally
			WHERE lvl = ? AND region IN (`+marks(len(cs))+`) AND due <> 0 AND day >= 1 AND day < ? GROUP BY region`,
			append(append([]any{int(l)}, cs...), today)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var code string
			var n int64
			if err := rows.Scan(&code, &n); err != nil {
				rows.Close()
				return nil, err
			}
			sum := out[region.Code(code)]
			sum.Overdue += int(n)
			out[region.Code(code)] = sum
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// The log not rolled up yet, by the events' own regions.
	lcond, largs := "1 = 1", []any(nil)
	if prefix != "" {
		lcond, largs = within("region", prefix)
	}
	err := query(`SELECT region, `+sumCols+` FROM gov_event_tally_log WHERE `+lcond+` GROUP BY region`,
		append(sumArgs(today, since), largs...), func(code string, v sums) { add(code, v.addTo) })
	if err != nil {
		return nil, err
	}
	// The open events whose deadline passed today, before now.
	tcond, targs := "1 = 1", []any(nil)
	if prefix != "" {
		tcond, targs = within("(region || '')", prefix)
	}
	rows, err := s.db.Query(ctx, `SELECT region, COUNT(*) FROM gov_events WHERE `+openCond+` AND deadline >= ? AND deadline < ? AND `+tcond+
		` GROUP BY region`, append([]any{w.Today.UTC(), w.Now.UTC()}, targs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, err
		}
		add(code, func(sum *governance.Summary) { sum.Overdue += n })
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k, v := range out {
		if v == (governance.Summary{}) {
			delete(out, k)
		}
	}
	return out, nil
}
