package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/digigov/digigov/internal/identity"
)

// These tests drive a real Chromium against a real node, as a person would
// use digigov. They need Chromium: DIGIGOV_TEST_CHROMIUM names it, else
// /usr/bin/chromium is used, else they skip.

const (
	// browserTimeout bounds a whole browser test, browser start included.
	browserTimeout = 60 * time.Second
	// stepTimeout bounds one step, so that a missing element fails the
	// step that looked for it and not the whole test at its end.
	stepTimeout = 15 * time.Second
)

// chromiumPath returns the browser to drive, or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("DIGIGOV_TEST_CHROMIUM"); p != "" {
		return p
	}
	const debian = "/usr/bin/chromium"
	if _, err := os.Stat(debian); err == nil {
		return debian
	}
	t.Skip("browser: skipped, chromium not found (set DIGIGOV_TEST_CHROMIUM)")
	return ""
}

// tab is one browser tab on a node, with steps that fail the test with a
// sentence saying what was being done.
type tab struct {
	t       *testing.T
	ctx     context.Context
	base    string
	console *consoleLog
}

// newTab starts a headless Chromium with a fresh profile, whose browser
// asks for Chinese pages as a browser in Guangdong does. The browser stops
// when the test ends, or after browserTimeout.
func newTab(t *testing.T, base string) *tab {
	t.Helper()
	exe := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
	}
	// The deadline is on the allocator's parent, so it bounds the browser's
	// whole life: a hung test ends at browserTimeout with the browser gone.
	tctx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(tctx, opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", exe, err)
	}
	b := &tab{t: t, ctx: ctx, base: base, console: &consoleLog{}}
	if err := chromedp.Listen(ctx, b.console.add); err != nil {
		t.Fatalf("listen to the console of chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: cspReporter, WorldName: "digigov-test",
	}); err != nil {
		t.Fatalf("add the CSP reporter to chromium: %v", err)
	}
	return b
}

// cspReporter runs in every page, in a world of its own, and writes each
// securitypolicyviolation event to the console. Chromium logs most
// violations itself, but not an eval that the page's code catches.
const cspReporter = `document.addEventListener("securitypolicyviolation", function (e) {
	console.error("Content Security Policy violation: " + e.effectiveDirective + " blocked " +
		(e.blockedURI || "(inline)") + " at " + e.sourceFile + ":" + e.lineNumber + ":" + e.columnNumber +
		(e.sample ? " sample " + JSON.stringify(e.sample) : ""));
}, true);`

// consoleLog keeps what the pages of a tab wrote to the console: calls of
// the console API, uncaught exceptions, and the browser's own log, where
// Chromium reports most Content-Security-Policy violations ("Applying
// inline style violates the following Content Security Policy directive").
type consoleLog struct {
	mu      sync.Mutex
	msgs    []string
	checked int // how many of msgs wantNoCSPViolations has seen
}

// add is the listener of the tab's events. It runs on the goroutine that
// reads the browser's messages, so it only appends.
func (c *consoleLog) add(ev any) {
	var m string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var args []string
		for _, a := range ev.Args {
			args = append(args, remoteText(a))
		}
		m = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		m = "exception: " + d.Text
		if d.Exception != nil {
			desc, _, _ := strings.Cut(remoteText(d.Exception), "\n")
			m += " " + desc
		}
		if d.URL != "" {
			m += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
		}
	case *log.EventEntryAdded:
		e := ev.Entry
		m = fmt.Sprintf("log %s %s: %s", e.Source, e.Level, e.Text)
		if e.URL != "" {
			m += fmt.Sprintf(" (%s)", e.URL)
		}
	default:
		return
	}
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
}

// remoteText is a console argument as the console shows it, roughly.
func remoteText(o *runtime.RemoteObject) string {
	if o.Type == runtime.RemoteObjectTypeString {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
	}
	switch {
	case o.Description != "":
		return o.Description
	case o.UnserializableValue != "":
		return string(o.UnserializableValue)
	case len(o.Value) > 0:
		return string(o.Value)
	}
	return string(o.Type)
}

// unchecked returns the messages that came since it was last called.
func (c *consoleLog) unchecked() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	msgs := append([]string(nil), c.msgs[c.checked:]...)
	c.checked = len(c.msgs)
	return msgs
}

