package opendata

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// DataRequest is a request from the public for data not yet open
// (数据需求), in the manner of ckanext-datarequests.
type DataRequest struct {
	ID          ids.ID
	Title       string
	Description string
	OrgID       ids.ID // the organisation asked, "" for any
	UserID      ids.ID
	UserName    string
	State       string // open, closed
	DatasetID   ids.ID // the dataset that fulfilled it, "" if none
	CloseNote   string
	CreatedAt   time.Time
	ClosedAt    time.Time
	Followers   int // filled on reads
}

// Comment is a comment on a data request.
type Comment struct {
	ID        ids.ID
	RequestID ids.ID
	UserID    ids.ID
	UserName  string
	Body      string
	CreatedAt time.Time
}

// Request states.
const (
	RequestOpen   = "open"
	RequestClosed = "closed"
)

// DataRequestStore is the persistence of data requests.
type DataRequestStore interface {
	CreateDataRequest(ctx context.Context, r *DataRequest) error
	// DataRequest returns one request with its follower count; errs.NotFound if absent.
	DataRequest(ctx context.Context, id ids.ID) (*DataRequest, error)
	// DataRequests lists requests in state ("" for all), newest first.
	DataRequests(ctx context.Context, state string, limit int) ([]DataRequest, error)
	// CloseDataRequest writes r's closing if it is open, else errs.Conflict
	// ("opendata.request_closed").
	CloseDataRequest(ctx context.Context, r *DataRequest) error
	AddComment(ctx context.Context, c *Comment) error
	// Comments lists a request's comments, oldest first.
	Comments(ctx context.Context, id ids.ID) ([]Comment, error)
	// SetFollow makes user follow the request or not; idempotent.
	SetFollow(ctx context.Context, id, user ids.ID, follow bool, at time.Time) error
	// Following reports whether user follows the request.
	Following(ctx context.Context, id, user ids.ID) (bool, error)
	// Followers lists the users who follow the request.
	Followers(ctx context.Context, id ids.ID) ([]ids.ID, error)
	// AddOutbox queues an event for the dispatcher, in the transaction.
	AddOutbox(ctx context.Context, topic string, payload any, at time.Time) error
}

func requestTarget(r *DataRequest) audit.Target {
	return audit.Target{Type: "data_request_public", ID: string(r.ID)}
}

// AskForData files a data request. Anyone signed in may: citizens,
// enterprises, staff. They follow it from the start.
//
// Returns errs.Unauthenticated for anonymous callers, errs.Invalid with
// every bad field, errs.NotFound for an unknown organisation.
func (s *Service) AskForData(ctx context.Context, by *identity.Caller, title, description, orgName string) (*DataRequest, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	title, description = strings.TrimSpace(title), strings.TrimSpace(description)
	bad := map[string]string{}
	switch {
	case title == "":
		bad["title"] = "form.required"
	case len([]rune(title)) > 100:
		bad["title"] = "form.too_long"
	}
	switch {
	case description == "":
		bad["description"] = "form.required"
	case len([]rune(description)) > 2000:
		bad["description"] = "form.too_long"
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	r := &DataRequest{ID: ids.New(), Title: title, Description: description, UserID: by.UserID, UserName: by.Name,
		State: RequestOpen, CreatedAt: s.clock()}
	if orgName != "" {
		o, err := s.store.PortalOrg(ctx, orgName)
		if err != nil {
			return nil, err
		}
		r.OrgID = o.ID
	}
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateDataRequest(ctx, r); err != nil {
			return err
		}
		if err := s.store.SetFollow(ctx, r.ID, by.UserID, true, r.CreatedAt); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "opendata.request_filed", requestTarget(r), map[string]any{"title": title})
	})
	if err != nil {
		return nil, err
	}
	r.Followers = 1
	return r, nil
}

