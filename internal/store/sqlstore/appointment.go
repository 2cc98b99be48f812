package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/digigov/digigov/internal/appointment"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

var _ appointment.Store = (*Store)(nil)

const counterCols = `id, center_id, name, departments, opens, closes, slot_minutes, capacity, active, version, created_at, updated_at`

func counterArgs(c *appointment.Counter) ([]any, error) {
	deps := c.Departments
	if deps == nil {
		deps = []string{}
	}
	b, err := json.Marshal(deps)
	if err != nil {
		return nil, err
	}
	return []any{c.ID, c.CenterID, c.Name, string(b), c.Opens.String(), c.Closes.String(), c.SlotMinutes, c.Capacity,
		c.Active, c.Version, c.CreatedAt.UTC(), c.UpdatedAt.UTC()}, nil
}

func scanCounter(sc interface{ Scan(...any) error }) (*appointment.Counter, error) {
	var c appointment.Counter
	var deps, opens, closes string
	if err := sc.Scan(&c.ID, &c.CenterID, &c.Name, &deps, &opens, &closes, &c.SlotMinutes, &c.Capacity,
		&c.Active, &c.Version, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(deps), &c.Departments); err != nil {
		return nil, err
	}
	if len(c.Departments) == 0 {
		c.Departments = nil
	}
	var err error
	if c.Opens, err = appointment.ParseClock(opens); err != nil {
		return nil, err
	}
	if c.Closes, err = appointment.ParseClock(closes); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = utc(c.CreatedAt), utc(c.UpdatedAt)
	return &c, nil
}

func (s *Store) CreateCounter(ctx context.Context, c *appointment.Counter) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateCounter")
	args, err := counterArgs(c)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO appointment_counters (`+counterCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	return conflict(err, "appointment.counter")
}

func (s *Store) UpdateCounter(ctx context.Context, c *appointment.Counter) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateCounter(%q)", c.ID)
	args, err := counterArgs(c)
	if err != nil {
		return err
	}
	// The version check: of two editors who loaded version n, only the
	// first update finds it.
	res, err := s.db.Exec(ctx, `UPDATE appointment_counters SET name = ?, departments = ?, opens = ?, closes = ?,
		slot_minutes = ?, capacity = ?, active = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9], args[11], c.ID, c.Version-1)
	if err != nil {
		return conflict(err, "appointment.counter")
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "appointment.counter_changed")
	}
	return nil
}

