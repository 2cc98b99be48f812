// Package i18n holds digigov's message catalogs: every string a person reads
// has a key, and each supported language has a JSON file mapping keys to
// text. zh-CN is the default and the fallback.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// Languages digigov speaks, default first.
const (
	ZhCN = "zh-CN"
	En   = "en"
)

// Supported lists the languages in display order.
var Supported = []string{ZhCN, En}

//go:embed messages/*.json
var files embed.FS

// Catalog maps language → key → text.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load returns the embedded catalogs. A language's messages may be split
// over several files, messages/<lang>.json and messages/<lang>.<part>.json
// (one part per domain); a key defined twice is an error.
//
// The files are parsed once per process and the Catalog shared: it is
// read-only, and both the web server and the jobs ask for it at start-up.
func Load() (*Catalog, error) { return load() }

var load = sync.OnceValues(parse)

func parse() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	names, err := fs.Glob(files, "messages/*.json")
	if err != nil {
		return nil, err
	}
	for _, lang := range Supported {
		c.msgs[lang] = map[string]string{}
	}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "messages/"), ".json")
		lang, _, _ := strings.Cut(base, ".")
		if base != lang && !strings.HasPrefix(base, lang+".") {
			continue
		}
		m, ok := c.msgs[lang]
		if !ok {
			return nil, fmt.Errorf("i18n %s: unsupported language %q", name, lang)
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		part := map[string]string{}
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("i18n %s: %w", name, err)
		}
		for k, v := range part {
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("i18n %s: key %q defined twice", name, k)
			}
			m[k] = v
		}
	}
	return c, nil
}

// MustLoad is Load for program start-up: the catalogs are compiled in, so
// failure is a build defect.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Match returns the supported language for a tag such as "en-US" or
// "zh-Hans-CN", or "" if none matches.
func Match(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	switch {
	case tag == "":
		return ""
	case strings.HasPrefix(tag, "zh"):
		return ZhCN
	case strings.HasPrefix(tag, "en"):
		return En
	}
	return ""
}

// FromAcceptLanguage picks the first supported language of an
// Accept-Language header (ignoring weights, which browsers send in order).
func FromAcceptLanguage(h string) string {
	for _, part := range strings.Split(h, ",") {
		tag, _, _ := strings.Cut(part, ";")
		if l := Match(tag); l != "" {
			return l
		}
	}
	return ""
}

// T translates key into lang, formatting args with fmt.Sprintf when given.
// A key missing in lang falls back to zh-CN, then to the key itself, so a
// missing message shows up plainly instead of as an empty space.
func (c *Catalog) T(lang, key string, args ...any) string {
	s, ok := c.msgs[lang][key]
	if !ok {
		if s, ok = c.msgs[ZhCN][key]; !ok {
			s = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key exists in lang.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// Keys lists the keys of lang, sorted.
func (c *Catalog) Keys(lang string) []string {
	var out []string
	for k := range c.msgs[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
