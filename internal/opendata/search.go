package opendata

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// entry is what the index keeps of a dataset.
type entry struct {
	id       ids.ID
	name     string
	titleLC  string
	text     string             // lower-cased title, name, notes, tags and organisation
	org      string             // organisation name
	facets   [numFacets][]int32 // facet values as vocabulary numbers, by FacetFields' order
	created  time.Time
	modified time.Time
	pos      int32 // position in the index: breaks ties, cheaper than names
}

const numFacets = 5 // len(FacetFields)

// index is the in-memory search index. Entries are replaced whole, under
// the lock; searches read under the read lock.
//
// Words are found through bigrams: post maps every two-rune sequence of an
// entry's text to the positions of the entries holding it, in ascending
// order. A query word of two runes or more is looked up by its rarest
// bigram, and only those candidates are read in full. Facet values are
// numbered once (vocab), so counting them is adding in arrays.
type index struct {
	mu      sync.RWMutex
	rev     int64
	byID    map[ids.ID]int
	entries []*entry // removed datasets leave nil
	post    map[string][]int32
	fpost   map[int32][]int32 // facet value → positions of the entries holding it (in any field)
	vocab   map[string]int32
	names   []string
	loading sync.Mutex // one catch-up at a time
	all     allCache
}

// allCache keeps, for one revision of the index, what a query without
// words or filters needs (the portal's home page, a harvester's browse):
// the facet counts over every dataset and the datasets in each order
// asked for. Computed on first use, dropped when the index moves on.
type allCache struct {
	mu     sync.Mutex
	rev    int64
	counts *[numFacets][]int
	order  map[string][]hit
}

// everything returns the facet counts of all entries and all entries in
// order (under the index's read lock).
func (ix *index) everything(order string) (*[numFacets][]int, []hit) {
	c := &ix.all
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rev != ix.rev || c.counts == nil {
		c.rev, c.counts, c.order = ix.rev, nil, map[string][]hit{}
		var counts [numFacets][]int
		for f := range counts {
			counts[f] = make([]int, len(ix.names))
		}
		for _, e := range ix.entries {
			if e == nil {
				continue
			}
			for f, terms := range e.facets {
				for _, t := range terms {
					counts[f][t]++
				}
			}
		}
		c.counts = &counts
	}
	hits, ok := c.order[order]
	if !ok {
		hits = make([]hit, 0, len(ix.entries))
		for _, e := range ix.entries {
			if e != nil {
				hits = append(hits, hit{e: e})
			}
		}
		cmp := hitOrder(order)
		slices.SortFunc(hits, func(a, b hit) int { return cmp(&a, &b) })
		c.order[order] = hits
	}
	return c.counts, hits
}

func newIndex() *index {
	return &index{byID: map[ids.ID]int{}, post: map[string][]int32{}, fpost: map[int32][]int32{}, vocab: map[string]int32{}}
}

// term numbers a facet value, adding it to the vocabulary if new.
func (ix *index) term(v string) int32 {
	if n, ok := ix.vocab[v]; ok {
		return n
	}
	n := int32(len(ix.names))
	ix.vocab[v], ix.names = n, append(ix.names, v)
	return n
}

// bigrams calls fn with every two-rune sequence of s without a separator.
func bigrams(s string, fn func(string)) {
	prevAt := -1
	for i, r := range s {
		if r == 0 || r == ' ' {
			prevAt = -1
			continue
		}
		if prevAt >= 0 {
			fn(s[prevAt : i+utf8.RuneLen(r)])
		}
		prevAt = i
	}
}

// put stores e at position at (under the write lock).
func (ix *index) put(at int, e *entry, d *Dataset) {
	vals := [numFacets][]string{{e.org}, d.Groups, d.Tags, d.Formats(), {d.LicenseID}}
	for f, vs := range vals {
		for _, v := range vs {
			if v != "" {
				e.facets[f] = append(e.facets[f], ix.term(v))
			}
		}
	}
	pos := int32(at)
	e.pos = pos
	seen := map[string]bool{}
	bigrams(e.text, func(b string) {
		if !seen[b] {
			seen[b] = true
			ix.post[b] = addPosting(ix.post[b], pos)
		}
	})
	for _, terms := range e.facets {
		for _, t := range terms {
			ix.fpost[t] = addPosting(ix.fpost[t], pos)
		}
	}
	ix.entries[at] = e
}

// addPosting adds pos to a sorted list without repeats. Entries are
// appended in position order, so this is an append but for an entry
// replaced in place.
func addPosting(list []int32, pos int32) []int32 {
	if n := len(list); n == 0 || list[n-1] < pos {
		return append(list, pos)
	}
	i, found := slices.BinarySearch(list, pos)
	if found {
		return list
	}
	return slices.Insert(list, i, pos)
}