// isCSPViolation reports whether a console message is Chromium, or
// cspReporter, saying that the page's Content-Security-Policy blocked
// something. Older Chromiums said "Refused to ...".
func isCSPViolation(m string) bool {
	return strings.Contains(m, "Content Security Policy") || strings.Contains(m, "Refused to")
}

// wantNoCSPViolations fails the test if a page of the tab broke its
// Content-Security-Policy since the last check, and logs the console's
// other messages (such as the 404 of /favicon.ico).
func (b *tab) wantNoCSPViolations(after string) {
	b.t.Helper()
	// The page fires securitypolicyviolation in a task of its own, and the
	// listener sees every event that the browser sent before the answer to
	// a command: a round trip that waits for a timer of the page brings the
	// log up to date.
	b.runString("wait for the page's pending events", chromedp.Evaluate[string](
		`new Promise(done => setTimeout(() => done(""), 50))`, chromedp.EvalAwaitPromise))
	var bad []string
	for _, m := range b.console.unchecked() {
		if isCSPViolation(m) {
			bad = append(bad, m)
		} else {
			b.t.Logf("%s, console: %s", after, m)
		}
	}
	if len(bad) > 0 {
		b.t.Fatalf("%s, the browser reported %d Content-Security-Policy violation(s):\n\t%s",
			after, len(bad), strings.Join(bad, "\n\t"))
	}
}

// do runs actions as one step, bounded by stepTimeout.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.doWithin(stepTimeout, what, actions...)
}

// doWithin runs actions as one step bounded by d, for the rare step whose
// work is the browser's own (Swagger UI parsing the whole OpenAPI
// document takes seconds of script on a busy machine).
func (b *tab) doWithin(d time.Duration, what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, d)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// runString runs an action that returns a string, bounded by stepTimeout.
func (b *tab) runString(what string, a chromedp.Action[string]) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// open loads a page of the node by its path and waits for it to load.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
}

// reload reloads the page and waits for it to load.
func (b *tab) reload() {
	b.t.Helper()
	b.do("reload "+b.location(), chromedp.Reload())
}

// clickAndWait clicks the element (a button that submits a form, a link)
// and waits for the page it leads to, failing on an HTTP error status.
func (b *tab) clickAndWait(css string) {
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
}

// fill types v into the input, replacing what it held.
func (b *tab) fill(css, v string) {
	b.t.Helper()
	b.do("fill "+css, chromedp.Clear(chromedp.CSS(css)), chromedp.SendKeys(chromedp.CSS(css), v))
}

// text is the visible text of the element.
func (b *tab) text(css string) string {
	b.t.Helper()
	return strings.TrimSpace(b.runString("read the text of "+css, chromedp.Text(chromedp.CSS(css))))
}

// value is the current value of the input.
func (b *tab) value(css string) string {
	b.t.Helper()
	return b.runString("read the value of "+css, chromedp.Value(chromedp.CSS(css)))
}

// attr is the element's attribute, "" when it has none.
func (b *tab) attr(css, name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(css), name))
	if err != nil {
		b.t.Fatalf("read attribute %s of %s: %v", name, css, err)
	}
	return res.Value
}

// eval evaluates a JavaScript expression that gives a string.
func (b *tab) eval(expr string) string {
	b.t.Helper()
	return b.runString("evaluate "+expr, chromedp.Evaluate[string](expr))
}

// location is the path and query of the page shown.
func (b *tab) location() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown page: " + err.Error() + ")"
	}
	u, err := url.Parse(loc)
	if err != nil {
		return loc
	}
	return u.RequestURI()
}

// lang is the language of the page, from <html lang>.
func (b *tab) lang() string {
	b.t.Helper()
	return b.eval(`document.documentElement.lang`)
}

// elderly reports whether the page is in elderly mode (长辈版).
func (b *tab) elderly() bool {
	b.t.Helper()
	return strings.Contains(" "+b.eval(`document.documentElement.className`)+" ", " elderly ")
}

// rootFontSize is the computed font size of <html> in CSS pixels.
func (b *tab) rootFontSize() float64 {
	b.t.Helper()
	s := b.eval(`getComputedStyle(document.documentElement).fontSize`)
	px, err := strconv.ParseFloat(strings.TrimSuffix(s, "px"), 64)
	if err != nil {
		b.t.Fatalf("font size of html = %q, not a size in px", s)
	}
	return px
}

