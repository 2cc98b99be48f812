package governance

import (
	"sort"
	"time"

	"github.com/digigov/digigov/internal/platform/workday"
	"github.com/digigov/digigov/internal/region"
)

// Category is a node of the event category tree: a top-level group (two
// digits, 市容环境) or a leaf below it (four digits, 暴露垃圾). Only leaves
// are reported; a leaf says who handles it, at which level and how fast.
type Category struct {
	Code       string       // "01", "0101"
	Name       string       // 中文名
	NameEn     string       // English name
	Department string       // leaves: the responsible department type (see Departments)
	Level      region.Level // leaves: the level whose body handles it (属地)
	Limit      Limit        // leaves: the handling time limit, from dispatch
	Auto       bool         // leaves: a clear case, which the rule may dispatch without a person
	Urgent     bool         // leaves: urgent by nature (shown first in queues)
	Private    bool         // personal matters: never on Open311's public list
}

// Leaf reports whether c is reportable (a subcategory).
func (c Category) Leaf() bool { return len(c.Code) == 4 }

// Parent is the code of a leaf's group.
func (c Category) Parent() string { return c.Code[:2] }

// Limit is a handling time limit: working hours (counted within office
// hours on working days) or working days (to the end of the nth working
// day). Exactly one is set.
type Limit struct {
	Hours int
	Days  int
}

// Office hours, Asia/Shanghai, within which working hours are counted.
const (
	officeOpens  = 9  // 09:00
	officeCloses = 18 // 18:00
)

// Deadline is the end of the limit counted from from, on cal.
func (l Limit) Deadline(cal *workday.Calendar, from time.Time) time.Time {
	if l.Days > 0 {
		return cal.AddWorkdays(from, l.Days)
	}
	return addWorkingHours(cal, from, time.Duration(l.Hours)*time.Hour)
}

