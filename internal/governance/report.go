package governance

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Limits of a report's text.
const (
	MinDescription = 5
	MaxDescription = 2000
	MaxAddress     = 200
	MaxName        = 50
	MaxPhotos      = 9
	MaxExternalID  = 100
	MaxPhotoBytes  = 5 << 20 // one photo, JPEG or PNG
)

// Input is a report as it arrives from any source.
type Input struct {
	Source       Source
	ExternalID   string // the sending system's ID (API, sensors)
	Category     string
	Description  string
	Region       string // a region code as typed or sent
	Address      string
	Lat, Lng     *float64
	Urgency      Urgency    // "" for the category's default
	ReporterName string     // the citizen's name, for hotline and grid reports
	Phone        string     // the citizen's phone, clear; optional
	Photos       []PhotoRef // uploaded by the reporting account (UploadPhoto)
	// OnSpot closes the event at once: a grid worker fixed it on patrol
	// (自行处置). Its note is OnSpotNote.
	OnSpot     bool
	OnSpotNote string
	// Answer closes a hotline ticket at once: the operator answered the
	// caller (from the knowledge base, say) and nothing needs dispatching
	// (直接答复办结). The answer is the reply.
	Answer string
	// reportDetail is added to the report step's detail (OpenFromAlert's
	// alert text).
	reportDetail map[string]any
}

// Outcome is what a report led to besides the event.
type Outcome struct {
	Duplicates []ids.ID // open events of the same category nearby, newest first: candidates for 并单
	AutoRouted bool     // the routing rule accepted and dispatched it
	Existing   bool     // a retry: the event of this source and external ID was reported before, and is returned as it is now
}

