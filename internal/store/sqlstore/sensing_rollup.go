package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"

	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
)

// Roll-ups (migration 00042): minute rows of every level in
// sensing_minutes, keyed time first and upserted with the readings; hour
// rows in sensing_rollups (grain 3600), folded from the minutes by
// FoldRollups once an hour has closed. sensing_rollup_fold.folded splits
// the two: hours before it are read from the hour rows, hours from it on
// are added up from the minutes, so figures are exact whether or not the
// fold has run.

var (
	minuteUpserts [2]stmtCache // SQLite's, PostgreSQL's (min/max differ)
	hourUpserts   [2]stmtCache
)

const rollupChunk = 128 // rows per upsert: at most 1,024 parameters

// minuteRegion is a region code as sensing_minutes stores it: an integer,
// the code's digits behind a 1 (region codes are digits only).
func minuteRegion(c region.Code) int64 {
	k := int64(1)
	for i := 0; i < len(c); i++ {
		k = k*10 + int64(c[i]-'0')
	}
	return k
}

// regionOfMinute is the code of a stored minute region.
func regionOfMinute(k int64) region.Code { return region.Code(strconv.FormatInt(k, 10)[1:]) }

// lohi are the dialect's two-argument minimum and maximum.
func (s *Store) lohi() (lo, hi string, cache int) {
	if s.db.Dialect == db.Postgres {
		return "LEAST", "GREATEST", 1
	}
	return "min", "max", 0
}

