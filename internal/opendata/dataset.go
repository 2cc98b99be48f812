package opendata

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Org is a publishing organisation (CKAN organization).
type Org struct {
	ID          ids.ID
	Name        string // URL name
	Title       string
	Description string
	Region      region.Code
	BodyID      ids.ID // the government body, "" if none
	CreatedAt   time.Time
}

// Group is a theme (CKAN group).
type Group struct {
	Name        string
	Title       string
	Description string
}

// Themes are the portal's themes, after the Guangdong open-data portal's.
var Themes = []Group{
	{"economy", "经济建设", "宏观经济、产业发展、企业经营"},
	{"environment", "资源环境", "自然资源、生态环境、气象水文"},
	{"education", "教育科技", "学校、招生、科研与科技服务"},
	{"transport", "道路交通", "道路、公交、停车与出行"},
	{"society", "社会发展", "人口、民政、社区"},
	{"safety", "公共安全", "应急、消防、安全生产"},
	{"finance", "财税金融", "财政、税收、金融服务"},
	{"health", "医疗卫生", "医疗机构、公共卫生、药品"},
	{"culture", "文化休闲", "文化场馆、旅游、体育"},
	{"social-security", "社保就业", "社会保险、就业创业、技能培训"},
	{"housing", "城建住房", "城市建设、住房保障、公积金"},
	{"agriculture", "农业农村", "农业生产、乡村振兴"},
	{"market", "市场监管", "市场主体、产品质量、食品安全"},
	{"credit", "信用服务", "信用信息、红黑名单"},
	{"government", "机构团体", "政府机构、社会组织、政务服务"},
}

// ThemeTitle returns a theme's title, or name if unknown.
func ThemeTitle(name string) string {
	for _, g := range Themes {
		if g.Name == name {
			return g.Title
		}
	}
	return name
}

// License is a licence a dataset may carry.
type License struct {
	ID, Title, URL string
}

// Licenses are the licences the portal offers.
var Licenses = []License{
	{"gd-open-data", "广东省公共数据开放许可协议", "/opendata/license"},
	{"cc-by-4.0", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"},
	{"odc-by", "Open Data Commons Attribution License", "https://opendatacommons.org/licenses/by/"},
}

// LicenseOf returns the licence with id (the first one if unknown).
func LicenseOf(id string) License {
	for _, l := range Licenses {
		if l.ID == id {
			return l
		}
	}
	return Licenses[0]
}

// Formats a resource may be downloaded in.
const (
	CSV  = "CSV"
	JSON = "JSON"
	XLSX = "XLSX"
)

// Dataset is one open dataset (CKAN package).
type Dataset struct {
	ID         ids.ID
	Name       string // URL name
	Title      string
	Notes      string
	OrgID      ids.ID
	Org        *Org // filled on reads
	LicenseID  string
	Groups     []string
	Tags       []string
	SourceID   ids.ID // the catalog resource it is published from, "" if none
	Frequency  string
	State      string // active
	Downloads  int
	Rev        int64
	Resources  []Resource
	CreatedAt  time.Time
	ModifiedAt time.Time

	// Conditional: 有条件开放, its data only for approved applicants
	// (access.go); filled on reads.
	Conditional bool
}

// Formats lists the formats of the dataset's resources, once each.
func (d *Dataset) Formats() []string {
	var out []string
	for _, r := range d.Resources {
		if !contains(out, r.Format) {
			out = append(out, r.Format)
		}
	}
	return out
}

// Resource is one downloadable file of a dataset.
type Resource struct {
	ID          ids.ID
	DatasetID   ids.ID
	Position    int
	Name        string
	Description string
	Format      string
	Content     string // CSV text of imported datasets; "" for those fed by the catalog
	Downloads   int
	CreatedAt   time.Time
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{1,99}$`)

// ValidName reports whether s is a valid URL name.
func ValidName(s string) bool { return namePattern.MatchString(s) }

// Slug makes a URL name from a code such as "GD-DATA/0001".
func Slug(code string) string {
	s := strings.ToLower(code)
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, s)
	return strings.Trim(s, "-_")
}

// cleanTags trims, lower-cases Latin letters, drops empty and repeated
// tags, and keeps at most 20 of at most 30 characters.
func cleanTags(in []string) []string {
	var out []string
	for _, t := range in {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || utf8.RuneCountInString(t) > 30 || contains(out, t) || len(out) == 20 {
			continue
		}
		out = append(out, t)
	}
	return out
}
