package app

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// The journeys of a sealed decision (决定书): 张明 applies online, 广州市人社局
// decides, and the decision comes back to him as a PDF sealed by the
// bureau, which he downloads from his case and checks on the public
// verifier page — the file as issued is genuine, a copy with one byte
// changed is not, and the page says why, in Chinese, on a phone too.

// hrssCertificate is the item the journeys apply for: 个人参保证明查询打印,
// decided by 广州市人力资源和社会保障局, whose 居民身份证 material 张明's
// e-licence satisfies (so the form needs no upload).
const hrssCertificate = "HRSS-0011"

// gzHRSS is the deciding authority, as the decision and the verifier name it.
const gzHRSS = "广州市人力资源和社会保障局"

// downloads keeps the files a tab downloaded, by the download's GUID, as
// Chromium reports them.
type downloads struct {
	mu    sync.Mutex
	begun map[string]string // GUID → suggested file name
	done  map[string]string // GUID → final state ("completed", "canceled")
}

// allowDownloads makes the tab's browser save downloads into a directory
// of the test, named by their GUID, and report their progress.
func (b *tab) allowDownloads() (string, *downloads) {
	b.t.Helper()
	dir := b.t.TempDir()
	d := &downloads{begun: map[string]string{}, done: map[string]string{}}
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	on := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &on,
	}); err != nil {
		b.t.Fatalf("allow downloads: %v", err)
	}
	if err := chromedp.ListenBrowser(b.ctx, func(ev any) {
		d.mu.Lock()
		defer d.mu.Unlock()
		switch ev := ev.(type) {
		case *browser.EventDownloadWillBegin:
			d.begun[ev.GUID] = ev.SuggestedFilename
		case *browser.EventDownloadProgress:
			if ev.State != browser.DownloadProgressStateInProgress {
				d.done[ev.GUID] = ev.State.String()
			}
		}
	}); err != nil {
		b.t.Fatalf("listen to downloads: %v", err)
	}
	return dir, d
}

// download clicks a link that downloads a file, waits for the download to
// complete and returns the file's suggested name and its bytes.
func (b *tab) download(dir string, d *downloads, css string) (string, []byte) {
	b.t.Helper()
	d.mu.Lock()
	seen := map[string]bool{}
	for g := range d.begun {
		seen[g] = true
	}
	d.mu.Unlock()
	b.do("click "+css, chromedp.Click(chromedp.CSS(css)))
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		d.mu.Lock()
		for g, name := range d.begun {
			if seen[g] {
				continue
			}
			switch state := d.done[g]; state {
			case "":
			case "completed":
				d.mu.Unlock()
				body, err := os.ReadFile(filepath.Join(dir, g))
				if err != nil {
					b.t.Fatalf("read the download of %s: %v", css, err)
				}
				return name, body
			default:
				d.mu.Unlock()
				b.t.Fatalf("the download of %s ended %s", css, state)
			}
		}
		d.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("clicking %s on %s downloaded nothing within %v", css, b.location(), stepTimeout)
	return "", nil
}

// wantFitsPhone checks, on a phone-sized screen, that nothing on the page
// is wider than the screen, then goes back to the desktop size.
func (b *tab) wantFitsPhone(what string) {
	b.t.Helper()
	b.do("phone screen", chromedp.EmulateViewport(375, 812))
	// The widest element, to say what does not fit.
	wide := b.eval(`(() => { const w = window.innerWidth; let worst = "";
		for (const e of document.querySelectorAll("main *")) { const r = e.getBoundingClientRect();
			if (r.right > w + 1 && !worst) worst = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "") + " (" + Math.round(r.right) + "px)"; }
		return document.documentElement.scrollWidth > w ? "page " + document.documentElement.scrollWidth + "px > " + w + "px, first too wide: " + worst : ""; })()`)
	if wide != "" {
		b.t.Fatalf("%s does not fit a phone: %s", what, wide)
	}
	b.do("desktop screen", chromedp.EmulateViewport(1280, 900))
}

