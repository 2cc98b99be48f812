package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// uploadEventPhoto posts a small PNG to /api/v1/event-photos as user and
// returns the answer (sha256 and receipt).
func (a *eventAPI) uploadEventPhoto(user string, seed uint8) map[string]any {
	a.t.Helper()
	if a.tokens[user] == "" {
		a.tokens[user] = a.n.Token(a.t, user)
	}
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: seed, B: 200, A: 255})
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "scene.png")
	png.Encode(fw, img)
	mw.Close()
	req, _ := http.NewRequest("POST", a.n.URL+"/api/v1/event-photos", &body)
	req.Header.Set("Authorization", "Bearer "+a.tokens[user])
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp := a.n.Client(a.t).Do(req)
	if resp.StatusCode != 201 {
		a.t.Fatalf("upload: %d %s", resp.StatusCode, resp.Body)
	}
	var out map[string]any
	json.Unmarshal([]byte(resp.Body), &out)
	if len(out["sha256"].(string)) != 64 || out["receipt"] == "" {
		a.t.Fatalf("upload answer: %v", out)
	}
	return out
}

// A photo's hash alone attaches nothing through the API: the receipt of
// the same account must come with it.
func TestEventPhotoReceiptsAPI(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			a := &eventAPI{t: t, n: n, tokens: map[string]string{}}
			p := a.uploadEventPhoto("grid", 7)
			report := func(user string, photos []map[string]any, want int) map[string]any {
				return a.call(user, "POST", "/api/v1/events", map[string]any{"source": "grid", "category": "0101",
					"description": "华标社区垃圾桶满溢，周边散落垃圾", "region": "440106006009", "photos": photos}, want)
			}
			bad := report("hotline", []map[string]any{p}, 422)
			if b, _ := json.Marshal(bad); !bytes.Contains(b, []byte("photos")) {
				t.Errorf("someone else's photo: %s", b)
			}
			report("grid", []map[string]any{{"sha256": p["sha256"], "receipt": "x"}}, 422)
			out := report("grid", []map[string]any{p}, 201)
			if ph := out["event"].(map[string]any)["photos"].([]any); len(ph) != 1 || ph[0] != p["sha256"] {
				t.Errorf("event photos: %v", ph)
			}
		})
	}
}