func entryOf(d *Dataset) *entry {
	e := &entry{id: d.ID, name: d.Name, titleLC: strings.ToLower(d.Title), created: d.CreatedAt, modified: d.ModifiedAt}
	var b strings.Builder
	b.WriteString(e.titleLC + "\x00" + d.Name + "\x00" + strings.ToLower(d.Notes) + "\x00" + strings.ToLower(strings.Join(d.Tags, "\x00")))
	if d.Org != nil {
		e.org = d.Org.Name
		b.WriteString("\x00" + strings.ToLower(d.Org.Title) + "\x00" + d.Org.Name)
	}
	e.text = b.String()
	return e
}

// catchUp loads the datasets changed since the index's revision.
func (s *Service) catchUp(ctx context.Context) error {
	head, err := s.store.OpenDataRev(ctx)
	if err != nil {
		return err
	}
	ix := s.ix
	ix.mu.RLock()
	current := ix.rev >= head
	ix.mu.RUnlock()
	if current {
		return nil
	}
	ix.loading.Lock()
	defer ix.loading.Unlock()
	for {
		ix.mu.RLock()
		from := ix.rev
		ix.mu.RUnlock()
		if from >= head {
			return nil
		}
		list, err := s.store.DatasetsSince(ctx, from, 5000)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			ix.mu.Lock()
			ix.rev = head
			ix.mu.Unlock()
			return nil
		}
		ix.mu.Lock()
		for i := range list {
			d := &list[i]
			at, ok := ix.byID[d.ID]
			if !ok {
				at = len(ix.entries)
				ix.byID[d.ID] = at
				ix.entries = append(ix.entries, nil)
			}
			if d.State == "active" {
				ix.put(at, entryOf(d), d)
			} else {
				ix.entries[at] = nil
			}
			ix.rev = max(ix.rev, d.Rev)
		}
		ix.mu.Unlock()
	}
}

// Query is a dataset search.
type Query struct {
	Text        string              // words that must all appear (in title, notes, tags, organisation)
	Filters     map[string][]string // field → values that must all match: organization, groups, tags, res_format, license_id, name
	Sort        string              // "score desc, metadata_modified desc" (default), "name asc", "title_string asc", "metadata_modified desc", "metadata_created desc"
	Start, Rows int
	Facets      []string // fields to count: organization, groups, tags, res_format, license_id
	FacetLimit  int      // items per facet, most frequent first; < 0 for all
}

// FacetItem is one value of a facet and how many results carry it.
type FacetItem struct {
	Name  string
	Count int
}

// Result is a page of search results.
type Result struct {
	Count    int
	Datasets []Dataset
	Facets   map[string][]FacetItem
}

// FacetFields are the fields Query.Facets and Query.Filters take.
var FacetFields = []string{"organization", "groups", "tags", "res_format", "license_id"}

// SortOrders are the orders Query.Sort takes.
var SortOrders = []string{"score desc, metadata_modified desc", "name asc", "name desc", "title_string asc", "title_string desc",
	"metadata_modified desc", "metadata_modified asc", "metadata_created desc", "metadata_created asc"}

// facetIndex is a field's position in FacetFields, -1 if it is none.
func facetIndex(field string) int { return slices.Index(FacetFields, field) }

// score counts the words' occurrences, a word in the title counting more.
func (e *entry) score(words []string) (int, bool) {
	n := 0
	for _, w := range words {
		c := strings.Count(e.text, w)
		if c == 0 {
			return 0, false
		}
		n += c
		if strings.Contains(e.titleLC, w) {
			n += 10
		}
	}
	return n, true
}

type hit struct {
	e     *entry
	score int
}

// filter is a query's filters as vocabulary numbers.
type filter struct {
	field int
	term  int32
}

// candidates returns the positions to read for words: those holding the
// rarest bigram of the most selective word, or nil (meaning all) when no
// word has two runes. none reports that some word cannot match at all.
func (ix *index) candidates(words []string) (list []int32, none bool) {
	best := -1
	for _, w := range words {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		rarest := -1
		var pick []int32
		bigrams(w, func(b string) {
			p := ix.post[b]
			if rarest < 0 || len(p) < rarest {
				rarest, pick = len(p), p
			}
		})
		if rarest == 0 {
			return nil, true
		}
		if rarest > 0 && (best < 0 || rarest < best) {
			best, list = rarest, pick
		}
	}
	return list, false
}

// MaxRows is the most datasets one search returns (CKAN's limit on rows).
const MaxRows = 1000

