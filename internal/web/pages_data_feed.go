package web

import (
	"net/http"

	"github.com/digigov/digigov/internal/platform/ids"
)

// dataResourceFormData is what the register form offers: the lists, and
// the feeds of the platform's own data a resource may be fed by.
type dataResourceFormData struct {
	dataChoices
	Feeds []string
}

// handleDataRefreshFeed recomputes a fed resource's rows now (the CDO's
// "refresh" button; a job does it every hour).
func (s *Server) handleDataRefreshFeed(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	res, err := s.datashare.RefreshFeed(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if e := formRefusal(err); e != nil {
		return s.renderDataResource(w, r, &dataResourceView{Loaded: -1}, e)
	}
	if err != nil {
		return err
	}
	return s.renderDataResource(w, r, &dataResourceView{Loaded: res.RowCount}, nil)
}
