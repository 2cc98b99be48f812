package app

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserJourneyGridEvent follows one event round the loop on real
// pages: the grid worker 梁小芳 reports exposed rubbish on patrol with a
// photo; the routing rule dispatches it to 石牌街道's enforcement office;
// its officer takes it and replies; the grid worker verifies it on the
// spot; the 天河区 dispatcher closes it.
//
// Meanwhile the leader 郑卫东 watches the cockpit in another browser: the
// new event is counted, and its closure shows in the closed share, without
// a reload (the live stream).
func TestBrowserJourneyGridEvent(t *testing.T) {
	chromiumPath(t)
	base := startNode(t)
	b := newTab(t, base)

	leader := newTab(t, base)
	leader.signIn("leader", DemoPassword)
	leader.open("/cockpit")
	before := leader.text(`#cockpit-events [data-k="today"]`)
	leader.eval(`String(window.digigovNoReload = 1)`)
	// cockpitShows waits for the live stream to bring a figure, and checks
	// that the page was not reloaded to get it.
	cockpitShows := func(what, key string, ok func(string) bool) {
		t.Helper()
		var got string
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
			if got = leader.text(`#cockpit-events [data-k="` + key + `"]`); ok(got) {
				if leader.eval(`String(window.digigovNoReload)`) != "1" {
					t.Fatalf("the cockpit was reloaded to show %s", what)
				}
				return
			}
		}
		t.Fatalf("the live cockpit shows %s %q, want %s", key, got, what)
	}

	photo := photoFile(t)

	b.signIn("grid", DemoPassword)
	b.open("/grid")
	b.wantLangHeading("on the grid worker's page", "zh-CN", "网格巡查")
	b.do("choose the category", chromedp.SetValue(chromedp.CSS("#f-category"), "0101"))
	b.do("describe it", chromedp.SendKeys(chromedp.CSS("#f-description"), "石牌东路人行道旁堆放生活垃圾约两立方米"))
	b.fill("#f-address", "石牌东路 12 号旁")
	b.do("attach a photo", chromedp.SetUploadFiles(chromedp.CSS("#f-photos"), []string{photo}))
	b.clickAndWait("#report-submit")
	if got := b.attr("#event-state", "data-state"); got != "dispatched" {
		t.Fatalf("after reporting on patrol, state = %q (%s), want dispatched by the rule", got, b.text("#event"))
	}
	if got := b.text("#event-lead"); got != "石牌街道综合行政执法办公室" {
		t.Fatalf("lead department = %q", got)
	}
	n, err := strconv.Atoi(before)
	if err != nil {
		t.Fatalf("the cockpit's count of today's events is %q", before)
	}
	cockpitShows("the new event counted", "today", func(s string) bool { return s == strconv.Itoa(n+1) })
	openShare := leader.text(`#cockpit-events [data-k="closure_rate"]`)
	event := b.location()
	if i := strings.Index(event, "?"); i >= 0 {
		event = event[:i]
	}
	event = strings.TrimPrefix(event, b.base)
	if got := b.eval(`String(document.querySelector("#event img").naturalWidth)`); got != "16" {
		t.Fatalf("the report's photo shows %s pixels wide, want 16", got)
	}

	step := func(user, action, comment string) {
		t.Helper()
		b.clearCookies()
		b.signIn(user, DemoPassword)
		b.open(event)
		b.do("open the "+action+" form", chromedp.Click(chromedp.CSS("#act-"+action+" summary")))
		if comment != "" {
			b.do("write the comment", chromedp.SendKeys(chromedp.CSS("#f-comment-"+action), comment))
		}
		b.clickAndWait("#do-" + action)
		if b.location() != event {
			t.Fatalf("after %s by %s: on %s (%s)", action, user, b.location(), b.text("main"))
		}
	}
	step("sp_officer", "take", "")
	step("sp_officer", "reply", "已清运垃圾并冲洗路面")
	if got := b.attr("#event-state", "data-state"); got != "replied" {
		t.Fatalf("after the reply, state = %q", got)
	}
	step("grid", "verify", "现场核查已清理干净")
	step("dispatch", "close", "")
	if got := b.attr("#event-state", "data-state"); got != "closed" {
		t.Fatalf("at the end, state = %q, want closed", got)
	}
	cockpitShows("a closed share above "+openShare, "closure_rate", func(s string) bool {
		a, _ := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		b, _ := strconv.ParseFloat(strings.TrimSuffix(openShare, "%"), 64)
		return a > b
	})
	history := b.text("#history")
	for _, want := range []string{"上报", "立案", "派遣", "签收", "回复", "核查通过", "结案", "梁小芳", "钟志明", "罗嘉豪", "智能分拨"} {
		if !strings.Contains(history, want) {
			t.Fatalf("history %q lacks %q", history, want)
		}
	}
	b.wantNoCSPViolations("after the event journey")
}

// photoFile writes a small PNG for a browser to upload as a photo.
func photoFile(t *testing.T) string {
	t.Helper()
	photo := filepath.Join(t.TempDir(), "rubbish.png")
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	img.Set(3, 4, color.RGBA{R: 120, G: 90, A: 255})
	f, err := os.Create(photo)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return photo
}