// applyAndDecide is the part of the journey before the decision reaches
// 张明: he applies for 个人参保证明 with his e-licence, 林晓燕 accepts, 周建国
// approves or denies in writing and completes. It returns the case's path
// and number; the tab is signed in as 张明 again, on the case.
func (b *tab) applyAndDecide(approve bool, decision string) (string, string) {
	b.t.Helper()
	b.signIn("citizen", DemoPassword)
	b.open("/services/" + hrssCertificate + "/apply")
	b.wantLangHeading("on the application form", "zh-CN", "个人参保证明查询打印")
	b.do("choose the e-licence", chromedp.Click(chromedp.CSS(`#lic-0 input[type=radio]:not([value=""])`)))
	b.do("fill the period", chromedp.SetValue(chromedp.CSS(`#f-period_start`), "2025-01-01"),
		chromedp.SetValue(chromedp.CSS(`#f-period_end`), "2025-12-31"))
	b.clickAndWait("#apply-submit")
	casePath := b.location()
	if !regexp.MustCompile(`^/cases/[^/?]+$`).MatchString(casePath) {
		b.t.Fatalf("after applying the page is %s (%s), want the case", casePath, b.text("main"))
	}
	number := b.text("#case-number")
	if b.exists("#case-documents") {
		b.t.Fatalf("a case just submitted shows documents: %q", b.text("#case-documents"))
	}
	b.signOut()

	b.signIn("officer", DemoPassword)
	b.openFromQueue("the officer", number, casePath, "待受理")
	b.clickAndWait("#act-accept")
	b.wantText("after 受理", "#case-state", "待决定")
	b.signOut()

	b.signIn("head", DemoPassword)
	b.open(casePath)
	b.typeInto("#comment", decision)
	act, state := "#act-approve", "已决定"
	if !approve {
		act = "#act-deny"
	}
	b.clickAndWait(act)
	b.wantText("after the decision", "#case-state", state)
	b.clickAndWait("#act-complete")
	b.wantText("after 办结", "#case-state", "已办结")
	b.signOut()

	b.signIn("citizen", DemoPassword)
	b.open(casePath)
	return casePath, number
}

// waitForDecision reloads the applicant's case page until the sealed
// decision is listed (the node seals it after the case's completion event
// is dispatched, within a second or two), and returns its entry's text.
func (b *tab) waitForDecision(casePath string) string {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for !b.exists("#case-documents") {
		if time.Now().After(deadline) {
			b.t.Fatalf("%v after 办结, the case page still lists no decision document:\n%s", stepTimeout, b.text("main"))
		}
		time.Sleep(300 * time.Millisecond)
		b.open(casePath)
	}
	return b.text("#case-documents li")
}

// verifyUpload uploads files on the verifier page (the PDF, and the
// signature if sig is not "") and returns the verdict's sentence.
func (b *tab) verifyUpload(pdf, sig string) string {
	b.t.Helper()
	b.open("/documents/verify")
	b.do("choose the PDF", chromedp.SetUploadFiles(chromedp.CSS("#f-pdf"), []string{pdf}))
	if sig != "" {
		b.do("choose the signature", chromedp.SetUploadFiles(chromedp.CSS("#f-sigfile"), []string{sig}))
	}
	if code := b.submit("#doc-verify-submit"); code != 200 {
		b.t.Fatalf("verifying %s answered HTTP %d, want 200", filepath.Base(pdf), code)
	}
	return b.text("#doc-verdict-sentence")
}

// sealAndQR looks at the last page of a PDF as a reader sees it (rendered
// with poppler's pdftoppm): how many pixels are seal red, and what the QR
// code on it says (read with zbarimg). Without the tools it says so and
// returns red < 0 (scripts/testenv.sh installs poppler-utils and
// zbar-tools).
func sealAndQR(t *testing.T, pdf []byte) (red int, qr string) {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("%s not installed: the seal and the QR code on the PDF are not looked at", tool)
			return -1, ""
		}
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "d.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "100", "-singlefile", "-png", f, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	page := filepath.Join(dir, "page.png")
	r, err := os.Open(page)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(r)
	r.Close()
	if err != nil {
		t.Fatalf("the rendered page: %v", err)
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr>>8 > 170 && cg>>8 < 90 && cb>>8 < 90 {
				red++
			}
		}
	}
	out, err := exec.Command("zbarimg", "-q", "--raw", page).Output()
	if err != nil {
		t.Fatalf("zbarimg finds no QR code on the decision: %v", err)
	}
	return red, strings.TrimSpace(string(out))
}

