package emergency

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/platform/ids"
)

// AlertInput is a public alert the duty officer writes. The message type
// follows from the incident: its first message is an Alert, later ones
// Updates; Cancel ends the alerting (解除) and needs an earlier message.
type AlertInput struct {
	Cancel        bool
	Headline      string // required
	Description   string // required unless Cancel
	Instruction   string // what people should do
	ResponseType  string // CAP responseType; default Monitor (AllClear for Cancel)
	HeadlineEn    string // optional English info; with it, DescriptionEn is required
	DescriptionEn string
	InstructionEn string
	Hours         int // until it expires: 1 to 720, default 24
}

func (in *AlertInput) check() error {
	for _, p := range []*string{&in.Headline, &in.Description, &in.Instruction, &in.HeadlineEn, &in.DescriptionEn, &in.InstructionEn, &in.ResponseType} {
		*p = clean(*p)
	}
	bad := map[string]string{}
	checkText(bad, "headline", in.Headline, true, MaxTitle)
	checkText(bad, "description", in.Description, !in.Cancel, MaxText)
	checkText(bad, "instruction", in.Instruction, false, MaxText)
	checkText(bad, "headline_en", in.HeadlineEn, in.DescriptionEn != "", MaxTitle)
	checkText(bad, "description_en", in.DescriptionEn, in.HeadlineEn != "" && !in.Cancel, MaxText)
	checkText(bad, "instruction_en", in.InstructionEn, false, MaxText)
	switch {
	case in.ResponseType == "" && in.Cancel:
		in.ResponseType = "AllClear"
	case in.ResponseType == "":
		in.ResponseType = "Monitor"
	case !slices.Contains(ResponseTypes, in.ResponseType):
		bad["response_type"] = "form.choice"
	}
	if in.Hours == 0 {
		in.Hours = 24
	}
	if in.Hours < 1 || in.Hours > 720 {
		bad["hours"] = "emergency.deadline_hours"
	}
	checkPersonalNumbers(bad, map[string]string{"headline": in.Headline, "description": in.Description,
		"instruction": in.Instruction, "headline_en": in.HeadlineEn, "description_en": in.DescriptionEn,
		"instruction_en": in.InstructionEn})
	if len(bad) > 0 {
		return errs.Fields(bad)
	}
	return nil
}

// checkPersonalNumbers refuses ID numbers and mobile numbers in the texts
// of a public alert (field name → text), naming each field that has one.
//
// A public alert is published as is to the page, the Atom feed and CAP,
// which other systems copy and rebroadcast: what it says cannot be taken
// back. Masking the number (as staff pages and Open311 do) would publish a
// text the officer did not write and a number nobody can call, so the
// officer is asked to take it out instead (and to give the agency's line,
// which stays allowed: landlines and service numbers such as 12345). The
// numbers are found by identity.NumbersIn, the scrubber everything else
// masks with.
func checkPersonalNumbers(bad map[string]string, texts map[string]string) {
	for field, text := range texts {
		if _, taken := bad[field]; taken {
			continue
		}
		kinds := identity.NumbersIn(text)
		switch {
		case slices.Contains(kinds, identity.NumberIDNumber):
			bad[field] = "evsec.alert_id_number"
		case slices.Contains(kinds, identity.NumberMobile):
			bad[field] = "evsec.alert_mobile"
		}
	}
}

