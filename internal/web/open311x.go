package web

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // photos are JPEG or PNG
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/open311"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Open311 media_url.
//
// A request's media_url is, when the event has an uploaded photo,
// /open311/v2/media/{service_request_id}.jpg on this node: a copy of the
// event's first photo scaled to at most open311MediaSize pixels on its
// longer side and re-encoded as JPEG, which leaves out the photo's
// metadata (EXIF: where it was taken, with which device). It is served
// without sign-in only for events the public list shows (public
// categories) and not for 12345 hotline tickets; the original stays behind
// sign-in on the event page. When the event has no photo, media_url is the
// URL the Open311 client gave with media_url on POST, as given (never
// fetched: it is the client's own copy), or empty.

const (
	open311MediaSize   = 1024                      // pixels on the longer side
	open311MediaPixels = governance.MaxPhotoPixels // photos larger than this are not decoded (uploads above it are refused)
	open311MediaCache  = 64                        // scaled copies kept in memory
	open311MediaMaxAge = "public, max-age=3600"
)

// open311xRoutes registers the knowledge base pages and the Open311 key
// page.
func (s *Server) open311xRoutes(mux *http.ServeMux) {
	s.knowledgeRoutes(mux)
	s.open311KeyRoutes(mux)
}

// open311KeyPage is where people issue and revoke Open311 keys (the
// discovery document's key_service).
const open311KeyPage = "/account/open311-keys"

// open311Caller is the account an api_key reports as: an Open311 key from
// the key page, or (as before there was one) a digigov API token.
func (s *Server) open311Caller(r *http.Request, key string) (*identity.Caller, error) {
	if strings.HasPrefix(key, open311.KeyPrefix) {
		return s.open311keys.CallerByKey(r.Context(), key)
	}
	return s.id.CallerByAPIToken(r.Context(), key)
}

// open311Media caches scaled copies by photo and bounds how many photos
// are decoded at once (a public endpoint must not let anyone fill the CPU).
type open311Media struct {
	mu     sync.Mutex
	copies map[ids.ID][]byte
	slots  chan struct{}
}

var o311media = &open311Media{copies: map[ids.ID][]byte{}, slots: make(chan struct{}, 2)}

func (m *open311Media) get(id ids.ID) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.copies[id]
	return b, ok
}

func (m *open311Media) put(id ids.ID, b []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.copies) >= open311MediaCache {
		for k := range m.copies { // drop any one
			delete(m.copies, k)
			break
		}
	}
	m.copies[id] = b
}

// open311MediaPath is the path of an event's public photo.
func open311MediaPath(e *governance.Event) string {
	if len(e.Photos) == 0 || e.Source == governance.SourceHotline {
		return ""
	}
	return "/open311/v2/media/" + string(e.ID) + ".jpg"
}

// handleOpen311Media serves the scaled copy of a request's first photo.
func (s *Server) handleOpen311Media(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	id := ids.ID(stem(name))
	if stem(name)+".jpg" != name || !ids.Valid(string(id)) {
		return errs.E(errs.NotFound, "error.page_not_found")
	}
	b, ok := o311media.get(id)
	if !ok {
		rc, _, err := s.governance.PublicPhoto(r.Context(), id)
		if err != nil {
			return err
		}
		o311media.slots <- struct{}{}
		b, err = scaledJPEG(rc)
		<-o311media.slots
		rc.Close()
		if err != nil {
			return errs.E(errs.NotFound, "error.page_not_found")
		}
		o311media.put(id, b)
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", open311MediaMaxAge)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
	return nil
}

// scaledJPEG decodes a JPEG or PNG and encodes it again as a JPEG of at
// most open311MediaSize pixels on its longer side, averaging the source
// pixels each target pixel covers.
func scaledJPEG(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return nil, err
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return nil, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > open311MediaPixels {
		return nil, errs.E(errs.Invalid, "event.photo_type")
	}
	src, _, err := image.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	tw, th := sw, sh
	if sw > open311MediaSize || sh > open311MediaSize {
		if sw >= sh {
			tw, th = open311MediaSize, max(1, sh*open311MediaSize/sw)
		} else {
			tw, th = max(1, sw*open311MediaSize/sh), open311MediaSize
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	for y := 0; y < th; y++ {
		y0, y1 := b.Min.Y+y*sh/th, b.Min.Y+max((y+1)*sh/th, y*sh/th+1)
		for x := 0; x < tw; x++ {
			x0, x1 := b.Min.X+x*sw/tw, b.Min.X+max((x+1)*sw/tw, x*sw/tw+1)
			var rr, gg, bb, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					cr, cg, cb, _ := src.At(sx, sy).RGBA()
					rr, gg, bb, n = rr+uint64(cr), gg+uint64(cg), bb+uint64(cb), n+1
				}
			}
			dst.SetRGBA(x, y, color.RGBA{R: uint8(rr / n >> 8), G: uint8(gg / n >> 8), B: uint8(bb / n >> 8), A: 255})
		}
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
