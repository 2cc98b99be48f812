package catalog

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/digigov/digigov/internal/identity"
)

// codePrefixes is the code prefix of each department's items in the demo
// catalog (data/README.md).
var codePrefixes = map[string]string{
	"hrss": "HRSS", "housing_fund": "HF", "public_security": "PS", "market_regulation": "MR",
	"natural_resources": "NR", "health": "HE", "civil_affairs": "CA", "medical_security": "MS",
	"education": "ED", "taxation": "TX", "transport": "TR", "housing": "HO", "ecology": "EC",
	"justice": "JU", "veterans": "VA", "data": "DA",
}

// licenseTypeKeys are the e-licence type keys materials may name.
var licenseTypeKeys = map[string]bool{
	"resident_id": true, "household_register": true, "marriage_cert": true, "birth_cert": true,
	"business_license": true, "property_cert": true, "social_security_card": true, "residence_permit": true,
	"driving_license": true, "vehicle_license": true, "food_business_license": true, "degree_cert": true,
	"graduation_cert": true, "disability_cert": true, "retirement_cert": true, "death_cert": true,
}

func loadDemoCatalog(t *testing.T) ([]Item, []byte) {
	t.Helper()
	raw, err := os.ReadFile("data/items.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var items []Item
	if err := dec.Decode(&items); err != nil {
		t.Fatalf("data/items.json: %v", err)
	}
	return items, raw
}

func TestDemoCatalog(t *testing.T) {
	items, raw := loadDemoCatalog(t)
	if len(items) < 64 {
		t.Errorf("%d items, want at least 64", len(items))
	}
	if bytes.ContainsAny(raw, "<>") {
		t.Error("items.json contains < or >: text must be plain, not HTML")
	}

	codeRE := regexp.MustCompile(`^([A-Z]{2,4})-[0-9]{4}$`)
	nameRE := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	lifeEvents := map[string]bool{}
	for _, e := range LifeEvents {
		lifeEvents[e.Key] = true
	}
	stageOrder := map[Stage]int{StageAccept: 0, StageReview: 1, StageDecide: 2}
	stepRoles := map[identity.Role]bool{identity.RoleCaseOfficer: true, identity.RoleDepartmentHead: true, identity.RoleCounterStaff: true}
	materialForms := map[string]bool{"original": true, "copy": true, "electronic": true}
	channels := []Channel{ChannelOnline, ChannelCounter, ChannelSelf, ChannelPost}

	codes, names := map[string]bool{}, map[string]string{}
	hasFile := map[string]bool{} // department → some item has a file field
	highFreq, noVisit := 0, 0
	for _, it := range items {
		t.Run(it.Code, func(t *testing.T) {
			if err := it.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			m := codeRE.FindStringSubmatch(it.Code)
			switch {
			case m == nil:
				t.Errorf("code %q is not PREFIX-0000", it.Code)
			case codePrefixes[it.Department] != m[1]:
				t.Errorf("code %q: prefix for department %q is %q", it.Code, it.Department, codePrefixes[it.Department])
			}
			if codes[it.Code] {
				t.Errorf("code %q repeated", it.Code)
			}
			codes[it.Code] = true
			if prev, ok := names[it.Name]; ok {
				t.Errorf("name %q also used by %s", it.Name, prev)
			}
			names[it.Name] = it.Code
			if it.Name == "" || it.LegalBasis == "" || it.Conditions == "" || it.Fee == "" || it.Result == "" {
				t.Error("name, legal basis, conditions, fee and result are required")
			}
			if _, ok := Departments[it.Department]; !ok {
				t.Errorf("unknown department %q", it.Department)
			}
			if !oneOf(it.Type, ItemTypes) {
				t.Errorf("unknown type %q", it.Type)
			}
			if !oneOf(it.Level, []Level{LevelProvince, LevelCity, LevelCounty}) {
				t.Errorf("unknown level %q", it.Level)
			}
			if it.PromisedDays < 0 || it.StatutoryDays < it.PromisedDays {
				t.Errorf("promised %d, statutory %d days: want 0 ≤ promised ≤ statutory", it.PromisedDays, it.StatutoryDays)
			}
			if it.OnlineDepth < 1 || it.OnlineDepth > 4 {
				t.Errorf("online depth %d not in 1–4", it.OnlineDepth)
			}
			if it.Trips < 0 || it.Trips > 2 {
				t.Errorf("trips %d not in 0–2", it.Trips)
			}
			if it.Trips == 0 && it.OnlineDepth < 3 {
				t.Errorf("no trips but online depth %d: a zero-trip item must be deep online", it.OnlineDepth)
			}
			if it.OnlineDepth >= 3 && !oneOf(ChannelOnline, it.Channels) {
				t.Errorf("online depth %d without the online channel", it.OnlineDepth)
			}
			if it.HighFrequency {
				highFreq++
			}
			if it.Trips == 0 && it.OnlineDepth == 4 {
				noVisit++
			}

			if len(it.Materials) == 0 {
				t.Error("no materials")
			}
			for _, mt := range it.Materials {
				if mt.Name == "" || !materialForms[mt.Form] || mt.Copies < 0 {
					t.Errorf("material %+v: needs a name, a form of original/copy/electronic and copies ≥ 0", mt)
				}
				for _, lt := range mt.LicenseTypes {
					if !licenseTypeKeys[lt] {
						t.Errorf("material %q: unknown licence type %q", mt.Name, lt)
					}
				}
			}

			if n := len(it.Form); n < 3 || n > 8 {
				t.Errorf("%d form fields, want 3–8", n)
			}
			fields := map[string]bool{}
			for _, fl := range it.Form {
				if !nameRE.MatchString(fl.Name) {
					t.Errorf("field name %q is not lowercase ascii with underscores", fl.Name)
				}
				if fields[fl.Name] {
					t.Errorf("field %q repeated", fl.Name)
				}
				fields[fl.Name] = true
				if fl.Label == "" || fl.LabelEn == "" {
					t.Errorf("field %q needs label and label_en", fl.Name)
				}
				if !oneOf(fl.Kind, fieldKinds) {
					t.Errorf("field %q: unknown kind %q", fl.Name, fl.Kind)
				}
				if fl.Kind == FieldChoice {
					seen := map[string]bool{}
					for _, o := range fl.Options {
						if o == "" || seen[o] {
							t.Errorf("field %q: empty or repeated option %q", fl.Name, o)
						}
						seen[o] = true
					}
					if len(fl.Options) < 2 {
						t.Errorf("choice field %q has %d options", fl.Name, len(fl.Options))
					}
				} else if len(fl.Options) > 0 {
					t.Errorf("field %q of kind %q has options", fl.Name, fl.Kind)
				}
				if fl.Min != nil && fl.Max != nil && *fl.Min > *fl.Max {
					t.Errorf("field %q: min %v > max %v", fl.Name, *fl.Min, *fl.Max)
				}
				if fl.Kind == FieldFile {
					hasFile[it.Department] = true
				}
			}

			if len(it.Channels) == 0 || !allOf(it.Channels, channels) {
				t.Errorf("channels %v: need at least one of %v", it.Channels, channels)
			}
			if len(it.Targets) == 0 || !allOf(it.Targets, []Target{TargetPerson, TargetEnterprise}) {
				t.Errorf("targets %v", it.Targets)
			}
			if !allOf(it.Scopes, []Scope{ScopeProvince, ScopeBayArea, ScopeNational}) {
				t.Errorf("unknown scope in %v", it.Scopes)
			}
			for _, le := range it.LifeEvents {
				if !lifeEvents[le] {
					t.Errorf("unknown life event %q", le)
				}
			}

			if n := len(it.Steps); n < 1 || n > 3 {
				t.Errorf("%d steps, want 1–3", n)
			}
			last := -1
			for _, s := range it.Steps {
				o, ok := stageOrder[s.Stage]
				if !ok || o <= last {
					t.Errorf("steps %v not in the order accept → review → decide", it.Steps)
				}
				last = o
				if !stepRoles[s.Role] {
					t.Errorf("step %s: role %q is not case_officer, department_head or counter_staff", s.Stage, s.Role)
				}
			}
		})
	}

	if highFreq < 50 {
		t.Errorf("%d high-frequency items, want at least 50", highFreq)
	}
	if noVisit < 40 {
		t.Errorf("%d items with no trips and online depth 4, want at least 40", noVisit)
	}
	for dept := range codePrefixes {
		used := false
		for _, it := range items {
			used = used || it.Department == dept
		}
		if used && !hasFile[dept] {
			t.Errorf("no item of department %q has a file field", dept)
		}
	}
}

// TestDemoCatalogNamedItems checks that the items people look for most are
// there under the names they know.
func TestDemoCatalogNamedItems(t *testing.T) {
	items, _ := loadDemoCatalog(t)
	byName := map[string]*Item{}
	known := map[string]bool{} // names and aliases
	for i := range items {
		byName[items[i].Name] = &items[i]
		known[items[i].Name] = true
		for _, a := range items[i].Aliases {
			known[a] = true
		}
	}
	for _, n := range []string{
		"社会保障卡申领", "城乡居民养老保险参保登记", "住房公积金提取（租房）", "住房公积金提取（购房）",
		"居住证申领", "出生医学证明办理", "个体工商户设立登记", "食品经营许可", "不动产登记（二手房转移登记）",
	} {
		if byName[n] == nil {
			t.Errorf("no item named %q", n)
		}
	}
	for _, n := range []string{
		"职工参保登记", "失业保险金申领", "养老保险关系转移接续", "退休申请（职工基本养老保险待遇申领）",
		"就业创业证申领", "灵活就业人员参保登记", "居民医保参保登记", "异地就医备案", "生育津贴申领",
		"医疗费用手工报销", "住房公积金缴存登记", "住房公积金贷款", "住房公积金异地转移接续",
		"户口迁移（投靠）", "新生儿入户", "居民身份证换领", "往来港澳通行证及签注", "无犯罪记录证明",
		"机动车驾驶证换证", "机动车检验标志核发", "企业设立登记（开办企业）", "企业变更登记", "企业注销登记",
		"公共场所卫生许可", "医师执业注册", "护士执业注册", "结婚登记", "离婚登记", "最低生活保障申请",
		"残疾人两项补贴申请", "高龄津贴申请", "义务教育阶段入学（积分入学）", "教师资格认定",
		"个人所得税综合所得汇算清缴", "发票领用", "不动产登记资料查询", "不动产抵押登记", "公租房申请",
		"道路运输经营许可", "法律援助申请", "退役军人优待证申领", "丧葬补助金领取",
	} {
		if !known[n] {
			t.Errorf("no item named or also known as %q", n)
		}
	}

	// 社会保障卡申领 takes the photo as an upload and the applicant's ID number.
	if it := byName["社会保障卡申领"]; it != nil {
		kinds := map[FieldKind]bool{}
		for _, fl := range it.Form {
			kinds[fl.Kind] = true
		}
		if !kinds[FieldFile] || !kinds[FieldIDNumber] {
			t.Errorf("社会保障卡申领 form needs a file field for the photo and an id_number field, has %v", kinds)
		}
	}

	// The parts of 出生一件事 are filed under the birth life event.
	for _, n := range []string{"出生医学证明办理", "新生儿入户", "城乡居民基本医疗保险参保登记", "社会保障卡申领"} {
		it := byName[n]
		if it == nil {
			t.Errorf("出生一件事: no item %q", n)
			continue
		}
		if !oneOf("birth", it.LifeEvents) {
			t.Errorf("出生一件事: %q is not under the birth life event", n)
		}
	}
}