// Report records a new event from any source, routes it, and publishes
// events.report (and events.accept, events.dispatch when the routing rule
// dispatched it automatically). Citizens report for themselves from the
// portal or an Open311 client; staff and systems need event.report over
// the event's region, and grid workers may close what they fixed on the spot.
//
// Returns errs.Unauthenticated for anonymous callers, errs.Forbidden for
// accounts that may not report, and errs.Invalid with every bad field at once.
func (s *Service) Report(ctx context.Context, by *identity.Caller, in Input) (*Event, *Outcome, error) {
	if by.Anonymous() {
		return nil, nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	citizen := by.Kind == identity.KindPerson || by.Kind == identity.KindEnterprise
	if !citizen {
		if err := identity.Authorize(by, identity.PermEventReport, ""); err != nil {
			return nil, nil, err
		}
	}
	e, err := s.check(by, citizen, in)
	if err != nil {
		return nil, nil, err
	}
	now := s.clock()
	e.ID, e.Version, e.State, e.CreatedAt, e.UpdatedAt = ids.New(), 1, Reported, now, now
	r := s.route(ctx, e.Category, e.Region)
	e.Department, e.Level = r.Department, r.Level
	if l := region.LevelOf(e.Region); l < e.Level {
		e.Level = l // reported higher up than the category's level: handled there
	}
	out := &Outcome{}
	answer := strings.TrimSpace(in.Answer)
	searched := !in.OnSpot && answer == ""
	// The department the rule would dispatch to is looked up before the
	// transaction (a read); whether it does depends on the duplicate
	// search, which runs inside it.
	var lead *identity.Organization
	if r.Auto && searched {
		if o, err := s.dir.AuthorityFor(ctx, e.Department, e.Level, e.Region); err == nil {
			lead = o
		} else if !errs.Is(err, errs.NotFound) {
			return nil, nil, err
		}
	}
	e.Deadline = now.Add(AcceptLimit(e.Urgency)) // acceptance and dispatch (timelimit.go)
	sealed, idx := s.sealPhone(e)
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		// The duplicate search runs in the writing transaction: on
		// SQLite, whose writes are serialised, two reports of one thing
		// made at the same moment see each other (the second is suggested
		// for 并单), and the writer's page cache is warm where a reader's
		// is cleared by every commit.
		//
		// The number comes first: on PostgreSQL the day's counter row is
		// then the first lock every report takes, before the search's
		// advisory locks, so a transaction reporting several events (the
		// outbox opening events for alerts) queues behind another report
		// instead of deadlocking with it. (Only across midnight, when two
		// counter rows are in play, can PostgreSQL still detect a deadlock
		// and abort one transaction; the outbox retries its batch.)
		n, err := s.store.NextCaseNumber(ctx, "SJ", now.In(shanghai).Format("20060102"))
		if err != nil {
			return err
		}
		e.Number = fmt.Sprintf("SJ%s%06d", now.In(shanghai).Format("20060102"), n)
		if searched {
			var err error
			if out.Duplicates, err = s.duplicates(ctx, e); err != nil {
				return err
			}
		}
		routed := lead != nil && len(out.Duplicates) == 0
		if routed {
			// The rule accepts and dispatches it at once: the event is
			// written in its final state, with the three steps that led there.
			e.State, e.AcceptedAt, e.Version = Dispatched, now, 3
			e.Lead = OrgRef{ID: lead.ID, Name: lead.Name}
			e.Deadline = cat(e).Limit.Deadline(s.cal, now).UTC().Truncate(time.Microsecond)
			out.AutoRouted = true
		}
		if err := s.store.CreateEvent(ctx, e, sealed, idx); err != nil {
			return err
		}
		st := &Step{Seq: 1, Action: ActReport, To: Reported, Photos: e.Photos,
			Detail: map[string]any{"source": e.Source, "category": e.Category}}
		if len(out.Duplicates) > 0 {
			st.Detail["duplicates"] = out.Duplicates
		}
		for k, v := range in.reportDetail {
			st.Detail[k] = v
		}
		if routed {
			// The three steps are written together.
			return s.recordAll(ctx, e, actorStep{by, st},
				actorStep{router, &Step{Seq: 2, Action: ActAccept, From: Reported, To: Accepted, Detail: map[string]any{"rule": r.RuleID}}},
				actorStep{router, &Step{Seq: 3, Action: ActDispatch, From: Accepted, To: Dispatched,
					Detail: map[string]any{"rule": r.RuleID, "lead": e.Lead.ID, "lead_name": e.Lead.Name, "deadline": e.Deadline}}})
		}
		if err := s.record(ctx, by, e, st); err != nil {
			return err
		}
		if in.OnSpot {
			return s.closeAtOnce(ctx, by, e, ActCloseOnSpot, strings.TrimSpace(in.OnSpotNote))
		}
		if answer != "" {
			return s.closeAtOnce(ctx, by, e, ActAnswer, answer)
		}
		return nil
	})
	if err != nil {
		if e.ExternalID != "" && errs.Is(err, errs.Conflict) {
			return s.retried(ctx, by, e, err) // external.go
		}
		return nil, nil, err
	}
	s.changed(e.Region)
	return e, out, nil
}

func cat(e *Event) Category {
	c, _ := CategoryOf(e.Category)
	return c
}

