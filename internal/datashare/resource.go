package datashare

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Classification is a resource's place in the catalog.
type Classification string

const (
	Basic        Classification = "basic"        // 基础信息资源
	Thematic     Classification = "thematic"     // 主题信息资源
	Departmental Classification = "departmental" // 部门信息资源
)

// Classifications in display order.
var Classifications = []Classification{Basic, Thematic, Departmental}

// ShareClass is how a resource is shared between bodies.
type ShareClass string

const (
	ShareOpen        ShareClass = "open"        // 无条件共享
	ShareConditional ShareClass = "conditional" // 有条件共享
	ShareNone        ShareClass = "none"        // 不予共享
)

// ShareClasses in display order.
var ShareClasses = []ShareClass{ShareOpen, ShareConditional, ShareNone}

// OpenClass is how a resource is opened to the public.
type OpenClass string

const (
	OpenFree        OpenClass = "open"        // 无条件开放
	OpenConditional OpenClass = "conditional" // 有条件开放
	OpenNone        OpenClass = "none"        // 不予开放
)

// OpenClasses in display order.
var OpenClasses = []OpenClass{OpenFree, OpenConditional, OpenNone}

// FieldType is the type of a field's values.
type FieldType string

const (
	TypeString  FieldType = "string"
	TypeInteger FieldType = "integer"
	TypeNumber  FieldType = "number"
	TypeDate    FieldType = "date" // YYYY-MM-DD
	TypeBoolean FieldType = "boolean"
)

// FieldTypes in display order.
var FieldTypes = []FieldType{TypeString, TypeInteger, TypeNumber, TypeDate, TypeBoolean}

// Sensitivity says how a field may be served.
type Sensitivity string

const (
	Public    Sensitivity = "public"    // 公开
	Internal  Sensitivity = "internal"  // 内部: shared, not opened
	Sensitive Sensitivity = "sensitive" // 敏感: masked in the exchange, never opened
)

// Sensitivities in display order.
var Sensitivities = []Sensitivity{Public, Internal, Sensitive}

// Frequencies are the update frequencies a resource may declare.
var Frequencies = []string{"realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular"}

// Formats are the formats a resource may be provided in.
var Formats = []string{"table", "file", "api"}

// Field is one column of a resource.
type Field struct {
	Name        string      `json:"name"`
	Type        FieldType   `json:"type"`
	Description string      `json:"description"`
	Sensitivity Sensitivity `json:"sensitivity"`
}

