package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
)

// Huma names schemas after these types: they carry the sensing prefix so
// that they cannot collide with another domain's.

type sensingMetricBody struct {
	Code       string     `json:"code" doc:"rainfall, river_level, reservoir_level, aqi, pm25, crowd_density, traffic_index, fire_alarms, infections"`
	Name       string     `json:"name" doc:"in the caller's language"`
	Unit       string     `json:"unit"`
	Agg        string     `json:"agg" enum:"mean,max,sum" doc:"how the cockpit combines readings over a region and time"`
	Min        float64    `json:"min" doc:"readings below are rejected"`
	Max        float64    `json:"max" doc:"readings above are rejected"`
	Thresholds [4]float64 `json:"thresholds" doc:"default blue, yellow, orange and red thresholds (0: level unused)"`
}

type sensingStationBody struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Region    string    `json:"region"`
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	CreatedAt time.Time `json:"created_at"`
}

type sensingReadingBody struct {
	At    int64   `json:"ts" doc:"Unix seconds"`
	Value float64 `json:"value"`
}

type sensingRejectionBody struct {
	Line    int    `json:"line" doc:"line number in the batch, from 1"`
	Station string `json:"station,omitempty"`
	Metric  string `json:"metric,omitempty"`
	Reason  string `json:"reason" doc:"message key: sensing.station_unknown, sensing.metric_unknown, sensing.value_out_of_range, sensing.time_out_of_range, sensing.duplicate, sensing.line_malformed"`
	Message string `json:"message" doc:"the reason in the caller's language"`
}

type sensingReportBody struct {
	Accepted int                    `json:"accepted" doc:"readings stored"`
	Rejected []sensingRejectionBody `json:"rejected" doc:"lines not stored, in line order"`
	Alerts   int                    `json:"alerts" doc:"alerts raised or escalated by this batch"`
}

type sensingRuleBody struct {
	ID        string     `json:"id"`
	Metric    string     `json:"metric"`
	Scope     string     `json:"scope" doc:"region code: the rule applies to the stations within it; the narrowest rule wins"`
	Kind      string     `json:"kind" enum:"threshold,rate" doc:"threshold: the reading; rate: the rise per hour since the previous reading"`
	Levels    [4]float64 `json:"levels" doc:"blue, yellow, orange, red (0: unused; used ones must rise)"`
	Window    int        `json:"window_seconds" doc:"rate rules: the previous reading must be at most this old"`
	Enabled   bool       `json:"enabled"`
	UpdatedAt time.Time  `json:"updated_at"`
}

type sensingAlertBody struct {
	ID          string     `json:"id"`
	RuleID      string     `json:"rule_id"`
	Kind        string     `json:"kind" enum:"threshold,rate"`
	Station     string     `json:"station"`
	StationName string     `json:"station_name"`
	Metric      string     `json:"metric"`
	Region      string     `json:"region"`
	Level       string     `json:"level" enum:"blue,yellow,orange,red"`
	Value       float64    `json:"value" doc:"the reading (threshold) or rise per hour (rate) that set the level"`
	Threshold   float64    `json:"threshold"`
	ReadingAt   time.Time  `json:"reading_at"`
	State       string     `json:"state" enum:"open,acknowledged,closed"`
	RaisedAt    time.Time  `json:"raised_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	AckBy       string     `json:"acknowledged_by,omitempty"`
	AckAt       *time.Time `json:"acknowledged_at,omitempty"`
	ClosedBy    string     `json:"closed_by,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	Note        string     `json:"note,omitempty"`
}

type sensingAreaBody struct {
	Region string   `json:"region"`
	Name   string   `json:"name"`
	N      int64    `json:"n" doc:"readings in the last hour"`
	Value  *float64 `json:"value,omitempty" doc:"absent without readings"`
	Level  string   `json:"level" enum:"none,blue,yellow,orange,red" doc:"against the default thresholds"`
}

type sensingPointBody struct {
	At    int64    `json:"t"`
	Value *float64 `json:"v"`
}

