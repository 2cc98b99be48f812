package web

import (
	"fmt"
	"strings"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/i18n"
)

// System actors on pages: steps, audit entries and events name the node's
// own actors (the routing rule, the overdue timer, the alert link) by a
// code; pages show the code's message (system.actor.<code>) in the
// reader's language. Rows written before the codes carry the Chinese
// names, mapped here to their codes.
var legacySystemNames = map[string]string{
	"智能分拨":   governance.SystemRouting,
	"超时督办":   governance.SystemOverdueTimer,
	"感知预警联动": governance.SystemSensorLink,
}

// systemCode is the code of a system actor's stored name, "" if name is
// not one pages translate.
func systemCode(name string) string {
	if c, ok := legacySystemNames[name]; ok {
		return c
	}
	switch name {
	case governance.SystemRouting, governance.SystemOverdueTimer, governance.SystemSensorLink:
		return name
	}
	return ""
}

// Actor is the name to show for the actor with this ID and stored name:
// a system actor's (ID "system", or "system:…" for the accounts-less
// reporters such as the alert link) through the message catalog, anyone
// else's as stored.
func (p *page) Actor(id, name any) string {
	n := fmt.Sprint(name)
	if i := fmt.Sprint(id); i != "system" && !strings.HasPrefix(i, "system:") && id != nil {
		return n
	}
	if c := systemCode(n); c != "" {
		return p.T("system.actor." + c)
	}
	return n
}

// EventDescription is the description of e to show: for an event opened
// from an alert, written from the alert's facts in the reader's language;
// for any other, as reported.
func (p *page) EventDescription(e governance.Event, steps []governance.Step) string {
	if d, ok := alertDescription(p.rd.msgs, p.st.Lang, &e, steps); ok {
		return d
	}
	return e.Description
}

// alertDescription is the description of an event opened from an alert,
// written from the alert's facts (governance.AlertTextOf: the report
// step's detail, or the Chinese text of older events) in lang; false for
// any other event.
func alertDescription(msgs *i18n.Catalog, lang string, e *governance.Event, steps []governance.Step) (string, bool) {
	t, ok := governance.AlertTextOf(e, steps)
	if !ok {
		return "", false
	}
	unit := t.Unit
	if k := "system.unit." + t.Metric; msgs.Has(lang, k) {
		unit = msgs.T(lang, k)
	}
	return msgs.T(lang, "system.alert_text", msgs.T(lang, "sensing.level."+t.Level), t.Station, msgs.T(lang, "sensing.metric."+t.Metric),
		t.Value, unit, t.Threshold, unit, t.At), true
}
