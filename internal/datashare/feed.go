package datashare

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Feed is a source of rows that digigov computes from its own records
// (case statistics, event statistics). A resource registered on a feed
// takes the feed's fields and its rows are recomputed periodically and on
// demand, so it is shared through the exchange and opened on the portal
// like an uploaded one.
//
// Feeds are wired in by internal/app: datashare cannot import the domains
// above it (governance), so it names only this interface.
type Feed interface {
	// Fields are the rows' fields; they do not change.
	Fields() []Field
	// Rows computes the rows for a body whose region is within, at now.
	Rows(ctx context.Context, within region.Code, now time.Time) ([]Row, error)
}

// The feeds internal/app provides.
const (
	FeedCaseStats  = "case_stats"  // cases by item, authority and month
	FeedEventStats = "event_stats" // events by category, region and day
)

// FeedState is a resource's feed and its last refresh.
type FeedState struct {
	ResourceID  ids.ID
	Feed        string
	RefreshedAt time.Time
	Rows        int
}

// FeedStore is the persistence of feeds; part of Store.
type FeedStore interface {
	// SetFeed inserts or rewrites a resource's feed state.
	SetFeed(ctx context.Context, f *FeedState) error
	// FeedOf returns a resource's feed state; errs.NotFound if the
	// resource is not fed.
	FeedOf(ctx context.Context, resourceID ids.ID) (*FeedState, error)
	// FeedStates lists every fed resource's state.
	FeedStates(ctx context.Context) ([]FeedState, error)
}

// FeedNames lists the feeds this node has, sorted.
func (s *Service) FeedNames() []string {
	out := make([]string, 0, len(s.feeds))
	for k := range s.feeds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// RegisterFed registers a resource of the CDO's body whose rows come from
// feed: its fields are the feed's, its source system digigov, and its rows
// are computed at once for the body's region. It is Register otherwise.
//
// Returns Register's errors, and errs.Invalid ("feed": form.choice) for a
// feed this node does not have.
func (s *Service) RegisterFed(ctx context.Context, by *identity.Caller, feed string, in ResourceInput) (*Resource, error) {
	f, ok := s.feeds[feed]
	if !ok {
		if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
			return nil, err
		}
		return nil, errs.Fields(map[string]string{"feed": "form.choice"})
	}
	in.Fields, in.Format, in.SourceSystem = f.Fields(), "table", "digigov"
	if in.UpdateFrequency == "" {
		in.UpdateFrequency = "daily"
	}
	return s.register(ctx, by, in, feed)
}

// RefreshFeed recomputes a fed resource's rows now, for its provider's CDO.
//
// Returns errs.NotFound unless by is the provider's CDO, errs.Conflict
// ("datashare.not_fed") if the resource is not fed.
func (s *Service) RefreshFeed(ctx context.Context, by *identity.Caller, id ids.ID) (*Resource, error) {
	r, err := s.manageable(ctx, by, id)
	if err != nil {
		return nil, err
	}
	st, err := s.store.FeedOf(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.Conflict, "datashare.not_fed")
	}
	if err != nil {
		return nil, err
	}
	return r, s.refresh(ctx, by, r, st)
}

// FeedOf returns the feed state of a resource to staff who may browse the
// catalog; errs.NotFound if it is not fed.
func (s *Service) FeedOf(ctx context.Context, by *identity.Caller, id ids.ID) (*FeedState, error) {
	if err := canBrowse(by); err != nil {
		return nil, err
	}
	return s.store.FeedOf(ctx, id)
}

// RefreshFeeds recomputes every fed resource, as the system (the periodic
// job). It goes on past a failing resource and returns how many were
// refreshed and the first error.
func (s *Service) RefreshFeeds(ctx context.Context) (int, error) {
	list, err := s.store.FeedStates(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	var first error
	for i := range list {
		r, err := s.store.Resource(ctx, list[i].ResourceID)
		if err == nil {
			err = s.refresh(ctx, audit.System("数据源定时刷新"), r, &list[i])
		}
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		n++
	}
	return n, first
}

// refresh computes r's rows from its feed and replaces them, all or none.
func (s *Service) refresh(ctx context.Context, by audit.Actor, r *Resource, st *FeedState) error {
	f, ok := s.feeds[st.Feed]
	if !ok {
		return errs.Errorf(errs.Internal, "datashare: resource %s names feed %q, which this node does not have", r.Code, st.Feed)
	}
	now := s.clock()
	rows, err := f.Rows(ctx, r.Region, now)
	if err != nil {
		return err
	}
	if len(rows) > MaxRows {
		rows = rows[:MaxRows]
	}
	r.RowCount, r.Filled, r.LoadedAt, r.UpdatedAt = len(rows), filled(r.Fields, rows), now, now
	st.RefreshedAt, st.Rows = now, len(rows)
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.ReplaceRows(ctx, r.ID, rows); err != nil {
			return err
		}
		if err := s.store.UpdateResource(ctx, r); err != nil {
			return err
		}
		if err := s.store.SetFeed(ctx, st); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "data.feed_refreshed", resourceTarget(r),
			map[string]any{"code": r.Code, "feed": st.Feed, "rows": len(rows)})
	})
	s.codes.drop()
	return err
}

// register records a new resource (fed by feed, or "" for uploads).
func (s *Service) register(ctx context.Context, by *identity.Caller, in ResourceInput, feed string) (*Resource, error) {
	if err := identity.Authorize(by, identity.PermDataManage, ""); err != nil {
		return nil, err
	}
	g, _ := cdoGrant(by, "")
	if err := in.check(); err != nil {
		return nil, err
	}
	org, err := s.identity.Organization(ctx, g.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	r := &Resource{ID: ids.New(), ProviderID: org.ID, Provider: org.Name, Region: org.Region, CDOID: by.UserID, CDOName: by.Name,
		SchemaVersion: 1, CreatedAt: now, UpdatedAt: now}
	r.apply(in)
	var rows []Row
	st := &FeedState{ResourceID: r.ID, Feed: feed}
	if feed != "" {
		if rows, err = s.feeds[feed].Rows(ctx, r.Region, now); err != nil {
			return nil, err
		}
		if len(rows) > MaxRows {
			rows = rows[:MaxRows]
		}
		r.RowCount, r.Filled, r.LoadedAt = len(rows), filled(r.Fields, rows), now
		st.RefreshedAt, st.Rows = now, len(rows)
	}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateResource(ctx, r); err != nil {
			return err
		}
		if err := s.store.AddSchema(ctx, &Schema{ResourceID: r.ID, Version: 1, Fields: r.Fields, CreatedBy: by.Name, CreatedAt: now}); err != nil {
			return err
		}
		if feed != "" {
			if err := s.store.ReplaceRows(ctx, r.ID, rows); err != nil {
				return err
			}
			if err := s.store.SetFeed(ctx, st); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, by, "data.resource_registered", resourceTarget(r),
			map[string]any{"code": r.Code, "share": r.ShareClass, "open": r.OpenClass, "fields": len(r.Fields), "feed": feed})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// fedFields returns the fields a fed resource keeps on update: its feed's.
func (s *Service) fedFields(ctx context.Context, id ids.ID) ([]Field, bool, error) {
	st, err := s.store.FeedOf(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	f, ok := s.feeds[st.Feed]
	if !ok {
		return nil, true, nil
	}
	return slices.Clone(f.Fields()), true, nil
}
