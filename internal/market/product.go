package market

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// ProductState is where a product stands.
type ProductState string

const (
	Draft     ProductState = "draft"     // listed, not yet on the market
	Published ProductState = "published" // on the market: may be ordered
	Withdrawn ProductState = "withdrawn" // off the market; contracts already made run on
)

// PriceModel is how a product is paid for.
type PriceModel string

const (
	Free         PriceModel = "free"
	PerCall      PriceModel = "per_call"     // fen per exchange call served
	Subscription PriceModel = "subscription" // fen per month (30 days) of the service period
)

// PriceModels in display order.
var PriceModels = []PriceModel{Free, PerCall, Subscription}

// Price is what a product costs, in fen (分) so that amounts stay integers.
type Price struct {
	Model PriceModel `json:"model"`
	Fen   int64      `json:"fen"` // per call or per month; 0 when free
}

// Yuan writes fen as yuan with two decimals ("12.50").
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// ParseYuan reads an amount in yuan with at most two decimals ("12",
// "12.5", "12.50") as fen; false for anything else or above 10 million.
func ParseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 8 {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	fen := w*100 + f
	return fen, fen <= 10_000_000_00
}

// Policy is a product's usage policy, frozen into each contract.
type Policy struct {
	Purposes      []string      `json:"purposes"`       // what the data may be used for; the buyer names one
	NoResale      bool          `json:"no_resale"`      // the buyer may not resell the data
	NoOnward      bool          `json:"no_onward"`      // nor pass it on to a third party
	RetentionDays int           `json:"retention_days"` // the buyer deletes the data this many days after receiving it
	Regions       []region.Code `json:"regions"`        // where the data may be stored and processed
}

// Field is a field a product offers.
type Field struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Masked      bool   `json:"masked"` // a sensitive field: served masked only
}

// Source is a catalog resource a product is built on, with the fields it
// offers from it.
type Source struct {
	ResourceID   ids.ID  `json:"resource_id"`
	ResourceCode string  `json:"resource_code"`
	ResourceName string  `json:"resource_name"`
	RowCount     int     `json:"row_count"`
	Fields       []Field `json:"fields"`
}

// FieldNames lists the names of the fields offered.
func (s Source) FieldNames() []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}

