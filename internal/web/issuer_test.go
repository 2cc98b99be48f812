package web_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/store/storetest"
)

// TestIssuerAndVocabularyResolve: the URLs a licence credential names —
// its issuer's id and its @vocab — answer with the issuer (and the key
// that signed the licence) and with a definition of every term the
// credential uses.
func TestIssuerAndVocabularyResolve(t *testing.T) {
	n := startLicense(t, storetest.Engines(t)[0])
	lic := n.listMine("citizen")[0]
	parts := strings.Split(lic.JWS, ".")
	var header struct {
		Kid string `json:"kid"`
	}
	var cred struct {
		Context []json.RawMessage `json:"@context"`
		Type    []string          `json:"type"`
		Issuer  struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"issuer"`
		Subject map[string]any `json:"credentialSubject"`
	}
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if json.Unmarshal(hb, &header) != nil || json.Unmarshal(pb, &cred) != nil || len(cred.Context) < 2 {
		t.Fatalf("licence JWS: %s / %s", hb, pb)
	}
	path := func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return u.Path
	}
	c := n.Client(t)
	r := c.Get(path(cred.Issuer.ID))
	var doc struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	if r.StatusCode != http.StatusOK || json.Unmarshal([]byte(r.Body), &doc) != nil {
		t.Fatalf("issuer %s: %d %s", cred.Issuer.ID, r.StatusCode, r.Body)
	}
	signer := false
	for _, k := range doc.Keys {
		signer = signer || k.Kid == header.Kid
	}
	if doc.ID != cred.Issuer.ID || doc.Name != cred.Issuer.Name || !signer {
		t.Errorf("issuer document %+v does not name the issuer %q and its key %s", doc, cred.Issuer.Name, header.Kid)
	}
	if r := c.Get("/issuers/no-such-org"); r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "没有这个发证机关") {
		t.Errorf("unknown issuer: %d %s", r.StatusCode, r.Body)
	}

	var ctx struct {
		Vocab string `json:"@vocab"`
	}
	json.Unmarshal(cred.Context[1], &ctx)
	r = c.Get(path(ctx.Vocab))
	var vocab struct {
		Graph []struct {
			ID string `json:"@id"`
		} `json:"@graph"`
	}
	if r.StatusCode != http.StatusOK || json.Unmarshal([]byte(r.Body), &vocab) != nil {
		t.Fatalf("vocabulary %s: %d", ctx.Vocab, r.StatusCode)
	}
	defined := map[string]bool{}
	for _, term := range vocab.Graph {
		defined[term.ID] = true
	}
	for _, typ := range cred.Type[1:] {
		if !defined[ctx.Vocab+typ] {
			t.Errorf("credential type %s not in the vocabulary", typ)
		}
	}
	for k := range cred.Subject {
		if k != "id" && k != "type" && k != "name" && !defined[ctx.Vocab+k] {
			t.Errorf("credentialSubject term %s not in the vocabulary", k)
		}
	}
}
