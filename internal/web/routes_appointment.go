package web

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// appointmentRoutes registers the appointment pages and API operations
// (窗口预约).
func (s *Server) appointmentRoutes(mux *http.ServeMux, api huma.API) {
	// Persons and enterprise agents book, list and cancel.
	mux.Handle("GET /appointments", s.errorPage(s.handleMyAppointments))
	mux.Handle("GET /appointments/new", s.errorPage(s.handleBookingPage))
	mux.Handle("POST /appointments", s.errorPage(s.handleBook))
	mux.Handle("POST /appointments/{id}/cancel", s.errorPage(s.handleCancelAppointment))
	// Counter staff handle the day's bookings; they and administrators manage counters.
	mux.Handle("GET /workbench/appointments", s.errorPage(s.handleCounterDesk))
	mux.Handle("POST /workbench/appointments/{id}/check-in", s.errorPage(s.handleDeskAction(true)))
	mux.Handle("POST /workbench/appointments/{id}/no-show", s.errorPage(s.handleDeskAction(false)))
	mux.Handle("GET /workbench/counters", s.errorPage(s.handleCounters))
	mux.Handle("POST /workbench/counters", s.errorPage(s.handleSaveCounter))
	mux.Handle("POST /workbench/counters/{id}", s.errorPage(s.handleSaveCounter))

	s.registerAppointmentAPI(api)
}
