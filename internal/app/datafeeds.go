package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/sqlstore"
)

// The platform's own data as catalog resources (数据要素: "a resource fed
// by digigov itself"). datashare names the Feed interface; the feeds read
// the cases and events tables through the store here, since datashare sits
// below governance in the import order and must not know either domain.

// chinaTime is the zone months and days are counted in.
var chinaTime = time.FixedZone("CST", 8*3600)

// feedRefreshEvery is how often fed resources are recomputed.
const feedRefreshEvery = time.Hour

// caseStatsFeed counts cases by item, authority and month of submission,
// over the last 24 months.
type caseStatsFeed struct{ st *sqlstore.Store }

func (caseStatsFeed) Fields() []datashare.Field {
	return []datashare.Field{
		{Name: "month", Type: datashare.TypeString, Description: "受理月份 (YYYY-MM)", Sensitivity: datashare.Public},
		{Name: "item_code", Type: datashare.TypeString, Description: "事项编码", Sensitivity: datashare.Public},
		{Name: "item_name", Type: datashare.TypeString, Description: "事项名称", Sensitivity: datashare.Public},
		{Name: "authority", Type: datashare.TypeString, Description: "实施机关", Sensitivity: datashare.Public},
		{Name: "region_code", Type: datashare.TypeString, Description: "办理地行政区划代码", Sensitivity: datashare.Public},
		{Name: "submitted", Type: datashare.TypeInteger, Description: "申请件数", Sensitivity: datashare.Public},
		{Name: "completed", Type: datashare.TypeInteger, Description: "办结件数", Sensitivity: datashare.Public},
		{Name: "on_time", Type: datashare.TypeInteger, Description: "按时办结件数", Sensitivity: datashare.Public},
	}
}

func (f caseStatsFeed) Rows(ctx context.Context, within region.Code, now time.Time) ([]datashare.Row, error) {
	type key struct{ month, item, authority string }
	type agg struct {
		name, authority string
		region          region.Code
		sub, done, ok   int
	}
	m := map[key]*agg{}
	err := f.st.CaseFigures(ctx, within, now.AddDate(-2, 0, 0), func(c sqlstore.CaseFigure) {
		k := key{c.SubmittedAt.In(chinaTime).Format("2006-01"), c.ItemCode, c.AuthorityID}
		a := m[k]
		if a == nil {
			a = &agg{name: c.ItemName, authority: c.Authority, region: c.Region}
			m[k] = a
		}
		a.sub++
		if !c.CompletedAt.IsZero() {
			a.done++
			if c.Deadline.IsZero() || !c.CompletedAt.After(c.Deadline) {
				a.ok++
			}
		}
	})
	if err != nil {
		return nil, err
	}
	keys := make([]key, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.month != b.month {
			return a.month < b.month
		}
		if a.item != b.item {
			return a.item < b.item
		}
		return a.authority < b.authority
	})
	out := make([]datashare.Row, len(keys))
	for i, k := range keys {
		a := m[k]
		out[i] = datashare.Row{"month": k.month, "item_code": k.item, "item_name": a.name, "authority": a.authority,
			"region_code": string(a.region), "submitted": strconv.Itoa(a.sub), "completed": strconv.Itoa(a.done), "on_time": strconv.Itoa(a.ok)}
	}
	return out, nil
}

// eventStatsFeed counts events by category, county and day of report, over
// the last 90 days. Regions finer than a county are counted in their
// county: a village's daily counts would point at the people who reported.
type eventStatsFeed struct{ st *sqlstore.Store }

func (eventStatsFeed) Fields() []datashare.Field {
	return []datashare.Field{
		{Name: "day", Type: datashare.TypeDate, Description: "上报日期", Sensitivity: datashare.Public},
		{Name: "category", Type: datashare.TypeString, Description: "事件类别", Sensitivity: datashare.Public},
		{Name: "region_code", Type: datashare.TypeString, Description: "县级行政区划代码", Sensitivity: datashare.Public},
		{Name: "reported", Type: datashare.TypeInteger, Description: "上报件数", Sensitivity: datashare.Public},
		{Name: "closed", Type: datashare.TypeInteger, Description: "已结案件数", Sensitivity: datashare.Public},
	}
}

func (f eventStatsFeed) Rows(ctx context.Context, within region.Code, now time.Time) ([]datashare.Row, error) {
	type key struct{ day, category, region string }
	type agg struct{ reported, closed int }
	m := map[key]*agg{}
	err := f.st.EventFigures(ctx, within, now.AddDate(0, 0, -90), func(e sqlstore.EventFigure) {
		r := string(e.Region)
		if len(r) > 6 {
			r = r[:6]
		}
		k := key{e.CreatedAt.In(chinaTime).Format("2006-01-02"), e.Category, r}
		a := m[k]
		if a == nil {
			a = &agg{}
			m[k] = a
		}
		a.reported++
		if e.State == "closed" {
			a.closed++
		}
	})
	if err != nil {
		return nil, err
	}
	keys := make([]key, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.day != b.day {
			return a.day < b.day
		}
		if a.category != b.category {
			return a.category < b.category
		}
		return a.region < b.region
	})
	out := make([]datashare.Row, len(keys))
	for i, k := range keys {
		a := m[k]
		out[i] = datashare.Row{"day": k.day, "category": k.category, "region_code": k.region,
			"reported": strconv.Itoa(a.reported), "closed": strconv.Itoa(a.closed)}
	}
	return out, nil
}

// dataFeeds are the feeds datashare is built with.
func dataFeeds(st *sqlstore.Store) map[string]datashare.Feed {
	return map[string]datashare.Feed{
		datashare.FeedCaseStats:  caseStatsFeed{st},
		datashare.FeedEventStats: eventStatsFeed{st},
	}
}

// startDataFeeds recomputes the fed resources every feedRefreshEvery until
// ctx ends; the returned function stops it and waits.
func (a *App) startDataFeeds(ctx context.Context) (stop func()) {
	return periodic(ctx, feedRefreshEvery, false, func(ctx context.Context) {
		if n, err := a.DataShare.RefreshFeeds(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("data feeds", "refreshed", n, "err", fmt.Sprint(err))
		}
	})
}
