package app

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/workday"
)

// The acceptance journeys of 一网通办: a citizen applies online and the
// competent authority decides; a counter in another city receives an
// application for an elderly person and forwards it. Each drives Chromium
// through the real pages of a real node with the demo data, as the people
// named in demo.go would, and fails on any Content-Security-Policy
// violation along the way.

// socialSecurityCard is the item both journeys apply for: 社会保障卡申领,
// decided by Guangzhou's human resources bureau (city level), 省内通办.
const socialSecurityCard = "HRSS-0001"

// demoPerson is a demo citizen as the journeys need them: who they are,
// their own valid ID number and their phone.
type demoPerson struct {
	username, name, idNumber, phone string
}

var (
	// 张明 of 天河区, as SeedDemo registers him.
	citizenZhang = demoPerson{"citizen", "张明",
		identity.MakeIDNumber("440106", time.Date(1990, 5, 12, 0, 0, 0, 0, time.UTC), 31).Clear(), "13800138000"}
	// 李桂英 of 越秀区, elderly mode on.
	elderLi = demoPerson{"elder", "李桂英",
		identity.MakeIDNumber("440104", time.Date(1948, 3, 8, 0, 0, 0, 0, time.UTC), 22).Clear(), "13922223333"}
)

// demoItem is a catalog item of the demo data, read as SeedDemo imports it.
func demoItem(t *testing.T, code string) *catalog.Item {
	t.Helper()
	items, err := catalog.DemoItems()
	if err != nil {
		t.Fatalf("read the demo catalog: %v", err)
	}
	for i := range items {
		if items[i].Code == code {
			return &items[i]
		}
	}
	t.Fatalf("the demo catalog has no item %s", code)
	return nil
}

// hasStep reports whether the item's handling has the stage.
func hasStep(it *catalog.Item, st catalog.Stage) bool {
	for _, s := range it.Steps {
		if s.Stage == st {
			return true
		}
	}
	return false
}

// formValues are valid answers to every field of the item's form (files
// aside) for person p: the field's own value where the journey knows the
// field, else a valid value of its kind.
func formValues(t *testing.T, it *catalog.Item, p demoPerson) map[string]string {
	t.Helper()
	known := map[string]string{
		"applicant_name":  p.name,
		"id_number":       p.idNumber,
		"phone":           p.phone,
		"bank":            "中国工商银行",
		"delivery":        "邮寄到家",
		"mailing_address": "广东省广州市天河区天河路 100 号",
	}
	out := map[string]string{}
	for _, fl := range it.Form {
		if v, ok := known[fl.Name]; ok {
			out[fl.Name] = v
			continue
		}
		switch fl.Kind {
		case catalog.FieldFile:
		case catalog.FieldChoice:
			out[fl.Name] = fl.Options[0]
		case catalog.FieldIDNumber:
			out[fl.Name] = p.idNumber
		case catalog.FieldPhone:
			out[fl.Name] = p.phone
		case catalog.FieldDate:
			out[fl.Name] = time.Now().In(workday.Shanghai).Format(time.DateOnly)
		case catalog.FieldNumber:
			n := 1.0
			if fl.Min != nil {
				n = *fl.Min
			}
			out[fl.Name] = fmt.Sprint(n)
		case catalog.FieldText, catalog.FieldTextarea:
			out[fl.Name] = "测试"
		default:
			if fl.Required {
				t.Fatalf("item %s: the journey cannot fill the required field %s of kind %s", it.Code, fl.Name, fl.Kind)
			}
		}
	}
	return out
}

// firstRequiredText is the name of the item's first required text field:
// the one the journey leaves empty once to see the form answer.
func firstRequiredText(t *testing.T, it *catalog.Item) string {
	t.Helper()
	for _, fl := range it.Form {
		if fl.Required && fl.Kind == catalog.FieldText {
			return fl.Name
		}
	}
	t.Fatalf("item %s has no required text field", it.Code)
	return ""
}

