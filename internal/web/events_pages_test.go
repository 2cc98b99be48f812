package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

func signedIn(t *testing.T, n *apptest.Node, user string) *apptest.Client {
	c := n.Client(t)
	c.Login(user, app.DemoPassword)
	return c
}

// postMultipart posts a form with a PNG photo, as a phone's browser does.
func postMultipart(t *testing.T, n *apptest.Node, c *apptest.Client, path, csrf string, fields url.Values) *apptest.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("photos", "scene.png")
	img := image.NewRGBA(image.Rect(0, 0, 6, 6))
	img.Set(1, 2, color.RGBA{B: 200, A: 255})
	png.Encode(fw, img)
	mw.Close()
	req, _ := http.NewRequest("POST", n.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

func eventCSRF(t *testing.T, r *apptest.Response) string {
	t.Helper()
	v, ok := r.Doc.Find(`input[name="csrf"]`).First().Attr("value")
	if !ok {
		t.Fatal("no CSRF token on the page")
	}
	return v
}

func TestEventPages(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])

	// A citizen reports from the portal with a photo; markup comes back escaped.
	cit := signedIn(t, n, "citizen")
	form := cit.Get("/events/new")
	if form.StatusCode != 200 || form.Doc.Find(`#report select[name="category"] option[value="0101"]`).Length() != 1 ||
		form.Doc.Find(`#report input[type="file"][name="photos"]`).Length() != 1 || form.Doc.Find("#locate").Length() != 1 {
		t.Fatalf("portal form: %d", form.StatusCode)
	}
	bad := cit.Post("/events/new", url.Values{"category": {""}, "description": {"短"}})
	if bad.StatusCode != 422 || bad.Doc.Find("#e-category").Length() != 1 || bad.Doc.Find("#e-description").Length() != 1 {
		t.Fatalf("bad report: %d", bad.StatusCode)
	}
	r := postMultipart(t, n, cit, "/events/new", eventCSRF(t, form), url.Values{"category": {"0401"},
		"description": {"<b>夜间</b>施工噪声，持续到凌晨"}, "region": {"440106006004"}, "address": {"南苑小区"}, "phone": {"13800138000"}})
	if r.StatusCode != 303 {
		t.Fatalf("report: %d %s", r.StatusCode, r.Body)
	}
	loc := r.Header.Get("Location")
	page := cit.Get(loc)
	if page.StatusCode != 200 || page.Doc.Find("#event-created").Length() != 1 || page.Doc.Find("#event-state").AttrOr("data-state", "") != "reported" {
		t.Fatalf("event page: %d", page.StatusCode)
	}
	if got := page.Doc.Find("#event-description").Text(); got != "<b>夜间</b>施工噪声，持续到凌晨" || strings.Contains(page.Body, "<b>夜间</b>") {
		t.Fatalf("description not escaped: %q", got)
	}
	img, _ := page.Doc.Find("#event img").Attr("src")
	if resp := cit.Get(img); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("photo: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp := signedIn(t, n, "counter_sz").Get(img); resp.StatusCode != 404 {
		t.Fatalf("photo for 深圳: %d", resp.StatusCode)
	}
	if mine := cit.Get("/events/mine"); mine.Doc.Find("#mine tbody tr a").Length() != 2 {
		t.Fatalf("my reports: %d rows", mine.Doc.Find("#mine tbody tr a").Length())
	}

	// The dispatcher sees it in the queue and accepts it from its page.
	disp := signedIn(t, n, "dispatch")
	q := disp.Get("/workbench/events")
	if q.StatusCode != 200 || q.Doc.Find(`#queue a[href="`+loc[:strings.Index(loc, "?")]+`"]`).Length() != 1 {
		t.Fatalf("queue: %d", q.StatusCode)
	}
	ev := disp.Get(loc[:strings.Index(loc, "?")])
	if ev.Doc.Find("#event-phone").Text() != "138****8000" || strings.Contains(ev.Body, "13800138000") {
		t.Fatalf("phone on the dispatcher's page: %q", ev.Doc.Find("#event-phone").Text())
	}
	if ev.Doc.Find("#act-accept").Length() != 1 || ev.Doc.Find("#act-reject").Length() != 1 || ev.Doc.Find("#act-take").Length() != 0 {
		t.Fatalf("dispatcher's steps: %s", ev.Doc.Find("#actions summary").Text())
	}
	ver, _ := ev.Doc.Find(`#act-accept input[name="version"]`).Attr("value")
	rej := disp.Post(loc[:strings.Index(loc, "?")]+"/act", url.Values{"action": {"reject"}, "version": {ver}})
	if rej.StatusCode != 422 || !strings.Contains(rej.Doc.Find("#act-reject").Text(), "请填写说明") {
		t.Fatalf("reject without a reason: %d", rej.StatusCode)
	}
	ok := disp.Post(loc[:strings.Index(loc, "?")]+"/act", url.Values{"action": {"accept"}, "version": {ver}})
	if ok.StatusCode != 303 {
		t.Fatalf("accept: %d %s", ok.StatusCode, ok.Body)
	}
	again := disp.Post(loc[:strings.Index(loc, "?")]+"/act", url.Values{"action": {"accept"}, "version": {ver}})
	if again.StatusCode != 409 || !strings.Contains(again.Doc.Find("#event-error").Text(), "他人更新") {
		t.Fatalf("a second accept: %d", again.StatusCode)
	}

	// The hotline answers a question from the knowledge base: closed at once, due for a call-back.
	hot := signedIn(t, n, "hotline")
	desk := hot.Get("/hotline")
	if desk.Doc.Find("#knowledge dt").Length() < 3 {
		t.Fatal("no knowledge base on the hotline desk")
	}
	ans := hot.Post("/events/new", url.Values{"category": {"0701"}, "description": {"来电咨询被拖欠工资应向哪里反映"},
		"_rp_region": {"44", "4401", "440106"}, "reporter_name": {"李女士"}, "phone": {"13700001234"}, "handling": {"answer"}, "kb": {"wages-where"}})
	if ans.StatusCode != 303 {
		t.Fatalf("answered ticket: %d %s", ans.StatusCode, ans.Body)
	}
	done := hot.Get(strings.TrimSuffix(ans.Header.Get("Location"), "?new=1"))
	if done.Doc.Find("#event-state").AttrOr("data-state", "") != "closed" || !strings.Contains(done.Doc.Find("#event-reply").Text(), "劳动保障监察") {
		t.Fatalf("answered ticket page: %s", done.Doc.Find("#event").Text())
	}
	if hot.Get("/hotline").Doc.Find("#tasks tbody tr a").Length() < 1 {
		t.Fatal("no call-back due on the hotline desk")
	}

	// The grid worker's page: the patrol form with on-the-spot closing; the leader's overdue view.
	grid := signedIn(t, n, "grid").Get("/grid")
	if grid.StatusCode != 200 || grid.Doc.Find("#f-on_spot").Length() != 1 || grid.Doc.Find("#tasks").Length() != 1 {
		t.Fatalf("grid page: %d", grid.StatusCode)
	}
	if ov := signedIn(t, n, "leader").Get("/workbench/events/overdue"); ov.StatusCode != 200 || ov.Doc.Find("#overdue").Length() != 1 {
		t.Fatalf("overdue view: %d", ov.StatusCode)
	}
	if en := cit.Get("/events/mine"); en.StatusCode != 200 {
		t.Fatal(en.StatusCode)
	}
}
