package web

import (
	"net/http"

	"github.com/digigov/digigov/internal/datashare"
)

// dataMeasure is 需求满足率 as the cockpit's measures show it.
type dataMeasure struct {
	Total  datashare.Satisfaction
	Rows   []datashare.Satisfaction
	Target float64
}

// addCockpitData adds 需求满足率 (sharing requests approved and delivered /
// decided) within the viewer's scope to the cockpit's measures, with the
// plan's target.
func (s *Server) addCockpitData(r *http.Request, data map[string]any) error {
	if s.datashare == nil {
		return nil
	}
	list, total, err := s.datashare.Satisfaction(r.Context(), caller(r))
	if err != nil {
		return err
	}
	data["DataSatisfaction"] = &dataMeasure{Total: total, Rows: list, Target: datashare.SatisfactionTarget}
	return nil
}