// heading is the page's main heading.
func (b *tab) heading() string {
	b.t.Helper()
	return b.text("main h1")
}

// wantPage checks the page's path (and query) after a step.
func (b *tab) wantPage(after, want string) {
	b.t.Helper()
	if got := b.location(); got != want {
		b.t.Fatalf("%s, page = %s, want %s", after, got, want)
	}
}

// wantLangHeading checks the page's language and main heading.
func (b *tab) wantLangHeading(after, lang, heading string) {
	b.t.Helper()
	if got := b.lang(); got != lang {
		b.t.Fatalf("%s, html lang = %q, want %q", after, got, lang)
	}
	if got := b.heading(); got != heading {
		b.t.Fatalf("%s, heading = %q, want %q", after, got, heading)
	}
}

// signIn signs in from the login page and waits for the page it leads to.
func (b *tab) signIn(username, password string) {
	b.t.Helper()
	b.open("/login")
	b.fill("#username", username)
	b.fill("#password", password)
	b.clickAndWait("#login-submit")
}

// clearCookies forgets every cookie of the browser: the session and the
// preference cookies.
func (b *tab) clearCookies() {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		b.t.Fatalf("clear cookies: %v", err)
	}
}

// TestBrowserJourneyCaseOfficer follows a case officer of Guangzhou's
// human resources bureau: sign in, see the workbench and grants in
// Chinese, try English and back, turn on elderly mode, and find it kept on
// the account after signing in again with no cookies left.
func TestBrowserJourneyCaseOfficer(t *testing.T) {
	chromiumPath(t)
	b := newTab(t, startNode(t))

	// The login page is in Chinese.
	b.open("/login")
	if got := b.lang(); got != "zh-CN" {
		t.Fatalf("login page html lang = %q, want %q", got, "zh-CN")
	}
	if got, want := b.text("#login-submit"), "登录"; got != want {
		t.Fatalf("login button = %q, want %q", got, want)
	}

	// Sign in as the case officer: the workbench shows her grant.
	b.fill("#username", "officer")
	b.fill("#password", DemoPassword)
	b.clickAndWait("#login-submit")
	b.wantPage("after signing in as officer", "/workbench")
	b.wantLangHeading("after signing in", "zh-CN", "粤政易工作台")
	grants := b.text("#my-grants")
	for _, want := range []string{"审批人员", "广东省广州市"} {
		if !strings.Contains(grants, want) {
			t.Fatalf("workbench grants table = %q, want it to contain %q", grants, want)
		}
	}
	if got, want := b.text("#who"), "林晓燕"; got != want {
		t.Fatalf("signed-in name in the header = %q, want %q", got, want)
	}

	// English, then back to Chinese.
	b.clickAndWait(`button[name=lang][value=en]`)
	b.wantPage("after switching to English", "/workbench")
	b.wantLangHeading("after switching to English", "en", "Staff workbench")
	b.clickAndWait(`button[name=lang][value="zh-CN"]`)
	b.wantLangHeading("after switching back to Chinese", "zh-CN", "粤政易工作台")

	// Elderly mode makes the type larger, and survives a reload.
	if b.elderly() {
		t.Fatalf("before turning elderly mode on, html already has class elderly")
	}
	before := b.rootFontSize()
	b.clickAndWait("#elderly-toggle")
	b.wantPage("after turning elderly mode on", "/workbench")
	if !b.elderly() {
		t.Fatalf("after turning elderly mode on, html class = %q, want it to contain \"elderly\"",
			b.eval(`document.documentElement.className`))
	}
	if after := b.rootFontSize(); after <= before {
		t.Fatalf("after turning elderly mode on, html font size = %vpx, want more than %vpx", after, before)
	}
	if got := b.attr("#elderly-toggle", "aria-pressed"); got != "true" {
		t.Fatalf("after turning elderly mode on, the toggle's aria-pressed = %q, want \"true\"", got)
	}
	b.reload()
	if !b.elderly() {
		t.Fatalf("after reloading the workbench, elderly mode is off, want it kept on")
	}

	// Sign out, forget every cookie, sign in again: elderly mode comes
	// back from the account, not from a cookie.
	b.clickAndWait(`form[action="/logout"] button`)
	b.wantPage("after signing out", "/")
	b.clearCookies()
	b.open("/login")
	if b.elderly() {
		t.Fatalf("after clearing cookies, the login page is still in elderly mode: the cookies were not cleared")
	}
	b.fill("#username", "officer")
	b.fill("#password", DemoPassword)
	b.clickAndWait("#login-submit")
	b.wantPage("after signing in again", "/workbench")
	if !b.elderly() {
		t.Fatalf("after signing in again with no cookies, elderly mode is off, want it on (saved to the account)")
	}
	b.wantLangHeading("after signing in again", "zh-CN", "粤政易工作台")
}

