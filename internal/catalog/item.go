package catalog

import (
	"time"

	"github.com/digigov/digigov/internal/identity"
)

// ItemType is the legal kind of a service item.
type ItemType string

const (
	TypeLicense      ItemType = "license"      // 行政许可
	TypeConfirmation ItemType = "confirmation" // 行政确认
	TypePayment      ItemType = "payment"      // 行政给付
	TypeFiling       ItemType = "filing"       // 行政备案
	TypeRuling       ItemType = "ruling"       // 行政裁决
	TypePublic       ItemType = "public"       // 公共服务
	TypeOther        ItemType = "other"        // 其他行政权力
)

// ItemTypes lists the types in display order.
var ItemTypes = []ItemType{TypeLicense, TypeConfirmation, TypePayment, TypeFiling, TypeRuling, TypePublic, TypeOther}

// Target is who may apply.
type Target string

const (
	TargetPerson     Target = "person"     // 自然人
	TargetEnterprise Target = "enterprise" // 法人
)

// Scope is where an application may be received for a decision elsewhere
// (通办范围).
type Scope string

const (
	ScopeProvince Scope = "province" // 省内通办: any counter in the province
	ScopeBayArea  Scope = "bay_area" // 湾区通办: also 港澳 service points
	ScopeNational Scope = "national" // 跨省通办: any province
)

// Level is the level of the competent authority.
type Level string

const (
	LevelProvince Level = "province"
	LevelCity     Level = "city"
	LevelCounty   Level = "county"
)

// Channel is a way to apply.
type Channel string

const (
	ChannelOnline  Channel = "online"  // 网上办理 (PC and mobile)
	ChannelCounter Channel = "counter" // 窗口办理
	ChannelSelf    Channel = "self"    // 自助终端
	ChannelPost    Channel = "post"    // 邮寄
)

// Item is one service item with the elements of its guide.
type Item struct {
	Code          string        `json:"code"`                     // unique, stable: "RS-0001"
	Name          string        `json:"name"`                     // 社会保障卡申领
	Aliases       []string      `json:"aliases,omitempty"`        // other names people use: 社保卡办理
	Type          ItemType      `json:"type"`                     //
	Department    string        `json:"department"`               // department key of the competent authority: "hrss"
	Level         Level         `json:"level"`                    // level of the competent authority
	LegalBasis    string        `json:"legal_basis"`              // 设定依据
	Conditions    string        `json:"conditions"`               // 受理条件
	Materials     []Material    `json:"materials"`                // 申请材料
	Form          []Field       `json:"form"`                     // the application form
	PromisedDays  int           `json:"promised_days"`            // 承诺时限, working days from acceptance
	StatutoryDays int           `json:"statutory_days"`           // 法定时限, ≥ PromisedDays
	Fee           string        `json:"fee"`                      // 收费标准: "不收费" or the fee and its basis
	OnlineDepth   int           `json:"online_depth"`             // 网办深度 1–4
	Trips         int           `json:"trips"`                    // 跑动次数 0, 1 or 2
	Scopes        []Scope       `json:"scopes,omitempty"`         // 通办范围
	HighFrequency bool          `json:"high_frequency,omitempty"` // 高频事项
	Channels      []Channel     `json:"channels"`                 //
	LifeEvents    []string      `json:"life_events,omitempty"`    // keys of LifeEvents
	Topics        []string      `json:"topics,omitempty"`         // free keywords: 社保, 医保, 户籍
	Targets       []Target      `json:"targets"`                  //
	Steps         []Step        `json:"steps"`                    // 受理 → 审查 → 决定
	Contributors  []Contributor `json:"contributors,omitempty"`   // 多地联办: authorities that give an opinion before the decision
	Result        string        `json:"result"`                   // 办理结果: the licence or document issued
	Version       int           `json:"version,omitempty"`        // bumped on every change
	UpdatedAt     time.Time     `json:"updated_at,omitzero"`      //
	Extra         *ItemExtra    `json:"extra,omitempty"`          // room for later elements
}

// Contributor is an authority that takes part in a case decided by
// another (多地联办, e.g. the 转出地 bureau in a transfer): the department's
// body at Level for the region the applicant gives in form field
// RegionField. The lead authority decides only after every contributor
// has given its opinion.
type Contributor struct {
	Department  string `json:"department"`
	Level       Level  `json:"level"`
	RegionField string `json:"region_field"`
}

