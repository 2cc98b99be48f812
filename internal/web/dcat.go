package web

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/digigov/digigov/internal/opendata"
)

// DCAT-AP as JSON-LD: /catalog.jsonld (paged with a Hydra view, or the
// whole catalog streamed with ?limit=all) and /dataset/{name}.jsonld.

// dcatContext is the JSON-LD context every document carries.
var dcatContext = map[string]any{
	"dcat":  "http://www.w3.org/ns/dcat#",
	"dct":   "http://purl.org/dc/terms/",
	"foaf":  "http://xmlns.com/foaf/0.1/",
	"hydra": "http://www.w3.org/ns/hydra/core#",
	"xsd":   "http://www.w3.org/2001/XMLSchema#",
}

// dcatPage is how many datasets the streamer reads at a time.
const dcatPage = 200

func (s *Server) absolute(r *http.Request, path string) map[string]any {
	if u, err := url.Parse(path); err == nil && u.IsAbs() {
		return map[string]any{"@id": path}
	}
	return map[string]any{"@id": s.origin(r) + path}
}

func dcatTime(v string) map[string]any { return map[string]any{"@value": v, "@type": "xsd:dateTime"} }

// dcatDataset is one dataset in DCAT-AP.
func (s *Server) dcatDataset(r *http.Request, d *opendata.Dataset) map[string]any {
	lic := opendata.LicenseOf(d.LicenseID)
	dist := make([]map[string]any, len(d.Resources))
	for i := range d.Resources {
		x := &d.Resources[i]
		dl := s.absolute(r, downloadPath(d, x))
		dist[i] = map[string]any{"@id": s.origin(r) + "/opendata/datasets/" + d.Name + "#" + string(x.ID), "@type": "dcat:Distribution",
			"dct:title": x.Name, "dct:format": x.Format, "dcat:mediaType": mimeOf(x.Format), "dcat:accessURL": dl, "dcat:downloadURL": dl,
			"dct:license": s.absolute(r, lic.URL)}
	}
	themes := make([]map[string]any, len(d.Groups))
	for i, g := range d.Groups {
		themes[i] = s.absolute(r, "/opendata/datasets?theme="+url.QueryEscape(g))
	}
	out := map[string]any{"@id": s.origin(r) + "/dataset/" + d.Name, "@type": "dcat:Dataset", "dct:identifier": string(d.ID),
		"dct:title": map[string]any{"@value": d.Title, "@language": "zh"}, "dct:description": map[string]any{"@value": d.Notes, "@language": "zh"},
		"dct:issued": dcatTime(ckanTime(d.CreatedAt)), "dct:modified": dcatTime(ckanTime(d.ModifiedAt)),
		"dcat:keyword": d.Tags, "dcat:theme": themes, "dcat:landingPage": s.absolute(r, "/opendata/datasets/"+d.Name),
		"dct:accrualPeriodicity": d.Frequency, "dcat:distribution": dist, "dct:license": s.absolute(r, lic.URL),
		"dct:accessRights": map[string]any{"@id": accessRightsURI + accessRights(d)}}
	if d.Org != nil {
		out["dct:publisher"] = map[string]any{"@id": s.origin(r) + "/opendata/datasets?org=" + url.QueryEscape(d.Org.Name),
			"@type": "foaf:Organization", "foaf:name": d.Org.Title}
	}
	return out
}

// handleDCATCatalog streams the catalog: the head, then datasets read from
// the database a page at a time and written as they come, then (when
// paged) the Hydra view. Memory holds one page, whatever the catalog's size.
func (s *Server) handleDCATCatalog() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		after, all, limit := q.Get("after"), q.Get("limit") == "all", 100
		if v := q.Get("limit"); v != "" && !all {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": "limit must be 1 to 1000, or all"})
				return
			}
			limit = n
		}
		ctx := r.Context()
		// Read the first page before writing anything, so that a failure
		// there is still an error status.
		chunk := limit
		if all {
			chunk = dcatPage
		}
		page, err := s.opendata.Page(ctx, after, chunk)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/ld+json; charset=utf-8")
		bw := bufio.NewWriterSize(w, 64<<10)
		defer bw.Flush()
		enc := json.NewEncoder(bw)
		head, _ := json.Marshal(map[string]any{"@context": dcatContext, "@id": s.origin(r) + "/catalog.jsonld", "@type": "dcat:Catalog",
			"dct:title": map[string]any{"@value": "广东省公共数据开放目录", "@language": "zh"}, "dct:description": "digigov 公共数据开放平台的数据目录 (DCAT-AP)",
			"dct:publisher": map[string]any{"@type": "foaf:Organization", "foaf:name": "广东省政务服务和数据管理局"},
			"foaf:homepage": s.absolute(r, "/opendata")})
		bw.Write(head[:len(head)-1]) // leave the object open
		bw.WriteString(`,"dcat:dataset":[`)
		n := 0
		for {
			for i := range page {
				if n > 0 {
					bw.WriteByte(',')
				}
				enc.Encode(s.dcatDataset(r, &page[i]))
				n++
			}
			if !all || len(page) < chunk {
				break
			}
			if page, err = s.opendata.Page(ctx, page[len(page)-1].Name, chunk); err != nil {
				// The status is sent: end the document where it stands, unclosed, so no client takes it as whole.
				s.log.Error("dcat stream", "request_id", state(ctx).ID, "err", err)
				return
			}
		}
		bw.WriteByte(']')
		if !all {
			self := "/catalog.jsonld?limit=" + strconv.Itoa(limit)
			view := map[string]any{"@id": s.origin(r) + self + "&after=" + url.QueryEscape(after), "@type": "hydra:PartialCollectionView",
				"hydra:first": s.absolute(r, self), "hydra:itemsPerPage": limit}
			if len(page) == limit {
				view["hydra:next"] = s.absolute(r, self+"&after="+url.QueryEscape(page[len(page)-1].Name))
			}
			if total, err := s.opendata.Total(ctx); err == nil {
				view["hydra:totalItems"] = total
			}
			b, _ := json.Marshal(view)
			bw.WriteString(`,"hydra:view":`)
			bw.Write(b)
		}
		bw.WriteByte('}')
	})
}

// handleDCATDataset is one dataset as a JSON-LD document.
func (s *Server) handleDCATDataset() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if len(name) <= len(".jsonld") || name[len(name)-len(".jsonld"):] != ".jsonld" {
			s.notFoundPage().ServeHTTP(w, r)
			return
		}
		d, err := s.opendata.Dataset(r.Context(), name[:len(name)-len(".jsonld")])
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		doc := s.dcatDataset(r, d)
		doc["@context"] = dcatContext
		w.Header().Set("Content-Type", "application/ld+json; charset=utf-8")
		json.NewEncoder(w).Encode(doc)
	})
}

// accessRightsURI is the EU access-right vocabulary DCAT-AP uses for
// dct:accessRights: PUBLIC, or RESTRICTED for a 有条件开放 dataset.
const accessRightsURI = "http://publications.europa.eu/resource/authority/access-right/"

func accessRights(d *opendata.Dataset) string {
	if d.Conditional {
		return "RESTRICTED"
	}
	return "PUBLIC"
}
