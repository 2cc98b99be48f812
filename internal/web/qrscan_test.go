package web_test

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/store/storetest"
)

// qrPNG is a screenshot of a QR code holding text.
func qrPNG(t *testing.T, text string) []byte {
	t.Helper()
	b, err := qrcode.Encode(text, qrcode.Low, 512)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVerifyFromPicture: the verifier pages read a QR code from a photo or
// screenshot (a phone's camera through the file input): a 亮证 code and a
// licence verify as pasted text does, a decision's QR goes to the document
// verifier, and a picture without a code or not a picture at all is a
// field error in Chinese with nothing recorded.
func TestVerifyFromPicture(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	cit := n.Client(t)
	cit.Login("citizen", app.DemoPassword)
	var sb, sbCode string
	for _, l := range n.listMine("citizen") {
		if strings.HasPrefix(l.Number, "SB") {
			sb = l.ID
		}
	}
	cit.Get("/wallet/" + sb)
	sbCode = cit.Post("/wallet/"+sb+"/present", nil).Doc.Find("#present-code").Text()
	if sbCode == "" {
		t.Fatal("no 亮证 code")
	}

	anon := n.Client(t)
	anon.Get("/verify")
	r := anon.PostFile("/verify", url.Values{"text": {""}}, "image", "code.png", qrPNG(t, sbCode))
	if got := r.Doc.Find("#verdict-sentence").Text(); r.StatusCode != http.StatusOK || got != "证照有效。" || r.Doc.Find("#verdict-holder").Text() != "张明" {
		t.Errorf("亮证 code from a screenshot: %d %q", r.StatusCode, got)
	}
	r = anon.PostFile("/verify", url.Values{"text": {""}}, "image", "doc.png",
		qrPNG(t, "https://gd.example/documents/verify?n=JD4401062026000001"))
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/documents/verify?n=JD4401062026000001" {
		t.Errorf("a decision's QR: %d to %q, want the document verifier on this node", r.StatusCode, r.Header.Get("Location"))
	}
	blank := image.NewGray(image.Rect(0, 0, 300, 300))
	draw.Draw(blank, blank.Bounds(), image.White, image.Point{}, draw.Src)
	var noCode bytes.Buffer
	png.Encode(&noCode, blank)
	for _, c := range []struct {
		name string
		pic  []byte
		want string
	}{
		{"no code", noCode.Bytes(), "图片中没有识别到二维码"},
		{"not a picture", []byte("%PDF-1.7 not an image"), "这不是可以读取的图片"},
	} {
		r = anon.PostFile("/verify", url.Values{"text": {""}}, "image", "x.png", c.pic)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#e-image").Text(), c.want) ||
			r.Doc.Find("#verdict").Length() != 0 {
			t.Errorf("%s: %d %q", c.name, r.StatusCode, r.Doc.Find("#e-image").Text())
		}
	}

	// The point of use: the counter scans the holder's code with its camera.
	desk := n.Client(t)
	desk.Login("counter", app.DemoPassword)
	desk.Get("/workbench/social-card")
	r = desk.PostFile("/workbench/social-card", url.Values{"scenario": {"pharmacy"}, "place": {"天河区大参林药店"}, "code": {""}},
		"image", "card.png", noCode.Bytes())
	if r.StatusCode != http.StatusUnprocessableEntity || r.Doc.Find("#use-recorded").Length() != 0 || r.Doc.Find("#e-image").Length() != 1 {
		t.Errorf("unreadable scan at the pharmacy: %d", r.StatusCode)
	}
	r = desk.PostFile("/workbench/social-card", url.Values{"scenario": {"pharmacy"}, "place": {"天河区大参林药店"}, "code": {""}},
		"image", "card.png", qrPNG(t, sbCode))
	if r.Doc.Find("#use-recorded").Length() != 1 || r.Doc.Find("#verdict-holder").Text() != "张明" {
		t.Errorf("scanned card at the pharmacy: %d %q", r.StatusCode, r.Doc.Find("#verdict-sentence").Text())
	}
	if uses := cit.Get("/wallet/uses").Doc.Find("#uses").Text(); strings.Count(uses, "天河区大参林药店") != 1 {
		t.Errorf("the holder sees %d uses at the pharmacy, want 1", strings.Count(uses, "天河区大参林药店"))
	}
}
