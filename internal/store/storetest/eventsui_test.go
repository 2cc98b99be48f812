package storetest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/sqlstore"
	"github.com/digigov/digigov/internal/store/storetest"
)

// Pending event photo uploads: created blobs are listed, attaching takes
// them off the list, only old pending rows are dropped.
func TestEventUploadsStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s := sqlstore.New(storetest.Open(t, e))
			now := time.Now().UTC().Truncate(time.Microsecond)
			old, kept, foreign := strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64)
			for _, sh := range []string{old, kept} {
				if err := s.TouchEventUpload(ctx, sh, true, now.Add(-48*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			// Stored before the upload: someone else's, never listed.
			if err := s.TouchEventUpload(ctx, foreign, false, now); err != nil {
				t.Fatal(err)
			}
			if err := s.AttachEventUploads(ctx, []string{kept, foreign}, now); err != nil {
				t.Fatal(err)
			}
			got, err := s.PendingEventUploads(ctx, now.Add(-24*time.Hour), 10)
			if err != nil || len(got) != 1 || got[0] != old {
				t.Fatalf("pending = %v, %v; want [old]", got, err)
			}
			// A re-upload moves the clock on.
			if err := s.TouchEventUpload(ctx, old, false, now); err != nil {
				t.Fatal(err)
			}
			if gone, err := s.DropEventUpload(ctx, old, now.Add(-24*time.Hour)); err != nil || gone {
				t.Fatalf("drop a fresh row = %v, %v", gone, err)
			}
			if gone, err := s.DropEventUpload(ctx, old, now.Add(time.Second)); err != nil || !gone {
				t.Fatalf("drop = %v, %v; want true", gone, err)
			}
			if gone, err := s.DropEventUpload(ctx, kept, now.Add(time.Second)); err != nil || gone {
				t.Fatalf("drop an attached row = %v, %v", gone, err)
			}
		})
	}
}

func TestEventRuleUpdateStore(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s := sqlstore.New(storetest.Open(t, e))
			now := time.Now().UTC().Truncate(time.Microsecond)
			r := &governance.Rule{ID: ids.New(), Category: "01", Region: "440106", Department: "urban_management", Level: 4,
				CreatedBy: "甲", CreatedAt: now}
			if err := s.CreateEventRule(ctx, r); err != nil {
				t.Fatal(err)
			}
			r.Level, r.Auto, r.UpdatedBy, r.UpdatedAt = 5, true, "乙", now.Add(time.Minute)
			if err := s.UpdateEventRule(ctx, r); err != nil {
				t.Fatal(err)
			}
			list, err := s.EventRules(ctx)
			if err != nil || len(list) != 1 || list[0] != *r {
				t.Fatalf("rules = %+v, %v; want %+v", list, err, *r)
			}
			if err := s.UpdateEventRule(ctx, &governance.Rule{ID: ids.New(), Level: 1}); !errs.Is(err, errs.NotFound) {
				t.Errorf("unknown rule: %v", err)
			}
		})
	}
}