// writePhoto writes a real, small JPEG (a white 3:4 ID photo) into a
// temporary directory, under a Chinese file name as a phone would save it,
// and returns its path.
func writePhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 60, 80))
	for y := 0; y < 80; y++ {
		for x := 0; x < 60; x++ {
			img.Set(x, y, color.White)
		}
	}
	for y := 20; y < 60; y++ { // a head, roughly
		for x := 20; x < 40; x++ {
			img.Set(x, y, color.RGBA{0x8a, 0x6e, 0x5a, 0xff})
		}
	}
	path := filepath.Join(t.TempDir(), "证件照.jpg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatalf("create the photo: %v", err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 85}); err != nil {
		f.Close()
		t.Fatalf("encode the photo: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("write the photo: %v", err)
	}
	return path
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// exists reports whether an element matches the CSS selector now.
func (b *tab) exists(css string) bool {
	b.t.Helper()
	return b.eval(`String(document.querySelector(`+jsString(css)+`) !== null)`) == "true"
}

// texts are the visible texts of every element that matches css, in
// document order.
func (b *tab) texts(css string) []string {
	b.t.Helper()
	s := b.eval(`JSON.stringify(Array.from(document.querySelectorAll(` + jsString(css) + `), e => e.innerText.trim()))`)
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		b.t.Fatalf("texts of %s: %v", css, err)
	}
	return out
}

// wantText checks the visible text of an element.
func (b *tab) wantText(after, css, want string) {
	b.t.Helper()
	if got := b.text(css); got != want {
		b.t.Fatalf("%s, %s says %q, want %q", after, css, got, want)
	}
}

// wantContains checks that the visible text of an element contains each of
// the wanted pieces.
func (b *tab) wantContains(after, css string, wants ...string) {
	b.t.Helper()
	got := b.text(css)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			b.t.Fatalf("%s, %s says %q, want it to contain %q", after, css, got, w)
		}
	}
}

// submit clicks a submit button, waits for the page it leads to and
// returns that page's HTTP status; a server error fails the test.
func (b *tab) submit(css string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("click %s on %s: %v", css, b.location(), err)
	}
	if resp == nil {
		b.t.Fatalf("click %s: no page loaded", css)
	}
	if resp.Status >= 500 {
		b.t.Fatalf("click %s: page %s answered HTTP %d", css, resp.URL, resp.Status)
	}
	return resp.Status
}

// signOut signs out with the header's button and lands on the home page.
func (b *tab) signOut() {
	b.t.Helper()
	b.clickAndWait(`form[action="/logout"] button`)
	b.wantPage("after signing out", "/")
}

// pick chooses value in the select of level n of the region picker of the
// form field, and waits until htmx has swapped in the picker that holds
// it (and settled, so that the next choice is not lost: see choose).
func (b *tab) pick(field string, n int, value string) {
	b.t.Helper()
	root := "#rp-" + field
	sel := fmt.Sprintf("%s .rp-level:nth-of-type(%d) select", root, n)
	done := fmt.Sprintf(`%s:not(.htmx-settling) input[type=hidden][name="%s"][value="%s"]`, root, field, value)
	b.do(fmt.Sprintf("choose %s in %s", value, sel),
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.SetValue(chromedp.CSS(sel), value))
	b.do(fmt.Sprintf("after choosing %s in %s, wait for %s", value, sel, done),
		chromedp.WaitReady(chromedp.CSS(done)))
	if got := b.value(sel); got != value {
		b.t.Fatalf("after choosing %s, the redrawn select of level %d of %s holds %q", value, n, root, got)
	}
}

// typeInto empties an input or textarea and types v into it (v "" just
// empties it). It is fill made safe for textareas: chromedp.Clear fails on
// an empty textarea (it has no text node to empty), and SetValue(css, "")
// fails on any field (chromedp reads the "" it set back as no value).
func (b *tab) typeInto(css, v string) {
	b.t.Helper()
	var actions []chromedp.Action[chromedp.Void]
	if b.value(css) != "" {
		actions = append(actions, chromedp.Clear(chromedp.CSS(css)))
	}
	if v != "" {
		actions = append(actions, chromedp.SendKeys(chromedp.CSS(css), v))
	}
	b.do(fmt.Sprintf("type %q into %s", v, css), actions...)
}

