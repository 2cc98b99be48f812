package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/piprate/json-gold/ld"
	"github.com/xuri/excelize/v2"

	"github.com/digigov/digigov/internal/store/storetest"
)

const dcatNS, dctNS = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"

// expand parses a JSON-LD document and expands it with json-gold.
func expand(t *testing.T, body string) []any {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%.500s", err, body)
	}
	out, err := ld.NewJsonLdProcessor().Expand(doc, ld.NewJsonLdOptions(""))
	if err != nil {
		t.Fatalf("not JSON-LD: %v", err)
	}
	return out
}

func typed(nodes []any, typ string) []map[string]any {
	var out []map[string]any
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			if ts, ok := v["@type"].([]any); ok {
				for _, x := range ts {
					if x == typ {
						out = append(out, v)
					}
				}
			}
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(nodes)
	return out
}

// TestDCAT parses the catalog's pages back as JSON-LD, follows hydra:next
// to the end, and checks that the whole streamed catalog holds every
// dataset once.
func TestDCAT(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			n := openDataNode(t, e)
			c := n.Client(t)
			seen := map[string]bool{}
			next := "/catalog.jsonld?limit=10"
			pages := 0
			for next != "" {
				r := c.Get(strings.TrimPrefix(next, n.URL))
				if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/ld+json") {
					t.Fatalf("%s: %d %s", next, r.StatusCode, r.Header.Get("Content-Type"))
				}
				nodes := expand(t, r.Body)
				if cats := typed(nodes, dcatNS+"Catalog"); len(cats) != 1 {
					t.Fatalf("%d catalogs on a page", len(cats))
				}
				for _, d := range typed(nodes, dcatNS+"Dataset") {
					id := d["@id"].(string)
					if seen[id] {
						t.Fatalf("%s twice", id)
					}
					seen[id] = true
					if len(d[dcatNS+"distribution"].([]any)) == 0 || d[dctNS+"title"] == nil {
						t.Fatalf("dataset without distribution or title: %v", d)
					}
				}
				var doc map[string]any
				json.Unmarshal([]byte(r.Body), &doc)
				view := doc["hydra:view"].(map[string]any)
				if view["hydra:totalItems"].(float64) != 29 {
					t.Fatalf("totalItems %v", view["hydra:totalItems"])
				}
				next = ""
				if nx, ok := view["hydra:next"].(map[string]any); ok {
					next = nx["@id"].(string)
				}
				pages++
			}
			if pages != 3 || len(seen) != 29 {
				t.Fatalf("%d pages, %d datasets", pages, len(seen))
			}
			all := c.Get("/catalog.jsonld?limit=all")
			if got := typed(expand(t, all.Body), dcatNS+"Dataset"); len(got) != 29 {
				t.Fatalf("whole catalog: %d datasets", len(got))
			}
			one := c.Get("/dataset/4403-amr-0001.jsonld")
			ds := typed(expand(t, one.Body), dcatNS+"Dataset")
			if len(ds) != 1 || len(typed(expand(t, one.Body), dcatNS+"Distribution")) != 3 {
				t.Fatalf("dataset document: %s", one.Body)
			}
			if r := c.Get("/dataset/nothing.jsonld"); r.StatusCode != 404 {
				t.Fatalf("unknown dataset: %d", r.StatusCode)
			}
			if r := c.Get("/catalog.jsonld?limit=0"); r.StatusCode != 400 {
				t.Fatalf("limit=0: %d", r.StatusCode)
			}
		})
	}
}