// IssueAlert issues a public alert about an incident, if it is still at
// version, and publishes emergency.alert_issued. The earlier current
// message is replaced and referenced (with every earlier one). A drill's
// messages have status Exercise. Needs event.command over its region.
//
// Returns errs.Invalid with every bad field, errs.Conflict if the incident
// is closed or changed since version, or for a Cancel with nothing to
// cancel ("emergency.alert_nothing_to_cancel"), errs.NotFound outside by's
// scope.
func (s *Service) IssueAlert(ctx context.Context, by *identity.Caller, incidentID ids.ID, version int, in AlertInput) (*Alert, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	var a *Alert
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		inc, err := s.command(ctx, by, incidentID, version)
		if err != nil {
			return err
		}
		if a, err = s.issue(ctx, inc, s.senderName(ctx, by, inc), in); err != nil {
			return err
		}
		return s.save(ctx, by, inc, "emergency.alert_issued", "alert", a.MsgType+": "+a.Headline,
			map[string]any{"alert": a.ID, "msg_type": a.MsgType, "status": a.Status})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// senderName is the issuing body a public alert names (CAP senderName, the
// page's byline): the officer's organisation, or, for a caller without
// one, the emergency command of the incident's region. The officer's own
// name is kept in the audit log and the incident's timeline, not
// published.
func (s *Service) senderName(ctx context.Context, by *identity.Caller, inc *Incident) string {
	if by != nil && by.OrgID != "" && s.dir != nil {
		if org, err := s.dir.Organization(ctx, by.OrgID); err == nil && org.Name != "" {
			return org.Name
		}
	}
	place := string(inc.Region)
	if s.regions != nil {
		place = s.regions.FullName(inc.Region)
	}
	msgs, err := i18n.Load()
	if err != nil {
		return place
	}
	return msgs.T(i18n.ZhCN, "evsec.alert_sender_region", place)
}

// issue stores a message about inc, replacing the current one; it does not
// save inc. senderName is the issuing body (senderName above).
func (s *Service) issue(ctx context.Context, inc *Incident, senderName string, in AlertInput) (*Alert, error) {
	earlier, err := s.store.IncidentAlerts(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	msgType := MsgAlert
	var refs []string
	for i := range earlier {
		refs = append(refs, earlier[i].reference())
		if earlier[i].State == AlertCurrent {
			if earlier[i].MsgType == MsgCancel && !in.Cancel {
				msgType = MsgAlert // alerting again after a Cancel starts a new chain, still referencing it
			} else {
				msgType = MsgUpdate
			}
			if err := s.store.ReplacePublicAlert(ctx, earlier[i].ID); err != nil {
				return nil, err
			}
		}
	}
	if in.Cancel {
		if len(earlier) == 0 || earlier[len(earlier)-1].MsgType == MsgCancel {
			return nil, errs.E(errs.Conflict, "emergency.alert_nothing_to_cancel")
		}
		msgType = MsgCancel
	}
	now := s.clock().Truncate(time.Second) // CAP times have whole seconds
	status := StatusActual
	if inc.Drill {
		status = StatusExercise
	}
	area := inc.Address
	if s.regions != nil {
		area = strings.TrimSpace(s.regions.FullName(inc.Region) + " " + inc.Address)
	}
	a := &Alert{ID: ids.New(), IncidentID: inc.ID, Sender: s.sender, Sent: now, Status: status, MsgType: msgType,
		References: strings.Join(refs, " "), State: AlertCurrent, Type: inc.Type, Grade: inc.Grade, Region: inc.Region,
		AreaDesc: area, Event: inc.Title, ResponseType: in.ResponseType, Headline: in.Headline, Description: in.Description,
		Instruction: in.Instruction, HeadlineEn: in.HeadlineEn, DescriptionEn: in.DescriptionEn, InstructionEn: in.InstructionEn,
		SenderName: senderName, Expires: now.Add(time.Duration(in.Hours) * time.Hour)}
	if err := s.store.CreatePublicAlert(ctx, a); err != nil {
		return nil, err
	}
	return a, s.store.AddOutbox(ctx, "emergency.alert_issued", map[string]any{"id": a.ID, "incident_id": inc.ID,
		"msg_type": a.MsgType, "status": a.Status, "region": a.Region, "headline": a.Headline}, now)
}

// cancelOnClose cancels a closed incident's current alert, if it has one
// that is not a Cancel already.
func (s *Service) cancelOnClose(ctx context.Context, by *identity.Caller, inc *Incident) error {
	alerts, err := s.store.IncidentAlerts(ctx, inc.ID)
	if err != nil || len(alerts) == 0 {
		return err
	}
	last := alerts[len(alerts)-1]
	if last.State != AlertCurrent || last.MsgType == MsgCancel {
		return nil
	}
	msgs, err := i18n.Load()
	if err != nil {
		return err
	}
	in := AlertInput{Cancel: true, Headline: msgs.T(i18n.ZhCN, "emergency.alert_cancel_headline", inc.Title),
		Description: msgs.T(i18n.ZhCN, "emergency.alert_cancel_description"), ResponseType: "AllClear", Hours: 24}
	// English readers were told in English (by the latest message that had
	// an English info block, an Update may have had none): tell them the
	// all-clear in English too.
	for i := len(alerts) - 1; i >= 0; i-- {
		if alerts[i].HeadlineEn != "" {
			in.HeadlineEn = msgs.T(i18n.En, "emergency.alert_cancel_headline", alerts[i].HeadlineEn)
			in.DescriptionEn = msgs.T(i18n.En, "emergency.alert_cancel_description")
			break
		}
	}
	_, err = s.issue(ctx, inc, s.senderName(ctx, by, inc), in)
	return err
}

// CurrentAlerts lists the public alerts in force: each incident's current
// message, unexpired (Cancels included, so that readers learn of the
// all-clear), newest first. Anyone may read them.
func (s *Service) CurrentAlerts(ctx context.Context, limit int) ([]Alert, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.store.CurrentPublicAlerts(ctx, s.clock(), limit)
}

// PublicAlert returns an alert message by its identifier. Issued messages
// are public; errs.NotFound ("emergency.alert.not_found") if there is none.
func (s *Service) PublicAlert(ctx context.Context, id ids.ID) (*Alert, error) {
	if !ids.Valid(string(id)) {
		return nil, errs.E(errs.NotFound, "emergency.alert.not_found")
	}
	return s.store.PublicAlert(ctx, id)
}
