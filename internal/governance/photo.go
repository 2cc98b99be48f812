package governance

import (
	"context"
	"io"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// PhotoTypes are the photo types events take.
var PhotoTypes = []string{"image/jpeg", "image/png"}

// UploadPhoto stores a photo for a report or a step and returns its
// SHA-256, to be named in Input.Photos or Act.Photos.
//
// Returns errs.Unauthenticated for anonymous callers and errs.Invalid
// ("event.photo_type", on field "photos") for anything but a JPEG or PNG
// of at most MaxPhotoBytes.
func (s *Service) UploadPhoto(ctx context.Context, by *identity.Caller, r io.Reader) (string, error) {
	if by.Anonymous() {
		return "", errs.E(errs.Unauthenticated, "auth.required")
	}
	info, err := s.blobs.Put(ctx, r, MaxPhotoBytes, PhotoTypes)
	if err != nil {
		if e := errs.As(err); e != nil && (e.Code == errs.TooLarge || e.Code == errs.Invalid) {
			return "", &errs.Error{Code: errs.Invalid, Msg: "event.photo_type", Args: []any{MaxPhotoBytes >> 20},
				Fields: map[string]string{"photos": "event.photo_type"}}
		}
		return "", err
	}
	return info.SHA256, nil
}

// Photo opens a photo of an event by must see: one named by the event or
// one of its steps.
//
// Returns errs.NotFound when by may not see the event or it has no such photo.
func (s *Service) Photo(ctx context.Context, by *identity.Caller, e *Event, steps []Step, sha string) (io.ReadCloser, string, error) {
	named := false
	for _, p := range e.Photos {
		named = named || p == sha
	}
	for _, st := range steps {
		for _, p := range st.Photos {
			named = named || p == sha
		}
	}
	if !named || !canSee(by, e) {
		return nil, "", errs.E(errs.NotFound, "event.not_found")
	}
	rc, info, err := s.blobs.Open(ctx, sha)
	if err != nil {
		return nil, "", err
	}
	if info.ContentType != "image/jpeg" && info.ContentType != "image/png" {
		rc.Close() // only photos are served, whatever a hash names
		return nil, "", errs.E(errs.NotFound, "event.not_found")
	}
	return rc, info.ContentType, nil
}

// checkPhotos requires every named photo to be stored.
func (s *Service) checkPhotos(ctx context.Context, photos []string) error {
	for _, p := range photos {
		ok, err := s.blobs.Exists(ctx, p)
		if err != nil && !errs.Is(err, errs.Invalid) {
			return err
		}
		if !ok {
			return errs.Fields(map[string]string{"photos": "event.photo_unknown"})
		}
	}
	return nil
}