// maxStart bounds a search's offset: far beyond any catalog, far from
// overflowing.
const maxStart = 1 << 30

// Search finds active datasets: every word of q.Text must appear, every
// filter must match. Anyone may search: open data is public.
//
// Returns errs.Invalid for an unknown sort or facet field.
func (s *Service) Search(ctx context.Context, q Query) (*Result, error) {
	if q.Sort == "" {
		q.Sort = SortOrders[0]
	}
	if !contains(SortOrders, q.Sort) {
		return nil, errs.Fields(map[string]string{"sort": "opendata.sort_invalid"})
	}
	for _, f := range q.Facets {
		if facetIndex(f) < 0 {
			return nil, errs.Fields(map[string]string{"facet.field": "opendata.facet_invalid"})
		}
	}
	for f := range q.Filters {
		if facetIndex(f) < 0 && f != "name" {
			return nil, errs.Fields(map[string]string{"fq": "opendata.filter_invalid"})
		}
	}
	// Paging as given by any caller (CKAN's start, the portal's page):
	// bounded so that Start+Rows cannot overflow into a negative slice
	// bound while the index is read-locked.
	q.Rows = min(max(q.Rows, 0), MaxRows)
	q.Start = min(max(q.Start, 0), maxStart)
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	words := strings.Fields(strings.ToLower(q.Text))
	ix := s.ix
	var hits []hit
	counts := make([][]int, len(q.Facets))
	facetAt := make([]int, len(q.Facets))
	ix.mu.RLock()
	var filters []filter
	names, impossible := q.Filters["name"], false
	for f, vs := range q.Filters {
		if f == "name" {
			continue
		}
		for _, v := range vs {
			t, ok := ix.vocab[v]
			impossible = impossible || !ok
			filters = append(filters, filter{facetIndex(f), t})
		}
	}
	for i, f := range q.Facets {
		counts[i], facetAt[i] = make([]int, len(ix.names)), facetIndex(f)
	}
	cand, none := ix.candidates(words)
	// A filter's postings may be shorter still than the words' candidates.
	for _, f := range filters {
		if p := ix.fpost[f.term]; cand == nil || len(p) < len(cand) {
			cand = p
			none = none || len(p) == 0
		}
	}
	visit := func(e *entry) {
		if e == nil {
			return
		}
		for _, f := range filters {
			if !slices.Contains(e.facets[f.field], f.term) {
				return
			}
		}
		for _, n := range names {
			if e.name != n {
				return
			}
		}
		sc, ok := e.score(words)
		if !ok {
			return
		}
		hits = append(hits, hit{e, sc})
		for i, f := range facetAt {
			for _, t := range e.facets[f] {
				counts[i][t]++
			}
		}
	}
	matchAll := len(words) == 0 && len(filters) == 0 && len(names) == 0 && !impossible
	switch {
	case matchAll:
		all, ordered := ix.everything(q.Sort)
		res := &Result{Count: len(ordered), Facets: map[string][]FacetItem{}}
		for i, f := range q.Facets {
			res.Facets[f] = topFacets(all[facetAt[i]], ix.names, q.FacetLimit)
		}
		page := ordered[min(q.Start, len(ordered)):min(len(ordered), q.Start+q.Rows)]
		ix.mu.RUnlock()
		return s.withDatasets(ctx, res, page)
	case none || impossible:
	case cand != nil:
		hits = make([]hit, 0, min(len(cand), 1<<16))
		for _, at := range cand {
			visit(ix.entries[at])
		}
	default:
		hits = make([]hit, 0, len(ix.entries))
		for _, e := range ix.entries {
			visit(e)
		}
	}
	res := &Result{Count: len(hits), Facets: map[string][]FacetItem{}}
	for i, f := range q.Facets {
		res.Facets[f] = topFacets(counts[i], ix.names, q.FacetLimit)
	}
	ix.mu.RUnlock()
	hits = topHits(hits, q.Sort, q.Start+q.Rows)
	return s.withDatasets(ctx, res, hits[min(q.Start, len(hits)):min(len(hits), q.Start+q.Rows)])
}

// withDatasets reads the datasets of a page of hits into res, in order.
func (s *Service) withDatasets(ctx context.Context, res *Result, page []hit) (*Result, error) {
	if len(page) == 0 {
		return res, nil
	}
	want := make([]ids.ID, len(page))
	for i, h := range page {
		want[i] = h.e.id
	}
	list, err := s.store.DatasetsByID(ctx, want)
	if err != nil {
		return nil, err
	}
	at := map[ids.ID]int{}
	for i := range list {
		at[list[i].ID] = i
	}
	for _, id := range want {
		if i, ok := at[id]; ok {
			res.Datasets = append(res.Datasets, list[i])
		}
	}
	return res, nil
}

