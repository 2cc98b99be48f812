package web_test

import (
	"bytes"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/store/storetest"
)

// pngHeader is a PNG whose header says w×h pixels (a decompression bomb
func storedBlobs(n *apptest.Node) int {
	c := 0
	filepath.WalkDir(n.App.Cfg.BlobDir(), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(filepath.Dir(p)) != "tmp" {
			c++
		}
		return nil
	})
	return c
}

// A 30000×30000 photo is refused on the citizen's page, the grid worker's
// page and the API with a 422 that names the 40-megapixel limit (in
// Chinese on the pages), and nothing is stored.
func TestEventPhotoPixelLimit(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := apptest.Start(t, e)
			before := storedBlobs(n)
			bomb := apptest.PNGBomb(30000, 30000)
			for _, who := range []string{"citizen", "grid"} {
				c := signedIn(t, n, who)
				c.Get("/events/new")
				r := c.PostFile("/events/new", url.Values{"category": {"0401"}, "description": {"夜间施工噪声，持续到凌晨"},
					"region": {"440106006004"}, "address": {"南苑小区"}}, "photos", "huge.png", bomb)
				if r.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("%s: huge photo: %d", who, r.StatusCode)
				}
				if got := r.Doc.Find("#e-photos").Text(); !strings.Contains(got, "4000 万像素") || !strings.Contains(got, "30000×30000") {
					t.Errorf("%s: photos error %q", who, got)
				}
			}
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", "huge.png")
			fw.Write(bomb)
			mw.Close()
			req, _ := http.NewRequest("POST", n.URL+"/api/v1/event-photos", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+n.Token(t, "hotline"))
			req.Header.Set("Accept-Language", "en")
			r := n.Client(t).Do(req)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "40 megapixels") {
				t.Errorf("API: %d %s", r.StatusCode, r.Body)
			}
			if after := storedBlobs(n); after != before {
				t.Errorf("blobs: %d before, %d after", before, after)
			}
		})
	}
}
