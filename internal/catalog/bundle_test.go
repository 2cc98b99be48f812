package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/platform/errs"
)

// TestDemoBundles checks that the demo bundles name real items of the demo
// catalog, map only fields those items have, onto shared fields of the
// same kind, and that each bundle names a known life event.
func TestDemoBundles(t *testing.T) {
	items, err := DemoItems()
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*Item{}
	for i := range items {
		byCode[items[i].Code] = &items[i]
	}
	bundles, err := DemoBundles()
	if err != nil {
		t.Fatal(err)
	}
	if len(bundles) < 2 {
		t.Fatalf("%d demo bundles, want the birth and bereavement bundles", len(bundles))
	}
	events := map[string]bool{}
	for _, e := range LifeEvents {
		events[e.Key] = true
	}
	seen := map[string]bool{}
	for _, b := range bundles {
		if b.Code == "" || b.Name == "" || seen[b.Code] || len(b.Items) < 2 || !events[b.LifeEvent] {
			t.Errorf("bundle %q: code, name, life event and at least two items needed, codes unique", b.Code)
		}
		seen[b.Code] = true
		var its []*Item
		for _, code := range b.Items {
			it := byCode[code]
			if it == nil {
				t.Errorf("%s: item %s is not in the catalog", b.Code, code)
				continue
			}
			its = append(its, it)
		}
		for code, m := range b.Map {
			it := byCode[code]
			if it == nil || !slices.Contains(b.Items, code) {
				t.Errorf("%s: map names item %s, which is not one of its items", b.Code, code)
				continue
			}
			for field := range m {
				if !slices.ContainsFunc(it.Form, func(f Field) bool { return f.Name == field }) {
					t.Errorf("%s: map names field %s.%s, which the item's form does not have", b.Code, code, field)
				}
			}
		}
		// Every field of every item finds its shared field, of its kind.
		form := b.Form(its)
		shared := map[string]Field{}
		for _, f := range form {
			shared[f.Name] = f
		}
		for _, it := range its {
			for _, f := range it.Form {
				sf, ok := shared[b.Shared(it.Code, f.Name)]
				if !ok || sf.Kind != f.Kind {
					t.Errorf("%s: %s.%s (%s) has no shared field of its kind (%+v)", b.Code, it.Code, f.Name, f.Kind, sf)
				}
				if f.Required && !sf.Required {
					t.Errorf("%s: %s.%s is required, shared field %s is not", b.Code, it.Code, f.Name, sf.Name)
				}
				for _, o := range sf.Options {
					if !slices.Contains(f.Options, o) {
						t.Errorf("%s: shared choice %s offers %q, which %s does not accept", b.Code, sf.Name, o, it.Code)
					}
				}
			}
		}
	}
}

func TestBundleForm(t *testing.T) {
	bs, _ := DemoBundles()
	items, _ := DemoItems()
	byCode := map[string]*Item{}
	for i := range items {
		byCode[items[i].Code] = &items[i]
	}
	var birth *Bundle
	for i := range bs {
		if bs[i].Code == "BD-BIRTH" {
			birth = &bs[i]
		}
	}
	if birth == nil {
		t.Fatal("no BD-BIRTH")
	}
	var its []*Item
	for _, c := range birth.Items {
		its = append(its, byCode[c])
	}
	var names []string
	for _, f := range birth.Form(its) {
		names = append(names, f.Name)
	}
	// The newborn, the parents and the phone are asked once; the items'
	// own fields follow in item order.
	for _, n := range []string{"baby_name", "baby_gender", "birth_date", "mother_name", "mother_id_number", "parent_name", "parent_id_number", "phone"} {
		if c := strings.Count(" "+strings.Join(names, " ")+" ", " "+n+" "); c != 1 {
			t.Errorf("shared field %s appears %d times in %v", n, c, names)
		}
	}
	for _, n := range []string{"insured_name", "guardian_name", "applicant_name"} {
		if slices.Contains(names, n) {
			t.Errorf("mapped field %s is in the shared form: %v", n, names)
		}
	}
	if names[0] != "baby_name" {
		t.Errorf("order: %v", names)
	}
	got := birth.ItemForm(byCode["HRSS-0001"], map[string]string{"baby_name": "李小宝", "phone": "13800138000", "mother_name": "王芳"})
	if got["applicant_name"] != "李小宝" || got["phone"] != "13800138000" || got["mother_name"] != "" {
		t.Errorf("HRSS-0001 values from the shared form: %v", got)
	}
}

func TestBundleValidate(t *testing.T) {
	items, _ := DemoItems()
	byCode := map[string]*Item{}
	for i := range items {
		byCode[items[i].Code] = &items[i]
	}
	lookup := func(code string) *Item { return byCode[code] }
	bs, _ := DemoBundles()
	for _, b := range bs {
		if err := b.Validate(lookup); err != nil {
			t.Errorf("demo bundle %s: %v", b.Code, err)
		}
	}
	// HRSS-0001's photo is a file; mapping a text field onto it clashes.
	var fileField, textField string
	for _, fl := range byCode["HRSS-0001"].Form {
		if fl.Kind == FieldFile && fileField == "" {
			fileField = fl.Name
		}
	}
	for _, fl := range byCode["HRSS-0002"].Form {
		if fl.Kind == FieldText && textField == "" {
			textField = fl.Name
		}
	}
	if fileField == "" || textField == "" {
		t.Fatal("the demo items changed: no file field in HRSS-0001 or text field in HRSS-0002")
	}
	ok := Bundle{Code: "BD-TEST", Name: "测试", Items: []string{"HRSS-0001", "HRSS-0002"}}
	for _, tc := range []struct {
		name   string
		change func(b *Bundle)
		field  string
		key    string
	}{
		{"bad code", func(b *Bundle) { b.Code = "birth" }, "code", "catalog.bundle_code_invalid"},
		{"no name", func(b *Bundle) { b.Name = " " }, "name", "catalog.name_invalid"},
		{"unknown life event", func(b *Bundle) { b.LifeEvent = "party" }, "life_event", "catalog.bundle_life_event_invalid"},
		{"one item", func(b *Bundle) { b.Items = b.Items[:1] }, "items", "catalog.bundle_items_few"},
		{"unknown item", func(b *Bundle) { b.Items = append(b.Items, "ZZ-0000") }, "items", "catalog.bundle_item_unknown"},
		{"item twice", func(b *Bundle) { b.Items = append(b.Items, "HRSS-0001") }, "items", "catalog.bundle_item_twice"},
		{"map of an item outside", func(b *Bundle) { b.Map = map[string]map[string]string{"PS-0003": {"x": "y"}} }, "map", "catalog.bundle_map_invalid"},
		{"map of a missing field", func(b *Bundle) { b.Map = map[string]map[string]string{"HRSS-0001": {"nope": "y"}} }, "map", "catalog.bundle_map_invalid"},
		{"kinds clash", func(b *Bundle) { b.Map = map[string]map[string]string{"HRSS-0002": {textField: fileField}} }, "map", "catalog.bundle_kind_clash"},
	} {
		b := ok
		b.Items = slices.Clone(ok.Items)
		tc.change(&b)
		err := b.Validate(lookup)
		if e := errs.As(err); e == nil || e.Fields[tc.field] != tc.key {
			t.Errorf("%s: %v, want %s: %s", tc.name, err, tc.field, tc.key)
		}
	}
	if err := ok.Validate(lookup); err != nil {
		t.Errorf("a good bundle: %v", err)
	}
}
