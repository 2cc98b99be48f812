package catalog

import (
	"slices"
	"strings"
	"unicode"
)

// abbreviations maps what people type to what the catalog says. Chinese
// search by characters cannot link 社保卡 to 社会保障卡 (the bigram 保卡 never
// occurs in the long form), so the query is expanded before matching.
var abbreviations = map[string][]string{
	"社保":    {"社会保障", "社会保险"},
	"医保":    {"医疗保障", "医疗保险"},
	"公积金":   {"住房公积金"},
	"身份证":   {"居民身份证"},
	"户口":    {"户籍"},
	"驾照":    {"驾驶证"},
	"港澳通行证": {"往来港澳通行证"},
	"低保":    {"最低生活保障"},
	"个税":    {"个人所得税"},
	"房产证":   {"不动产权证书", "不动产登记"},
	"房产":    {"不动产"},
	"生孩子":   {"出生", "生育"},
	"结婚":    {"结婚登记", "婚姻"},
	"离婚":    {"离婚登记", "婚姻"},
	"开公司":   {"企业设立", "开办企业"},
	"开办企业":  {"企业设立"},
	"营业执照":  {"设立登记"},
	"退休":    {"养老保险待遇", "退休"},
	"养老金":   {"养老保险待遇", "养老保险"},
	"失业金":   {"失业保险金"},
	"入学":    {"入学"},
	"居住证":   {"居住证"},
	"年检":    {"检验标志"},
	"无犯罪证明": {"无犯罪记录证明"},
}

// normalize folds a query or a text for matching: full-width ASCII to
// half-width, letters to lower case, spaces and punctuation out.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width forms
			r -= 0xFEE0
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// expand returns the variants of one query term: itself, and the term with
// each abbreviation it contains replaced by each long form.
func expand(term string) []string {
	out := []string{term}
	for short, longs := range abbreviations {
		if !strings.Contains(term, short) {
			continue
		}
		for _, l := range longs {
			out = append(out, strings.ReplaceAll(term, short, l))
			out = append(out, l) // the long form alone also identifies the matter
		}
	}
	return out
}

// doc is an item prepared for matching.
type doc struct {
	item      *Item
	name      string
	aliases   string
	topics    string // topics, life events, department
	materials string
	all       string // everything above: one test rules out most items
}

// Index answers catalog searches. It is immutable; the Service builds a new
// one when the catalog changes.
type Index struct {
	docs    []doc
	byCode  map[string]*Item
	bigrams map[string][]int32 // two-character sequence → the docs whose text holds it, ascending
}

// Item returns the item with code, or nil.
func (ix *Index) Item(code string) *Item { return ix.byCode[code] }

// NewIndex prepares items for searching.
func NewIndex(items []Item) *Index {
	ix := &Index{docs: make([]doc, len(items)), byCode: make(map[string]*Item, len(items)), bigrams: map[string][]int32{}}
	for i := range items {
		it := &items[i]
		ix.byCode[it.Code] = it
		var topics, mats []string
		topics = append(topics, it.Topics...)
		for _, le := range LifeEvents {
			if oneOf(le.Key, it.LifeEvents) {
				topics = append(topics, le.Name)
			}
		}
		topics = append(topics, Departments[it.Department])
		for _, m := range it.Materials {
			mats = append(mats, m.Name)
		}
		d := doc{item: it, name: normalize(it.Name), aliases: normalize(strings.Join(it.Aliases, "|")),
			topics: normalize(strings.Join(topics, "|")), materials: normalize(strings.Join(mats, "|"))}
		d.all = d.name + "|" + d.aliases + "|" + d.topics + "|" + d.materials
		ix.docs[i] = d
		r := []rune(d.all)
		for j := 0; j+1 < len(r); j++ {
			bg := string(r[j : j+2])
			if l := ix.bigrams[bg]; len(l) == 0 || l[len(l)-1] != int32(i) {
				ix.bigrams[bg] = append(l, int32(i))
			}
		}
	}
	return ix
}

// candidatesOf narrows a search to the candidates of its first term.
func (ix *Index) candidatesOf(terms [][]string) ([]int32, bool) {
	if len(terms) == 0 {
		return nil, false
	}
	c, ok := ix.candidates(terms[0])
	slices.Sort(c)
	return c, ok
}

// candidates returns the docs that may contain one of a term's variants:
// for each variant, the docs holding its rarest two-character sequence
// (a text containing the variant contains all of them). It returns nil,
// false when a variant is one character long: then every doc is a
// candidate.
func (ix *Index) candidates(variants []string) ([]int32, bool) {
	seen := make([]bool, len(ix.docs))
	var out []int32
	for _, v := range variants {
		r := []rune(v)
		if len(r) < 2 {
			return nil, false
		}
		var rarest []int32
		for j := 0; j+1 < len(r); j++ {
			l := ix.bigrams[string(r[j:j+2])]
			if j == 0 || len(l) < len(rarest) {
				rarest = l
			}
		}
		for _, d := range rarest {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out, true
}

// Filter narrows a search.
type Filter struct {
	LifeEvent  string // key of LifeEvents
	Department string // key of Departments
	Target     Target
}

// Hit is a search result.
type Hit struct {
	Item  *Item
	Score int
}

// Search returns items matching every term of q (terms are separated by
// spaces), best first: a match in the name counts most, then aliases, then
// topics and life events, then materials; high-frequency items come first
// among equals. An empty q lists every item that passes the filter.
func (ix *Index) Search(q string, f Filter, limit int) []Hit {
	var terms [][]string
	for _, t := range strings.Fields(q) {
		if n := normalize(t); n != "" {
			terms = append(terms, expand(n))
		}
	}
	// Only docs that may hold the first term are scored; the others would
	// score 0 (every term must match).
	docs := make([]int32, 0, len(ix.docs))
	if cand, ok := ix.candidatesOf(terms); ok {
		docs = cand
	} else {
		for i := range ix.docs {
			docs = append(docs, int32(i))
		}
	}
	var hits []Hit
	for _, i := range docs {
		d := &ix.docs[i]
		if !f.matches(d.item) {
			continue
		}
		score := 0
		for _, variants := range terms {
			best := 0
			for _, v := range variants {
				best = max(best, d.score(v))
			}
			if best == 0 {
				score = 0
				break
			}
			score += best
		}
		if len(terms) == 0 {
			score = 1
		}
		if score > 0 {
			if d.item.HighFrequency {
				score++
			}
			hits = append(hits, Hit{Item: d.item, Score: score})
		}
	}
	slices.SortStableFunc(hits, func(a, b Hit) int {
		if a.Score != b.Score {
			return b.Score - a.Score
		}
		return strings.Compare(a.Item.Code, b.Item.Code)
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

func (d *doc) score(v string) int {
	if !strings.Contains(d.all, v) {
		return 0
	}
	switch {
	case strings.HasPrefix(d.name, v):
		return 120
	case strings.Contains(d.name, v):
		return 100
	case strings.Contains(d.aliases, v):
		return 80
	case strings.Contains(d.topics, v):
		return 50
	case strings.Contains(d.materials, v):
		return 20
	}
	return 0
}

func (f Filter) matches(it *Item) bool {
	return (f.LifeEvent == "" || oneOf(f.LifeEvent, it.LifeEvents)) &&
		(f.Department == "" || f.Department == it.Department) &&
		(f.Target == "" || oneOf(f.Target, it.Targets))
}