// fillApplication fills the item's form on the application page: every
// field from values (an absent or empty value leaves the field empty), and
// the photo into every file field.
func (b *tab) fillApplication(it *catalog.Item, values map[string]string, photo string) {
	b.t.Helper()
	for _, fl := range it.Form {
		css := "#f-" + fl.Name
		v := values[fl.Name]
		switch fl.Kind {
		case catalog.FieldFile:
			b.do("choose the file for "+fl.Label,
				chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf(`input[type=file][name="%s__file"]`, fl.Name)), []string{photo}))
		case catalog.FieldChoice, catalog.FieldDate:
			b.do(fmt.Sprintf("choose %q for %s", v, fl.Label), chromedp.SetValue(chromedp.CSS(css), v))
		default:
			b.typeInto(css, v)
		}
	}
}

// caseNumber checks the number of a case just submitted: the item code's
// prefix, the 办理地, the day of submission in Shanghai (the day before or
// of day, to be safe at midnight) and a four-digit sequence.
func caseNumber(t *testing.T, number, prefix, decidedAt string, day time.Time) {
	t.Helper()
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(prefix+decidedAt) + `-(\d{8})-\d{4}$`)
	m := re.FindStringSubmatch(number)
	if m == nil {
		t.Fatalf("case number = %q, want %s%s-YYYYMMDD-NNNN", number, prefix, decidedAt)
	}
	today := day.In(workday.Shanghai).Format("20060102")
	if m[1] != today && m[1] != day.Add(-time.Hour).In(workday.Shanghai).Format("20060102") {
		t.Fatalf("case number = %q, want the day %s in it", number, today)
	}
}

// openFromQueue opens the work queue, finds the case there by its number
// and opens it, as staff would.
func (b *tab) openFromQueue(who, number, casePath, state string) {
	b.t.Helper()
	b.open("/workbench/cases")
	b.wantLangHeading(who+" opens the work queue", "zh-CN", "待办件")
	link := fmt.Sprintf(`#queue a[href="%s"]`, casePath)
	if !b.exists(link) {
		b.t.Fatalf("%s's queue does not list case %s; it lists:\n\t%s", who, number,
			strings.Join(b.texts("#queue tbody tr"), "\n\t"))
	}
	b.wantText(who+"'s queue", link, number)
	row := b.text(fmt.Sprintf(`#queue tr:has(a[href="%s"])`, casePath))
	if !strings.Contains(row, state) {
		b.t.Fatalf("%s's queue shows case %s as %q, want the state %s", who, number, row, state)
	}
	b.wantNoCSPViolations(who + " opened the queue")
	b.clickAndWait(link)
	b.wantPage(who+" clicked the case in the queue", casePath)
}

// wantTimeline checks the case's timeline: one entry per step, in order,
// each naming the step and who took it.
func (b *tab) wantTimeline(after string, steps [][2]string) {
	b.t.Helper()
	got := b.texts("#timeline li")
	if len(got) != len(steps) {
		b.t.Fatalf("%s, the timeline has %d entries, want %d:\n\t%s", after, len(got), len(steps), strings.Join(got, "\n\t"))
	}
	for i, s := range steps {
		if !strings.Contains(got[i], s[0]) || !strings.Contains(got[i], s[1]) {
			b.t.Fatalf("%s, timeline entry %d = %q, want %s by %s", after, i+1, got[i], s[0], s[1])
		}
	}
}

// wantDeadline checks the promised date shown on the case page: the end of
// the item's promised working days after acceptance, by the node's
// calendar (before or after, to be safe at midnight).
func (b *tab) wantDeadline(after string, it *catalog.Item, before time.Time) {
	b.t.Helper()
	cal := workday.Embedded()
	got := b.text("#case-summary .light")
	var want []string
	for _, at := range []time.Time{before, time.Now()} {
		want = append(want, cal.AddWorkdays(at, it.PromisedDays).In(workday.Shanghai).Format("2006-01-02 15:04"))
	}
	if got != want[0] && got != want[1] {
		b.t.Fatalf("%s, the promised date = %q, want %q (%d working days after acceptance)", after, got, want[0], it.PromisedDays)
	}
}

