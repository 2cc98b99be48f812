package web_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/store/storetest"
)

// The public Open311 face masks the numbers people type into free text,
// rounds coordinates and leaves hotline callers' words out, while the
// reporter still sees everything behind sign-in.
func TestOpen311PublicPrivacy(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { open311PublicPrivacy(t, apptest.Start(t, e)) })
	}
}

func open311PublicPrivacy(t *testing.T, n *apptest.Node) {
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

// Following changes with updated_after reaches requests created before the
// default 90-day window; explicit date windows select by creation time;
// media_url comes out of photos (a scaled copy served here) and of the
// client's own URL given on POST.
func TestOpen311UpdatesAndMedia(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { open311UpdatesAndMedia(t, apptest.Start(t, e)) })
	}
}

func open311UpdatesAndMedia(t *testing.T, n *apptest.Node) {
	ctx := context.Background()
	key := n.Token(t, "grid")
	form := func() url.Values {
		return url.Values{"api_key": {key}, "service_code": {"0104"}, "lat": {"23.1335"}, "long": {"113.3301"},
			"attribute[region]": {"440106006002"}, "description": {"楼顶新装大型广告牌，未见审批公示"}}
	}
	post := func(v url.Values) string {
		b := open311Do(t, n, open311Call{method: "POST", path: "/open311/v2/requests.json", form: v, status: 201})
		return requestsOf(t, b, false)[0].ID
	}
	// An old request (created 200 days ago) that changed just now.
	old := post(form())
	created := time.Now().Add(-200 * 24 * time.Hour).UTC()
	if _, err := n.App.DB.Exec(ctx, `UPDATE gov_events SET created_at = ? WHERE id = ?`, created, old); err != nil {
		t.Fatal(err)
	}
	withURL := form()
	withURL.Set("media_url", "https://example.org/photos/ad-board.jpg")
	linked := post(withURL)
	ids := func(path string, xmlBody bool) map[string]o311Request {
		root := ""
		if xmlBody {
			root = "service_requests"
		}
		b := open311Do(t, n, open311Call{method: "GET", path: path, status: 200, root: root})
		out := map[string]o311Request{}
		for _, r := range requestsOf(t, b, xmlBody) {
			out[r.ID] = r
		}
		return out
	}
	since := url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339))
	for _, f := range []string{"json", "xml"} {
		x := f == "xml"
		if got := ids("/open311/v2/requests."+f, x); got[old].ID != "" || got[linked].ID == "" {
			t.Errorf("%s default window: old %v, new %v", f, got[old].ID != "", got[linked].ID != "")
		}
		for _, p := range []string{"updated_after", "updated_datetime"} {
			got := ids("/open311/v2/requests."+f+"?"+p+"="+since, x)
			if got[old].ID == "" || got[linked].ID == "" {
				t.Errorf("%s %s: %d requests, old one there: %v", f, p, len(got), got[old].ID != "")
			}
			for _, r := range got {
				if u, err := time.Parse(time.RFC3339, r.Updated); err != nil || u.Before(time.Now().Add(-time.Hour)) {
					t.Errorf("updated_datetime %q of a request listed as updated since %s", r.Updated, since)
				}
			}
		}
		// A window around the old creation date has it and nothing else.
		win := "?start_date=" + url.QueryEscape(created.Add(-24*time.Hour).Format(time.RFC3339)) + "&end_date=" + url.QueryEscape(created.Add(24*time.Hour).Format(time.RFC3339))
		if got := ids("/open311/v2/requests."+f+win, x); len(got) != 1 || got[old].ID == "" {
			t.Errorf("%s window around the old request: %d requests", f, len(got))
		}
		if got := ids("/open311/v2/requests."+f+win+"&updated_after="+since, x); len(got) != 1 {
			t.Errorf("%s window with updated_after: %d requests", f, len(got))
		}
		if got := ids("/open311/v2/requests/"+linked+"."+f, x); got[linked].Media != "https://example.org/photos/ad-board.jpg" {
			t.Errorf("%s media_url given on POST: %q", f, got[linked].Media)
		}
		// Discovery points at the key page.
		root := ""
		if x {
			root = "discovery"
		}
		b := open311Do(t, n, open311Call{method: "GET", path: "/open311/v2/discovery." + f, status: 200, root: root})
		if !strings.Contains(string(b), n.URL+"/account/open311-keys") || !strings.Contains(string(b), n.URL+"/open311/v2") || !strings.Contains(string(b), "GeoReport_v2") {
			t.Errorf("discovery: %s", b)
		}
	}
	bad := form()
	bad.Set("media_url", "javascript:alert(1)")
	open311Do(t, n, open311Call{method: "POST", path: "/open311/v2/requests.json", form: bad, status: 400, check: wantErrors(400, false, "media_url")})

	// A photo: media_url is a scaled copy on this node.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range form() {
		mw.WriteField(k, v[0])
	}
	fw, _ := mw.CreateFormFile("media", "board.png")
	img := image.NewRGBA(image.Rect(0, 0, 2000, 1000))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	png.Encode(fw, img)
	mw.Close()
	req, _ := http.NewRequest("POST", n.URL+"/open311/v2/requests.json", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("photo: %d %s", resp.StatusCode, b)
	}
	id := requestsOf(t, b, false)[0].ID
	r := ids("/open311/v2/requests/"+id+".json", false)[id]
	if r.Media != n.URL+"/open311/v2/media/"+id+".jpg" {
		t.Fatalf("media_url of a photo: %q", r.Media)
	}
	resp, err = http.Get(r.Media)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("media: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	cfg, err := jpeg.DecodeConfig(resp.Body)
	if err != nil || cfg.Width != 1024 || cfg.Height != 512 {
		t.Errorf("scaled copy %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	if resp, _ := http.Get(n.URL + "/open311/v2/media/" + linked + ".jpg"); resp.StatusCode != 404 {
		t.Errorf("media of a request without a photo: %d", resp.StatusCode)
	}
}