// hitOrder returns the comparison of order: negative when a comes first.
func hitOrder(order string) func(a, b *hit) int {
	var cmp func(a, b *entry) int
	switch order {
	case "name asc", "name desc":
		cmp = func(a, b *entry) int { return strings.Compare(a.name, b.name) }
	case "title_string asc", "title_string desc":
		cmp = func(a, b *entry) int { return strings.Compare(a.titleLC, b.titleLC) }
	case "metadata_created desc", "metadata_created asc":
		cmp = func(a, b *entry) int { return a.created.Compare(b.created) }
	default:
		cmp = func(a, b *entry) int { return a.modified.Compare(b.modified) }
	}
	desc := strings.HasSuffix(order, "desc")
	byScore := strings.HasPrefix(order, "score")
	return func(a, b *hit) int {
		if byScore && a.score != b.score {
			return b.score - a.score
		}
		c := cmp(a.e, b.e)
		if desc {
			c = -c
		}
		if c == 0 {
			return int(a.e.pos - b.e.pos)
		}
		return c
	}
}

// topHits returns the first k hits in order, sorted. With k much smaller
// than the hits it keeps a bounded heap instead of sorting them all: a
// browse of 100,000 datasets sorts 10, not 100,000.
func topHits(h []hit, order string, k int) []hit {
	cmp := hitOrder(order)
	if k >= len(h)/4 {
		slices.SortFunc(h, func(a, b hit) int { return cmp(&a, &b) })
		return h[:min(k, len(h))]
	}
	// A max-heap (by order) of the best k seen: its root is the worst kept.
	top := make([]hit, 0, k)
	worse := func(i, j int) bool { return cmp(&top[i], &top[j]) > 0 }
	down := func(i int) {
		for {
			l, w := 2*i+1, i
			if l < len(top) && worse(l, w) {
				w = l
			}
			if r := l + 1; r < len(top) && worse(r, w) {
				w = r
			}
			if w == i {
				return
			}
			top[i], top[w] = top[w], top[i]
			i = w
		}
	}
	for _, x := range h {
		if len(top) < k {
			top = append(top, x)
			for i := len(top) - 1; i > 0 && worse(i, (i-1)/2); i = (i - 1) / 2 {
				top[i], top[(i-1)/2] = top[(i-1)/2], top[i]
			}
			continue
		}
		if k > 0 && cmp(&x, &top[0]) < 0 {
			top[0] = x
			down(0)
		}
	}
	slices.SortFunc(top, func(a, b hit) int { return cmp(&a, &b) })
	return top
}

func topFacets(counts []int, names []string, limit int) []FacetItem {
	var out []FacetItem
	for t, c := range counts {
		if c > 0 {
			out = append(out, FacetItem{names[t], c})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Counts returns how many active datasets each organisation (by name) and
// each group has.
func (s *Service) Counts(ctx context.Context) (orgs, groups map[string]int, err error) {
	if err := s.catchUp(ctx); err != nil {
		return nil, nil, err
	}
	orgs, groups = map[string]int{}, map[string]int{}
	s.ix.mu.RLock()
	defer s.ix.mu.RUnlock()
	for _, e := range s.ix.entries {
		if e == nil {
			continue
		}
		orgs[e.org]++
		for _, g := range e.facets[1] {
			groups[s.ix.names[g]]++
		}
	}
	return orgs, groups, nil
}

// Tags lists the tags of active datasets containing query (all if ""),
// in order.
func (s *Service) Tags(ctx context.Context, query string) ([]string, error) {
	if err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	query = strings.ToLower(strings.TrimSpace(query))
	seen := map[string]bool{}
	s.ix.mu.RLock()
	for _, e := range s.ix.entries {
		if e == nil {
			continue
		}
		for _, n := range e.facets[2] {
			if t := s.ix.names[n]; !seen[t] && strings.Contains(t, query) {
				seen[t] = true
			}
		}
	}
	s.ix.mu.RUnlock()
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	sort.Strings(out)
	return out, nil
}

// Total is the number of active datasets.
func (s *Service) Total(ctx context.Context) (int, error) {
	if err := s.catchUp(ctx); err != nil {
		return 0, err
	}
	s.ix.mu.RLock()
	defer s.ix.mu.RUnlock()
	n := 0
	for _, e := range s.ix.entries {
		if e != nil {
			n++
		}
	}
	return n, nil
}

// Warm loads the search index, so that the first search does not wait for
// it. Errors are left for the next search to meet and report.
func (s *Service) Warm(ctx context.Context) { _ = s.catchUp(ctx) }
