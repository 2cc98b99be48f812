package emergency_test

import (
	"testing"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestCloseCancelsInBothLanguages: closing an incident cancels its current
// alert; the Cancel carries an English info block when the incident's
// alerting had one (here the first Alert; the Update after it was Chinese
// only), and stays Chinese only when it never had.
func TestCloseCancelsInBothLanguages(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			closeWith := func(alerts ...emergency.AlertInput) *capDoc {
				t.Helper()
				inc := e.declare(typhoon("440115"))
				for _, in := range alerts {
					cur, _ := e.em.Incident(e.ctx, e.duty, inc.ID)
					if _, err := e.em.IssueAlert(e.ctx, e.duty, inc.ID, cur.Version, in); err != nil {
						t.Fatal(err)
					}
				}
				cur, _ := e.em.Incident(e.ctx, e.duty, inc.ID)
				if _, err := e.em.SetCommand(e.ctx, e.duty, inc.ID, cur.Version, emergency.Command{Commander: "何伟"}); err != nil {
					t.Fatal(err)
				}
				cur, _ = e.em.Incident(e.ctx, e.duty, inc.ID)
				if _, err := e.em.Respond(e.ctx, e.duty, inc.ID, cur.Version); err != nil {
					t.Fatal(err)
				}
				cur, _ = e.em.Incident(e.ctx, e.duty, inc.ID)
				if _, err := e.em.Close(e.ctx, e.duty, inc.ID, cur.Version, "转移群众1260人，无伤亡。"); err != nil {
					t.Fatal(err)
				}
				list, err := e.em.CurrentAlerts(e.ctx, 100)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range list {
					if a.IncidentID == inc.ID {
						b, err := a.MarshalCAP("")
						if err != nil {
							t.Fatal(err)
						}
						m := parseCAP(t, b)
						if m.MsgType != "Cancel" {
							t.Fatalf("current message after closing: %s", m.MsgType)
						}
						return m
					}
				}
				t.Fatal("no current message after closing")
				return nil
			}
			m := closeWith(emergency.AlertInput{Headline: "台风红色预警", Description: "大风暴雨", HeadlineEn: "Typhoon red alert", DescriptionEn: "Gale and rainstorm"},
				emergency.AlertInput{Headline: "台风预警更新", Description: "已登陆"})
			if len(m.Info) != 2 || m.Info[1].Language != "en" || m.Info[1].Headline != "All clear: Typhoon red alert" ||
				m.Info[1].Description != "The emergency response has ended." {
				t.Errorf("cancel of an alert with English: %+v", m.Info)
			}
			if m.Info[0].Headline != "解除：台风测试" || m.Info[0].Description != "应急响应已结束。" {
				t.Errorf("cancel, Chinese info: %+v", m.Info[0])
			}
			if m := closeWith(emergency.AlertInput{Headline: "台风预警", Description: "大风"}); len(m.Info) != 1 {
				t.Errorf("cancel of a Chinese-only alert: %d info blocks", len(m.Info))
			}
		})
	}
}