// TestJourneyCitizenAppliesOfficerDecides is 一网通办 from end to end: 张明
// finds 社会保障卡申领 by searching 社保卡, reads the guide, applies with
// his photo (the form first answers a missing field without losing the
// upload), and follows his case; 林晓燕 accepts it and may not decide it;
// 周建国 approves and completes it; 张明 sees it done, with the decision
// and every step.
func TestJourneyCitizenAppliesOfficerDecides(t *testing.T) {
	chromiumPath(t)
	start := time.Now()
	it := demoItem(t, socialSecurityCard)
	photo := writePhoto(t)
	b := newTab(t, startNode(t))
	defer func() { t.Logf("journey took %v", time.Since(start).Round(time.Millisecond)) }()

	// 张明 signs in and searches the catalog.
	b.signIn(citizenZhang.username, DemoPassword)
	b.open("/services")
	b.wantLangHeading("on the services page", "zh-CN", "办事服务")
	b.fill("#q", "社保卡")
	b.clickAndWait("#search-submit")
	if got := b.location(); !strings.HasPrefix(got, "/services?") || !strings.Contains(got, "q=") {
		t.Fatalf("after searching, page = %s, want /services?q=...", got)
	}
	if got := b.value("#q"); got != "社保卡" {
		t.Fatalf("after searching, the search box holds %q, want %q", got, "社保卡")
	}
	first := "#results > li:first-child h2 a"
	if got := b.text(first); got != it.Name {
		t.Fatalf("searching 社保卡, the first result is %q, want %q; results:\n\t%s",
			got, it.Name, strings.Join(b.texts("#results > li h2"), "\n\t"))
	}
	b.wantNoCSPViolations("after searching 社保卡")

	// The guide.
	b.clickAndWait(first)
	b.wantPage("after opening the first result", "/services/"+it.Code)
	b.wantText("on the guide", "#item-name", it.Name)
	for _, m := range it.Materials {
		b.wantContains("on the guide", "#materials", m.Name)
	}
	b.wantNoCSPViolations("on the guide")

	// The application form, first with the applicant's name left empty.
	b.clickAndWait("#apply-link")
	b.wantPage("after clicking 在线办理", "/services/"+it.Code+"/apply")
	b.wantLangHeading("on the application form", "zh-CN", it.Name)
	if b.exists("fieldset.counter") {
		t.Fatalf("the citizen's application form shows the counter's fieldset")
	}
	if got := b.value(`#rp-decide_in input[name=decide_in]`); got != "440106" {
		t.Fatalf("the form's 办理地 is preset to %q, want the citizen's 440106 (天河区)", got)
	}
	b.wantContains("on the application form", "#rp-decide_in .rp-chosen", "广东省广州市天河区")
	values := formValues(t, it, citizenZhang)
	missing := firstRequiredText(t, it)
	partial := map[string]string{}
	for k, v := range values {
		if k != missing {
			partial[k] = v
		}
	}
	b.fillApplication(it, partial, photo)
	b.wantNoCSPViolations("after filling the application form")
	if got := b.submit("#apply-submit"); got != 422 {
		t.Fatalf("submitting with %s empty answered HTTP %d, want 422", missing, got)
	}
	after := "after submitting with " + missing + " empty"
	b.wantPage(after, "/services/"+it.Code+"/apply")
	b.wantText(after, "#apply-errors", "请按提示修改标红的内容，申请尚未提交。")
	if got := b.attr("#f-"+missing, "aria-invalid"); got != "true" {
		t.Fatalf("%s, #f-%s aria-invalid = %q, want \"true\"", after, missing, got)
	}
	if got := b.attr("#f-"+missing, "aria-describedby"); got != "e-"+missing {
		t.Fatalf("%s, #f-%s aria-describedby = %q, want %q", after, missing, got, "e-"+missing)
	}
	b.wantText(after, "#e-"+missing, "此项必填。")
	if n := len(b.texts(".field-error")); n != 1 {
		t.Fatalf("%s, the form marks %d fields, want only %s: %q", after, n, missing, b.texts(".field-error"))
	}
	b.wantContains(after, "p.uploaded", "已上传", filepath.Base(photo))
	for _, fl := range it.Form {
		if fl.Kind == catalog.FieldFile || fl.Name == missing {
			continue
		}
		if got := b.value("#f-" + fl.Name); got != values[fl.Name] {
			t.Fatalf("%s, #f-%s holds %q, want %q kept", after, fl.Name, got, values[fl.Name])
		}
	}
	if got := b.value(`input[name=case_id]`); got != "" {
		t.Fatalf("%s, the form carries case_id %q: something was saved", after, got)
	}
	if got := b.value(`#rp-decide_in input[name=decide_in]`); got != "440106" {
		t.Fatalf("%s, the 办理地 = %q, want 440106 kept", after, got)
	}
	b.wantNoCSPViolations(after)

	// Corrected, it goes to Guangzhou's human resources bureau.
	b.fill("#f-"+missing, values[missing])
	submitted := time.Now()
	b.clickAndWait("#apply-submit")
	casePath := b.location()
	if !regexp.MustCompile(`^/cases/[^/?]+$`).MatchString(casePath) {
		t.Fatalf("after submitting the corrected form, page = %s, want /cases/{id}", casePath)
	}
	b.wantLangHeading("on the new case", "zh-CN", it.Name)
	b.wantText("on the new case", "#case-state", "待受理")
	prefix, _, _ := strings.Cut(it.Code, "-")
	number := b.text("#case-number")
	caseNumber(t, number, prefix, "440106", submitted)
	b.wantContains("on the new case", "#handled-by", "广州市人力资源和社会保障局")
	b.wantTimeline("on the new case", [][2]string{{"提交", citizenZhang.name}})
	b.wantNoCSPViolations("on the new case")
	t.Logf("submitted case %s at %s", number, casePath)
	b.signOut()

	// 林晓燕 finds it in her queue and accepts it; the decision is not hers.
	b.signIn("officer", DemoPassword)
	b.openFromQueue("the officer", number, casePath, "待受理")
	b.wantText("the officer opens the case", "#case-state", "待受理")
	accepted := time.Now()
	b.clickAndWait("#act-accept")
	b.wantPage("after 受理", casePath)
	if hasStep(it, catalog.StageReview) {
		b.wantText("after 受理", "#case-state", "审查中")
		b.clickAndWait("#act-pass")
		b.wantPage("after 审查通过", casePath)
	}
	b.wantText("the officer's step done", "#case-state", "待决定")
	b.wantDeadline("after 受理", it, accepted)
	for _, act := range []string{"approve", "deny", "complete"} {
		if b.exists("#act-" + act) {
			t.Fatalf("the case officer sees #act-%s: the decision is the department head's step", act)
		}
	}
	b.wantNoCSPViolations("after 受理")
	b.signOut()

	// 周建国 approves, in writing, and completes.
	const decision = "准予发放社会保障卡，制卡完成后邮寄到家。"
	b.signIn("head", DemoPassword)
	b.openFromQueue("the department head", number, casePath, "待决定")
	b.wantText("the head opens the case", "#case-state", "待决定")
	b.typeInto("#comment", decision)
	b.clickAndWait("#act-approve")
	b.wantPage("after 准予", casePath)
	b.wantText("after 准予", "#case-state", "已决定")
	b.wantText("after 准予", "#decision", decision)
	b.clickAndWait("#act-complete")
	b.wantPage("after 办结", casePath)
	b.wantText("after 办结", "#case-state", "已办结")
	if b.exists("#case-actions") {
		t.Fatalf("after 办结, the head still sees actions: %q", b.text("#case-actions"))
	}
	if b.exists("#rating-form") {
		t.Fatalf("after 办结, the head is offered the rating form: only the applicant rates")
	}
	b.wantNoCSPViolations("after 办结")
	b.signOut()

	// 张明 sees it done.
	b.signIn(citizenZhang.username, DemoPassword)
	b.open("/cases")
	b.wantLangHeading("on my cases", "zh-CN", "我的办件")
	mine := b.texts("#my-cases > li")
	if len(mine) != 1 {
		t.Fatalf("the citizen's cases list %d entries, want 1 (the rejected first submission saved nothing):\n\t%s",
			len(mine), strings.Join(mine, "\n\t"))
	}
	for _, w := range []string{it.Name, "已办结", number} {
		if !strings.Contains(mine[0], w) {
			t.Fatalf("the citizen's case is listed as %q, want it to contain %q", mine[0], w)
		}
	}
	b.clickAndWait(fmt.Sprintf(`#my-cases a[href="%s"]`, casePath))
	b.wantPage("after opening the case from my cases", casePath)
	b.wantText("the citizen's completed case", "#case-state", "已办结")
	b.wantText("the citizen's completed case", "#decision", decision)
	steps := [][2]string{{"提交", citizenZhang.name}, {"受理", "林晓燕"}}
	if hasStep(it, catalog.StageReview) {
		steps = append(steps, [2]string{"审查通过", "林晓燕"})
	}
	steps = append(steps, [2]string{"准予", "周建国"}, [2]string{"办结", "周建国"})
	b.wantTimeline("the citizen's completed case", steps)
	if got := b.texts("#timeline li")[len(steps)-2]; !strings.Contains(got, decision) {
		t.Fatalf("the timeline's 准予 entry = %q, want the decision %q under it", got, decision)
	}
	if b.exists("#case-actions") {
		t.Fatalf("the citizen sees actions on a completed case: %q", b.text("#case-actions"))
	}
	b.wantNoCSPViolations("on the citizen's completed case")

	// 好差评: he rates the service 非常满意, once.
	//
	// TODO(好差评): the rating form is being added while this journey is
	// written (internal/rating, templates/partials/rating_panel.html); once
	// it has landed, make its absence fail the journey instead of skipping
	// the step.
	if !b.exists("#rating-form") {
		t.Logf("TODO(好差评): the completed case page has no rating form (#rating-form) yet: the journey does not rate")
		return
	}
	b.wantContains("the rating form", "#rating h2", "评价本次服务")
	const praise = "网上申请很方便，一次都没跑。"
	b.do("choose 非常满意", chromedp.SetValue(chromedp.CSS("#f-score"), "5"))
	if got := strings.TrimSpace(b.eval(`document.querySelector("#f-score").selectedOptions[0].textContent`)); got != "非常满意" {
		t.Fatalf("the rating's option 5 says %q, want 非常满意", got)
	}
	b.do("rate the time taken 非常满意", chromedp.SetValue(chromedp.CSS("#f-timeliness"), "5"))
	b.typeInto("#f-comment", praise)
	b.clickAndWait("#rating-submit")
	b.wantPage("after rating", casePath)
	b.wantText("after rating", "#rating-score", "非常满意")
	b.wantText("after rating", "#rating-timeliness", "非常满意")
	b.wantText("after rating", "#rating-comment", praise)
	if b.exists("#rating-form") {
		t.Fatalf("after rating, the case page still offers the rating form: a rating is given once")
	}
	b.reload()
	b.wantText("after rating and reloading", "#rating-score", "非常满意")
	b.wantNoCSPViolations("after rating")
}