type sensingSummaryBody struct {
	Region      string             `json:"region"`
	Name        string             `json:"name"`
	Metric      string             `json:"metric"`
	Unit        string             `json:"unit"`
	At          int64              `json:"at"`
	Areas       []sensingAreaBody  `json:"areas" doc:"the metric in each child region over the last hour"`
	Indicators  []sensingAreaBody  `json:"indicators" doc:"every metric in the region over the last hour (region = metric code)"`
	Trend       []sensingPointBody `json:"trend" doc:"by minute, last hour"`
	TrendDay    []sensingPointBody `json:"trend_day" doc:"by hour, last day"`
	AlertCounts [5]int             `json:"alert_counts" doc:"active alerts by level: [unused, blue, yellow, orange, red]"`
	Alerts      []sensingAlertBody `json:"alerts"`
}

func sensingAlertBodyOf(a *sensing.Alert) sensingAlertBody {
	return sensingAlertBody{ID: string(a.ID), RuleID: string(a.RuleID), Kind: string(a.Kind), Station: a.Station,
		StationName: a.StationName, Metric: a.Metric, Region: string(a.Region), Level: a.Level.String(), Value: a.Value,
		Threshold: a.Threshold, ReadingAt: time.Unix(a.ReadingAt, 0).UTC(), State: string(a.State), RaisedAt: a.RaisedAt,
		UpdatedAt: a.UpdatedAt, AckBy: a.AckBy, AckAt: timePtr(a.AckAt), ClosedBy: a.ClosedBy, ClosedAt: timePtr(a.ClosedAt), Note: a.Note}
}

func sensingRuleBodyOf(r *sensing.Rule) sensingRuleBody {
	return sensingRuleBody{ID: string(r.ID), Metric: r.Metric, Scope: string(r.Scope), Kind: string(r.Kind), Levels: r.Levels,
		Window: r.Window, Enabled: r.Enabled, UpdatedAt: r.UpdatedAt}
}

func sensingStationBodyOf(st *sensing.Station) sensingStationBody {
	return sensingStationBody{Code: st.Code, Name: st.Name, Region: string(st.Region), Lat: st.Lat, Lon: st.Lon, CreatedAt: st.CreatedAt}
}

func sensingPoints(ps []sensing.Point) []sensingPointBody {
	out := make([]sensingPointBody, len(ps))
	for i, p := range ps {
		out[i] = sensingPointBody{At: p.At, Value: p.Value}
	}
	return out
}

func sensingSummaryBodyOf(s *sensing.Summary) sensingSummaryBody {
	b := sensingSummaryBody{Region: string(s.Region), Name: s.Name, Metric: s.Metric, Unit: s.Unit, At: s.At,
		Areas: []sensingAreaBody{}, Trend: sensingPoints(s.Trend), TrendDay: sensingPoints(s.TrendDay),
		AlertCounts: s.AlertCounts, Alerts: []sensingAlertBody{}}
	for _, a := range s.Areas {
		b.Areas = append(b.Areas, sensingAreaBody{Region: string(a.Region), Name: a.Name, N: a.N, Value: a.Value, Level: a.Level})
	}
	for _, x := range s.Indicators {
		b.Indicators = append(b.Indicators, sensingAreaBody{Region: x.Metric, Name: x.Unit, N: x.N, Value: x.Value, Level: x.Level})
	}
	for i := range s.Alerts {
		b.Alerts = append(b.Alerts, sensingAlertBodyOf(&s.Alerts[i]))
	}
	return b
}

// sensingReport translates a batch report for the caller.
func (s *Server) sensingReport(lang string, rep *sensing.Report) sensingReportBody {
	b := sensingReportBody{Accepted: rep.Accepted, Alerts: rep.Alerts, Rejected: make([]sensingRejectionBody, len(rep.Rejected))}
	for i, x := range rep.Rejected {
		b.Rejected[i] = sensingRejectionBody{Line: x.Line, Station: x.Station, Metric: x.Metric, Reason: x.Reason,
			Message: s.msgs.T(lang, x.Reason)}
	}
	return b
}

