package catalog

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

var (
	codeRE      = regexp.MustCompile(`^[A-Z]{2,5}-[0-9]{4}$`)
	fieldNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

// Validate checks an item as the catalog's administrator edits or imports
// it. It returns errs.Invalid with one message key per element at fault.
func (it *Item) Validate() error {
	f := map[string]string{}
	if !codeRE.MatchString(it.Code) {
		f["code"] = "catalog.code_invalid"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(it.Name)); n < 2 || n > 100 {
		f["name"] = "catalog.name_invalid"
	}
	if !oneOf(it.Type, ItemTypes) {
		f["type"] = "catalog.type_invalid"
	}
	if _, ok := Departments[it.Department]; !ok {
		f["department"] = "catalog.department_invalid"
	}
	if !oneOf(it.Level, []Level{LevelProvince, LevelCity, LevelCounty}) {
		f["level"] = "catalog.level_invalid"
	}
	if it.PromisedDays < 0 || it.StatutoryDays < it.PromisedDays || it.StatutoryDays > 365 {
		f["promised_days"] = "catalog.days_invalid"
	}
	if it.OnlineDepth < 1 || it.OnlineDepth > 4 {
		f["online_depth"] = "catalog.depth_invalid"
	}
	if it.Trips < 0 || it.Trips > 2 {
		f["trips"] = "catalog.trips_invalid"
	}
	if len(it.Targets) == 0 || !allOf(it.Targets, []Target{TargetPerson, TargetEnterprise}) {
		f["targets"] = "catalog.targets_invalid"
	}
	if !allOf(it.Scopes, []Scope{ScopeProvince, ScopeBayArea, ScopeNational}) {
		f["scopes"] = "catalog.scopes_invalid"
	}
	if len(it.Materials) == 0 {
		f["materials"] = "catalog.materials_required"
	}
	if err := validSteps(it.Steps); err != "" {
		f["steps"] = err
	}
	seen := map[string]bool{}
	for _, fl := range it.Form {
		if !fieldNameRE.MatchString(fl.Name) || seen[fl.Name] || fl.Label == "" ||
			!oneOf(fl.Kind, fieldKinds) || (fl.Kind == FieldChoice && len(fl.Options) == 0) {
			f["form"] = "catalog.form_invalid"
		}
		seen[fl.Name] = true
	}
	for _, c := range it.Contributors {
		_, dept := Departments[c.Department]
		ok := false
		for _, fl := range it.Form {
			ok = ok || (fl.Name == c.RegionField && fl.Kind == FieldRegion && fl.Required)
		}
		if !dept || !ok || !oneOf(c.Level, []Level{LevelProvince, LevelCity, LevelCounty}) {
			f["contributors"] = "catalog.contributors_invalid"
		}
	}
	if len(f) > 0 {
		return errs.Fields(f)
	}
	return nil
}

var fieldKinds = []FieldKind{FieldText, FieldTextarea, FieldNumber, FieldDate, FieldChoice, FieldRegion, FieldIDNumber, FieldPhone, FieldFile}

// validSteps requires 1–3 steps in the order 受理 → 审查 → 决定, each done by
// a staff role, starting with acceptance and ending with the decision.
func validSteps(steps []Step) string {
	order := map[Stage]int{StageAccept: 0, StageReview: 1, StageDecide: 2}
	if len(steps) == 0 || len(steps) > 3 || steps[0].Stage != StageAccept || steps[len(steps)-1].Stage != StageDecide && len(steps) > 1 {
		return "catalog.steps_invalid"
	}
	last := -1
	for _, s := range steps {
		o, ok := order[s.Stage]
		if !ok || o <= last || !s.Role.Valid() {
			return "catalog.steps_invalid"
		}
		last = o
	}
	return ""
}

func oneOf[T comparable](v T, set []T) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

func allOf[T comparable](vs []T, set []T) bool {
	for _, v := range vs {
		if !oneOf(v, set) {
			return false
		}
	}
	return true
}

// CheckForm validates an application's form values against the item's
// form and returns the cleaned values (trimmed; ID numbers and phones
// normalised; region codes normalised). Every field's problem is reported at
// once, as errs.Invalid with field → message key. File fields hold the
// SHA-256 of an uploaded blob; checking that it exists is the caller's.
// Values for names the form does not have are dropped. With the error come
// the cleaned values of the fields that passed, so that the caller can check
// what depends on them and report its problems in the same answer.
func (it *Item) CheckForm(values map[string]string, regions *region.Tree, now time.Time) (map[string]string, error) {
	out := map[string]string{}
	bad := map[string]string{}
	for _, fl := range it.Form {
		v := strings.TrimSpace(values[fl.Name])
		if v == "" {
			if fl.Required {
				bad[fl.Name] = "form.required"
			}
			continue
		}
		clean, key := fl.check(v, regions, now)
		if key != "" {
			bad[fl.Name] = key
			continue
		}
		out[fl.Name] = clean
	}
	if len(bad) > 0 {
		return out, errs.Fields(bad)
	}
	return out, nil
}

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// check validates one value; it returns the cleaned value or a message key.
func (fl *Field) check(v string, regions *region.Tree, now time.Time) (string, string) {
	switch fl.Kind {
	case FieldText, FieldTextarea:
		max := fl.MaxLength
		if max <= 0 {
			max = 200
			if fl.Kind == FieldTextarea {
				max = 2000
			}
		}
		if utf8.RuneCountInString(v) > max {
			return "", "form.too_long"
		}
	case FieldNumber:
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return "", "form.number"
		}
		if (fl.Min != nil && n < *fl.Min) || (fl.Max != nil && n > *fl.Max) {
			return "", "form.out_of_range"
		}
	case FieldDate:
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "", "form.date"
		}
	case FieldChoice:
		if !oneOf(v, fl.Options) {
			return "", "form.choice"
		}
	case FieldRegion:
		c, err := regions.Normalize(v)
		if err != nil {
			return "", "region.unknown"
		}
		if _, ok := regions.Lookup(c); !ok {
			return "", "region.unknown"
		}
		return string(c), ""
	case FieldIDNumber:
		id, err := identity.ParseIDNumberAt(v, now)
		if err != nil {
			return "", errs.As(err).Msg
		}
		return id.Clear(), ""
	case FieldPhone:
		p, err := identity.ParsePhone(v)
		if err != nil {
			return "", "phone.invalid"
		}
		return p.Clear(), ""
	case FieldFile:
		if !sha256RE.MatchString(v) {
			return "", "form.file"
		}
	}
	return v, ""
}
