package governance

import (
	"context"
	"io"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// PublicPhoto opens the first photo of an event for Open311's public
// media_url: only for an event of a public category that was not taken
// from a 12345 call (whose caller did not publish anything), and only a
// JPEG or PNG. The web layer serves a scaled, re-encoded copy, which drops
// the photo's metadata (EXIF, with its GPS position and device).
//
// Returns errs.NotFound when there is no such photo to publish.
func (s *Service) PublicPhoto(ctx context.Context, id ids.ID) (io.ReadCloser, string, error) {
	e, err := s.PublicEvent(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if len(e.Photos) == 0 || e.Source == SourceHotline {
		return nil, "", errs.E(errs.NotFound, "event.not_found")
	}
	rc, info, err := s.blobs.Open(ctx, e.Photos[0])
	if err != nil {
		return nil, "", err
	}
	if info.ContentType != "image/jpeg" && info.ContentType != "image/png" {
		rc.Close()
		return nil, "", errs.E(errs.NotFound, "event.not_found")
	}
	return rc, info.ContentType, nil
}
