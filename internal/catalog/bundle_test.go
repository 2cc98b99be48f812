package catalog

import (
	"slices"
	"strings"
	"testing"
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
