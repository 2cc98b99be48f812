package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// regionBody is a region as the API shows it.
type regionBody struct {
	Code        string `json:"code" example:"440106" doc:"NBS statistical code: 2, 4, 6, 9 or 12 digits"`
	Name        string `json:"name" example:"天河区"`
	FullName    string `json:"full_name" example:"广东省广州市天河区"`
	Level       string `json:"level" enum:"province,city,county,town,village"`
	Parent      string `json:"parent,omitempty" example:"4401" doc:"nearest real ancestor; placeholders are skipped"`
	Placeholder bool   `json:"placeholder,omitempty" doc:"an NBS placeholder such as 市辖区, kept so that codes carried in addresses resolve"`
}

func (s *Server) regionBody(r region.Region) regionBody {
	b := regionBody{Code: string(r.Code), Name: r.Name, FullName: s.regions.FullName(r.Code), Level: r.Level.String(), Placeholder: r.Placeholder}
	if p, ok := s.regions.Parent(r.Code); ok {
		b.Parent = string(p.Code)
	}
	return b
}

func (s *Server) regionsOf(rs []region.Region) []regionBody {
	out := make([]regionBody, len(rs))
	for i, r := range rs {
		out[i] = s.regionBody(r)
	}
	return out
}

// lookupRegion normalises a code from a URL and finds it, with a sentence
// for the person when it is malformed or unknown.
func (s *Server) lookupRegion(ctx context.Context, raw string) (region.Region, error) {
	code, err := s.regions.Normalize(raw)
	if err != nil {
		return region.Region{}, s.problem(ctx, errs.E(errs.NotFound, "region.unknown"))
	}
	r, ok := s.regions.Lookup(code)
	if !ok {
		return region.Region{}, s.problem(ctx, errs.E(errs.NotFound, "region.unknown"))
	}
	return r, nil
}

func (s *Server) registerRegionAPI(api huma.API) {
	type codeInput struct {
		Code string `path:"code" maxLength:"16" example:"440106" doc:"region code; zero-padded forms (440000, 440106000000) are accepted"`
	}
	type regionOneOutput struct{ Body regionBody }
	huma.Register(api, huma.Operation{
		OperationID: "get-region", Method: http.MethodGet, Path: "/api/v1/regions/{code}",
		Summary: "Get a region", Tags: []string{"regions"}, Security: bearer,
		Description: "One administrative division (行政区划) by code, with its full name and nearest real parent.",
	}, func(ctx context.Context, in *codeInput) (*regionOneOutput, error) {
		if _, err := s.apiCaller(ctx); err != nil {
			return nil, err
		}
		r, err := s.lookupRegion(ctx, in.Code)
		if err != nil {
			return nil, err
		}
		return &regionOneOutput{Body: s.regionBody(r)}, nil
	})

	type regionListOutput struct {
		Body struct {
			Items []regionBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-region-children", Method: http.MethodGet, Path: "/api/v1/regions/{code}/children",
		Summary: "List a region's children", Tags: []string{"regions"}, Security: bearer,
		Description: "The divisions one level below, in code order. Placeholders are replaced by their own children " +
			"(北京's children are its districts; 东莞's are its towns).",
	}, func(ctx context.Context, in *codeInput) (*regionListOutput, error) {
		if _, err := s.apiCaller(ctx); err != nil {
			return nil, err
		}
		r, err := s.lookupRegion(ctx, in.Code)
		if err != nil {
			return nil, err
		}
		out := &regionListOutput{}
		out.Body.Items = s.regionsOf(s.regions.Children(r.Code))
		return out, nil
	})

	type searchInput struct {
		Q     string `query:"q" maxLength:"50" doc:"part of a name, e.g. 天河; empty lists the provinces"`
		Limit int    `query:"limit" minimum:"1" maximum:"200" default:"20"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "search-regions", Method: http.MethodGet, Path: "/api/v1/regions",
		Summary: "Search regions by name", Tags: []string{"regions"}, Security: bearer,
		Description: "Regions whose name contains q, higher levels first. Without q: the provinces.",
	}, func(ctx context.Context, in *searchInput) (*regionListOutput, error) {
		if _, err := s.apiCaller(ctx); err != nil {
			return nil, err
		}
		out := &regionListOutput{}
		q := strings.TrimSpace(in.Q)
		if q == "" {
			out.Body.Items = s.regionsOf(s.regions.Provinces())
		} else {
			out.Body.Items = s.regionsOf(s.regions.Search(q, in.Limit))
		}
		if out.Body.Items == nil {
			out.Body.Items = []regionBody{}
		}
		return out, nil
	})
}
