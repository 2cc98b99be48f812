package governance_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestDispatchNoticeFromPayload: a dispatch's outbox event carries its
// assisting bodies and deadline, so its notices are made without reading
// the event; an outbox row written before (without them) reads the event
// and tells the same people the same thing.
func TestDispatchNoticeFromPayload(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			v.staff("lin_officer", identity.RoleEventOfficer, "广州市天河区林业和园林局", "440106")
			thCG, thLin := v.org("广州市天河区城市管理和综合执法局"), v.org("广州市天河区林业和园林局")
			e, _ := v.report("citizen", noiseReport())
			v.run(e.ID, []step{
				{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "dispatch", act: governance.Act{Action: governance.ActDispatch, Lead: thCG, Assist: []ids.ID{thLin}}, state: governance.Dispatched},
			})
			var raw []byte
			if err := v.n.App.DB.QueryRow(v.ctx, `SELECT payload FROM outbox WHERE topic = 'events.dispatch' AND payload LIKE ?`,
				`%`+string(e.ID)+`%`).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			var p map[string]any
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatal(err)
			}
			if p["deadline"] == nil || len(p["assist"].([]any)) != 1 {
				t.Fatalf("the dispatch's payload lacks its deadline or assisting body: %s", raw)
			}
			got, err := v.n.App.Governance.NoticeOf(v.ctx, governance.TopicDispatch, raw)
			if err != nil {
				t.Fatal(err)
			}
			delete(p, "deadline")
			delete(p, "assist")
			old, _ := json.Marshal(p)
			want, err := v.n.App.Governance.NoticeOf(v.ctx, governance.TopicDispatch, old)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("notices from the payload (-read from the event +from the payload):\n%s", diff)
			}
			if len(got) != 2 || len(got[0].Users) == 0 || len(got[1].Users) == 0 || got[0].Args[0] != e.Number || len(got[0].Args) != 2 {
				t.Fatalf("notices: %+v", got)
			}
		})
	}
}
