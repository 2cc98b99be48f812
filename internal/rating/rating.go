package rating

import (
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Limits and time limits of the scheme.
const (
	MaxComment  = 500  // characters of the applicant's comment
	MaxText     = 2000 // characters of a call-back record or a rectification
	RectifyDays = 15   // working days an authority has to rectify a bad rating
	WarnDays    = 3    // an open task this many working days from its due date turns yellow
)

// Score is one of the five levels of 好差评.
type Score int

const (
	VeryDissatisfied Score = 1 // 非常不满意
	Dissatisfied     Score = 2 // 不满意
	FairlySatisfied  Score = 3 // 基本满意
	Satisfied        Score = 4 // 满意
	VerySatisfied    Score = 5 // 非常满意
)

// Scores lists the levels best first, as forms offer them.
var Scores = []Score{VerySatisfied, Satisfied, FairlySatisfied, Dissatisfied, VeryDissatisfied}

// Valid reports whether s is one of the five levels.
func (s Score) Valid() bool { return s >= VeryDissatisfied && s <= VerySatisfied }

// Bad reports whether s is 不满意 or worse: such a rating opens a
// rectification task.
func (s Score) Bad() bool { return s.Valid() && s <= Dissatisfied }

// Good reports whether s is 满意 or better: it counts towards the
// satisfaction rate.
func (s Score) Good() bool { return s >= Satisfied && s.Valid() }

// Aspects are the sub-scores of the online scheme, each a Score or 0 when
// the applicant left it out.
type Aspects struct {
	Guide       Score // 办事指南: the guide was clear and right
	Convenience Score // 办理便捷: easy to apply
	Timeliness  Score // 办理时效: handled in good time
	Attitude    Score // 服务态度: staff were helpful
}

// Input is what an applicant submits.
type Input struct {
	Score   Score
	Aspects Aspects
	Comment string
}

// check returns every invalid field at once, as a field → message-key map.
func (in *Input) check() error {
	bad := map[string]string{}
	if !in.Score.Valid() {
		bad["score"] = "rating.score_required"
	}
	for name, a := range map[string]Score{"guide": in.Aspects.Guide, "convenience": in.Aspects.Convenience,
		"timeliness": in.Aspects.Timeliness, "attitude": in.Aspects.Attitude} {
		if a != 0 && !a.Valid() {
			bad[name] = "rating.aspect_invalid"
		}
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if len([]rune(in.Comment)) > MaxComment {
		bad["comment"] = "rating.comment_too_long"
	}
	if len(bad) > 0 {
		return errs.Fields(bad)
	}
	return nil
}

// Rating is an applicant's rating of a completed case. The case's
// particulars are copied in, so that lists and statistics need no case.
type Rating struct {
	CaseID      ids.ID
	CaseNumber  string
	ItemCode    string
	ItemName    string
	AuthorityID ids.ID
	Authority   string
	Region      region.Code // the case's 办理地
	ApplicantID ids.ID      // the applicant's account
	PersonID    ids.ID      // the natural person who applied, the subject of audit entries
	Score       Score
	Aspects     Aspects
	Comment     string
	CreatedAt   time.Time
}

// State is where a rectification task stands.
type State string

const (
	Open   State = "open"   // 待整改
	Closed State = "closed" // 已整改: called back and rectified
)

// Rectification is the task (整改) a bad rating opens for the case's
// authority.
type Rectification struct {
	ID           ids.ID
	CaseID       ids.ID
	Score        Score // the rating that opened it
	AuthorityID  ids.ID
	Region       region.Code
	Due          time.Time // end of the RectifyDays-th working day after the rating
	State        State
	Callback     string // 回访: what the applicant said when called back
	Action       string // what was rectified
	ClosedBy     ids.ID
	ClosedByName string
	ClosedAt     time.Time
	CreatedAt    time.Time

	// From the rating, filled in by the store when reading.
	CaseNumber string
	ItemCode   string
	ItemName   string
	Authority  string
	Comment    string
	PersonID   ids.ID
}

// Overdue reports whether the task is open after its due date.
func (x *Rectification) Overdue(now time.Time) bool { return x.State == Open && now.After(x.Due) }

// Grouping is how statistics are grouped.
type Grouping string

const (
	ByItem      Grouping = "item"
	ByAuthority Grouping = "authority"
	ByProvince  Grouping = "province"
	ByCity      Grouping = "city"
	ByCounty    Grouping = "county"
)

// Groupings lists the groupings in display order.
var Groupings = []Grouping{ByItem, ByAuthority, ByCity, ByCounty, ByProvince}

// RegionDigits is the length of the region-code prefix a regional grouping
// cuts the case's region to (2 province, 4 city, 6 county), 0 for the
// others.
func (g Grouping) RegionDigits() int {
	switch g {
	case ByProvince:
		return 2
	case ByCity:
		return 4
	case ByCounty:
		return 6
	}
	return 0
}

// Valid reports whether g is a known grouping.
func (g Grouping) Valid() bool { return g == ByItem || g == ByAuthority || g.RegionDigits() > 0 }

// Stat is the ratings of one group.
type Stat struct {
	Key       string // item code, authority ID, or region code
	Name      string // item name, authority name, or region name
	Count     int
	ScoreSum  int
	Satisfied int // 满意 and 非常满意
	Bad       int // 不满意 and 非常不满意
	Rectified int // bad ratings whose task is closed
}

// Average is the mean score, 0 without ratings.
func (s Stat) Average() float64 {
	if s.Count == 0 {
		return 0
	}
	return float64(s.ScoreSum) / float64(s.Count)
}

// SatisfactionRate is the share of ratings that are 满意 or better, from 0
// to 1 (0 without ratings).
func (s Stat) SatisfactionRate() float64 {
	if s.Count == 0 {
		return 0
	}
	return float64(s.Satisfied) / float64(s.Count)
}

// add adds o's counts to s.
func (s *Stat) add(o Stat) {
	s.Count += o.Count
	s.ScoreSum += o.ScoreSum
	s.Satisfied += o.Satisfied
	s.Bad += o.Bad
	s.Rectified += o.Rectified
}

// Report is the statistics of the ratings in a caller's reach.
type Report struct {
	By     Grouping
	Groups []Stat // most ratings first
	Total  Stat
}
