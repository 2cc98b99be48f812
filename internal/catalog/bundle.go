package catalog

import (
	"context"
	_ "embed"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
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
	Map       map[string]map[string]string `json:"map,omitempty"`
	Version   int                          `json:"version,omitempty"`   // bumped on every change
	UpdatedAt time.Time                    `json:"updated_at,omitzero"` //
}

var bundleCodeRE = regexp.MustCompile(`^BD-[A-Z0-9]{2,20}$`)

// Validate checks the bundle against the items it names (item returns an
// item of the catalog by code, nil if there is none) and reports every
// problem at once as errs.Invalid (field → message key): a code BD-…, a
// name, at least two different items that exist, a known life event, a map
// that names only items of the bundle and fields they have, and no shared
// field that two items define as different kinds.
func (b *Bundle) Validate(item func(code string) *Item) error {
	f := map[string]string{}
	if !bundleCodeRE.MatchString(b.Code) {
		f["code"] = "catalog.bundle_code_invalid"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(b.Name)); n < 2 || n > 100 {
		f["name"] = "catalog.name_invalid"
	}
	if b.LifeEvent != "" && !slices.ContainsFunc(LifeEvents, func(e struct{ Key, Name, NameEn string }) bool { return e.Key == b.LifeEvent }) {
		f["life_event"] = "catalog.bundle_life_event_invalid"
	}
	items := map[string]*Item{}
	var list []*Item
	for _, code := range b.Items {
		it := item(code)
		switch {
		case it == nil:
			f["items"] = "catalog.bundle_item_unknown"
		case items[code] != nil:
			f["items"] = "catalog.bundle_item_twice"
		default:
			items[code] = it
			list = append(list, it)
		}
	}
	if len(b.Items) < 2 && f["items"] == "" {
		f["items"] = "catalog.bundle_items_few"
	}
	for code, m := range b.Map {
		it := items[code]
		for from, to := range m {
			if it == nil || !slices.ContainsFunc(it.Form, func(fl Field) bool { return fl.Name == from }) || !fieldNameRE.MatchString(to) {
				f["map"] = "catalog.bundle_map_invalid"
			}
		}
	}
	if f["items"] == "" && f["map"] == "" {
		kinds := map[string]FieldKind{}
		for _, it := range list {
			for _, fl := range it.Form {
				name := b.Shared(it.Code, fl.Name)
				if k, ok := kinds[name]; ok && k != fl.Kind {
					f["map"] = "catalog.bundle_kind_clash"
				}
				kinds[name] = fl.Kind
			}
		}
	}
	if len(f) > 0 {
		return errs.Fields(f)
	}
	return nil
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

// Bundles returns the bundled matters of the current catalog revision, in
// code order. They are shared, so the caller must not modify them.
func (s *Service) Bundles(ctx context.Context) ([]Bundle, error) {
	if _, err := s.index(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bundles, nil
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

// SaveBundle creates or changes one bundled matter. by must hold
// PermCatalogManage. For a change, b.Version must be the version the editor
// saw: if someone saved in between, SaveBundle returns errs.Conflict and
// nothing changes.
func (s *Service) SaveBundle(ctx context.Context, by *identity.Caller, b Bundle) (*Bundle, error) {
	if err := identity.Authorize(by, identity.PermCatalogManage, ""); err != nil {
		return nil, err
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	if err := b.Validate(ix.Item); err != nil {
		return nil, err
	}
	b.Version++
	b.UpdatedAt = s.now().UTC()
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.SaveServiceBundle(ctx, &b); err != nil {
			return err
		}
		return s.audit.Record(ctx, by, "catalog.bundle_saved", audit.Target{Type: "service_bundle", ID: b.Code},
			map[string]any{"name": b.Name, "version": b.Version, "items": b.Items})
	})
	if err != nil {
		return nil, err
	}
	s.recheck()
	return &b, nil
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