// DataRequests lists requests in state ("" for all), newest first. Public.
func (s *Service) DataRequests(ctx context.Context, state string, limit int) ([]DataRequest, error) {
	if state != "" && state != RequestOpen && state != RequestClosed {
		return nil, errs.Fields(map[string]string{"state": "form.choice"})
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.store.DataRequests(ctx, state, limit)
}

// DataRequestView is a request with its comments, the dataset that
// fulfilled it and whether the caller follows it.
type DataRequestView struct {
	DataRequest
	Comments  []Comment
	Dataset   *Dataset
	Following bool
	CanClose  bool
}

// DataRequest returns a request for its page. Public.
func (s *Service) DataRequest(ctx context.Context, by *identity.Caller, id ids.ID) (*DataRequestView, error) {
	r, err := s.store.DataRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &DataRequestView{DataRequest: *r, CanClose: canClose(by, r)}
	if v.Comments, err = s.store.Comments(ctx, id); err != nil {
		return nil, err
	}
	if r.DatasetID != "" {
		if v.Dataset, err = s.store.Dataset(ctx, string(r.DatasetID)); err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
	}
	if !by.Anonymous() {
		if v.Following, err = s.store.Following(ctx, id, by.UserID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// canClose: the requester, or a chief data officer.
func canClose(by *identity.Caller, r *DataRequest) bool {
	return !by.Anonymous() && (by.UserID == r.UserID || identity.Authorize(by, identity.PermDataManage, "") == nil)
}

// CommentOn adds a comment to a request. Anyone signed in may.
func (s *Service) CommentOn(ctx context.Context, by *identity.Caller, id ids.ID, body string) (*Comment, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	r, err := s.store.DataRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return nil, errs.Fields(map[string]string{"comment": "form.required"})
	case len([]rune(body)) > 1000:
		return nil, errs.Fields(map[string]string{"comment": "form.too_long"})
	}
	c := &Comment{ID: ids.New(), RequestID: r.ID, UserID: by.UserID, UserName: by.Name, Body: body, CreatedAt: s.clock()}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.AddComment(ctx, c); err != nil {
			return err
		}
		if err := s.store.AddOutbox(ctx, TopicRequestCommented, requestEvent{RequestID: r.ID, Title: r.Title, ActorID: by.UserID,
			Actor: by.Name}, c.CreatedAt); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "opendata.request_commented", requestTarget(r), map[string]any{"comment": c.ID})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CloseRequest closes a request, naming the dataset that fulfilled it (by
// name; "" if none did) and a note.
//
// Returns errs.Forbidden unless by filed it or is a CDO, errs.Conflict if
// it is closed, errs.NotFound for an unknown dataset.
func (s *Service) CloseRequest(ctx context.Context, by *identity.Caller, id ids.ID, datasetName, note string) (*DataRequest, error) {
	if by.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "auth.required")
	}
	r, err := s.store.DataRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canClose(by, r) {
		return nil, errs.E(errs.Forbidden, "opendata.close_forbidden")
	}
	if r.State == RequestClosed {
		return nil, errs.E(errs.Conflict, "opendata.request_closed")
	}
	if datasetName = strings.TrimSpace(datasetName); datasetName != "" {
		d, err := s.store.Dataset(ctx, datasetName)
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Fields(map[string]string{"dataset": "opendata.dataset.not_found"})
		}
		if err != nil {
			return nil, err
		}
		r.DatasetID = d.ID
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 1000 {
		return nil, errs.Fields(map[string]string{"note": "form.too_long"})
	}
	r.State, r.CloseNote, r.ClosedAt = RequestClosed, note, s.clock()
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CloseDataRequest(ctx, r); err != nil {
			return err
		}
		ev := requestEvent{RequestID: r.ID, Title: r.Title, ActorID: by.UserID, Actor: by.Name}
		if datasetName != "" {
			ev.Dataset = datasetName
		}
		if err := s.store.AddOutbox(ctx, TopicRequestClosed, ev, r.ClosedAt); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "opendata.request_closed", requestTarget(r), map[string]any{"dataset": r.DatasetID})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Follow makes by follow a request (or stop, with follow false).
func (s *Service) Follow(ctx context.Context, by *identity.Caller, id ids.ID, follow bool) error {
	if by.Anonymous() {
		return errs.E(errs.Unauthenticated, "auth.required")
	}
	if _, err := s.store.DataRequest(ctx, id); err != nil {
		return err
	}
	return s.tx.Transact(ctx, func(ctx context.Context) error { return s.store.SetFollow(ctx, id, by.UserID, follow, s.clock()) })
}