// Resource is one data resource (数据资源) of the catalog.
type Resource struct {
	ID              ids.ID
	Code            string // 资源代码, unique
	Name            string
	Description     string
	Classification  Classification
	Fields          []Field // the current schema version's fields
	SchemaVersion   int
	UpdateFrequency string
	Format          string
	SourceSystem    string
	ShareClass      ShareClass
	ShareConditions string // 有条件共享: the conditions
	ShareBasis      string // 不予共享: the legal basis
	OpenClass       OpenClass
	ProviderID      ids.ID // the body that holds the resource
	Provider        string // its name
	Region          region.Code
	CDOID           ids.ID // the responsible CDO
	CDOName         string
	RowCount        int
	Filled          float64 // share of non-empty cells in the loaded rows, 0–1
	LoadedAt        time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Field returns the field named name.
func (r *Resource) Field(name string) (Field, bool) {
	for _, f := range r.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// FieldNames lists the names of the fields in order.
func (r *Resource) FieldNames() []string {
	out := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		out[i] = f.Name
	}
	return out
}

// Schema is one version of a resource's fields.
type Schema struct {
	ResourceID ids.ID
	Version    int
	Fields     []Field
	CreatedBy  string
	CreatedAt  time.Time
}

// ResourceInput is what registering or updating a resource takes.
type ResourceInput struct {
	Code            string
	Name            string
	Description     string
	Classification  Classification
	Fields          []Field
	UpdateFrequency string
	Format          string
	SourceSystem    string
	ShareClass      ShareClass
	ShareConditions string
	ShareBasis      string
	OpenClass       OpenClass
}

var (
	codePattern  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9/_.-]{0,63}$`)
	fieldPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

// MaxFields bounds a resource's fields.
const MaxFields = 100

func oneOf[T ~string](v T, list []T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// check normalises in and reports every bad field at once.
func (in *ResourceInput) check() error {
	in.Code, in.Name, in.SourceSystem = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.SourceSystem)
	in.Description, in.ShareConditions, in.ShareBasis = strings.TrimSpace(in.Description), strings.TrimSpace(in.ShareConditions), strings.TrimSpace(in.ShareBasis)
	bad := map[string]string{}
	if !codePattern.MatchString(in.Code) {
		bad["code"] = "datashare.code_invalid"
	}
	switch {
	case in.Name == "":
		bad["name"] = "form.required"
	case tooLong(in.Name, 100):
		bad["name"] = "form.too_long"
	}
	if tooLong(in.Description, 2000) {
		bad["description"] = "form.too_long"
	}
	if !oneOf(in.Classification, Classifications) {
		bad["classification"] = "form.choice"
	}
	if !oneOf(in.UpdateFrequency, Frequencies) {
		bad["update_frequency"] = "form.choice"
	}
	if !oneOf(in.Format, Formats) {
		bad["format"] = "form.choice"
	}
	if tooLong(in.SourceSystem, 100) {
		bad["source_system"] = "form.too_long"
	}
	if !oneOf(in.ShareClass, ShareClasses) {
		bad["share_class"] = "form.choice"
	}
	if in.ShareClass == ShareConditional && in.ShareConditions == "" {
		bad["share_conditions"] = "datashare.conditions_required"
	}
	if in.ShareClass == ShareNone && in.ShareBasis == "" {
		bad["share_basis"] = "datashare.basis_required"
	}
	if tooLong(in.ShareConditions, 1000) {
		bad["share_conditions"] = "form.too_long"
	}
	if tooLong(in.ShareBasis, 1000) {
		bad["share_basis"] = "form.too_long"
	}
	if !oneOf(in.OpenClass, OpenClasses) {
		bad["open_class"] = "form.choice"
	}
	if k := checkFields(in.Fields); k != "" {
		bad["fields"] = k
	}
	if len(bad) > 0 {
		return errs.Fields(bad)
	}
	if in.ShareClass != ShareConditional {
		in.ShareConditions = ""
	}
	if in.ShareClass != ShareNone {
		in.ShareBasis = ""
	}
	return nil
}

// checkFields returns the message key of what is wrong with fs, "" if
// nothing is.
func checkFields(fs []Field) string {
	if len(fs) == 0 {
		return "datashare.fields_required"
	}
	if len(fs) > MaxFields {
		return "datashare.fields_too_many"
	}
	seen := map[string]bool{}
	for i := range fs {
		f := &fs[i]
		f.Name, f.Description = strings.TrimSpace(f.Name), strings.TrimSpace(f.Description)
		if f.Sensitivity == "" {
			f.Sensitivity = Public
		}
		switch {
		case !fieldPattern.MatchString(f.Name):
			return "datashare.field_name_invalid"
		case seen[f.Name]:
			return "datashare.field_duplicate"
		case !oneOf(f.Type, FieldTypes):
			return "datashare.field_type_invalid"
		case !oneOf(f.Sensitivity, Sensitivities):
			return "datashare.field_sensitivity_invalid"
		case tooLong(f.Description, 200):
			return "datashare.field_description_long"
		}
		seen[f.Name] = true
	}
	return ""
}

// sameFields reports whether a and b describe the same schema.
func sameFields(a, b []Field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ParseFields reads fields written one per line as
// "name|type|description|sensitivity" (description and sensitivity may be
// left out), the form the CDO's page uses.
func ParseFields(text string) []Field {
	var out []Field
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		p := strings.Split(line, "|")
		for len(p) < 4 {
			p = append(p, "")
		}
		out = append(out, Field{Name: strings.TrimSpace(p[0]), Type: FieldType(strings.TrimSpace(p[1])),
			Description: strings.TrimSpace(p[2]), Sensitivity: Sensitivity(strings.TrimSpace(p[3]))})
	}
	return out
}

// FormatFields writes fields in the form ParseFields reads.
func FormatFields(fs []Field) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Name + "|" + string(f.Type) + "|" + f.Description + "|" + string(f.Sensitivity) + "\n")
	}
	return b.String()
}
