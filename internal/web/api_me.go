package web

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

type grantBody struct {
	Role      string `json:"role" example:"case_officer"`
	OrgID     string `json:"org_id"`
	Scope     string `json:"scope" example:"4401"`
	ScopeName string `json:"scope_name" example:"广东省广州市"`
}

type meBody struct {
	UserID   string      `json:"user_id"`
	Username string      `json:"username"`
	Name     string      `json:"name"`
	Kind     string      `json:"kind" enum:"person,enterprise,staff,system"`
	Face     string      `json:"face" enum:"portal,workbench,cockpit"`
	Locale   string      `json:"locale"`
	Elderly  bool        `json:"elderly"`
	Grants   []grantBody `json:"grants"`
}

func (s *Server) registerMeAPI(api huma.API) {
	type output struct{ Body meBody }
	huma.Register(api, huma.Operation{
		OperationID: "get-me", Method: http.MethodGet, Path: "/api/v1/me",
		Summary: "Who am I", Tags: []string{"identity"}, Security: bearer,
		Description: "The calling account, its roles and region scopes.",
	}, func(ctx context.Context, _ *struct{}) (*output, error) {
		c, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := meBody{UserID: string(c.UserID), Username: c.Username, Name: c.Name, Kind: string(c.Kind),
			Face: string(c.Face()), Locale: c.Locale, Elderly: c.Elderly, Grants: []grantBody{}}
		for _, g := range c.Grants {
			b.Grants = append(b.Grants, grantBody{Role: string(g.Role), OrgID: string(g.OrgID), Scope: string(g.Scope), ScopeName: s.regions.FullName(g.Scope)})
		}
		return &output{Body: b}, nil
	})
}
