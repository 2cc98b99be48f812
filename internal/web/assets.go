package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under content-hashed URLs:
// /static/{hash}/{path}. A URL changes whenever its file does, so browsers
// may cache it for a year; an old hash still gets the current file, with no
// long caching.
type assets struct {
	fsys  fs.FS
	hash  map[string]string // path → first 12 hex characters of its SHA-256
	files map[string][]byte
}

func newAssets() (*assets, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	a := &assets{fsys: sub, hash: map[string]string{}, files: map[string][]byte{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hash[p] = hex.EncodeToString(sum[:6])
		a.files[p] = b
		return nil
	})
	return a, err
}

// URL returns the content-hashed URL of a static file ("app.css").
func (a *assets) URL(p string) string {
	h, ok := a.hash[p]
	if !ok {
		return "/static/missing/" + p
	}
	return "/static/" + h + "/" + p
}

func (a *assets) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/static/")
		hash, p, ok := strings.Cut(rest, "/")
		b, found := a.files[p]
		if !ok || !found {
			http.NotFound(w, r)
			return
		}
		if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		if hash == a.hash[p] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Header().Set("ETag", `"`+a.hash[p]+`"`)
		if r.Header.Get("If-None-Match") == `"`+a.hash[p]+`"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(b)
	})
}