// addWorkingHours adds d of office time on working days to from.
func addWorkingHours(cal *workday.Calendar, from time.Time, d time.Duration) time.Time {
	loc := shanghai
	t := from.In(loc)
	for d > 0 {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		opens, closes := day.Add(officeOpens*time.Hour), day.Add(officeCloses*time.Hour)
		if !cal.IsWorkday(day) || !t.Before(closes) {
			t = day.AddDate(0, 0, 1).Add(officeOpens * time.Hour)
			continue
		}
		if t.Before(opens) {
			t = opens
		}
		if left := closes.Sub(t); d <= left {
			return t.Add(d).UTC()
		} else {
			d -= left
			t = closes
		}
	}
	return t.UTC()
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Departments names the department types that handle events, as the
// Chinese name of the body (the body is that department at the handling
// level of the event's region).
var Departments = map[string]string{
	"urban_management":  "城市管理和综合执法局",
	"housing":           "住房和城乡建设局",
	"forestry":          "林业和园林局",
	"ecology":           "生态环境局",
	"transport":         "交通运输局",
	"public_security":   "公安局",
	"water":             "水务局",
	"market_regulation": "市场监督管理局",
	"hrss":              "人力资源和社会保障局",
	"civil_affairs":     "民政局",
	"emergency":         "应急管理局",
	"health":            "卫生健康委员会",
}

func hours(n int) Limit { return Limit{Hours: n} }
func days(n int) Limit  { return Limit{Days: n} }

// categories is the tree, groups first then their leaves.
var categories = []Category{
	{Code: "01", Name: "市容环境", NameEn: "City appearance"},
	{Code: "0101", Name: "暴露垃圾", NameEn: "Exposed rubbish", Department: "urban_management", Level: region.Town, Limit: hours(4), Auto: true},
	{Code: "0102", Name: "占道经营", NameEn: "Street vending on the road", Department: "urban_management", Level: region.Town, Limit: days(1), Auto: true},
	{Code: "0103", Name: "乱张贴乱涂写", NameEn: "Illegal posters and graffiti", Department: "urban_management", Level: region.Town, Limit: days(2), Auto: true},
	{Code: "0104", Name: "违规户外广告", NameEn: "Unauthorised outdoor advertising", Department: "urban_management", Level: region.County, Limit: days(5)},
	{Code: "02", Name: "市政设施", NameEn: "Municipal facilities"},
	{Code: "0201", Name: "道路破损", NameEn: "Damaged road", Department: "housing", Level: region.County, Limit: days(3), Auto: true},
	{Code: "0202", Name: "井盖缺失", NameEn: "Missing manhole cover", Department: "housing", Level: region.County, Limit: hours(4), Auto: true, Urgent: true},
	{Code: "0203", Name: "路灯故障", NameEn: "Street light out", Department: "urban_management", Level: region.County, Limit: days(2), Auto: true},
	{Code: "0204", Name: "排水不畅", NameEn: "Blocked drain", Department: "water", Level: region.County, Limit: days(1)},
	{Code: "03", Name: "园林绿化", NameEn: "Parks and greenery"},
	{Code: "0301", Name: "树木倒伏", NameEn: "Fallen tree", Department: "forestry", Level: region.County, Limit: hours(4), Auto: true, Urgent: true},
	{Code: "0302", Name: "绿地损毁", NameEn: "Damaged green space", Department: "forestry", Level: region.County, Limit: days(5)},
	{Code: "04", Name: "环境保护", NameEn: "Environmental protection"},
	{Code: "0401", Name: "噪声扰民", NameEn: "Noise nuisance", Department: "ecology", Level: region.County, Limit: days(1)},
	{Code: "0402", Name: "废气污染", NameEn: "Air pollution", Department: "ecology", Level: region.County, Limit: days(3)},
	{Code: "0403", Name: "污水直排", NameEn: "Sewage discharge", Department: "ecology", Level: region.County, Limit: days(2)},
	{Code: "05", Name: "交通秩序", NameEn: "Traffic order"},
	{Code: "0501", Name: "违章停车", NameEn: "Illegal parking", Department: "public_security", Level: region.County, Limit: hours(4), Auto: true},
	{Code: "0502", Name: "交通设施损坏", NameEn: "Damaged traffic facility", Department: "transport", Level: region.County, Limit: days(3)},
	{Code: "06", Name: "房屋管理", NameEn: "Housing"},
	{Code: "0601", Name: "违法建设", NameEn: "Illegal construction", Department: "urban_management", Level: region.Town, Limit: days(5)},
	{Code: "0602", Name: "危房隐患", NameEn: "Dangerous building", Department: "housing", Level: region.County, Limit: days(1), Urgent: true},
	{Code: "07", Name: "社会保障", NameEn: "Social security"},
	{Code: "0701", Name: "拖欠工资", NameEn: "Unpaid wages", Department: "hrss", Level: region.County, Limit: days(5), Private: true},
	{Code: "0702", Name: "社会救助", NameEn: "Social assistance", Department: "civil_affairs", Level: region.County, Limit: days(5), Private: true},
	{Code: "08", Name: "消费维权", NameEn: "Consumer rights"},
	{Code: "0801", Name: "商品质量", NameEn: "Product quality", Department: "market_regulation", Level: region.County, Limit: days(5)},
	{Code: "0802", Name: "价格欺诈", NameEn: "Price fraud", Department: "market_regulation", Level: region.County, Limit: days(3)},
	{Code: "09", Name: "安全隐患", NameEn: "Safety hazards"},
	{Code: "0901", Name: "燃气隐患", NameEn: "Gas hazard", Department: "emergency", Level: region.County, Limit: hours(2), Urgent: true},
	{Code: "0902", Name: "消防通道堵塞", NameEn: "Blocked fire lane", Department: "emergency", Level: region.Town, Limit: days(1), Auto: true},
	{Code: "0903", Name: "高空坠物隐患", NameEn: "Falling-object hazard", Department: "housing", Level: region.Town, Limit: days(1)},
	{Code: "10", Name: "突发事件", NameEn: "Emergencies"},
	{Code: "1001", Name: "火灾", NameEn: "Fire", Department: "emergency", Level: region.County, Limit: hours(1), Urgent: true},
	{Code: "1002", Name: "内涝积水", NameEn: "Waterlogging", Department: "water", Level: region.County, Limit: hours(2), Urgent: true},
	{Code: "1003", Name: "公共卫生事件", NameEn: "Public-health incident", Department: "health", Level: region.City, Limit: hours(2), Urgent: true},
}

var categoryByCode = func() map[string]Category {
	m := make(map[string]Category, len(categories))
	for _, c := range categories {
		m[c.Code] = c
	}
	return m
}()

// Categories returns the whole tree, each group followed by its leaves.
func Categories() []Category { return append([]Category(nil), categories...) }

// Leaves returns the reportable categories, by code.
func Leaves() []Category {
	var out []Category
	for _, c := range categories {
		if c.Leaf() {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// PublicCodes lists the codes of the leaves shown on Open311.
func PublicCodes() []string {
	var out []string
	for _, c := range Leaves() {
		if !c.Private {
			out = append(out, c.Code)
		}
	}
	return out
}

// CategoryOf returns a category by code.
func CategoryOf(code string) (Category, bool) {
	c, ok := categoryByCode[code]
	return c, ok
}
