package web_test

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/store/storetest"
)

// The public Open311 face masks the numbers people type into free text,
// rounds coordinates and leaves hotline callers' words out, while the
// reporter still sees everything behind sign-in.
func TestOpen311PublicPrivacy(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	lat, lng := 23.133512, 113.330187
	grid, _, err := n.App.Governance.Report(ctx, n.Caller(t, "grid"), governance.Input{Source: governance.SourceGrid, Category: "0101",
		Description: "垃圾堆放，业主王先生电话13812345678，身份证440106199001011234", Region: "440106006002",
		Address: "石牌东路 12 号，联系座机020-87654321", Lat: &lat, Lng: &lng})
	if err != nil {
		t.Fatal(err)
	}
	hot, _, err := n.App.Governance.Report(ctx, n.Caller(t, "hotline"), governance.Input{Source: governance.SourceHotline, Category: "0203",
		Description: "来电人住天河北路 300 号 5 栋 802，说楼下路灯三晚不亮", Region: "440106", Address: "天河北路 300 号 5 栋",
		ReporterName: "李女士", Phone: "13900001111", Answer: "已告知来电人：路灯两个工作日内修复，如仍不亮请回拨 13712345678"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"json", "xml"} {
		x := f == "xml"
		for _, path := range []string{"/open311/v2/requests." + f, "/open311/v2/requests/" + string(grid.ID) + "." + f, "/open311/v2/requests/" + string(hot.ID) + "." + f} {
			b := open311Do(t, n, open311Call{method: "GET", path: path, status: 200, root: map[bool]string{true: "service_requests"}[x]})
			for _, clear := range []string{"13812345678", "199001011234", "87654321", "13712345678", "5 栋", "802", "李女士", "13900001111"} {
				if strings.Contains(string(b), clear) {
					t.Errorf("%s shows %q: %s", path, clear, b)
				}
			}
			for _, r := range requestsOf(t, b, x) {
				switch r.ID {
				case string(grid.ID):
					if !strings.Contains(r.Description, "138****5678") || !strings.Contains(r.Description, "440106********1234") {
						t.Errorf("grid description %q", r.Description)
					}
					if r.Lat == nil || *r.Lat != 23.134 || math.Abs(*r.Lat-lat) > 0.0005 {
						t.Errorf("latitude %v, want 23.134", r.Lat)
					}
				case string(hot.ID):
					if r.Description == "" || strings.Contains(r.Description, "天河北路") || !strings.Contains(r.Description, r.ServiceName) {
						t.Errorf("hotline description %q", r.Description)
					}
					if r.Status != "closed" || !strings.Contains(r.StatusNotes, "137****5678") {
						t.Errorf("hotline reply %q", r.StatusNotes)
					}
				}
			}
		}
	}
	// The reporter sees the description as given.
	c := n.Client(t)
	if r := c.Get("/api/v1/events/"+string(grid.ID), "Authorization", "Bearer "+n.Token(t, "grid")); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "440106199001011234") {
		t.Errorf("the reporter's view: %d %.300s", r.StatusCode, r.Body)
	}
}