// Product is a data product (数据产品) on the market.
type Product struct {
	ID          ids.ID       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Theme       string       `json:"theme"` // an open-data theme name (opendata.Themes)
	ProviderID  ids.ID       `json:"provider_id"`
	Provider    string       `json:"provider"`
	Region      region.Code  `json:"region"`
	CDOID       ids.ID       `json:"cdo_id"`
	CDOName     string       `json:"cdo_name"`
	Sources     []Source     `json:"sources"`
	Terms       string       `json:"terms"`
	Policy      Policy       `json:"policy"`
	Price       Price        `json:"price"`
	PeriodDays  int          `json:"period_days"` // the service period a contract runs for
	State       ProductState `json:"state"`
	PublishedAt time.Time    `json:"published_at,omitzero"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// Amount is what a contract for the product costs up front: the months of
// its period for a subscription, nothing for free and per-call products
// (per-call amounts accrue with the calls served).
func (p *Product) Amount() int64 {
	if p.Price.Model != Subscription {
		return 0
	}
	months := (p.PeriodDays + 29) / 30
	return int64(months) * p.Price.Fen
}

// ProductInput is what listing a product takes. Fields names the fields
// offered from each resource (by resource ID).
type ProductInput struct {
	Name        string
	Description string
	Theme       string
	Fields      map[ids.ID][]string
	Terms       string
	Policy      Policy
	Price       Price
	PeriodDays  int
}

// Bounds of a product.
const (
	MaxPeriodDays    = 1095
	MaxRetentionDays = 3650
	MaxPurposes      = 10
	MaxSources       = 10
)

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// check normalises the input's texts and reports every bad field but the
// sources (which need the catalog) at once, into bad.
func (in *ProductInput) check(themes []string, regions *region.Tree, bad map[string]string) {
	in.Name, in.Description, in.Terms = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description), strings.TrimSpace(in.Terms)
	switch {
	case in.Name == "":
		bad["name"] = "form.required"
	case tooLong(in.Name, 100):
		bad["name"] = "form.too_long"
	}
	switch {
	case in.Description == "":
		bad["description"] = "form.required"
	case tooLong(in.Description, 2000):
		bad["description"] = "form.too_long"
	}
	if !oneOf(in.Theme, themes) {
		bad["theme"] = "form.choice"
	}
	switch {
	case in.Terms == "":
		bad["terms"] = "form.required"
	case tooLong(in.Terms, 4000):
		bad["terms"] = "form.too_long"
	}
	var purposes []string
	for _, p := range in.Policy.Purposes {
		if p = strings.TrimSpace(p); p != "" && !oneOf(p, purposes) {
			purposes = append(purposes, p)
		}
	}
	in.Policy.Purposes = purposes
	switch {
	case len(purposes) == 0:
		bad["purposes"] = "market.purposes_required"
	case len(purposes) > MaxPurposes:
		bad["purposes"] = "market.purposes_too_many"
	}
	for _, p := range purposes {
		if tooLong(p, 100) {
			bad["purposes"] = "form.too_long"
		}
	}
	if in.Policy.RetentionDays < 1 || in.Policy.RetentionDays > MaxRetentionDays {
		bad["retention_days"] = "market.retention_range"
	}
	var codes []region.Code
	for _, c := range in.Policy.Regions {
		c = region.Code(strings.TrimSpace(string(c)))
		if c == "" || oneOf(c, codes) {
			continue
		}
		if _, ok := regions.Lookup(c); !ok {
			bad["regions"] = "market.region_unknown"
		}
		codes = append(codes, c)
	}
	in.Policy.Regions = codes
	if len(codes) == 0 && bad["regions"] == "" {
		bad["regions"] = "market.regions_required"
	}
	switch in.Price.Model {
	case Free:
		in.Price.Fen = 0
	case PerCall, Subscription:
		if in.Price.Fen <= 0 {
			bad["price"] = "market.price_required"
		}
	default:
		bad["price_model"] = "form.choice"
	}
	if in.PeriodDays < 1 || in.PeriodDays > MaxPeriodDays {
		bad["period_days"] = "market.period_range"
	}
}

// offer builds the sources of a product from the resources and the fields
// asked for, in the order of the resources' fields. It returns the message
// key of what is wrong, "" if nothing is.
func offer(resources []*datashare.Resource, fields map[ids.ID][]string) ([]Source, string) {
	var out []Source
	for _, r := range resources {
		names := fields[r.ID]
		if len(names) == 0 {
			continue
		}
		if r.ShareClass == datashare.ShareNone {
			return nil, "market.resource_not_shared"
		}
		src := Source{ResourceID: r.ID, ResourceCode: r.Code, ResourceName: r.Name, RowCount: r.RowCount}
		for _, f := range r.Fields {
			if oneOf(f.Name, names) {
				src.Fields = append(src.Fields, Field{Name: f.Name, Type: string(f.Type), Description: f.Description,
					Masked: f.Sensitivity == datashare.Sensitive})
			}
		}
		if len(src.Fields) != len(names) {
			return nil, "market.fields_unknown"
		}
		out = append(out, src)
	}
	if len(out) == 0 {
		return nil, "market.fields_required"
	}
	if len(out) > MaxSources {
		return nil, "market.sources_too_many"
	}
	return out, ""
}

// Yuan is the price in yuan, for pages.
func (p Price) Yuan() string { return Yuan(p.Fen) }

// AmountYuan is the up-front amount in yuan, for pages.
func (o *Order) AmountYuan() string { return Yuan(o.Amount) }

// DueYuan is what a contract has come to, in yuan, for pages.
func (u Usage) DueYuan() string { return Yuan(u.Due) }
