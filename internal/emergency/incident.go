package emergency

import (
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Type is the kind of an incident, as the national emergency plan (国家突发
// 公共事件总体应急预案) divides them.
type Type string

const (
	NaturalDisaster Type = "natural_disaster" // 自然灾害
	Accident        Type = "accident"         // 事故灾难
	PublicHealth    Type = "public_health"    // 公共卫生事件
	SocialSecurity  Type = "social_security"  // 社会安全事件
)

// Types lists the types in display order.
var Types = []Type{NaturalDisaster, Accident, PublicHealth, SocialSecurity}

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	for _, x := range Types {
		if x == t {
			return true
		}
	}
	return false
}

// Grade is an incident's severity: 1 (Ⅰ级 特别重大) to 4 (Ⅳ级 一般).
type Grade int

// Grades lists the grades, most severe first.
var Grades = []Grade{1, 2, 3, 4}

// Valid reports whether g is I to IV.
func (g Grade) Valid() bool { return g >= 1 && g <= 4 }

// Roman is the grade as written on notices: Ⅰ, Ⅱ, Ⅲ, Ⅳ.
func (g Grade) Roman() string {
	if !g.Valid() {
		return "?"
	}
	return []string{"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"}[g-1]
}

// State is where an incident is in its life: declared → responding →
// closed.
type State string

const (
	Declared   State = "declared"   // 已报告: declared, response not started
	Responding State = "responding" // 响应中: the command structure is at work
	Closed     State = "closed"     // 已结束: closed with an after-action report
)

// Sections are the command structure's posts, in display order.
var Sections = []string{"commander", "operations", "planning", "logistics", "finance"}

// Command is an incident's command structure: the name of the staff member
// at each post (总指挥, 行动组, 计划组, 后勤保障组, 财务组); "" if vacant.
type Command struct {
	Commander  string `json:"commander"`
	Operations string `json:"operations"`
	Planning   string `json:"planning"`
	Logistics  string `json:"logistics"`
	Finance    string `json:"finance"`
}

// Get returns the holder of a section (see Sections).
func (c Command) Get(section string) string {
	switch section {
	case "commander":
		return c.Commander
	case "operations":
		return c.Operations
	case "planning":
		return c.Planning
	case "logistics":
		return c.Logistics
	case "finance":
		return c.Finance
	}
	return ""
}

// Incident is an emergency being handled (突发事件).
type Incident struct {
	ID             ids.ID      `json:"id"`
	Title          string      `json:"title"`
	Type           Type        `json:"type"`
	Grade          Grade       `json:"grade"`
	Region         region.Code `json:"region"`
	Address        string      `json:"address"`
	Lat            float64     `json:"lat"` // WGS-84; 0, 0: not given
	Lon            float64     `json:"lon"`
	Summary        string      `json:"summary"`
	Drill          bool        `json:"drill"` // 演练: its alerts have CAP status Exercise
	State          State       `json:"state"`
	Command        Command     `json:"command"`
	SourceAlert    ids.ID      `json:"source_alert,omitempty"` // the sensing alert it was declared from
	Report         string      `json:"report,omitempty"`       // the after-action report (总结评估)
	DeclaredBy     ids.ID      `json:"-"`
	DeclaredByName string      `json:"declared_by"`
	DeclaredAt     time.Time   `json:"declared_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
	ClosedByName   string      `json:"closed_by,omitempty"`
	ClosedAt       time.Time   `json:"closed_at,omitzero"`
	Version        int         `json:"version"`
}

// TaskState is whether a task is done.
type TaskState string

const (
	TaskOpen TaskState = "open"
	TaskDone TaskState = "done"
)

// Task is work given to a department for an incident, with a deadline.
type Task struct {
	ID         ids.ID      `json:"id"`
	IncidentID ids.ID      `json:"incident_id"`
	Region     region.Code `json:"-"` // the incident's, for scope checks
	OrgID      ids.ID      `json:"org_id"`
	OrgName    string      `json:"org_name"`
	Title      string      `json:"title"`
	Due        time.Time   `json:"due"`
	Progress   int         `json:"progress"` // percent; 100 is done
	Note       string      `json:"note,omitempty"`
	State      TaskState   `json:"state"`
	ByName     string      `json:"assigned_by"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	DoneAt     time.Time   `json:"done_at,omitzero"`
	Version    int         `json:"version"`
}

// Overdue reports whether t is open past its deadline at now.
func (t *Task) Overdue(now time.Time) bool { return t.State == TaskOpen && now.After(t.Due) }

// ResourceKind is what a resource is.
type ResourceKind string

const (
	Shelter ResourceKind = "shelter" // 避难场所: Quantity is the people it holds
	Team    ResourceKind = "team"    // 救援队伍: Quantity is its members
	Supply  ResourceKind = "supply"  // 物资: Quantity in Unit
)

// ResourceKinds lists the kinds in display order.
var ResourceKinds = []ResourceKind{Shelter, Team, Supply}

// Valid reports whether k is a known kind.
func (k ResourceKind) Valid() bool { return k == Shelter || k == Team || k == Supply }

// Resource is something that can be deployed to incidents, kept at a place.
type Resource struct {
	ID        ids.ID       `json:"id"`
	Kind      ResourceKind `json:"kind"`
	Name      string       `json:"name"`
	Region    region.Code  `json:"region"`
	Address   string       `json:"address"`
	Lat       float64      `json:"lat"`
	Lon       float64      `json:"lon"`
	Quantity  int          `json:"quantity"`
	Unit      string       `json:"unit"`
	CreatedAt time.Time    `json:"created_at"`
}

// Deployment is a resource (or part of a supply) sent to an incident.
type Deployment struct {
	ID           ids.ID       `json:"id"`
	IncidentID   ids.ID       `json:"incident_id"`
	ResourceID   ids.ID       `json:"resource_id"`
	ResourceName string       `json:"resource_name"`
	Kind         ResourceKind `json:"kind"`
	Lat          float64      `json:"lat"`
	Lon          float64      `json:"lon"`
	Quantity     int          `json:"quantity"`
	Unit         string       `json:"unit"`
	Note         string       `json:"note,omitempty"`
	ByName       string       `json:"by"`
	At           time.Time    `json:"at"`
}

// Entry is one line of an incident's situation report timeline (态势).
// Kind says what happened (declared, responding, command, task, task_done,
// deployed, report, alert, closed); Text is what a person wrote or the
// change's particulars.
type Entry struct {
	ID         ids.ID    `json:"id"`
	IncidentID ids.ID    `json:"incident_id"`
	Kind       string    `json:"kind"`
	Text       string    `json:"text"`
	ByName     string    `json:"by"`
	At         time.Time `json:"at"`
}

// Limits on free text, in characters.
const (
	MaxTitle  = 100
	MaxText   = 2000
	MaxReport = 20000
	MaxName   = 50
)

// tooLong reports whether s has more than n characters.
func tooLong(s string, n int) bool { return len([]rune(s)) > n }

func clean(s string) string { return strings.TrimSpace(s) }