// ItemExtra holds elements that not every item has.
type ItemExtra struct {
	Contact string `json:"contact,omitempty"` // 咨询方式
	Address string `json:"address,omitempty"` // 办理地点
}

// Material is one required material (申请材料).
type Material struct {
	Name         string   `json:"name"`                    // 居民身份证
	Required     bool     `json:"required"`                // 必要 / 非必要（容缺）
	Form         string   `json:"form"`                    // "original" 原件, "copy" 复印件, "electronic" 电子材料
	Copies       int      `json:"copies,omitempty"`        // 份数 (paper)
	Note         string   `json:"note,omitempty"`          // 填报须知
	LicenseTypes []string `json:"license_types,omitempty"` // e-licence types that stand in for it (免提交)
	Upload       bool     `json:"upload,omitempty"`        // an electronic copy is uploaded with the online form
}

// FieldKind is the kind of a form field.
type FieldKind string

const (
	FieldText     FieldKind = "text"
	FieldTextarea FieldKind = "textarea"
	FieldNumber   FieldKind = "number"
	FieldDate     FieldKind = "date"
	FieldChoice   FieldKind = "choice"
	FieldRegion   FieldKind = "region"
	FieldIDNumber FieldKind = "id_number"
	FieldPhone    FieldKind = "phone"
	FieldFile     FieldKind = "file"
)

// Field is one field of an item's application form.
type Field struct {
	Name      string    `json:"name"`                 // form key: lowercase letters, digits, underscore
	Label     string    `json:"label"`                // shown to the applicant (zh-CN)
	LabelEn   string    `json:"label_en,omitempty"`   // English label
	Kind      FieldKind `json:"kind"`                 //
	Required  bool      `json:"required,omitempty"`   //
	Options   []string  `json:"options,omitempty"`    // for choice
	Min       *float64  `json:"min,omitempty"`        // for number
	Max       *float64  `json:"max,omitempty"`        // for number
	MaxLength int       `json:"max_length,omitempty"` // for text (runes); default 200
	Help      string    `json:"help,omitempty"`       //
}

// Stage is a step of a case's handling.
type Stage string

const (
	StageAccept Stage = "accept" // 受理
	StageReview Stage = "review" // 审查
	StageDecide Stage = "decide" // 决定
)

// Step is one stage of an item's handling and the role that performs it.
type Step struct {
	Stage Stage         `json:"stage"`
	Role  identity.Role `json:"role"`
}

// LifeEvents are the life events (主题服务) the portal groups items by, in
// display order; the key is stored on items, the name is shown.
var LifeEvents = []struct{ Key, Name, NameEn string }{
	{"birth", "出生", "Birth"},
	{"school", "上学", "School"},
	{"employment", "就业", "Employment"},
	{"marriage", "婚育", "Marriage & family"},
	{"housing", "住房", "Housing"},
	{"medical", "医疗", "Health care"},
	{"social_security", "社保", "Social security"},
	{"residence", "户籍居住", "Residence"},
	{"travel", "出行", "Travel"},
	{"retirement", "退休养老", "Retirement"},
	{"business", "开办企业", "Starting a business"},
	{"business_operation", "经营许可", "Running a business"},
	{"death", "身后事", "Bereavement"},
}

// Departments names the department keys items use, as the Chinese name of
// the body (the competent authority is that department at the item's
// level for the deciding region).
var Departments = map[string]string{
	"hrss":              "人力资源和社会保障局",
	"housing_fund":      "住房公积金管理中心",
	"public_security":   "公安局",
	"market_regulation": "市场监督管理局",
	"natural_resources": "规划和自然资源局",
	"health":            "卫生健康委员会",
	"civil_affairs":     "民政局",
	"medical_security":  "医疗保障局",
	"education":         "教育局",
	"taxation":          "税务局",
	"transport":         "交通运输局",
	"housing":           "住房和城乡建设局",
	"ecology":           "生态环境局",
	"justice":           "司法局",
	"veterans":          "退役军人事务局",
	"data":              "政务服务和数据管理局",
}
