package governance

import (
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Source is where an event came from.
type Source string

const (
	SourcePortal  Source = "portal"  // a citizen on the portal
	SourceOpen311 Source = "open311" // an Open311 GeoReport v2 client
	SourceGrid    Source = "grid"    // a grid worker on patrol (网格巡查)
	SourceHotline Source = "hotline" // a 12345 hotline call
	SourceSensor  Source = "sensor"  // a sensing alert (感知预警)
	SourceAPI     Source = "api"     // another system through the JSON API
)

// Sources lists the sources, in display order.
var Sources = []Source{SourcePortal, SourceOpen311, SourceGrid, SourceHotline, SourceSensor, SourceAPI}

func (s Source) valid() bool {
	for _, x := range Sources {
		if x == s {
			return true
		}
	}
	return false
}

// Urgency is how fast an event needs a hand.
type Urgency string

const (
	Normal   Urgency = "normal"   // 一般
	Urgent   Urgency = "urgent"   // 紧急
	Critical Urgency = "critical" // 特急
)

// Urgencies lists the urgencies, in display order.
var Urgencies = []Urgency{Normal, Urgent, Critical}

// State is where an event stands.
type State string

const (
	Reported        State = "reported"         // 待受理
	Accepted        State = "accepted"         // 已立案, waiting for dispatch
	Dispatched      State = "dispatched"       // 已派遣, waiting for the department to take it
	Handling        State = "handling"         // 处置中
	ReturnRequested State = "return_requested" // 退单/改派申请中, waiting for the dispatcher
	Replied         State = "replied"          // 已回复, waiting for verification (核查)
	Verified        State = "verified"         // 已核查, waiting for closure
	Closed          State = "closed"           // 已结案
	Rejected        State = "rejected"         // 不予立案
	Merged          State = "merged"           // 已并单 into another event
	Split           State = "split"            // 已拆单 into several events
)

// States lists every state, in flow order.
var States = []State{Reported, Accepted, Dispatched, Handling, ReturnRequested, Replied, Verified, Closed, Rejected, Merged, Split}

// Open reports whether s still needs someone to act.
func (s State) Open() bool {
	return s != Closed && s != Rejected && s != Merged && s != Split
}

// OpenStates are the states of events still in hand.
var OpenStates = []State{Reported, Accepted, Dispatched, Handling, ReturnRequested, Replied, Verified}

// Location is where an event is: a region (always), an address, and a
// WGS-84 point when the reporter gave one.
type Location struct {
	Region  region.Code
	Address string
	Lat     float64
	Lng     float64
	HasGeo  bool
}

// OrgRef names an organisation.
type OrgRef struct {
	ID   ids.ID `json:"id"`
	Name string `json:"name"`
}

// Pending is a department's request to return or reassign an event,
// waiting for the dispatcher.
type Pending struct {
	Action Action // ActRequestReturn or ActRequestReassign
	From   State  // the state to go back to if it is denied
	Reason string
	By     OrgRef // the department asking
	// Deadline is the handling deadline before the request, given back
	// if it is denied.
	Deadline time.Time `json:",omitempty"`
}

// Event is one 事件.
type Event struct {
	ID          ids.ID
	Number      string // SJ + date + sequence: SJ20261126000123
	Version     int
	Source      Source
	ExternalID  string // the sending system's own ID, if any
	Category    string // a leaf category code
	Description string
	Location
	Urgency      Urgency
	ReporterID   ids.ID         // the account that reported (staff for grid and hotline)
	ReporterName string         // the caller's or citizen's name as given
	Phone        identity.Phone // the citizen's phone; sealed at rest, shown masked
	Photos       []string       // SHA-256 of the photos given with the report
	// CoReporters are the reporters of the events merged into this one
	// (merged.go): read from the store with the event, never written.
	CoReporters []ids.ID

	State      State
	Level      region.Level // the level handling it now
	Department string       // department type handling it
	Lead       OrgRef       // 主办
	Assist     []OrgRef     // 协办
	Deadline   time.Time    // end of the time limit of the step it waits for (timelimit.go)
	Pending    *Pending
	ParentID   ids.ID // the event this one was split from
	MergedInto ids.ID // the event this one was merged into
	Reply      string
	Rating     int       // 1–5 after the call-back; 0 before
	Supervised int       // supervision notices (督办) sent
	Escalated  int       // escalations so far
	TimerAt    time.Time // when the overdue timer last acted on it

	CreatedAt  time.Time
	UpdatedAt  time.Time
	AcceptedAt time.Time
	ClosedAt   time.Time
	RatedAt    time.Time
}

// HandlingRegion is the region whose body handles the event at its level:
// its region's ancestor at that level, or its region itself when the
// event was reported higher up.
func (e *Event) HandlingRegion() region.Code { return AtLevel(e.Region, e.Level) }

// AtLevel is the ancestor of c at level l (c itself if c is at l or above).
func AtLevel(c region.Code, l region.Level) region.Code {
	n := codeLen(l)
	if n == 0 || len(c) <= n {
		return c
	}
	return c[:n]
}

func codeLen(l region.Level) int {
	switch l {
	case region.Province:
		return 2
	case region.City:
		return 4
	case region.County:
		return 6
	case region.Town:
		return 9
	case region.Village:
		return 12
	}
	return 0
}

// Overdue reports whether the event is open and the step it waits for is
// past its deadline at now.
func (e *Event) Overdue(now time.Time) bool {
	return e.State.Open() && !e.Deadline.IsZero() && now.After(e.Deadline)
}

// Step is one entry of an event's history.
type Step struct {
	EventID   ids.ID
	Seq       int
	Action    Action
	From      State
	To        State
	ActorID   ids.ID
	ActorName string
	Comment   string
	Photos    []string       // SHA-256 of photos attached to this step
	Detail    map[string]any // what else the step decided (department, target event, level…)
	At        time.Time
}

var zeroTime time.Time
