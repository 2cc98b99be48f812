package governance

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/region"
)

// SensorAlert is an alert of the sensing domain (感知预警) as its outbox
// event carries it (topic sensing.alert.raised, docs/sensing.md). The
// governance domain does not import sensing: the app hands it over.
type SensorAlert struct {
	AlertID     string    `json:"alert_id"`
	Station     string    `json:"station"`
	StationName string    `json:"station_name"`
	Metric      string    `json:"metric"`
	Unit        string    `json:"unit"`
	Region      string    `json:"region"`
	Level       string    `json:"level"`                    // blue, yellow, orange, red
	Previous    string    `json:"previous_level,omitempty"` // an escalation's level before
	Value       float64   `json:"value"`
	Threshold   float64   `json:"threshold"`
	ReadingAt   time.Time `json:"reading_at"`
}

// alertCategories is the event category an alert of a metric opens: rain
// and water levels become waterlogging (内涝积水), air quality air pollution,
// fire alarms a fire, infections a public-health incident. Crowd density
// and traffic have no event category yet: their alerts stay alerts.
var alertCategories = map[string]string{
	"rainfall": "1002", "river_level": "1002", "reservoir_level": "1002",
	"aqi": "0402", "pm25": "0402", "fire_alarms": "1001", "infections": "1003",
}

// alertLevels are the alert levels that open an event (预警联动): orange and
// red. Blue and yellow alerts are watched on the duty desk only.
var alertLevels = map[string]Urgency{"orange": Urgent, "red": Critical}

// OpenFromAlert opens an event for a sensing alert of level orange or red
// (raised so, or escalated from below orange: an alert opens one event)
// whose metric has an event category, in the alert's region, as source
// sensor with the alert as its external ID; the routing rule then
// dispatches it like any report. It returns nil and no error for alerts
// that open no event. The event is reported by the system 感知预警联动, not
// by an account: the alert was already audited when it was raised.
func (s *Service) OpenFromAlert(ctx context.Context, a SensorAlert) (*Event, error) {
	cat, ok := alertCategories[a.Metric]
	urgency, hot := alertLevels[a.Level]
	if _, opened := alertLevels[a.Previous]; !ok || !hot || opened {
		return nil, nil
	}
	code := region.Code(a.Region)
	by := &identity.Caller{UserID: sensorLinkID, Name: SystemSensorLink, Kind: identity.KindStaff,
		Grants: []identity.Grant{{Role: identity.RoleDispatcher, Scope: code}}}
	at := a.ReadingAt.In(shanghai).Format("2006-01-02 15:04")
	desc := fmt.Sprintf("%s预警：%s %s 读数 %.1f%s，超过阈值 %.1f%s（%s）。", levelNames[a.Level], a.StationName,
		metricNames[a.Metric], a.Value, a.Unit, a.Threshold, a.Unit, at)
	e, _, err := s.Report(ctx, by, Input{Source: SourceSensor, ExternalID: a.AlertID, Category: cat, Description: desc,
		Region: a.Region, Address: a.StationName, Urgency: urgency, ReporterName: SystemSensorLink,
		reportDetail: map[string]any{AlertTextKey: AlertText{Level: a.Level, Station: a.StationName, Metric: a.Metric,
			Unit: a.Unit, Value: a.Value, Threshold: a.Threshold, At: at}}})
	return e, err
}

// Names of the system actors of the event flow, as steps, the audit log
// and events store them: codes, which pages show through the message
// catalog (system.actor.<code>). Rows written before the codes carry the
// Chinese names (智能分拨, 超时督办, 感知预警联动); pages map those too.
const (
	SystemRouting      = "routing"       // 智能分拨: a routing rule's accept and dispatch
	SystemOverdueTimer = "overdue_timer" // 超时督办: the overdue timer's steps
	SystemSensorLink   = "sensor_link"   // 感知预警联动: events opened from alerts
)

// AlertTextKey is the key, in the detail of the report step of an event
// opened from an alert, of the alert's facts as an AlertText: pages write
// the description from it in the reader's language. The event's
// Description holds the same text in Chinese, for search and the API.
const AlertTextKey = "alert_text"

// AlertText is what the description of an event opened from an alert
// says: level and metric as codes, the reading and threshold with their
// unit, and the reading's time (Asia/Shanghai, 2006-01-02 15:04).
type AlertText struct {
	Level     string  `json:"level"`
	Station   string  `json:"station"`
	Metric    string  `json:"metric"`
	Unit      string  `json:"unit"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	At        string  `json:"at"`
}

// legacyAlertText reads the Chinese description OpenFromAlert wrote
// before it kept an AlertText in the report step.
var legacyAlertText = regexp.MustCompile(`^(橙色|红色)预警：(.+) (\S+) 读数 (-?[0-9.]+)(.*)，超过阈值 (-?[0-9.]+)(.*)（([0-9: -]+)）。$`)

// AlertTextOf is the alert text of an event opened from an alert: from its
// report step's detail, or read back from the Chinese description of
// events opened before the detail was kept. ok is false for other events.
func AlertTextOf(e *Event, steps []Step) (t AlertText, ok bool) {
	if e.Source != SourceSensor {
		return t, false
	}
	for _, st := range steps {
		if st.Action != ActReport {
			continue
		}
		switch v := st.Detail[AlertTextKey].(type) {
		case AlertText:
			return v, true
		case map[string]any:
			b, err := json.Marshal(v)
			if err == nil && json.Unmarshal(b, &t) == nil && t.Level != "" {
				return t, true
			}
		}
	}
	m := legacyAlertText.FindStringSubmatch(e.Description)
	if m == nil {
		return t, false
	}
	for code, name := range levelNames {
		if name == m[1] {
			t.Level = code
		}
	}
	for code, name := range metricNames {
		if name == m[3] {
			t.Metric = code
		}
	}
	if t.Metric == "" {
		return t, false
	}
	t.Station, t.Unit, t.At = m[2], m[5], m[8]
	t.Value, _ = strconv.ParseFloat(m[4], 64)
	t.Threshold, _ = strconv.ParseFloat(m[6], 64)
	return t, true
}

// sensorLinkID is the reporter ID of events opened from alerts: no account
// has it (account IDs are UUIDs).
const sensorLinkID = "system:sensing"

var levelNames = map[string]string{"orange": "橙色", "red": "红色"}

var metricNames = map[string]string{
	"rainfall": "降雨量", "river_level": "河道水位", "reservoir_level": "水库水位", "aqi": "空气质量指数",
	"pm25": "PM2.5", "fire_alarms": "火警", "infections": "传染病报告",
}
