package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
)

// handleServices is the catalog: search in Chinese, browse by life event
// and by department.
func (s *Server) handleServices(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := catalog.Filter{LifeEvent: q.Get("event"), Department: q.Get("dept")}
	query := strings.TrimSpace(q.Get("q"))
	if len([]rune(query)) > 50 {
		query = string([]rune(query)[:50])
	}
	hits, err := s.catalog.Search(r.Context(), query, f, 100)
	if err != nil {
		return err
	}
	bundles, err := s.catalog.Bundles(r.Context())
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "services", &page{Title: "services.title", Face: identity.FacePortal, Data: map[string]any{
		"Query": query, "Event": f.LifeEvent, "Dept": f.Department, "Hits": hits,
		"Events": catalog.LifeEvents, "Departments": departmentList(), "Bundles": bundles,
	}})
}

type deptEntry struct{ Key, Name string }

func departmentList() []deptEntry {
	var out []deptEntry
	for k, v := range catalog.Departments {
		out = append(out, deptEntry{k, v})
	}
	slices.SortFunc(out, func(a, b deptEntry) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// handleServiceGuide is an item's service guide (办事指南).
func (s *Server) handleServiceGuide(w http.ResponseWriter, r *http.Request) error {
	it, err := s.catalog.Item(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return s.rd.render(w, r, "guide", &page{Title: "guide.title", Face: identity.FacePortal, Data: map[string]any{
		"Item": it, "Department": catalog.Departments[it.Department],
	}})
}
