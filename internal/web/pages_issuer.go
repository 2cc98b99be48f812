package web

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
)

// issuerDocument is what a licence's issuer URL (/issuers/{org}) answers:
// the organisation the credential names, with the keys it signs with, so
// that a verifier holding only the credential can find both.
type issuerDocument struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	Name      string     `json:"name"`
	USCC      string     `json:"uscc,omitempty"`
	Region    string     `json:"region,omitempty"`
	JWKS      string     `json:"jwks"`
	TrustList string     `json:"trust_list"`
	Keys      []seal.JWK `json:"keys"`
}

// handleIssuer serves the issuer document of an organisation of this node
// (public): its name, 统一社会信用代码, region and its published seal keys
// (active and retired; revoked ones are not published). Unknown → 404.
func (s *Server) handleIssuer(w http.ResponseWriter, r *http.Request) error {
	org, err := s.id.Organization(r.Context(), ids.ID(r.PathValue("id")))
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found", "detail": "没有这个发证机关。"})
			return nil
		}
		return err
	}
	set, err := s.seals.JWKS(r.Context())
	if err != nil {
		return err
	}
	doc := issuerDocument{ID: s.licenses.IssuerURL(org.ID), Type: "Organization", Name: org.Name, USCC: string(org.USCC),
		Region: string(org.Region), JWKS: s.licenses.BaseURL() + "/.well-known/jwks.json",
		TrustList: s.licenses.BaseURL() + "/.well-known/trust-list.jws", Keys: []seal.JWK{}}
	for _, k := range set.Keys {
		if k.Org == org.Name && k.OrgUSCC == string(org.USCC) {
			doc.Keys = append(doc.Keys, k)
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, doc)
	return nil
}

// handleLicenseVocabulary serves the vocabulary the credentials' @vocab
// (/ns/licenses#) points at, as JSON-LD: every licence type's credential
// type and every term of credentialSubject, with its Chinese and English
// labels.
func (s *Server) handleLicenseVocabulary(w http.ResponseWriter, r *http.Request) error {
	base := s.licenses.BaseURL() + "/ns/licenses#"
	type term struct {
		ID      string              `json:"@id"`
		Type    string              `json:"@type"`
		Label   []map[string]string `json:"rdfs:label"`
		Comment string              `json:"rdfs:comment,omitempty"`
	}
	label := func(zh, en string) []map[string]string {
		return []map[string]string{{"@language": "zh-CN", "@value": zh}, {"@language": "en", "@value": en}}
	}
	terms := []term{
		{base + license.LicenseVCType, "rdfs:Class", label("政府电子证照", "Government licence credential"), "every licence of this node"},
		{base + "licenseType", "rdf:Property", label("证照类型", "Licence type"), "the key of the licence type in the catalog"},
		{base + "licenseNumber", "rdf:Property", label("证照编号", "Licence number"), "unique per issuer"},
		{base + "uscc", "rdf:Property", label("统一社会信用代码", "Unified social credit code"), "GB 32100"},
	}
	seen := map[string]bool{}
	for _, t := range license.Types {
		terms = append(terms, term{base + t.VCType, "rdfs:Class", label(t.Name, t.NameEn), "licence type " + t.Key})
		for _, f := range t.Fields {
			if !seen[f.Name] {
				seen[f.Name] = true
				terms = append(terms, term{base + f.Name, "rdf:Property", label(f.Label, f.LabelEn), ""})
			}
		}
	}
	sort.SliceStable(terms[4:], func(i, j int) bool { return terms[4+i].ID < terms[4+j].ID })
	w.Header().Set("Content-Type", "application/ld+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return json.NewEncoder(w).Encode(map[string]any{
		"@context": map[string]string{"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
		"@graph":   terms,
	})
}