// TestOpenDataPortal: search and browse, a dataset page with a preview and
// a chart, downloads in three formats (counted; sensitive fields left out)
// and a data request from filing to closing with the dataset.
func TestOpenDataPortal(t *testing.T) {
	n := openDataNode(t, storetest.Engines(t)[0])
	c := n.Client(t)
	home := c.Get("/opendata")
	if home.StatusCode != 200 || home.Doc.Find("#latest li").Length() == 0 {
		t.Fatalf("home: %d", home.StatusCode)
	}
	s := c.Get("/opendata/datasets?q=" + url.QueryEscape("医疗机构"))
	if got := s.Doc.Find("#results > li.card").Length(); got != 10 {
		t.Fatalf("search: %d results", got)
	}
	s = c.Get("/opendata/datasets?theme=transport&page=2")
	if got := s.Doc.Find("#results > li.card").Length(); got != 0 || !strings.Contains(s.Doc.Find("#result-count").Text(), "15") {
		t.Fatalf("theme page 2: %d results, %q", got, s.Doc.Find("#result-count").Text())
	}
	s = c.Get("/opendata/datasets?format=XLSX")
	if got := s.Doc.Find("#results > li.card").Length(); got != 4 { // the demo's four published catalog resources
		t.Fatalf("format filter: %d", got)
	}
	s = c.Get("/opendata/datasets?q=%3Cscript%3E")
	if strings.Contains(s.Body, "<script>") && !strings.Contains(s.Body, "&lt;script&gt;") {
		t.Fatal("query not escaped")
	}

	page := c.Get("/opendata/datasets/4403-amr-0001")
	if page.Doc.Find("#preview-table tbody tr").Length() != 3 || page.Doc.Find("#chart rect").Length() != 3 {
		t.Fatalf("preview %d rows, chart %d bars", page.Doc.Find("#preview-table tbody tr").Length(), page.Doc.Find("#chart rect").Length())
	}
	if strings.Contains(page.Body, "张伟") {
		t.Fatal("the sensitive legal_rep field is on the open page")
	}
	var links []string
	page.Doc.Find("a.download").Each(func(_ int, a *goquery.Selection) { h, _ := a.Attr("href"); links = append(links, h) })
	if len(links) != 3 {
		t.Fatalf("download links: %v", links)
	}
	csvr := c.Get(links[0])
	if csvr.StatusCode != 200 || !strings.Contains(csvr.Body, "深圳市鹏城智联科技有限公司") || strings.Contains(csvr.Body, "legal_rep") {
		t.Fatalf("CSV download: %d %s", csvr.StatusCode, csvr.Body)
	}
	jr := c.Get(links[1])
	var rows []map[string]string
	if json.Unmarshal([]byte(jr.Body), &rows); len(rows) != 3 || rows[0]["district"] == "" {
		t.Fatalf("JSON download: %s", jr.Body)
	}
	xr := c.Get(links[2])
	f, err := excelize.OpenReader(bytes.NewReader([]byte(xr.Body)))
	if err != nil {
		t.Fatalf("XLSX download: %v", err)
	}
	cells, _ := f.GetRows("Sheet1")
	if len(cells) != 4 || cells[0][0] != "uscc" {
		t.Fatalf("XLSX rows: %v", cells)
	}
	if got := c.Get("/opendata/datasets/4403-amr-0001").Doc.Find("#downloads").Text(); got != "3" {
		t.Fatalf("downloads counted: %q", got)
	}

	// A data request: filed by a citizen, commented, followed, closed by a CDO with the dataset.
	cit := n.Client(t)
	cit.Login("citizen", "digigov2026")
	cit.Get("/opendata/requests")
	r := cit.Post("/opendata/requests", url.Values{"title": {"公共充电桩位置"}, "description": {"希望开放全市公共充电桩位置与空闲状态"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("file request: %d", r.StatusCode)
	}
	req := r.Header.Get("Location")
	if r := cit.Post("/opendata/requests", url.Values{"title": {""}}); r.StatusCode != 422 || r.Doc.Find(".field-error").Length() != 2 {
		t.Fatalf("empty request: %d", r.StatusCode)
	}
	anon := n.Client(t)
	if r := anon.Post(req+"/comments", url.Values{"comment": {"+1"}}); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous comment: %d", r.StatusCode)
	}
	cdo := n.Client(t)
	cdo.Login("cdo", "digigov2026")
	cdo.Get(req)
	if r := cdo.Post(req+"/comments", url.Values{"comment": {"已转交交通运输部门"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", r.StatusCode)
	}
	if r := cdo.Post(req+"/follow", url.Values{"follow": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("follow: %d", r.StatusCode)
	}
	if r := cdo.Post(req+"/close", url.Values{"dataset": {"no-such"}}); r.StatusCode != 422 {
		t.Fatalf("close with unknown dataset: %d", r.StatusCode)
	}
	if r := cdo.Post(req+"/close", url.Values{"dataset": {"gz-bus-01"}, "note": {"已开放"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", r.StatusCode)
	}
	v := anon.Get(req)
	if v.Doc.Find("#comments li").Length() != 1 || strings.TrimSpace(v.Doc.Find("#followers").Text()) != "2" ||
		!strings.Contains(v.Doc.Find("#fulfilled-by").Text(), "广州市公交线路站点01") {
		t.Fatalf("request page: comments %d followers %q fulfilled %q", v.Doc.Find("#comments li").Length(),
			v.Doc.Find("#followers").Text(), v.Doc.Find("#fulfilled-by").Text())
	}
	if r := cit.Post(req+"/close", url.Values{}); r.StatusCode != http.StatusConflict {
		t.Fatalf("second close: %d", r.StatusCode)
	}
}

// TestPublishFromCatalog: a CDO publishes an open catalog resource from its
// page; a resource that is not open cannot be published, nor another
// body's.
func TestPublishFromCatalog(t *testing.T) {
	n := openDataNode(t, storetest.Engines(t)[0])
	c := n.Client(t)
	c.Login("cdo_gz", "digigov2026")
	open, closed := resourceByCode(t, n, "4401-HRSS/0002"), resourceByCode(t, n, "4401-HRSS/0001")
	c.Get("/workbench/data/resources/" + string(open.ID))
	r := c.Post("/workbench/data/resources/"+string(open.ID)+"/publish", url.Values{"theme": {"education"}, "tags": {"培训，技能 名录"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/opendata/datasets/4401-hrss-0002" {
		t.Fatalf("publish: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page := n.Client(t).Get("/opendata/datasets/4401-hrss-0002")
	if got := page.Doc.Find("dd a.badge").Length(); got != 3 || !strings.Contains(page.Body, "教育科技") {
		t.Fatalf("republished dataset: %d tags", got)
	}
	if r := c.Post("/workbench/data/resources/"+string(closed.ID)+"/publish", url.Values{"theme": {"education"}}); r.StatusCode != http.StatusConflict {
		t.Fatalf("publishing a 不予开放 resource: %d", r.StatusCode)
	}
	if r := c.Post("/workbench/data/resources/"+string(open.ID)+"/publish", url.Values{"theme": {"nonsense"}}); r.StatusCode != 422 {
		t.Fatalf("unknown theme: %d", r.StatusCode)
	}
	other := n.Client(t)
	other.Login("cdo_sz", "digigov2026")
	other.Get("/workbench/data")
	if r := other.Post("/workbench/data/resources/"+string(open.ID)+"/publish", url.Values{"theme": {"education"}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("another body's CDO publishing: %d", r.StatusCode)
	}
}
