package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/platform/ids"
)

// EmergencyEventLink is an event (事件) linked to an incident.
type EmergencyEventLink struct {
	IncidentID  string    `json:"incident_id"`
	EventID     string    `json:"event_id"`
	EventNumber string    `json:"event_number" doc:"事件编号"`
	Category    string    `json:"category"`
	Region      string    `json:"region" doc:"the event's region"`
	LinkedBy    string    `json:"linked_by" doc:"the officer, or the code sensor_link (感知预警联动, the alert link) for an incident declared from the alert that opened the event"`
	LinkedAt    time.Time `json:"linked_at"`
}

func emergencyEventLinkOf(l emergency.EventLink) EmergencyEventLink {
	return EmergencyEventLink{IncidentID: string(l.IncidentID), EventID: string(l.EventID), EventNumber: l.EventNumber,
		Category: l.Category, Region: string(l.Region), LinkedBy: l.LinkedBy, LinkedAt: l.LinkedAt}
}

// registerIncidentEventsAPI lists and links the events of an incident.
func (s *Server) registerIncidentEventsAPI(api huma.API) {
	tags := []string{"emergency"}
	type linksOutput struct{ Body []EmergencyEventLink }
	type linksInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-incident-events", Method: http.MethodGet, Path: "/api/v1/emergency/incidents/{id}/events",
		Summary: "The events linked to an incident", Tags: tags, Security: bearer,
		Description: "Oldest link first. 404 outside the caller's read scope (event.command or cockpit.view).",
	}, func(ctx context.Context, in *linksInput) (*linksOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		list, err := s.emergency.LinkedEvents(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := make([]EmergencyEventLink, len(list))
		for i, l := range list {
			out[i] = emergencyEventLinkOf(l)
		}
		return &linksOutput{Body: out}, nil
	})

	type linkOutput struct{ Body EmergencyEventLink }
	type linkInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			EventNumber string `json:"event_number" maxLength:"40" doc:"事件编号, such as SJ20261127000001"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "emergency-link-event", Method: http.MethodPost, Path: "/api/v1/emergency/incidents/{id}/events",
		DefaultStatus: http.StatusCreated, Summary: "Link an event to the incident by its number", Tags: tags, Security: bearer,
		Description: "Needs event.command over the incident and the event. 422 (field `event_number`) for a number not " +
			"found within the caller's scope, 409 if the event is linked already or the incident closed.",
	}, func(ctx context.Context, in *linkInput) (*linkOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		l, err := s.emergency.LinkEventNumber(ctx, by, ids.ID(in.ID), in.Body.EventNumber)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &linkOutput{Body: emergencyEventLinkOf(*l)}, nil
	})
}