// TestBrowserRegistrationShowsChineseFieldErrors registers a citizen who
// mistypes the last character of the ID number: the form comes back with a
// Chinese sentence under that field, keeps the other fields but not the
// password, and accepts the corrected number.
func TestBrowserRegistrationShowsChineseFieldErrors(t *testing.T) {
	chromiumPath(t)
	b := newTab(t, startNode(t))

	valid := identity.MakeIDNumber("440106", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 123).Clear()
	wrong := valid[:17] + "0"
	if valid[17] == '0' {
		wrong = valid[:17] + "1"
	}

	b.open("/register")
	b.fill("#f-name", "王小明")
	b.fill("#f-id_number", wrong)
	b.fill("#f-phone", "13800138000")
	b.fill("#f-username", "wxm2026")
	b.fill("#f-password", "abc12345")
	b.clickAndWait("#register-submit")

	b.wantPage("after submitting a wrong check digit", "/register")
	if got, want := b.text("#e-id_number"), "公民身份号码校验位不正确，请核对每一位。"; got != want {
		t.Fatalf("error under the ID number = %q, want %q", got, want)
	}
	if got := b.attr("#f-id_number", "aria-invalid"); got != "true" {
		t.Fatalf("ID number input aria-invalid = %q, want \"true\"", got)
	}
	if got := b.attr("#f-id_number", "aria-describedby"); got != "e-id_number" {
		t.Fatalf("ID number input aria-describedby = %q, want \"e-id_number\"", got)
	}
	for _, f := range []struct{ css, want string }{
		{"#f-name", "王小明"},
		{"#f-id_number", wrong},
		{"#f-phone", "13800138000"},
		{"#f-username", "wxm2026"},
		{"#f-password", ""},
	} {
		if got := b.value(f.css); got != f.want {
			t.Fatalf("after the error, %s holds %q, want %q", f.css, got, f.want)
		}
	}

	b.fill("#f-id_number", valid)
	b.fill("#f-password", "abc12345")
	b.clickAndWait("#register-submit")
	b.wantPage("after submitting the corrected ID number", "/login?registered=1")
}

// pickerLevel is the CSS selector of the select of level n (1 is the
// province) of the region picker whose field is code.
func pickerLevel(n int) string {
	return fmt.Sprintf("#rp-code .rp-level:nth-of-type(%d) select", n)
}

// choose picks the option of the picker's select of level n, as a person
// choosing with the keyboard or the mouse does. chromedp.SetValue fires
// the select's input and change events, and htmx replaces the whole
// picker on change; choose waits for the new picker, which has one more
// level, holding the option want (a child of value).
//
// htmx gives the new picker the class htmx-settling, and binds its selects
// to change only when it takes the class off, 20 ms later: a choice made in
// between would be lost, so choose waits for the class to go.
func (b *tab) choose(n int, value, want string) {
	b.t.Helper()
	sel := pickerLevel(n)
	next := strings.Replace(pickerLevel(n+1), "#rp-code", "#rp-code:not(.htmx-settling)", 1) +
		fmt.Sprintf(` option[value="%s"]`, want)
	b.do(fmt.Sprintf("choose %s in %s", value, sel),
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.SetValue(chromedp.CSS(sel), value))
	b.do(fmt.Sprintf("after choosing %s in %s, wait for %s", value, sel, next),
		chromedp.WaitReady(chromedp.CSS(next)))
	if got := b.value(sel); got != value {
		b.t.Fatalf("after choosing %s, the redrawn select of level %d holds %q, want %q", value, n, got, value)
	}
}