func (s *Server) registerSensingAPI(api huma.API) {
	tags := []string{"sensing"}
	type metricsOutput struct{ Body []sensingMetricBody }
	huma.Register(api, huma.Operation{
		OperationID: "sensing-metrics", Method: http.MethodGet, Path: "/api/v1/sensing/metrics",
		Summary: "Indicator definitions (感知指标)", Tags: tags,
		Description: "The metrics readings may carry, with units, accepted ranges and default alert thresholds.",
	}, func(ctx context.Context, _ *struct{}) (*metricsOutput, error) {
		lang := state(ctx).Lang
		out := &metricsOutput{}
		for _, m := range sensing.Metrics {
			out.Body = append(out.Body, sensingMetricBody{Code: m.Code, Name: s.msgs.T(lang, m.NameKey()), Unit: s.msgs.T(lang, m.UnitKey()),
				Agg: string(m.Agg), Min: m.Min, Max: m.Max, Thresholds: m.Default})
		}
		return out, nil
	})

	type stationsOutput struct{ Body []sensingStationBody }
	huma.Register(api, huma.Operation{
		OperationID: "sensing-stations", Method: http.MethodGet, Path: "/api/v1/sensing/stations",
		Summary: "Stations within the caller's scope", Tags: tags, Security: bearer,
	}, func(ctx context.Context, _ *struct{}) (*stationsOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		sts, err := s.sensing.Stations(ctx, by)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &stationsOutput{Body: []sensingStationBody{}}
		for i := range sts {
			out.Body = append(out.Body, sensingStationBodyOf(&sts[i]))
		}
		return out, nil
	})

	type stationOutput struct{ Body sensingStationBody }
	type stationInput struct {
		Body struct {
			Code   string  `json:"code" maxLength:"64" doc:"letters, digits, '-' and '_'"`
			Name   string  `json:"name" maxLength:"100"`
			Region string  `json:"region" maxLength:"12" doc:"region code, down to a village"`
			Lat    float64 `json:"lat" minimum:"-90" maximum:"90"`
			Lon    float64 `json:"lon" minimum:"-180" maximum:"180"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "sensing-create-station", Method: http.MethodPost, Path: "/api/v1/sensing/stations", DefaultStatus: http.StatusCreated,
		Summary: "Register a station", Tags: tags, Security: bearer,
		Description: "Needs sensing.manage over the station's region (404 outside it); 409 if the code is taken.",
	}, func(ctx context.Context, in *stationInput) (*stationOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		st, err := s.sensing.CreateStation(ctx, by, sensing.NewStation{Code: b.Code, Name: b.Name, Region: b.Region, Lat: b.Lat, Lon: b.Lon})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &stationOutput{Body: sensingStationBodyOf(st)}, nil
	})

	type readingsOutput struct{ Body []sensingReadingBody }
	type readingsInput struct {
		Code   string `path:"code" maxLength:"64"`
		Metric string `query:"metric" required:"true" maxLength:"32"`
		From   int64  `query:"from" doc:"Unix seconds; default: a day ago"`
		To     int64  `query:"to" doc:"Unix seconds, exclusive; default: now"`
		Limit  int    `query:"limit" minimum:"1" maximum:"10000" default:"1000"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "sensing-station-readings", Method: http.MethodGet, Path: "/api/v1/sensing/stations/{code}/readings",
		Summary: "A station's readings of one metric", Tags: tags, Security: bearer,
	}, func(ctx context.Context, in *readingsInput) (*readingsOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		to, from := in.To, in.From
		if to == 0 {
			to = time.Now().Unix() + 1
		}
		if from == 0 {
			from = to - 86400
		}
		rs, err := s.sensing.StationReadings(ctx, by, in.Code, in.Metric, from, to, in.Limit)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &readingsOutput{Body: make([]sensingReadingBody, len(rs))}
		for i, r := range rs {
			out.Body[i] = sensingReadingBody{At: r.At, Value: r.Value}
		}
		return out, nil
	})

	type ingestOutput struct{ Body sensingReportBody }
	type ingestInput struct {
		RawBody []byte `contentType:"application/x-ndjson"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "sensing-ingest", Method: http.MethodPost, Path: "/api/v1/sensing/readings",
		Summary: "Send a batch of readings (JSON lines)", Tags: tags, Security: bearer, MaxBodyBytes: 8 << 20,
		Description: "One JSON object per line: `{\"station\":\"GZ-TH-RAIN-01\",\"metric\":\"rainfall\",\"ts\":1767225600,\"value\":12.5}` " +
			"(`ts` in Unix seconds or RFC 3339, optional: arrival time). At most 50,000 lines. Needs sensing.ingest. " +
			"Lines that cannot be stored (unknown station or metric — also a station outside the token's scope —, value out of range, " +
			"time more than 30 days old or 10 minutes ahead, a reading stored already, malformed JSON) are listed in `rejected` with their " +
			"line number and reason; the other lines are stored. The answer is 200 even when every line is rejected.",
	}, func(ctx context.Context, in *ingestInput) (*ingestOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		lines, bad, err := sensing.ParseLines(bytes.NewReader(in.RawBody), sensing.MaxBatchLines)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		rep, err := s.sensing.Ingest(ctx, by, lines, bad)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &ingestOutput{Body: s.sensingReport(state(ctx).Lang, rep)}, nil
	})

	type summaryOutput struct{ Body sensingSummaryBody }
	type summaryInput struct {
		Region string `query:"region" pattern:"^[0-9]{2,12}$" doc:"default: the caller's widest scope"`
		Metric string `query:"metric" maxLength:"32" doc:"default: rainfall"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "sensing-summary", Method: http.MethodGet, Path: "/api/v1/sensing/summary",
		Summary: "The cockpit's indicator figures of a region", Tags: tags, Security: bearer,
		Description: "What /cockpit shows and /cockpit/live streams: the metric per child region, every metric's current value, " +
			"trends and active alerts. Needs cockpit.view or sensing.manage over the region (404 outside it).",
	}, func(ctx context.Context, in *summaryInput) (*summaryOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		sum, err := s.sensing.Summary(ctx, by, region.Code(in.Region), in.Metric)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &summaryOutput{Body: sensingSummaryBodyOf(sum)}, nil
	})

	type alertsOutput struct{ Body []sensingAlertBody }
	type alertsInput struct {
		State string `query:"state" default:"active" enum:"active,open,acknowledged,closed,all"`
		Limit int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "sensing-alerts", Method: http.MethodGet, Path: "/api/v1/sensing/alerts",
		Summary: "Alerts within the caller's scope (预警)", Tags: tags, Security: bearer,
		Description: "Highest level first, then newest. `active` is open and acknowledged.",
	}, func(ctx context.Context, in *alertsInput) (*alertsOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		as, err := s.sensing.Alerts(ctx, by, alertStates(in.State), in.Limit)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &alertsOutput{Body: []sensingAlertBody{}}
		for i := range as {
			out.Body = append(out.Body, sensingAlertBodyOf(&as[i]))
		}
		return out, nil
	})

	type alertOutput struct{ Body sensingAlertBody }
	type alertInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "sensing-alert", Method: http.MethodGet, Path: "/api/v1/sensing/alerts/{id}",
		Summary: "One alert", Tags: tags, Security: bearer,
	}, func(ctx context.Context, in *alertInput) (*alertOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		a, err := s.sensing.Alert(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &alertOutput{Body: sensingAlertBodyOf(a)}, nil
	})

	type alertActInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Note string `json:"note,omitempty" maxLength:"500"`
		}
	}
	for _, act := range []struct{ id, path, summary string }{
		{"sensing-acknowledge-alert", "acknowledge", "Acknowledge an open alert (409 unless open)"},
		{"sensing-close-alert", "close", "Close an alert (409 if closed already)"},
	} {
		close := act.path == "close"
		huma.Register(api, huma.Operation{
			OperationID: act.id, Method: http.MethodPost, Path: "/api/v1/sensing/alerts/{id}/" + act.path,
			Summary: act.summary, Tags: tags, Security: bearer,
			Description: "Needs sensing.manage over the alert's region (404 outside it). Audited; publishes sensing.alert." +
				map[bool]string{true: "closed", false: "acknowledged"}[close] + ".",
		}, func(ctx context.Context, in *alertActInput) (*alertOutput, error) {
			by, err := s.apiCaller(ctx)
			if err != nil {
				return nil, err
			}
			do := s.sensing.Acknowledge
			if close {
				do = s.sensing.Close
			}
			a, err := do(ctx, by, ids.ID(in.ID), in.Body.Note)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &alertOutput{Body: sensingAlertBodyOf(a)}, nil
		})
	}

	type rulesOutput struct{ Body []sensingRuleBody }
	huma.Register(api, huma.Operation{
		OperationID: "sensing-rules", Method: http.MethodGet, Path: "/api/v1/sensing/rules",
		Summary: "Alert rules that apply within the caller's scope", Tags: tags, Security: bearer,
	}, func(ctx context.Context, _ *struct{}) (*rulesOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		rs, err := s.sensing.Rules(ctx, by)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &rulesOutput{Body: []sensingRuleBody{}}
		for i := range rs {
			out.Body = append(out.Body, sensingRuleBodyOf(&rs[i]))
		}
		return out, nil
	})

	type ruleOutput struct{ Body sensingRuleBody }
	type ruleFields struct {
		Metric  string     `json:"metric" maxLength:"32"`
		Scope   string     `json:"scope" maxLength:"12"`
		Kind    string     `json:"kind" enum:"threshold,rate"`
		Levels  [4]float64 `json:"levels" doc:"blue, yellow, orange, red (0: unused; used ones must rise)"`
		Window  int        `json:"window_seconds,omitempty" doc:"rate rules: the span the rise is measured over, 600–86400"`
		Enabled bool       `json:"enabled"`
	}
	ruleInputOf := func(b ruleFields) sensing.RuleInput {
		return sensing.RuleInput{Metric: b.Metric, Scope: b.Scope, Kind: sensing.RuleKind(b.Kind), Levels: b.Levels, Window: b.Window, Enabled: b.Enabled}
	}
	type ruleCreateInput struct{ Body ruleFields }
	huma.Register(api, huma.Operation{
		OperationID: "sensing-create-rule", Method: http.MethodPost, Path: "/api/v1/sensing/rules", DefaultStatus: http.StatusCreated,
		Summary: "Create an alert rule", Tags: tags, Security: bearer,
		Description: "Needs sensing.manage over the scope. A rule with a narrower scope overrides wider ones of the same metric and kind.",
	}, func(ctx context.Context, in *ruleCreateInput) (*ruleOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		r, err := s.sensing.SaveRule(ctx, by, "", ruleInputOf(in.Body))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &ruleOutput{Body: sensingRuleBodyOf(r)}, nil
	})
	type ruleUpdateInput struct {
		ID   string `path:"id" maxLength:"64"`
		Body ruleFields
	}
	huma.Register(api, huma.Operation{
		OperationID: "sensing-update-rule", Method: http.MethodPut, Path: "/api/v1/sensing/rules/{id}",
		Summary: "Change an alert rule", Tags: tags, Security: bearer,
		Description: "Needs sensing.manage over the old and the new scope (404 otherwise).",
	}, func(ctx context.Context, in *ruleUpdateInput) (*ruleOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		r, err := s.sensing.SaveRule(ctx, by, ids.ID(in.ID), ruleInputOf(in.Body))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &ruleOutput{Body: sensingRuleBodyOf(r)}, nil
	})
}

// alertStates reads the state filter of alert lists.
func alertStates(s string) []sensing.AlertState {
	switch s {
	case "", "active":
		return []sensing.AlertState{sensing.Open, sensing.Acknowledged}
	case "all":
		return nil
	}
	var out []sensing.AlertState
	for _, p := range strings.Split(s, ",") {
		out = append(out, sensing.AlertState(p))
	}
	return out
}
