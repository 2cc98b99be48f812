package catalog

import (
	"context"
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/digigov/digigov/internal/platform/errs"
)

// Bundle is a bundled matter (一件事): one application, with one shared
// form, that fans out to several items; each item becomes its own case.
type Bundle struct {
	Code        string   `json:"code"`                 // unique, stable: "BD-BIRTH"
	Name        string   `json:"name"`                 // 出生一件事
	Description string   `json:"description"`          //
	LifeEvent   string   `json:"life_event,omitempty"` // key of LifeEvents
	Items       []string `json:"items"`                // item codes, in the order they are applied for
	// Map names, per item code, the shared field each item field takes its
	// value from (item field → shared field). An item field not mapped
	// takes the shared field of its own name.
	Map map[string]map[string]string `json:"map,omitempty"`
}

// Shared returns the name of the shared field item field takes its value from.
func (b *Bundle) Shared(item, field string) string {
	if n := b.Map[item][field]; n != "" {
		return n
	}
	return field
}

// Form is the bundle's shared form: the union of the items' fields (items
// in b.Items order), where a field is named by its shared name. The first
// definition of a shared field wins, except that it is required when any
// item requires it, and a choice offers only the options every item
// accepts, so no choice can fail one of the items.
func (b *Bundle) Form(items []*Item) []Field {
	var out []Field
	at := map[string]int{}
	for _, it := range items {
		for _, fl := range it.Form {
			name := b.Shared(it.Code, fl.Name)
			i, ok := at[name]
			if !ok {
				fl.Name = name
				fl.Options = slices.Clone(fl.Options)
				at[name] = len(out)
				out = append(out, fl)
				continue
			}
			sh := &out[i]
			sh.Required = sh.Required || fl.Required
			if sh.Kind == FieldChoice && fl.Kind == FieldChoice {
				sh.Options = slices.DeleteFunc(sh.Options, func(o string) bool { return !slices.Contains(fl.Options, o) })
			}
		}
	}
	return out
}

// ItemForm derives an item's form values from the shared form's values.
func (b *Bundle) ItemForm(it *Item, shared map[string]string) map[string]string {
	out := map[string]string{}
	for _, fl := range it.Form {
		if v, ok := shared[b.Shared(it.Code, fl.Name)]; ok {
			out[fl.Name] = v
		}
	}
	return out
}

//go:embed data/bundles.json
var demoBundles []byte

// DemoBundles returns the bundled matters of the demo catalog
// (data/bundles.json), decoded afresh.
func DemoBundles() ([]Bundle, error) {
	var bs []Bundle
	err := json.Unmarshal(demoBundles, &bs)
	return bs, err
}

// bundles is DemoBundles decoded once: the embedded data never changes.
var bundles = sync.OnceValues(DemoBundles)

// Bundles returns the bundled matters. They are served from the embedded
// data for now; maintaining them like items comes later. They are shared,
// so the caller must not modify them.
func (s *Service) Bundles(ctx context.Context) ([]Bundle, error) {
	return bundles()
}

// Bundle returns one bundled matter by code; errs.NotFound if there is none.
// The caller must not modify it.
func (s *Service) Bundle(ctx context.Context, code string) (*Bundle, error) {
	bs, err := s.Bundles(ctx)
	if err != nil {
		return nil, err
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	for i := range bs {
		if bs[i].Code == code {
			return &bs[i], nil
		}
	}
	return nil, errs.E(errs.NotFound, "bundle.not_found")
}

// BundleItems returns the items of a bundle, in its order.
func (s *Service) BundleItems(ctx context.Context, b *Bundle) ([]*Item, error) {
	out := make([]*Item, 0, len(b.Items))
	for _, code := range b.Items {
		it, err := s.Item(ctx, code)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}