// check validates a report into an event, every problem at once.
func (s *Service) check(by *identity.Caller, citizen bool, in Input) (*Event, error) {
	fe := map[string]string{}
	e := &Event{Source: in.Source, ExternalID: strings.TrimSpace(in.ExternalID), Category: strings.TrimSpace(in.Category),
		Description: strings.TrimSpace(in.Description), Urgency: in.Urgency, ReporterID: by.UserID,
		ReporterName: strings.TrimSpace(in.ReporterName)}
	if citizen {
		if e.Source != SourceOpen311 {
			e.Source = SourcePortal
		}
		if e.ReporterName == "" {
			e.ReporterName = by.Name
		}
	} else if !e.Source.valid() || e.Source == SourcePortal {
		fe["source"] = "event.source_invalid"
	}
	if e.Source == SourceGrid && !by.HasRole(identity.RoleGridWorker) {
		fe["source"] = "event.source_invalid"
	}
	if in.OnSpot && e.Source != SourceGrid {
		fe["on_spot"] = "event.on_spot_grid_only"
	}
	if in.OnSpot && utf8.RuneCountInString(strings.TrimSpace(in.OnSpotNote)) < 2 {
		fe["on_spot_note"] = "event.comment_required"
	}
	if strings.TrimSpace(in.Answer) != "" && e.Source != SourceHotline {
		fe["answer"] = "event.answer_hotline_only"
	}
	if utf8.RuneCountInString(in.Answer) > MaxComment || utf8.RuneCountInString(in.OnSpotNote) > MaxComment {
		fe["answer"] = "form.too_long"
	}
	c, ok := CategoryOf(e.Category)
	if !ok || !c.Leaf() {
		fe["category"] = "event.category_unknown"
	}
	if n := utf8.RuneCountInString(e.Description); n < MinDescription || n > MaxDescription {
		fe["description"] = "event.description_length"
	}
	if len(e.ExternalID) > MaxExternalID {
		fe["external_id"] = "form.too_long"
	}
	if utf8.RuneCountInString(e.ReporterName) > MaxName {
		fe["reporter_name"] = "form.too_long"
	}
	code, err := s.regions.Normalize(in.Region)
	if _, known := s.regions.Lookup(code); err != nil || !known {
		fe["region"] = "region.unknown"
	} else if !citizen && identity.Authorize(by, identity.PermEventReport, code) != nil {
		fe["region"] = "event.region_outside_scope"
	}
	e.Region = code
	e.Address = strings.TrimSpace(in.Address)
	if utf8.RuneCountInString(e.Address) > MaxAddress {
		fe["address"] = "form.too_long"
	}
	// Latitude and longitude are checked each on its own (every invalid
	// field at once), then the point against the region.
	badLat := in.Lat != nil && (math.IsNaN(*in.Lat) || *in.Lat < -90 || *in.Lat > 90)
	badLng := in.Lng != nil && (math.IsNaN(*in.Lng) || *in.Lng < -180 || *in.Lng > 180)
	if badLat {
		fe["lat"] = "event.lat_range"
	}
	if badLng {
		fe["long"] = "event.long_range"
	}
	switch {
	case badLat || badLng || in.Lat == nil && in.Lng == nil:
	case in.Lat == nil:
		fe["lat"] = "event.geo_pair"
	case in.Lng == nil:
		fe["long"] = "event.geo_pair"
	default:
		e.Lat, e.Lng, e.HasGeo = *in.Lat, *in.Lng, true
		if _, bad := fe["region"]; !bad && s.places != nil {
			inside, mapped, err := s.places.PointIn(code, e.Lat, e.Lng)
			if err != nil {
				return nil, err
			}
			switch {
			case !mapped:
				fe["lat"] = "event.point_outside_area"
			case !inside:
				fe["lat"] = "event.point_outside_region"
			}
		}
	}
	switch e.Urgency {
	case "":
		e.Urgency = Normal
		if c.Urgent {
			e.Urgency = Urgent
		}
	case Normal, Urgent, Critical:
	default:
		fe["urgency"] = "event.urgency_invalid"
	}
	if p := strings.TrimSpace(in.Phone); p != "" {
		ph, err := identity.ParsePhone(p)
		if err != nil {
			fe["phone"] = "event.phone_invalid"
		}
		e.Phone = ph
	}
	e.Photos = s.photoHashes(by, in.Photos, fe)
	if in.OnSpot && len(in.Photos) == 0 {
		fe["photos"] = "event.on_spot_photo_required" // the photo is the proof it was fixed
	}
	if len(fe) > 0 {
		return nil, errs.Fields(fe)
	}
	return e, nil
}

func validSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// Duplicate window: reports of the same category this close in space and
// time are suggested as duplicates.
const (
	DuplicateMeters = 200
	DuplicateWindow = 24 * time.Hour
)

// Nearby selects duplicate candidates: open events of a category created
// since a time, in grid cells (when the report has a point) or else in
// one region exactly.
type Nearby struct {
	Category string
	Cells    []string
	Region   region.Code
	Since    time.Time
	Limit    int
	// Box, with Cells, narrows the candidates to points within these
	// bounds (degrees: south, north, west, east), so that rows the
	// distance check would drop are not read.
	Box *[4]float64
}

// Candidate is an open event that may duplicate a report: what the
// duplicate check reads of it.
type Candidate struct {
	ID     ids.ID
	Region region.Code
	Lat    float64
	Lng    float64
	HasGeo bool
}

// cellSize is the grid of CellOf, in degrees (about 1.1 km north–south).
const cellSize = 0.01

func cellKey(lat, lng float64) string {
	return fmt.Sprintf("%d:%d", int(math.Floor(lat/cellSize)), int(math.Floor(lng/cellSize)))
}

