package catalog

import (
	"testing"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

func formItem() *Item {
	lo, hi := 0.0, 10.0
	return &Item{Form: []Field{
		{Name: "name", Label: "姓名", Kind: FieldText, Required: true, MaxLength: 5},
		{Name: "count", Label: "数量", Kind: FieldNumber, Min: &lo, Max: &hi},
		{Name: "day", Label: "日期", Kind: FieldDate},
		{Name: "kind", Label: "类别", Kind: FieldChoice, Options: []string{"首次申领", "补领"}},
		{Name: "where", Label: "地区", Kind: FieldRegion},
		{Name: "id", Label: "身份证", Kind: FieldIDNumber},
		{Name: "phone", Label: "电话", Kind: FieldPhone},
		{Name: "photo", Label: "照片", Kind: FieldFile},
	}}
}

func TestCheckForm(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	id := identity.MakeIDNumber("440106", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 123).Clear()
	good := map[string]string{"name": " 张三 ", "count": "3", "day": "2026-11-26", "kind": "补领", "where": "440100",
		"id": id, "phone": "+86 138-0013-8000", "photo": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "extra": "x"}
	out, err := formItem().CheckForm(good, region.Embedded(), now)
	if err != nil {
		t.Fatalf("valid form: %v", err)
	}
	if out["name"] != "张三" || out["where"] != "4401" || out["phone"] != "13800138000" || out["extra"] != "" {
		t.Errorf("cleaned values: %v", out)
	}
	bad := map[string]string{"name": "太长的名字啊", "count": "11", "day": "2026-02-30", "kind": "其他", "where": "999999",
		"id": id[:17] + "0", "phone": "12345", "photo": "../etc/passwd"}
	_, err = formItem().CheckForm(bad, region.Embedded(), now)
	e := errs.As(err)
	if e == nil || len(e.Fields) != 8 {
		t.Fatalf("want all 8 fields reported at once, got %v", err)
	}
	want := map[string]string{"name": "form.too_long", "count": "form.out_of_range", "day": "form.date", "kind": "form.choice",
		"where": "region.unknown", "phone": "phone.invalid", "photo": "form.file"}
	for k, v := range want {
		if e.Fields[k] != v {
			t.Errorf("%s: %q, want %q", k, e.Fields[k], v)
		}
	}
	if _, err := formItem().CheckForm(map[string]string{}, region.Embedded(), now); errs.As(err).Fields["name"] != "form.required" {
		t.Errorf("missing required field: %v", err)
	}
}

func TestValidateItem(t *testing.T) {
	it := Item{Code: "HRSS-0001", Name: "社会保障卡申领", Type: TypePublic, Department: "hrss", Level: LevelCity,
		Materials: []Material{{Name: "居民身份证", Required: true}}, PromisedDays: 5, StatutoryDays: 20, OnlineDepth: 4,
		Targets: []Target{TargetPerson}, Steps: []Step{{StageAccept, identity.RoleCaseOfficer}, {StageDecide, identity.RoleDepartmentHead}},
		Form: []Field{{Name: "a", Label: "甲", Kind: FieldText}}}
	if err := it.Validate(); err != nil {
		t.Fatalf("valid item: %v", err)
	}
	broken := it
	broken.Code, broken.PromisedDays, broken.Steps = "hrss1", 30, []Step{{StageDecide, identity.RoleDepartmentHead}, {StageAccept, identity.RoleCaseOfficer}}
	broken.Form = []Field{{Name: "a", Label: "甲", Kind: FieldChoice}}
	e := errs.As(broken.Validate())
	for _, f := range []string{"code", "promised_days", "steps", "form"} {
		if e == nil || e.Fields[f] == "" {
			t.Errorf("%s not reported: %v", f, e)
		}
	}
}
