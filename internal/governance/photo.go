package governance

import (
	"bytes"
	"context"
	"crypto/hmac"
	"io"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
)

// PhotoTypes are the photo types events take.
var PhotoTypes = []string{"image/jpeg", "image/png"}

// PhotoRef names an uploaded photo in a report or a step: its SHA-256 and
// the receipt UploadPhoto gave its uploader. Without the receipt a hash
// alone attaches nothing, so knowing a stored blob's hash is not enough to
// show it as one's own photo.
type PhotoRef struct {
	SHA256  string `json:"sha256"`
	Receipt string `json:"receipt"`
}

// UploadTTL is how long an uploaded photo may stay unattached: PruneUploads
// removes the blobs that no event or step named within it.
const UploadTTL = 24 * time.Hour

// UploadPhoto stores a photo for a report or a step and returns its
// SHA-256 with the uploader's receipt, to be named in Input.Photos or
// Act.Photos by the same account. A photo that was not stored before is
// listed as pending until it is attached.
//
// What is stored is not the upload but a fresh encoding of its pixels
// (cleanPhoto, photo_check.go): no EXIF (GPS, device), turned upright.
//
// Returns errs.Unauthenticated for anonymous callers and errs.Invalid (on
// field "photos") with "event.photo_type" for anything but a JPEG or PNG
// of at most MaxPhotoBytes, "evsec.photo_pixels" for one of more than
// MaxPhotoPixels.
func (s *Service) UploadPhoto(ctx context.Context, by *identity.Caller, r io.Reader) (PhotoRef, error) {
	if by.Anonymous() {
		return PhotoRef{}, errs.E(errs.Unauthenticated, "auth.required")
	}
	clean, err := cleanPhoto(ctx, r)
	if err != nil {
		return PhotoRef{}, err
	}
	info, err := s.blobs.Put(ctx, bytes.NewReader(clean), maxStoredPhoto, PhotoTypes)
	if err != nil {
		if e := errs.As(err); e != nil && (e.Code == errs.TooLarge || e.Code == errs.Invalid) {
			return PhotoRef{}, errPhotoType()
		}
		return PhotoRef{}, err
	}
	if err := s.store.TouchEventUpload(ctx, info.SHA256, info.Created, s.clock()); err != nil {
		return PhotoRef{}, err
	}
	return PhotoRef{SHA256: info.SHA256, Receipt: s.receipt(by, info.SHA256)}, nil
}

// receipt is the proof that by uploaded the photo sha: a keyed hash of the
// account and the hash under the node key, so it needs no storage and holds
// on every instance that shares the key. Its label differs from the case
// materials' receipts, so those do not attach photos.
func (s *Service) receipt(by *identity.Caller, sha string) string {
	return s.keys.BlindIndex("event photo receipt", string(by.UserID)+"|"+sha)
}

// photoHashes checks the photos a report or a step names into fe (too many,
// a malformed hash, or a receipt that is not by's) and returns their hashes.
func (s *Service) photoHashes(by *identity.Caller, photos []PhotoRef, fe map[string]string) []string {
	if len(photos) > MaxPhotos {
		fe["photos"] = "event.photos_too_many"
	}
	var out []string
	for _, p := range photos {
		if !validSHA(p.SHA256) || p.Receipt == "" || !hmac.Equal([]byte(p.Receipt), []byte(s.receipt(by, p.SHA256))) {
			fe["photos"] = "event.photo_unknown"
			continue
		}
		out = append(out, p.SHA256)
	}
	return out
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

// attachPhotos marks the photos a step names as attached, inside the
// step's transaction, and then requires each to be stored. The order
// matters against PruneUploads, which deletes a pending upload's row and
// its blob in one transaction: either this marks the row first (and the
// cleanup leaves it), or the cleanup has committed and the blob is gone,
// which the check then finds.
func (s *Service) attachPhotos(ctx context.Context, photos []string, at time.Time) error {
	if len(photos) == 0 {
		return nil
	}
	if err := s.store.AttachEventUploads(ctx, photos, at); err != nil {
		return err
	}
	return s.checkPhotos(ctx, photos)
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

// PruneUploads deletes the photos uploaded more than UploadTTL ago that no
// event or step has named, at most limit of them, and returns how many it
// deleted. A blob some case names is kept (the same bytes uploaded as a
// material); only its pending row goes. Any instance may run it.
func (s *Service) PruneUploads(ctx context.Context, limit int) (int, error) {
	cutoff := s.clock().Add(-UploadTTL)
	shas, err := s.store.PendingEventUploads(ctx, cutoff, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sha := range shas {
		err := s.tx.Transact(ctx, func(ctx context.Context) error {
			unused, err := s.store.DropEventUpload(ctx, sha, cutoff)
			if err != nil || !unused {
				return err
			}
			if err := s.blobs.Delete(ctx, sha); err != nil { // before commit: see attachPhotos
				return err
			}
			n++
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