// TestJourneyCounterReceivesForAnotherCity is 异地代收 (省内通办): 邓丽君 at
// 福田区's counter in 深圳 applies for 李桂英, with her consent, for a card
// decided in 广州越秀区; the case waits at the counter until she forwards
// it; 林晓燕 in 广州 finds it in her queue and accepts it; 李桂英 sees it
// among her own cases.
func TestJourneyCounterReceivesForAnotherCity(t *testing.T) {
	chromiumPath(t)
	start := time.Now()
	it := demoItem(t, socialSecurityCard)
	province := false
	for _, s := range it.Scopes {
		province = province || s == catalog.ScopeProvince
	}
	if !province || it.Level != catalog.LevelCity {
		t.Fatalf("item %s: scopes %v, level %s; the journey needs 省内通办 and a city-level authority", it.Code, it.Scopes, it.Level)
	}
	photo := writePhoto(t)
	b := newTab(t, startNode(t))
	defer func() { t.Logf("journey took %v", time.Since(start).Round(time.Millisecond)) }()

	// 邓丽君 opens the guide and applies at her counter.
	b.signIn("counter_sz", DemoPassword)
	b.open("/services/" + it.Code)
	b.wantText("on the guide", "#item-name", it.Name)
	counterLink := fmt.Sprintf(`a[href="/services/%s/apply?counter=1"]`, it.Code)
	b.wantText("on the guide", counterLink, "窗口代办")
	b.wantNoCSPViolations("on the guide")
	b.clickAndWait(counterLink)
	b.wantPage("after clicking 窗口代办", "/services/"+it.Code+"/apply?counter=1")
	b.wantContains("on the counter form", "fieldset.counter legend", "窗口代办")
	b.wantContains("on the counter form", `label[for="f-consent"]`, "授权同意")
	if got := b.value(`#rp-decide_in input[name=decide_in]`); got != "440304" {
		t.Fatalf("the counter form's 办理地 is preset to %q, want the counter's 440304 (福田区)", got)
	}
	if b.exists("#apply-draft") {
		t.Fatalf("the counter form offers 保存草稿, want it only online")
	}
	b.fill("#f-applicant", elderLi.username)
	b.fill("#f-consent", "本人到场书面同意，签字确认")
	b.pick("decide_in", 2, "4401")
	b.pick("decide_in", 3, "440104")
	b.wantContains("after choosing 越秀区", "#rp-decide_in .rp-chosen", "广东省广州市越秀区")
	b.fillApplication(it, formValues(t, it, elderLi), photo)
	b.wantNoCSPViolations("after filling the counter form")
	submitted := time.Now()
	b.clickAndWait("#apply-submit")
	casePath := b.location()
	if !regexp.MustCompile(`^/cases/[^/?]+$`).MatchString(casePath) {
		t.Fatalf("after submitting at the counter, page = %s, want /cases/{id}; the form says %q",
			casePath, strings.Join(b.texts(".field-error, #apply-errors"), " / "))
	}
	b.wantText("on the received case", "#case-state", "已收件待转交")
	b.wantContains("on the received case", "#handled-by", "广州市人力资源和社会保障局", "收件地", "广东省深圳市福田区")
	b.wantContains("on the received case", "#case-summary", elderLi.name, "窗口代办", "广东省广州市越秀区")
	prefix, _, _ := strings.Cut(it.Code, "-")
	number := b.text("#case-number")
	caseNumber(t, number, prefix, "440104", submitted)
	b.wantTimeline("on the received case", [][2]string{{"提交", "邓丽君"}})
	b.wantContains("on the received case", "#timeline", "本人到场书面同意")
	b.wantNoCSPViolations("on the received case")
	t.Logf("received case %s at %s", number, casePath)

	// She forwards it to 广州.
	b.clickAndWait("#act-forward")
	b.wantPage("after 转交", casePath)
	b.wantText("after 转交", "#case-state", "待受理")
	b.wantTimeline("after 转交", [][2]string{{"提交", "邓丽君"}, {"转交办理地", "邓丽君"}})
	b.wantNoCSPViolations("after 转交")
	b.signOut()

	// 林晓燕 in 广州 accepts it.
	b.signIn("officer", DemoPassword)
	b.openFromQueue("the officer", number, casePath, "待受理")
	accepted := time.Now()
	b.clickAndWait("#act-accept")
	b.wantPage("after 受理", casePath)
	want := "待决定"
	if hasStep(it, catalog.StageReview) {
		want = "审查中"
	}
	b.wantText("after 受理", "#case-state", want)
	b.wantDeadline("after 受理", it, accepted)
	b.wantNoCSPViolations("after 受理")
	b.signOut()

	// 李桂英 finds it among her own cases.
	b.signIn(elderLi.username, DemoPassword)
	b.open("/cases")
	mine := b.texts("#my-cases > li")
	if len(mine) != 1 {
		t.Fatalf("the elder's cases list %d entries, want the one the counter applied for:\n\t%s",
			len(mine), strings.Join(mine, "\n\t"))
	}
	for _, w := range []string{it.Name, want, number} {
		if !strings.Contains(mine[0], w) {
			t.Fatalf("the elder's case is listed as %q, want it to contain %q", mine[0], w)
		}
	}
	b.clickAndWait(fmt.Sprintf(`#my-cases a[href="%s"]`, casePath))
	b.wantText("the elder's case", "#case-state", want)
	b.wantTimeline("the elder's case", [][2]string{{"提交", "邓丽君"}, {"转交办理地", "邓丽君"}, {"受理", "林晓燕"}})
	b.wantNoCSPViolations("on the elder's case")
}