// optionText is the name that an option of the picker's level n shows.
func (b *tab) optionText(n int, value string) string {
	b.t.Helper()
	css := pickerLevel(n) + fmt.Sprintf(` option[value="%s"]`, value)
	return strings.TrimSpace(b.runString("read the text of "+css, chromedp.TextContent(chromedp.CSS(css))))
}

// TestBrowserRegionPickerCascades looks up 石牌街道 on the public regions
// page with the cascading picker, from the province down: each choice
// makes htmx fetch the next level, under the page's Content-Security-Policy
// (no inline script, no inline style, no eval).
func TestBrowserRegionPickerCascades(t *testing.T) {
	chromiumPath(t)
	b := newTab(t, startNode(t))

	b.open("/regions")
	b.wantLangHeading("on the regions page", "zh-CN", "行政区划")
	if got := b.optionText(1, "44"); got != "广东省" {
		t.Fatalf("first select, option 44 = %q, want %q", got, "广东省")
	}
	for _, step := range []struct {
		level       int
		value, name string // the choice
		next, child string // an option of the next level, and its name
	}{
		{1, "44", "广东省", "4401", "广州市"},
		{2, "4401", "广州市", "440106", "天河区"},
		{3, "440106", "天河区", "440106006", "石牌街道"},
		{4, "440106006", "石牌街道", "440106006002", "东城社区居委会"},
	} {
		b.choose(step.level, step.value, step.next)
		if got := b.optionText(step.level+1, step.next); got != step.child {
			t.Fatalf("after choosing %s, select %d, option %s = %q, want %q",
				step.name, step.level+1, step.next, got, step.child)
		}
	}
	const full = "广东省广州市天河区石牌街道"
	if got := b.value(`#rp-code input[name=code]`); got != "440106006" {
		t.Fatalf("after choosing 石牌街道, the hidden input code = %q, want %q", got, "440106006")
	}
	if got := b.text("#rp-code .rp-chosen"); !strings.Contains(got, full) {
		t.Fatalf("after choosing 石牌街道, the picker says %q, want it to contain %q", got, full)
	}
	b.wantNoCSPViolations("after choosing 石牌街道")

	b.clickAndWait(`main form[action="/regions"] > button`)
	if got := b.location(); !strings.HasPrefix(got, "/regions?") || !strings.Contains(got, "code=440106006") {
		t.Fatalf("after clicking 查看, page = %s, want /regions?...code=440106006...", got)
	}
	if got := b.text("#region-detail h2"); got != full {
		t.Fatalf("after clicking 查看, the region's heading = %q, want %q", got, full)
	}
	b.wantNoCSPViolations("after clicking 查看")
}

// TestBrowserAPIDocsRender opens the API documentation: the vendored
// Swagger UI loads the OpenAPI document and lists its operations, under
// the same Content-Security-Policy as every page.
func TestBrowserAPIDocsRender(t *testing.T) {
	chromiumPath(t)
	b := newTab(t, startNode(t))

	b.open("/api/docs")
	b.doWithin(3*stepTimeout, "wait for Swagger UI to show the API's title",
		chromedp.WaitVisible(chromedp.CSS(".swagger-ui .info .title")))
	if got := b.text(".swagger-ui .info .title"); !strings.Contains(got, "digigov API") {
		t.Fatalf("Swagger UI title = %q, want it to contain %q", got, "digigov API")
	}
	b.do("wait for Swagger UI to list the operations",
		chromedp.WaitVisible(chromedp.CSS(".swagger-ui .opblock-summary-path")))
	// Swagger UI puts a zero-width space before each "/" of a path, so
	// that a long path can wrap.
	paths := strings.Split(strings.ReplaceAll(b.eval(`Array.from(
		document.querySelectorAll(".swagger-ui .opblock-summary-path"),
		e => e.textContent.trim()).join("\n")`), "\u200b", ""), "\n")
	const want = "/api/v1/regions/{code}"
	found := false
	for _, p := range paths {
		found = found || p == want
	}
	if !found {
		t.Fatalf("Swagger UI lists the paths %q, want %s among them", paths, want)
	}
	b.wantNoCSPViolations("after Swagger UI rendered")
}
