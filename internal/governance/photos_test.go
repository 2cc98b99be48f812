package governance_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

// pngOf is a small PNG whose bytes differ for each seed.
func pngOf(t *testing.T, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(seed%4, (seed/4)%4, color.RGBA{R: uint8(seed), G: uint8(seed >> 8), B: 99, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (v *env) upload(username string, seed int) governance.PhotoRef {
	v.t.Helper()
	p, err := v.gov.UploadPhoto(v.ctx, v.as(username), bytes.NewReader(pngOf(v.t, seed)))
	if err != nil || p.Receipt == "" {
		v.t.Fatalf("upload as %s: %+v, %v", username, p, err)
	}
	return p
}

func photoRefused(t *testing.T, what string, err error) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid || e.Fields["photos"] != "event.photo_unknown" {
		t.Errorf("%s: %v, want the photos field refused", what, err)
	}
}

// Only the account that uploaded a photo may attach it: to a report, a
// progress note, or an on-the-spot closure.
func TestPhotoReceipts(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			mine := v.upload("grid", 1)
			other := v.upload("grid", 2)
			report := func(by string, photos ...governance.PhotoRef) error {
				in := noiseReport()
				in.Source, in.Photos = governance.SourceGrid, photos
				_, _, err := v.gov.Report(v.ctx, v.as(by), in)
				return err
			}
			photoRefused(t, "a hash known without its receipt", report("grid", governance.PhotoRef{SHA256: mine.SHA256}))
			photoRefused(t, "another account's receipt", report("hotline", mine))
			photoRefused(t, "a receipt for another photo", report("grid", governance.PhotoRef{SHA256: mine.SHA256, Receipt: other.Receipt}))

			e, _ := v.report("grid", func() governance.Input { in := noiseReport(); in.Photos = []governance.PhotoRef{mine}; return in }())
			if len(e.Photos) != 1 || e.Photos[0] != mine.SHA256 {
				t.Fatalf("report photos: %v", e.Photos)
			}

			// On the spot: a photo is the proof it was fixed, and the
			// closure step shows it.
			in := noiseReport()
			in.Source, in.OnSpot, in.OnSpotNote = governance.SourceGrid, true, "已现场清理"
			_, _, err := v.gov.Report(v.ctx, v.as("grid"), in)
			if e := errs.As(err); e == nil || e.Fields["photos"] != "event.on_spot_photo_required" {
				t.Fatalf("closing on the spot without a photo: %v", err)
			}
			spot := v.upload("grid", 3)
			in.Photos, in.OnSpot, in.OnSpotNote = []governance.PhotoRef{spot}, true, "已现场清理"
			closed, _ := v.report("grid", in)
			_, steps, err := v.gov.Get(v.ctx, v.as("grid"), closed.ID)
			if err != nil || closed.State != governance.Closed {
				t.Fatalf("on-the-spot report: %s, %v", closed.State, err)
			}
			if last := steps[len(steps)-1]; last.Action != governance.ActCloseOnSpot || len(last.Photos) != 1 || last.Photos[0] != spot.SHA256 {
				t.Errorf("closure step: %+v", last)
			}

			// A progress note: the officer's own photo, not the grid worker's.
			v.run(e.ID, []step{
				{by: "dispatch", act: act(governance.ActAccept, ""), state: governance.Accepted},
				{by: "dispatch", act: governance.Act{Action: governance.ActDispatch, Lead: v.org("广州市天河区城市管理和综合执法局")}, state: governance.Dispatched},
				{by: "cg_officer", act: act(governance.ActTake, ""), state: governance.Handling},
			})
			cur := v.get(e.ID)
			_, err = v.gov.Do(v.ctx, v.as("cg_officer"), e.ID, governance.Act{Action: governance.ActProgress, Version: cur.Version,
				Comment: "已到场", Photos: []governance.PhotoRef{other}})
			photoRefused(t, "a progress note with the grid worker's upload", err)
			own := v.upload("cg_officer", 4)
			if _, err := v.gov.Do(v.ctx, v.as("cg_officer"), e.ID, governance.Act{Action: governance.ActProgress, Version: cur.Version,
				Comment: "已到场", Photos: []governance.PhotoRef{own}}); err != nil {
				t.Fatalf("progress with own photo: %v", err)
			}
		})
	}
}

// Uploads nobody attaches are removed a day later; attached ones, recent
// ones, and blobs that were stored before the upload (a case material with
// the same bytes) stay.
func TestPruneUploads(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine.Name, func(t *testing.T) {
			v := start(t, engine)
			blobs := v.n.App.Blobs
			exists := func(sha string) bool {
				ok, err := blobs.Exists(v.ctx, sha)
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			attached := v.upload("grid", 10)
			in := noiseReport()
			in.Photos = []governance.PhotoRef{attached}
			v.report("grid", in)
			orphan := v.upload("grid", 11)
			// The same bytes were a citizen's case material first: not ours to delete.
			m, err := v.n.App.Cases.Upload(v.ctx, v.as("citizen"), "photo", "scene.png", bytes.NewReader(pngOf(t, 12)))
			if err != nil {
				t.Fatal(err)
			}
			shared := v.upload("grid", 12)
			if shared.SHA256 != m.SHA256 {
				t.Fatal("same bytes, other hash")
			}

			// A day and a bit passes for all of them; then a fresh one comes.
			if _, err := v.n.App.DB.Exec(v.ctx, `UPDATE gov_event_uploads SET uploaded_at = ?`,
				time.Now().UTC().Add(-governance.UploadTTL-time.Hour)); err != nil {
				t.Fatal(err)
			}
			fresh := v.upload("grid", 13)

			n, err := v.gov.PruneUploads(v.ctx, 100)
			if err != nil || n != 1 {
				t.Fatalf("PruneUploads = %d, %v; want 1", n, err)
			}
			if exists(orphan.SHA256) {
				t.Error("the unattached upload is still stored")
			}
			for name, p := range map[string]governance.PhotoRef{"attached": attached, "shared": shared, "fresh": fresh} {
				if !exists(p.SHA256) {
					t.Errorf("the %s photo was deleted", name)
				}
			}
			if n, err := v.gov.PruneUploads(v.ctx, 100); err != nil || n != 0 {
				t.Errorf("second run = %d, %v; want nothing left to do", n, err)
			}
			// Its receipt attaches nothing now.
			in = noiseReport()
			in.Source, in.Photos = governance.SourceGrid, []governance.PhotoRef{orphan}
			_, _, err = v.gov.Report(v.ctx, v.as("grid"), in)
			photoRefused(t, "a pruned upload", err)
		})
	}
}