// TestBrowserJourneySealedDecision is the approval: 张明's case completes
// with 准予, and its 准予办理决定书, sealed by 广州市人社局, appears on his case
// page. He downloads the PDF and its signature, opens the verifier from
// the case (it knows the number), uploads the PDF and reads that it is
// genuine and who issued it; then a copy with one byte changed, alone and
// with the signature, and reads why it is not — in Chinese, on a phone.
func TestBrowserJourneySealedDecision(t *testing.T) {
	chromiumPath(t)
	b := newTab(t, startNode(t))
	const decision = "准予出具个人参保证明，可在线下载打印。"
	casePath, number := b.applyAndDecide(true, decision)
	entry := b.waitForDecision(casePath)
	if !strings.Contains(entry, "准予办理决定书") || !strings.Contains(entry, gzHRSS) {
		t.Fatalf("the case's document = %q, want the 准予办理决定书 of %s", entry, gzHRSS)
	}
	docNumber := regexp.MustCompile(`JD440100\d{10}`).FindString(entry)
	if docNumber == "" {
		t.Fatalf("the case's document = %q, want its number JD440100…", entry)
	}
	b.wantFitsPhone("the case page with its decision")
	b.wantNoCSPViolations("on the completed case with its decision")

	// The PDF and its signature, as a browser downloads them.
	dir, dl := b.allowDownloads()
	name, pdf := b.download(dir, dl, "#case-documents a.doc-pdf")
	if name != docNumber+".pdf" {
		t.Errorf("the PDF downloads as %q, want %q", name, docNumber+".pdf")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[len(pdf)-64:], []byte("%%EOF")) {
		t.Fatalf("the download is not a PDF: %q…", pdf[:min(len(pdf), 16)])
	}
	// As a reader sees it: the red seal, and the QR code of the node's
	// verifier for this number.
	if red, qr := sealAndQR(t, pdf); red >= 0 {
		if red < 1000 {
			t.Errorf("the decision's last page has %d seal-red pixels at 100 dpi: no seal", red)
		}
		if !strings.HasSuffix(qr, "/documents/verify?n="+docNumber) {
			t.Errorf("the decision's QR code says %q, want the verifier for %s", qr, docNumber)
		}
		t.Logf("decision %s: %d seal-red pixels, QR %s", docNumber, red, qr)
	}
	sigName, sig := b.download(dir, dl, "#case-documents a.doc-sig")
	// The bundle: the compact JWS, then the node's timestamp token.
	if lines := strings.Fields(string(sig)); sigName != docNumber+".pdf.jws" || len(lines) != 2 ||
		strings.Count(lines[0], ".") != 2 || strings.Count(lines[1], ".") != 2 {
		t.Fatalf("the signature downloads as %q: %q, want a compact JWS and its timestamp token", sigName, sig)
	}
	pdfPath := filepath.Join(t.TempDir(), name)
	sigPath := filepath.Join(t.TempDir(), sigName)
	// One byte of the page content changed (the information dictionary,
	// which names the document, is at the end and stays as it was).
	changed := bytes.Clone(pdf)
	changed[len(changed)/2] ^= 0x20
	changedPath := filepath.Join(t.TempDir(), "改过的"+name)
	for p, body := range map[string][]byte{pdfPath: pdf, sigPath: sig, changedPath: changed} {
		if err := os.WriteFile(p, body, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// The verifier, opened from the case as a QR code opens it: the number
	// is registered, the file still to be compared.
	b.clickAndWait(`#case-documents a[href^="/documents/verify"]`)
	b.wantLangHeading("on the verifier", "zh-CN", "电子文书核验")
	b.wantContains("the verifier opened from the case", "#doc-verdict-sentence", "本节点签发过该编号的文书")
	b.wantText("the verifier opened from the case", "#doc-number", docNumber)

	// The PDF as issued: genuine, by 广州市人社局, under its seal.
	if got := b.verifyUpload(pdfPath, ""); got != "文书真实有效：文件与印章签名一致，未被改动。" {
		t.Fatalf("uploading the decision as downloaded, the verifier says %q", got)
	}
	b.wantText("the genuine decision", "#doc-issuer", gzHRSS)
	b.wantText("the genuine decision", "#doc-title", "准予办理决定书")
	b.wantText("the genuine decision", "#doc-number", docNumber)
	b.wantContains("the genuine decision", "#doc-seal", gzHRSS+"公章", "启用")
	if cls := b.attr("#doc-verdict", "class"); !strings.Contains(cls, "verdict-valid") {
		t.Fatalf("the genuine verdict is shown as %q", cls)
	}
	b.wantFitsPhone("the verifier's genuine verdict")
	b.wantNoCSPViolations("verifying the genuine decision")

	// The same file with its signature file: genuine too.
	if got := b.verifyUpload(pdfPath, sigPath); !strings.HasPrefix(got, "文书真实有效") {
		t.Fatalf("uploading the decision with its signature, the verifier says %q", got)
	}

	// One byte changed, uploaded alone: the node recognises its document
	// by the number the file names, and says the file was changed.
	if got := b.verifyUpload(changedPath, ""); !strings.HasPrefix(got, "文件已被改动") {
		t.Fatalf("uploading a copy with one byte changed, the verifier says %q, want 文件已被改动…", got)
	}
	if cls := b.attr("#doc-verdict", "class"); !strings.Contains(cls, "verdict-invalid") {
		t.Fatalf("the changed copy's verdict is shown as %q", cls)
	}
	b.wantText("the changed copy", "#doc-number", docNumber)
	// With the signature: the signature holds, the file is not its file.
	if got := b.verifyUpload(changedPath, sigPath); !strings.HasPrefix(got, "文件与签名不一致") {
		t.Fatalf("uploading the changed copy with the signature, the verifier says %q, want 文件与签名不一致…", got)
	}
	b.wantFitsPhone("the verifier's verdict on a changed copy")
	b.wantNoCSPViolations("verifying the changed copy")

	// Nothing in English on the Chinese pages of the journey.
	for _, path := range []string{casePath, "/documents/verify?n=" + number} {
		b.open(path)
		if s := b.eval(`document.querySelector("main").innerText`); regexp.MustCompile(`\b(?:Download|Verify|Signature|Decision|Document|Issuer|Seal)\b`).MatchString(s) {
			t.Errorf("%s shows English words on the Chinese page:\n%s", path, s)
		}
	}
}

// TestBrowserJourneyRefusalDecision is the refusal: 周建国 denies, with the
// reason, and 张明's case gets a 不予办理决定书 that tells him his remedies;
// the downloaded PDF verifies as genuine, naming the bureau.
func TestBrowserJourneyRefusalDecision(t *testing.T) {
	chromiumPath(t)
	b := newTab(t, startNode(t))
	const reason = "申请的参保期间超出本市参保记录范围。"
	casePath, _ := b.applyAndDecide(false, reason)
	if got := b.text("#case-state"); got != "已办结" {
		t.Fatalf("the refused case is %q", got)
	}
	entry := b.waitForDecision(casePath)
	if !strings.Contains(entry, "不予办理决定书") {
		t.Fatalf("the refused case's document = %q, want the 不予办理决定书", entry)
	}
	dir, dl := b.allowDownloads()
	name, pdf := b.download(dir, dl, "#case-documents a.doc-pdf")
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("the download %s is not a PDF", name)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	// What he reads in it: the refusal, its reason and his remedies.
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := strings.Join(strings.Fields(string(out)), "")
		for _, want := range []string{"不予办理决定书", "张明", reason, "行政复议", "行政诉讼", gzHRSS} {
			if !strings.Contains(text, want) {
				t.Errorf("the refusal's PDF does not say %q:\n%s", want, out)
			}
		}
	}
	if got := b.verifyUpload(path, ""); !strings.HasPrefix(got, "文书真实有效") {
		t.Fatalf("the refusal's PDF: the verifier says %q", got)
	}
	b.wantText("the refusal", "#doc-title", "不予办理决定书")
	b.wantText("the refusal", "#doc-issuer", gzHRSS)
	b.wantNoCSPViolations("verifying the refusal")
	t.Logf("refusal %s verified", name)
}