func (s *Store) Counter(ctx context.Context, id ids.ID) (_ *appointment.Counter, err error) {
	defer errs.Wrap(&err, "sqlstore.Counter(%q)", id)
	c, err := scanCounter(s.db.QueryRow(ctx, `SELECT `+counterCols+` FROM appointment_counters WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "appointment.counter")
	}
	return c, nil
}

func (s *Store) CountersOf(ctx context.Context, centerIDs ...ids.ID) (_ []appointment.Counter, err error) {
	defer errs.Wrap(&err, "sqlstore.CountersOf(%d centers)", len(centerIDs))
	if len(centerIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(centerIDs))
	for i, id := range centerIDs {
		args[i] = id
	}
	marks := strings.Repeat(", ?", len(centerIDs))[2:]
	rows, err := s.db.Query(ctx, `SELECT `+counterCols+` FROM appointment_counters WHERE center_id IN (`+marks+`)
		ORDER BY center_id, name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []appointment.Counter
	for rows.Next() {
		c, err := scanCounter(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

func (s *Store) TakeSeat(ctx context.Context, counterID ids.ID, day, at string, capacity int) (err error) {
	defer errs.Wrap(&err, "sqlstore.TakeSeat")
	// The slot's row exists once someone booked it. Concurrent first
	// bookings both try to create it; the loser of the insert waits for the
	// winner and does nothing.
	if _, err := s.db.Exec(ctx, `INSERT INTO appointment_slots (counter_id, day, start_time, booked) VALUES (?, ?, ?, 0)
		ON CONFLICT (counter_id, day, start_time) DO NOTHING`, counterID, day, at); err != nil {
		return err
	}
	// The seat is taken by one conditional UPDATE: the database checks
	// booked < capacity on the row it locks (PostgreSQL re-reads the row
	// after waiting for a concurrent update; SQLite has one writer), so no
	// read-then-write race can oversell the slot.
	res, err := s.db.Exec(ctx, `UPDATE appointment_slots SET booked = booked + 1
		WHERE counter_id = ? AND day = ? AND start_time = ? AND booked < ?`, counterID, day, at, capacity)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "appointment.slot_full")
	}
	return nil
}

func (s *Store) ReleaseSeat(ctx context.Context, counterID ids.ID, day, at string) (err error) {
	defer errs.Wrap(&err, "sqlstore.ReleaseSeat")
	_, err = s.db.Exec(ctx, `UPDATE appointment_slots SET booked = booked - 1
		WHERE counter_id = ? AND day = ? AND start_time = ? AND booked > 0`, counterID, day, at)
	return err
}

func (s *Store) SeatsTaken(ctx context.Context, centerID ids.ID, day string) (_ map[ids.ID]map[string]int, err error) {
	defer errs.Wrap(&err, "sqlstore.SeatsTaken")
	rows, err := s.db.Query(ctx, `SELECT s.counter_id, s.start_time, s.booked FROM appointment_slots s
		JOIN appointment_counters c ON c.id = s.counter_id WHERE c.center_id = ? AND s.day = ?`, centerID, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[ids.ID]map[string]int{}
	for rows.Next() {
		var id ids.ID
		var at string
		var n int
		if err := rows.Scan(&id, &at, &n); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]int{}
		}
		out[id][at] = n
	}
	return out, rows.Err()
}

const appointmentCols = `id, counter_id, center_id, region, counter_name, center_name, user_id, person_id, enterprise_id, name,
	item_code, item_name, case_id, day, start_time, starts_at, ends_at, state, handled_by, handled_at, created_at, updated_at`

func scanAppointment(sc interface{ Scan(...any) error }) (*appointment.Appointment, error) {
	var a appointment.Appointment
	var at string
	var handled sql.NullTime
	if err := sc.Scan(&a.ID, &a.CounterID, &a.CenterID, &a.Region, &a.CounterName, &a.CenterName, &a.UserID, &a.PersonID,
		&a.EnterpriseID, &a.Name, &a.ItemCode, &a.ItemName, &a.CaseID, &a.Day, &at, &a.Start, &a.End, &a.State,
		&a.HandledBy, &handled, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	var err error
	if a.Time, err = appointment.ParseClock(at); err != nil {
		return nil, err
	}
	if handled.Valid {
		a.HandledAt = handled.Time.UTC()
	}
	a.Start, a.End, a.CreatedAt, a.UpdatedAt = utc(a.Start), utc(a.End), utc(a.CreatedAt), utc(a.UpdatedAt)
	return &a, nil
}

func (s *Store) CreateAppointment(ctx context.Context, a *appointment.Appointment) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateAppointment")
	_, err = s.db.Exec(ctx, `INSERT INTO appointments (`+appointmentCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.CounterID, a.CenterID, a.Region, a.CounterName, a.CenterName, a.UserID, a.PersonID, a.EnterpriseID, a.Name,
		a.ItemCode, a.ItemName, a.CaseID, a.Day, a.Time.String(), a.Start.UTC(), a.End.UTC(), a.State,
		a.HandledBy, nullTime(a.HandledAt), a.CreatedAt.UTC(), a.UpdatedAt.UTC())
	if db.IsUniqueViolation(err) {
		return &errs.Error{Code: errs.Conflict, Msg: "appointment.duplicate", Err: err}
	}
	return err
}

func (s *Store) Appointment(ctx context.Context, id ids.ID) (_ *appointment.Appointment, err error) {
	defer errs.Wrap(&err, "sqlstore.Appointment(%q)", id)
	a, err := scanAppointment(s.db.QueryRow(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "appointment")
	}
	return a, nil
}

func (s *Store) MoveAppointment(ctx context.Context, a *appointment.Appointment, from appointment.State) (err error) {
	defer errs.Wrap(&err, "sqlstore.MoveAppointment(%q)", a.ID)
	// Conditional on the state the caller saw: of two members of staff
	// checking the same person in, only the first finds it booked.
	res, err := s.db.Exec(ctx, `UPDATE appointments SET state = ?, handled_by = ?, handled_at = ?, updated_at = ?
		WHERE id = ? AND state = ?`, a.State, a.HandledBy, nullTime(a.HandledAt), a.UpdatedAt.UTC(), a.ID, from)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "appointment.changed")
	}
	return nil
}

func (s *Store) AppointmentsOf(ctx context.Context, userID ids.ID, limit int) (_ []appointment.Appointment, err error) {
	defer errs.Wrap(&err, "sqlstore.AppointmentsOf")
	return s.appointmentList(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE user_id = ?
		ORDER BY starts_at DESC, created_at DESC LIMIT ?`, userID, limit)
}

func (s *Store) AppointmentsOn(ctx context.Context, q appointment.DayQuery) (_ []appointment.Appointment, err error) {
	defer errs.Wrap(&err, "sqlstore.AppointmentsOn")
	where, args := []string{"center_id = ?", "day = ?"}, []any{q.CenterID, q.Day}
	if q.CounterID != "" {
		where, args = append(where, "counter_id = ?"), append(args, q.CounterID)
	}
	return s.appointmentList(ctx, `SELECT `+appointmentCols+` FROM appointments WHERE `+strings.Join(where, " AND ")+
		` ORDER BY start_time, counter_name, created_at`, args...)
}

func (s *Store) appointmentList(ctx context.Context, q string, args ...any) ([]appointment.Appointment, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []appointment.Appointment
	for rows.Next() {
		a, err := scanAppointment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}