// CellOf is the grid cell of an event's point, "" without one. Stored
// with the event, it lets the duplicate search read a few cells through
// an index instead of every recent event of the category.
func CellOf(e *Event) string {
	if !e.HasGeo {
		return ""
	}
	return cellKey(e.Lat, e.Lng)
}

// around is the box of DuplicateMeters around a point, in degrees, a
// little larger than the circle (the distance check decides).
func around(lat, lng float64) (dLat, dLng float64) {
	dLat = DuplicateMeters / 111000.0 * 1.05
	return dLat, dLat / math.Max(0.1, math.Cos((math.Abs(lat)+dLat)*math.Pi/180))
}

// cellsAround lists the cells a box of DuplicateMeters around a point
// touches (one to four).
func cellsAround(lat, lng float64) []string {
	dLat, dLng := around(lat, lng)
	seen := map[string]bool{}
	var out []string
	for _, la := range []float64{lat - dLat, lat + dLat} {
		for _, lo := range []float64{lng - dLng, lng + dLng} {
			if k := cellKey(la, lo); !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// duplicates finds open events of e's category reported within the window
// near e: within DuplicateMeters when both have a point, else in the same
// region (village or town, whatever e names).
func (s *Service) duplicates(ctx context.Context, e *Event) ([]ids.ID, error) {
	q := Nearby{Category: e.Category, Region: e.Region, Since: e.CreatedAt.Add(-DuplicateWindow), Limit: 50}
	if e.HasGeo {
		q.Cells = cellsAround(e.Lat, e.Lng)
		dLat, dLng := around(e.Lat, e.Lng)
		q.Box = &[4]float64{e.Lat - dLat, e.Lat + dLat, e.Lng - dLng, e.Lng + dLng}
	}
	list, err := s.store.NearbyEvents(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []ids.ID
	for _, o := range list {
		near := o.Region == e.Region
		if e.HasGeo && o.HasGeo {
			near = Distance(e.Lat, e.Lng, o.Lat, o.Lng) <= DuplicateMeters
		}
		if near && o.ID != e.ID {
			out = append(out, o.ID)
		}
	}
	return out, nil
}

// Distance is the great-circle distance between two WGS-84 points, in metres.
func Distance(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dl, dg := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dl/2)*math.Sin(dl/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dg/2)*math.Sin(dg/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// router is the actor of automatic steps.
const router = audit.System(SystemRouting)

// dispatchTo sends an accepted event to its lead (and assisting)
// departments and starts its clock.
func (s *Service) dispatchTo(ctx context.Context, actor audit.Actor, e *Event, lead OrgRef, assist []OrgRef, comment string, detail map[string]any) error {
	from := e.State
	c, _ := CategoryOf(e.Category)
	e.State, e.Lead, e.Assist, e.Pending = Dispatched, lead, assist, nil
	e.Deadline = c.Limit.Deadline(s.cal, e.UpdatedAt).UTC().Truncate(time.Microsecond)
	e.Version++
	if err := s.store.UpdateEvent(ctx, e); err != nil {
		return err
	}
	if detail == nil {
		detail = map[string]any{}
	}
	detail["lead"], detail["lead_name"], detail["deadline"] = lead.ID, lead.Name, e.Deadline
	if len(assist) > 0 {
		detail["assist"] = assist
	}
	return s.record(ctx, actor, e, &Step{Action: ActDispatch, From: from, Comment: comment, Detail: detail})
}

// closeAtOnce closes a report as it is made: a grid worker fixed it on
// patrol, or a hotline operator answered the caller.
func (s *Service) closeAtOnce(ctx context.Context, by *identity.Caller, e *Event, a Action, note string) error {
	from := e.State
	e.State, e.Reply, e.ClosedAt, e.AcceptedAt, e.Version = Closed, note, e.UpdatedAt, e.UpdatedAt, e.Version+1
	if err := s.store.UpdateEvent(ctx, e); err != nil {
		return err
	}
	st := &Step{Action: a, From: from, Comment: note}
	if a == ActCloseOnSpot {
		st.Photos = e.Photos
	}
	return s.record(ctx, by, e, st)
}
