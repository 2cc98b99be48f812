package emergency

import (
	"encoding/xml"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// CAPNamespace is the XML namespace of CAP 1.2 messages.
const CAPNamespace = "urn:oasis:names:tc:emergency:cap:1.2"

// AlertState is whether an alert message is the incident's current one.
type AlertState string

const (
	AlertCurrent  AlertState = "current"  // the latest message of its incident
	AlertReplaced AlertState = "replaced" // an Update or Cancel came after it
)

// Message types and statuses of CAP 1.2 (§3.2.1) that digigov sends.
const (
	MsgAlert  = "Alert"
	MsgUpdate = "Update"
	MsgCancel = "Cancel"

	StatusActual   = "Actual"
	StatusExercise = "Exercise"
)

// ResponseTypes is CAP 1.2's responseType vocabulary.
var ResponseTypes = []string{"Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"}

// Alert is a public alert message about an incident, as stored. CAP() turns
// it into a CAP 1.2 message.
type Alert struct {
	ID            ids.ID      `json:"identifier"` // CAP identifier: a UUID, unique for the sender
	IncidentID    ids.ID      `json:"incident_id"`
	Sender        string      `json:"sender"`
	Sent          time.Time   `json:"sent"`
	Status        string      `json:"status"`   // Actual, or Exercise for a drill
	MsgType       string      `json:"msg_type"` // Alert, Update, Cancel
	References    string      `json:"references,omitempty"`
	State         AlertState  `json:"state"`
	Type          Type        `json:"type"`
	Grade         Grade       `json:"grade"`
	Region        region.Code `json:"region"`
	AreaDesc      string      `json:"area_desc"`
	Event         string      `json:"event"` // the incident's title
	ResponseType  string      `json:"response_type"`
	Headline      string      `json:"headline"`
	Description   string      `json:"description"`
	Instruction   string      `json:"instruction,omitempty"`
	HeadlineEn    string      `json:"headline_en,omitempty"`
	DescriptionEn string      `json:"description_en,omitempty"`
	InstructionEn string      `json:"instruction_en,omitempty"`
	SenderName    string      `json:"sender_name"` // the issuing body, for people
	Expires       time.Time   `json:"expires"`
}

// Active reports whether a is the current message of its incident and not
// expired at now.
func (a *Alert) Active(now time.Time) bool { return a.State == AlertCurrent && now.Before(a.Expires) }

// Category is the CAP category of an incident type: natural disasters in
// Guangdong are mostly weather (typhoons, rainstorms), so Met; the issuer
// names the event in the text.
func (t Type) Category() string {
	switch t {
	case PublicHealth:
		return "Health"
	case Accident:
		return "Safety"
	case SocialSecurity:
		return "Security"
	}
	return "Met"
}

// Severity is the CAP severity of a grade: Ⅰ Extreme, Ⅱ Severe, Ⅲ Moderate,
// Ⅳ Minor.
func (g Grade) Severity() string {
	switch g {
	case 1:
		return "Extreme"
	case 2:
		return "Severe"
	case 3:
		return "Moderate"
	case 4:
		return "Minor"
	}
	return "Unknown"
}

// Urgency is the CAP urgency of a grade: act now for Ⅰ and Ⅱ, soon for Ⅲ
// and Ⅳ.
func (g Grade) Urgency() string {
	if g == 1 || g == 2 {
		return "Immediate"
	}
	return "Expected"
}

// CAPMessage is a CAP 1.2 alert message (OASIS CAP 1.2, §3.2), its
// elements in the schema's order.
type CAPMessage struct {
	XMLName    xml.Name  `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier string    `xml:"identifier"`
	Sender     string    `xml:"sender"`
	Sent       string    `xml:"sent"`
	Status     string    `xml:"status"`
	MsgType    string    `xml:"msgType"`
	Scope      string    `xml:"scope"`
	Note       string    `xml:"note,omitempty"`
	References string    `xml:"references,omitempty"`
	Incidents  string    `xml:"incidents,omitempty"`
	Info       []CAPInfo `xml:"info"`
}

// CAPInfo is a CAP info block, one per language.
type CAPInfo struct {
	Language     string     `xml:"language"`
	Category     []string   `xml:"category"`
	Event        string     `xml:"event"`
	ResponseType []string   `xml:"responseType,omitempty"`
	Urgency      string     `xml:"urgency"`
	Severity     string     `xml:"severity"`
	Certainty    string     `xml:"certainty"`
	EventCode    []CAPValue `xml:"eventCode,omitempty"`
	Effective    string     `xml:"effective,omitempty"`
	Expires      string     `xml:"expires,omitempty"`
	SenderName   string     `xml:"senderName,omitempty"`
	Headline     string     `xml:"headline,omitempty"`
	Description  string     `xml:"description,omitempty"`
	Instruction  string     `xml:"instruction,omitempty"`
	Web          string     `xml:"web,omitempty"`
	Area         []CAPArea  `xml:"area"`
}

// CAPArea is a CAP area block.
type CAPArea struct {
	AreaDesc string     `xml:"areaDesc"`
	Circle   string     `xml:"circle,omitempty"`
	Geocode  []CAPValue `xml:"geocode,omitempty"`
}

// CAPValue is a CAP valueName/value pair.
type CAPValue struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

// capZone is China Standard Time. CAP 1.2 forbids "Z": times carry their
// offset, and people here read +08:00.
var capZone = time.FixedZone("CST", 8*3600)

// CAPTime formats t as CAP 1.2 wants it: 2026-11-26T08:00:00+08:00.
func CAPTime(t time.Time) string { return t.In(capZone).Format("2006-01-02T15:04:05-07:00") }

// reference is how later messages name a: "sender,identifier,sent".
func (a *Alert) reference() string { return a.Sender + "," + string(a.ID) + "," + CAPTime(a.Sent) }

// Geocode is the region as a CAP geocode: a 6-digit GB/T 2260 code for a
// province, city or county (44 → 440000), the statistical code (统计用区划代码)
// for towns and villages.
func Geocode(c region.Code) CAPValue {
	s := string(c)
	if len(s) <= 6 {
		return CAPValue{ValueName: "GB/T 2260", Value: s + strings.Repeat("0", 6-len(s))}
	}
	return CAPValue{ValueName: "CN-STATS", Value: s}
}

// CAP returns a as a CAP 1.2 message; web is the public page's address
// ("" to leave it out). The Chinese info comes first; an English one is
// added when its headline was given.
func (a *Alert) CAP(web string) *CAPMessage {
	m := &CAPMessage{Identifier: string(a.ID), Sender: a.Sender, Sent: CAPTime(a.Sent), Status: a.Status,
		MsgType: a.MsgType, Scope: "Public", References: a.References, Incidents: string(a.IncidentID)}
	urgency, severity, certainty := a.Grade.Urgency(), a.Grade.Severity(), "Observed"
	if a.MsgType == MsgCancel {
		urgency, severity = "Past", "Minor"
	}
	info := func(lang, headline, desc, instr string) CAPInfo {
		in := CAPInfo{Language: lang, Category: []string{a.Type.Category()}, Event: a.Event,
			Urgency: urgency, Severity: severity, Certainty: certainty,
			EventCode: []CAPValue{{ValueName: "digigov-incident-type", Value: string(a.Type)},
				{ValueName: "digigov-grade", Value: a.Grade.Roman()}},
			Effective: CAPTime(a.Sent), Expires: CAPTime(a.Expires), SenderName: a.SenderName,
			Headline: headline, Description: desc, Instruction: instr, Web: web,
			Area: []CAPArea{{AreaDesc: a.AreaDesc, Geocode: []CAPValue{Geocode(a.Region)}}}}
		if a.ResponseType != "" {
			in.ResponseType = []string{a.ResponseType}
		}
		return in
	}
	m.Info = append(m.Info, info("zh-CN", a.Headline, a.Description, a.Instruction))
	if a.HeadlineEn != "" {
		m.Info = append(m.Info, info("en", a.HeadlineEn, a.DescriptionEn, a.InstructionEn))
	}
	return m
}

// MarshalCAP returns a's CAP 1.2 document, with the XML declaration.
func (a *Alert) MarshalCAP(web string) ([]byte, error) {
	b, err := xml.MarshalIndent(a.CAP(web), "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}
