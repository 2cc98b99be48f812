package cases

import (
	"time"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// State is where a case stands.
type State string

const (
	Draft      State = "draft"      // 草稿: saved by the applicant, not yet submitted
	Received   State = "received"   // 已收件: received at a counter for an authority elsewhere, to be forwarded
	Submitted  State = "submitted"  // 待受理: with the competent authority, awaiting acceptance
	Correction State = "correction" // 补齐补正: the applicant must supplement materials; the clock stops
	InReview   State = "in_review"  // 审查中
	InDecision State = "in_decision"
	Decided    State = "decided"   // 已决定: approved or denied, result to deliver
	Completed  State = "completed" // 已办结
	Rejected   State = "rejected"  // 不予受理
	Withdrawn  State = "withdrawn" // 已撤回
)

// Channel is how the application came in.
type Channel string

const (
	ChannelOnline  Channel = "online"  // 网上办理, by the applicant
	ChannelCounter Channel = "counter" // 窗口, by counter staff for the applicant (代办)
)

// Outcome is the decision.
type Outcome string

const (
	Approved Outcome = "approved" // 准予
	Denied   Outcome = "denied"   // 不予
)

// MaterialRef is an uploaded material: the blob it is stored as.
type MaterialRef struct {
	Field       string `json:"field"` // form field it was uploaded for
	Name        string `json:"name"`  // original file name, for people
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	// Receipt proves that the caller uploaded the blob: Upload gives it,
	// and an application or a correction names a new material only with
	// the receipt its uploader got (a keyed hash of uploader and SHA-256,
	// so a hash seen elsewhere cannot attach someone else's document).
	// Materials kept on a case carry none.
	Receipt string `json:"receipt,omitempty"`
	// License, instead of an upload, is the applicant's electronic licence
	// that satisfies the material Name of the item's guide (免提交); Field
	// is then LicenseField(Name) and there is no blob.
	License *LicenseRef `json:"license,omitempty"`
}

// Case is one application.
type Case struct {
	ID           ids.ID
	Number       string // 办件编号, readable, unique per authority: "HRSS440106-20261126-0001"; "" for drafts
	ItemCode     string
	ItemName     string
	ApplicantID  ids.ID // the applicant's user account
	PersonID     ids.ID // the natural person applying or acting as agent
	EnterpriseID ids.ID // for enterprise applications
	Applicant    string // name shown to staff
	ProxyID      ids.ID // counter staff who applied on the applicant's behalf (代办), "" for online
	Consent      string // the applicant's recorded consent to proxy handling
	Channel      Channel
	ReceivedAt   region.Code // 收件地
	AuthorityID  ids.ID      // the competent authority
	Authority    string      // its name
	DecidedAt    region.Code // 办理地: the authority's region
	State        State
	ResumeState  State // the state to return to after a correction
	Form         Form  // the application form's values
	Materials    []MaterialRef
	SubmittedAt  time.Time
	AcceptedAt   time.Time
	Deadline     time.Time // end of the promised time limit, moved on by corrections
	PausedAt     time.Time // when the current correction started (zero if none)
	Decision     string    // the written decision or reason
	Outcome      Outcome
	CompletedAt  time.Time
	Trips        int            // visits in person recorded on the case
	BundleID     ids.ID         // the bundled matter (一件事) application it is part of, "" if applied for alone
	Version      int            // bumped by every change: the optimistic lock
	pending      []Contribution // 多地联办 contributions to create with the submission
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Form is an application's values, by field name. It holds personal data
// (ID numbers, phones) and is stored encrypted.
type Form map[string]string

// Event is one transition of a case.
type Event struct {
	CaseID    ids.ID
	Seq       int
	Action    Action
	From, To  State
	ActorID   string
	ActorName string
	Comment   string
	At        time.Time
}

// stageOf is the handling stage of the item's steps that a case in state s
// is at ("" in other states); a case stores the item code and looks its
// steps up in the catalog.
func stageOf(s State) catalog.Stage {
	switch s {
	case Submitted:
		return catalog.StageAccept
	case InReview:
		return catalog.StageReview
	case InDecision:
		return catalog.StageDecide
	}
	return ""
}

// Open reports whether the case is still being handled (not finished).
func (c *Case) Open() bool {
	switch c.State {
	case Completed, Rejected, Withdrawn, Draft:
		return false
	}
	return true
}