// AddRollups adds minute roll-ups into sensing_minutes and hour roll-ups
// into sensing_rollups. Callers pass rows in key order (sensing.rollups),
// so concurrent transactions lock rows in the same order.
func (s *Store) AddRollups(ctx context.Context, rs []sensing.Rollup) (err error) {
	defer errs.Wrap(&err, "sqlstore.AddRollups(%d)", len(rs))
	lo, hi, c := s.lohi()
	var mins, hours []sensing.Rollup
	for _, r := range rs {
		if r.Grain == sensing.Minute {
			mins = append(mins, r)
		} else {
			hours = append(hours, r)
		}
	}
	args := make([]any, 0, 8*rollupChunk)
	off := 0
	for _, n := range chunks(len(mins), rollupChunk) {
		args = args[:0]
		for _, r := range mins[off : off+n] {
			args = append(args, r.Bucket, r.MetricID, minuteRegion(r.Region), r.N, r.Sum, r.Lo, r.Hi)
		}
		q := minuteUpserts[c].get(n, func(n int) string {
			return `INSERT INTO sensing_minutes (bucket, metric_id, region, n, total, lo, hi) VALUES ` + values(n, 7) + `
			ON CONFLICT (bucket, metric_id, region) DO UPDATE SET n = sensing_minutes.n + excluded.n,
			total = sensing_minutes.total + excluded.total, lo = ` + lo + `(sensing_minutes.lo, excluded.lo),
			hi = ` + hi + `(sensing_minutes.hi, excluded.hi)`
		})
		if _, err := s.db.Exec(ctx, q, args...); err != nil {
			return err
		}
		off += n
	}
	off = 0
	for _, n := range chunks(len(hours), rollupChunk) {
		args = args[:0]
		for _, r := range hours[off : off+n] {
			args = append(args, int(r.Grain), r.MetricID, string(r.Region), r.Bucket, r.N, r.Sum, r.Lo, r.Hi)
		}
		q := hourUpserts[c].get(n, func(n int) string {
			return `INSERT INTO sensing_rollups (grain, metric_id, region, bucket, n, total, lo, hi) VALUES ` + values(n, 8) + `
			ON CONFLICT (grain, metric_id, region, bucket) DO UPDATE SET n = sensing_rollups.n + excluded.n,
			total = sensing_rollups.total + excluded.total, lo = ` + lo + `(sensing_rollups.lo, excluded.lo),
			hi = ` + hi + `(sensing_rollups.hi, excluded.hi)`
		})
		if _, err := s.db.Exec(ctx, q, args...); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// RollupsFolded returns the start of the first hour not folded yet. In a
// transaction on PostgreSQL it holds a shared lock on the fold's row until
// commit, so that a fold cannot pass the hours of readings being stored.
func (s *Store) RollupsFolded(ctx context.Context) (folded int64, err error) {
	defer errs.Wrap(&err, "sqlstore.RollupsFolded")
	lock := ""
	if s.db.Dialect == db.Postgres && db.InTx(ctx) {
		lock = " FOR SHARE"
	}
	err = s.db.QueryRow(ctx, `SELECT folded FROM sensing_rollup_fold WHERE id = 1`+lock).Scan(&folded)
	return folded, err
}

// FoldRollups folds the minutes of each hour that ended at or before
// before, and is not folded yet, into hour rows, one hour per transaction,
// and returns how many hours it folded. Idempotent and safe on every
// instance at once: an hour's rows are written in the transaction that
// moves sensing_rollup_fold past it, under that row's lock.
func (s *Store) FoldRollups(ctx context.Context, before int64) (hours int, err error) {
	defer errs.Wrap(&err, "sqlstore.FoldRollups")
	before -= before % int64(sensing.Hour)
	// Most minutes of an hour find it folded already: a plain read says
	// so without taking the writer (SQLite) or the row's lock (PostgreSQL).
	var folded int64
	if err := s.db.QueryRow(ctx, `SELECT folded FROM sensing_rollup_fold WHERE id = 1`).Scan(&folded); err != nil {
		return 0, err
	}
	if folded >= before {
		return 0, nil
	}
	lo, hi, _ := s.lohi()
	for {
		done := false
		err := s.db.Transact(ctx, func(ctx context.Context) error {
			var folded int64
			if err := s.db.QueryRow(ctx, `SELECT folded FROM sensing_rollup_fold WHERE id = 1`+s.db.ForUpdate()).Scan(&folded); err != nil {
				return err
			}
			if folded >= before {
				done = true
				return nil
			}
			var next sql.NullInt64
			if err := s.db.QueryRow(ctx, `SELECT MIN(bucket) FROM sensing_minutes WHERE bucket >= ?`, folded).Scan(&next); err != nil {
				return err
			}
			h := next.Int64 - next.Int64%int64(sensing.Hour)
			if !next.Valid || h >= before {
				// No minutes in the closed hours: nothing to fold up to before.
				done = true
				_, err := s.db.Exec(ctx, `UPDATE sensing_rollup_fold SET folded = ? WHERE id = 1`, before)
				return err
			}
			if _, err := s.db.Exec(ctx, `INSERT INTO sensing_rollups (grain, metric_id, region, bucket, n, total, lo, hi)
				SELECT ?, metric_id, substr(CAST(region AS TEXT), 2), ?, SUM(n), SUM(total), MIN(lo), MAX(hi) FROM sensing_minutes
				WHERE bucket >= ? AND bucket < ? GROUP BY metric_id, region
				ON CONFLICT (grain, metric_id, region, bucket) DO UPDATE SET n = sensing_rollups.n + excluded.n,
				total = sensing_rollups.total + excluded.total, lo = `+lo+`(sensing_rollups.lo, excluded.lo),
				hi = `+hi+`(sensing_rollups.hi, excluded.hi)`,
				int(sensing.Hour), h, h, h+int64(sensing.Hour)); err != nil {
				return err
			}
			_, err := s.db.Exec(ctx, `UPDATE sensing_rollup_fold SET folded = ? WHERE id = 1`, h+int64(sensing.Hour))
			return err
		})
		if err != nil {
			return hours, err
		}
		if done {
			return hours, nil
		}
		hours++
	}
}

// maxMinuteList is the most minutes named in one read; longer spans (an
// hour range after a long stop of the fold) scan the range instead.
const maxMinuteList = 1500

// minuteRows reads the minute rows of the metrics and regions in buckets
// [from, to).
func (s *Store) minuteRows(ctx context.Context, metricIDs []int, regions []region.Code, from, to int64) ([]sensing.Rollup, error) {
	m := int64(sensing.Minute)
	first := from + (m-from%m)%m
	if first >= to {
		return nil, nil
	}
	var args []any
	var cond string
	if (to-first+m-1)/m <= maxMinuteList {
		cond = `bucket IN (`
		for b := first; b < to; b += m {
			args = append(args, b)
		}
		cond += marks(len(args)) + `)`
	} else {
		cond, args = `bucket >= ? AND bucket < ?`, []any{first, to}
	}
	for _, id := range metricIDs {
		args = append(args, id)
	}
	for _, c := range regions {
		args = append(args, minuteRegion(c))
	}
	rows, err := s.db.Query(ctx, `SELECT metric_id, region, bucket, n, total, lo, hi FROM sensing_minutes
		WHERE `+cond+` AND metric_id IN (`+marks(len(metricIDs))+`) AND region IN (`+marks(len(regions))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sensing.Rollup
	for rows.Next() {
		r := sensing.Rollup{Grain: sensing.Minute}
		var k int64
		if err := rows.Scan(&r.MetricID, &k, &r.Bucket, &r.N, &r.Sum, &r.Lo, &r.Hi); err != nil {
			return nil, err
		}
		r.Region = regionOfMinute(k)
		out = append(out, r)
	}
	return out, rows.Err()
}

// hourRows reads the hour rows of the metrics and regions in buckets
// [from, to).
func (s *Store) hourRows(ctx context.Context, metricIDs []int, regions []region.Code, from, to int64) ([]sensing.Rollup, error) {
	if from >= to {
		return nil, nil
	}
	args := []any{int(sensing.Hour)}
	for _, id := range metricIDs {
		args = append(args, id)
	}
	for _, c := range regions {
		args = append(args, string(c))
	}
	args = append(args, from, to)
	rows, err := s.db.Query(ctx, `SELECT metric_id, region, bucket, n, total, lo, hi FROM sensing_rollups
		WHERE grain = ? AND metric_id IN (`+marks(len(metricIDs))+`) AND region IN (`+marks(len(regions))+`)
		AND bucket >= ? AND bucket < ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sensing.Rollup
	for rows.Next() {
		r := sensing.Rollup{Grain: sensing.Hour}
		if err := rows.Scan(&r.MetricID, &r.Region, &r.Bucket, &r.N, &r.Sum, &r.Lo, &r.Hi); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// rollups reads roll-ups of grain g, by region, bucket and metric: stored
// ones down to sensing.StoredLevel, summed from the readings below.
func (s *Store) rollups(ctx context.Context, g sensing.Grain, metricIDs []int, regions []region.Code, from, to int64) ([]sensing.Rollup, error) {
	if len(metricIDs) == 0 || len(regions) == 0 {
		return nil, nil
	}
	var stored, summed []region.Code
	for _, c := range regions {
		if region.LevelOf(c) > sensing.StoredLevel {
			summed = append(summed, c)
		} else {
			stored = append(stored, c)
		}
	}
	out, err := s.readingRollups(ctx, g, metricIDs, summed, from, to)
	if err != nil {
		return nil, err
	}
	rs, err := s.storedRollups(ctx, g, metricIDs, stored, from, to)
	if err != nil {
		return nil, err
	}
	out = append(out, rs...)
	slices.SortFunc(out, func(a, b sensing.Rollup) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Bucket, b.Bucket), cmp.Compare(a.MetricID, b.MetricID))
	})
	return out, nil
}

// storedRollups reads stored roll-ups of grain g: hours before the fold's
// mark from the hour rows, later ones added up from the minutes. The mark
// and the rows may be read at different moments: a fold in between moves
// the mark, but it leaves the minutes, so they still add up to the hour's
// figures.
func (s *Store) storedRollups(ctx context.Context, g sensing.Grain, metricIDs []int, regions []region.Code, from, to int64) ([]sensing.Rollup, error) {
	if len(regions) == 0 {
		return nil, nil
	}
	if g == sensing.Minute {
		return s.minuteRows(ctx, metricIDs, regions, from, to)
	}
	folded, err := s.RollupsFolded(ctx)
	if err != nil {
		return nil, err
	}
	out, err := s.hourRows(ctx, metricIDs, regions, from, min(to, folded))
	if err != nil {
		return nil, err
	}
	h := int64(sensing.Hour)
	mfrom := max(from, folded)
	mfrom += (h - mfrom%h) % h // the first whole hour bucket from there
	mins, err := s.minuteRows(ctx, metricIDs, regions, mfrom, to+(h-to%h)%h)
	if err != nil {
		return nil, err
	}
	type key struct {
		metric int
		region region.Code
		bucket int64
	}
	idx := map[key]int{}
	for _, m := range mins {
		k := key{m.MetricID, m.Region, m.Bucket - m.Bucket%h}
		if k.bucket >= to {
			continue
		}
		if i, ok := idx[k]; ok {
			x := &out[i]
			x.N += m.N
			x.Sum += m.Sum
			x.Lo, x.Hi = min(x.Lo, m.Lo), max(x.Hi, m.Hi)
			continue
		}
		m.Grain, m.Bucket = sensing.Hour, k.bucket
		idx[k] = len(out)
		out = append(out, m)
	}
	return out, nil
}

// readingRollups sums the readings of the stations within each of regions
// (finer than sensing.StoredLevel: towns) into roll-ups of grain g in
// buckets [from, to): the stations first, then one range scan of
// sensing_readings per station and metric.
func (s *Store) readingRollups(ctx context.Context, g sensing.Grain, metricIDs []int, regions []region.Code, from, to int64) ([]sensing.Rollup, error) {
	if len(regions) == 0 {
		return nil, nil
	}
	gs := int64(g)
	from += (gs - from%gs) % gs // the first whole bucket
	to += (gs - to%gs) % gs     // the end of the last bucket begun before to
	if from >= to {
		return nil, nil
	}
	cond, args := withinAny("region", regions)
	rows, err := s.db.Query(ctx, `SELECT id, region FROM sensing_stations WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	in := map[int64]region.Code{} // station → the region asked for that holds it
	var ids []any
	for rows.Next() {
		var id int64
		var c region.Code
		if err := rows.Scan(&id, &c); err != nil {
			rows.Close()
			return nil, err
		}
		for _, r := range regions {
			if region.Within(c, r) {
				in[id] = r
				ids = append(ids, id)
				break
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	type key struct {
		metric int
		region region.Code
		bucket int64
	}
	idx := map[key]int{}
	var out []sensing.Rollup
	for len(ids) > 0 {
		part := ids[:min(len(ids), 500)]
		ids = ids[len(part):]
		args := append([]any{}, part...)
		for _, id := range metricIDs {
			args = append(args, id)
		}
		args = append(args, from, to)
		rows, err := s.db.Query(ctx, `SELECT station_id, metric_id, ts - ts % `+strconv.FormatInt(gs, 10)+`,
			COUNT(*), SUM(value), MIN(value), MAX(value) FROM sensing_readings
			WHERE station_id IN (`+marks(len(part))+`) AND metric_id IN (`+marks(len(metricIDs))+`) AND ts >= ? AND ts < ?
			GROUP BY 1, 2, 3`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var st int64
			r := sensing.Rollup{Grain: g}
			if err := rows.Scan(&st, &r.MetricID, &r.Bucket, &r.N, &r.Sum, &r.Lo, &r.Hi); err != nil {
				rows.Close()
				return nil, err
			}
			r.Region = in[st]
			k := key{r.MetricID, r.Region, r.Bucket}
			if i, ok := idx[k]; ok {
				x := &out[i]
				x.N += r.N
				x.Sum += r.Sum
				x.Lo, x.Hi = min(x.Lo, r.Lo), max(x.Hi, r.Hi)
				continue
			}
			idx[k] = len(out)
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) Rollups(ctx context.Context, g sensing.Grain, metricID int, regions []region.Code, from, to int64) (_ []sensing.Rollup, err error) {
	defer errs.Wrap(&err, "sqlstore.Rollups")
	return s.rollups(ctx, g, []int{metricID}, regions, from, to)
}

func (s *Store) RegionRollups(ctx context.Context, g sensing.Grain, metricIDs []int, c region.Code, from, to int64) (_ []sensing.Rollup, err error) {
	defer errs.Wrap(&err, "sqlstore.RegionRollups(%s)", c)
	return s.rollups(ctx, g, metricIDs, []region.Code{c}, from, to)
}

// PruneRollups deletes roll-ups of grain g with buckets before before;
// minutes of hours not folded yet stay until they are.
func (s *Store) PruneRollups(ctx context.Context, g sensing.Grain, before int64) (n int64, err error) {
	defer errs.Wrap(&err, "sqlstore.PruneRollups")
	var res sql.Result
	if g == sensing.Minute {
		res, err = s.db.Exec(ctx, `DELETE FROM sensing_minutes WHERE bucket < ?
			AND bucket < (SELECT folded FROM sensing_rollup_fold WHERE id = 1)`, before)
	} else {
		res, err = s.db.Exec(ctx, `DELETE FROM sensing_rollups WHERE grain = ? AND bucket < ?`, int(g), before)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
