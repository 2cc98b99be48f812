package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/ids"
)

type notificationBody struct {
	ID        string     `json:"id"`
	Topic     string     `json:"topic" example:"cases.accept" doc:"the event it came from"`
	Title     string     `json:"title" example:"申请已受理" doc:"in the caller's language (Accept-Language)"`
	Body      string     `json:"body"`
	Key       string     `json:"key" example:"notify.case.accept.title" doc:"message key of the title, for clients with texts of their own"`
	Args      []string   `json:"args" doc:"arguments of the body: case number, item name"`
	Link      string     `json:"link" example:"/cases/01920000-0000-7000-8000-000000000000" doc:"path of the page it is about"`
	Urgent    bool       `json:"urgent" doc:"the person must act: a correction was requested and the case's clock has stopped"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty" doc:"absent while unread"`
}

func (s *Server) notificationBody(lang string, n *notify.Notification) notificationBody {
	title, body := n.Render(s.msgs, lang)
	args := n.Args
	if args == nil {
		args = []string{}
	}
	return notificationBody{ID: string(n.ID), Topic: n.Topic, Title: title, Body: body, Key: n.Title, Args: args,
		Link: n.Link, Urgent: n.Urgent, CreatedAt: n.CreatedAt, ReadAt: timePtr(n.ReadAt)}
}

func (s *Server) registerNotificationAPI(api huma.API) {
	type listInput struct {
		Unread bool `query:"unread" doc:"only unread notifications"`
		Limit  int  `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}
	type listOutput struct {
		Body struct {
			Items  []notificationBody `json:"items"`
			Unread int                `json:"unread" doc:"unread notifications in all, counted up to 100"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-notifications", Method: http.MethodGet, Path: "/api/v1/notifications",
		Summary: "My notifications", Tags: []string{"notifications"}, Security: bearer,
		Description: "The caller's inbox, newest first: what happened to their applications. Titles and bodies are " +
			"rendered in the language of Accept-Language.",
	}, func(ctx context.Context, in *listInput) (*listOutput, error) {
		c, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.notify.List(ctx, c, notify.Query{UnreadOnly: in.Unread, Limit: in.Limit})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		unread, err := s.notify.Unread(ctx, c)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &listOutput{}
		out.Body.Unread = unread
		out.Body.Items = make([]notificationBody, len(list))
		for i := range list {
			out.Body.Items[i] = s.notificationBody(state(ctx).Lang, &list[i])
		}
		return out, nil
	})

	type readInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	type readOutput struct{ Body notificationBody }
	huma.Register(api, huma.Operation{
		OperationID: "read-notification", Method: http.MethodPost, Path: "/api/v1/notifications/{id}/read",
		Summary: "Mark a notification read", Tags: []string{"notifications"}, Security: bearer,
		Description: "Idempotent: reading a notification twice keeps the first time. Another person's notification answers 404.",
	}, func(ctx context.Context, in *readInput) (*readOutput, error) {
		c, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		n, err := s.notify.Open(ctx, c, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &readOutput{Body: s.notificationBody(state(ctx).Lang, n)}, nil
	})
}
