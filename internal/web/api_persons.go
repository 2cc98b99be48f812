package web

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

type personBody struct {
	ID       string `json:"id"`
	Name     string `json:"name" example:"张明"`
	IDNumber string `json:"id_number_masked" example:"440106********3114" doc:"masked: first 6 and last 4 characters"`
	Phone    string `json:"phone_masked,omitempty" example:"138****8000"`
	Region   string `json:"region" example:"440106"`
}

func (s *Server) registerPersonAPI(api huma.API) {
	type input struct {
		Body struct {
			IDNumber string `json:"id_number" maxLength:"32" doc:"公民身份号码 (GB 11643)" example:"440106199001011235"`
			Purpose  string `json:"purpose" maxLength:"200" doc:"why the person is looked up; written to the audit log and shown to the person" example:"窗口代办社保卡申领"`
		}
	}
	type output struct{ Body personBody }
	huma.Register(api, huma.Operation{
		OperationID: "lookup-person", Method: http.MethodPost, Path: "/api/v1/persons/lookup",
		Summary: "Look up a person by ID number", Tags: []string{"identity"}, Security: bearer,
		Description: "For staff holding person.read over the person's region. The number is sent in the body, " +
			"never in a URL. Personal data comes back masked; the lookup is audited with its purpose, and the " +
			"person can see it. Outside the caller's scope the answer is 404, as for an unknown person.",
	}, func(ctx context.Context, in *input) (*output, error) {
		c, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		p, err := s.id.FindPerson(ctx, c, in.Body.IDNumber, in.Body.Purpose)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		b := personBody{ID: string(p.ID), Name: p.Name, IDNumber: p.IDNumber.Masked(), Region: string(p.Region)}
		if p.Phone != "" {
			b.Phone = p.Phone.Masked()
		}
		return &output{Body: b}, nil
	})
}
