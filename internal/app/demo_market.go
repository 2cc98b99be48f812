package app

import (
	"context"
	"fmt"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// demoProducts are the demo data products, listed and published by the
// CDOs of demo bodies on the resources the data demo registered.
var demoProducts = []struct {
	cdo, code string
	fields    []string
	in        market.ProductInput
}{
	{"cdo_sz", "4403-AMR/0001", []string{"uscc", "name", "legal_rep", "capital", "established", "district"}, market.ProductInput{
		Name: "深圳市企业登记信息核验服务", Theme: "market",
		Description: "按统一社会信用代码核验深圳市登记注册企业的名称、注册资本、成立日期与所在区，法定代表人姓名脱敏提供。每日更新。",
		Terms:       "一、数据仅限于约定用途使用。二、购买方应采取必要的安全措施保护数据，发生数据泄露的应在24小时内告知提供方。三、合同终止或留存期届满后，购买方应删除全部数据。",
		Policy: market.Policy{Purposes: []string{"企业信用评估", "供应链尽职调查"}, NoResale: true, NoOnward: true, RetentionDays: 90,
			Regions: []region.Code{"44"}},
		Price: market.Price{Model: market.PerCall, Fen: 50}, PeriodDays: 365}},
	{"cdo", "GD-DATA/0001", []string{"month", "city", "region_code", "received", "completed", "on_time_rate"}, market.ProductInput{
		Name: "广东省政务服务效能月度数据", Theme: "government",
		Description: "全省各地市政务服务事项每月受理、办结与按时办结率，可用于营商环境研究与政务服务评估。",
		Terms:       "数据按月更新，提供方保证数据与广东政务服务网统计口径一致。引用时须注明数据来源为广东省政务服务和数据管理局。",
		Policy: market.Policy{Purposes: []string{"营商环境研究", "学术研究"}, NoResale: true, NoOnward: true, RetentionDays: 365,
			Regions: []region.Code{"44"}},
		Price: market.Price{Model: market.Subscription, Fen: 200000}, PeriodDays: 180}},
	{"cdo_gz", "4401-HRSS/0002", []string{"name", "district"}, market.ProductInput{
		Name: "广州市职业技能培训机构名录接口", Theme: "social-security",
		Description: "经广州市人力资源和社会保障局备案的职业技能培训机构名录，供人力资源服务机构对接培训资源。",
		Terms:       "免费提供，须注明数据来源。",
		Policy: market.Policy{Purposes: []string{"就业服务", "职业培训对接"}, NoResale: true, RetentionDays: 180,
			Regions: []region.Code{"4401"}},
		Price: market.Price{Model: market.Free}, PeriodDays: 365}},
}

// seedDemoMarket lists and publishes the demo products, has the demo
// enterprise order two of them (one contract in force, one order awaiting
// its answer), and issues a data asset certificate for the first.
func (a *App) seedDemoMarket(ctx context.Context, orgs map[string]*identity.Organization) error {
	callers := map[string]*identity.Caller{}
	for _, c := range []struct{ user, org, scope string }{{"cdo", "gd-data", "44"}, {"cdo_gz", "gz-hrss", "4401"}, {"cdo_sz", "sz-amr", "4403"}} {
		u, err := a.Identity.UserByUsername(ctx, c.user)
		if err != nil {
			return err
		}
		callers[c.user] = demoCaller(u, u.DisplayName, orgs[c.org], c.scope)
	}
	var products []*market.Product
	for _, d := range demoProducts {
		by := callers[d.cdo]
		r, err := a.DataShare.ResourceByCode(ctx, by, d.code)
		if err != nil {
			return fmt.Errorf("demo product %s: %w", d.in.Name, err)
		}
		in := d.in
		in.Fields = map[ids.ID][]string{r.ID: d.fields}
		p, err := a.Market.List(ctx, by, in)
		if err != nil {
			return fmt.Errorf("demo product %s: %w", d.in.Name, err)
		}
		if p, err = a.Market.Publish(ctx, by, p.ID); err != nil {
			return fmt.Errorf("demo product %s: %w", d.in.Name, err)
		}
		products = append(products, p)
	}
	u, err := a.Identity.UserByUsername(ctx, "enterprise")
	if err != nil {
		return err
	}
	ent, err := a.Identity.CallerOf(ctx, u.ID) // the agent, with its grant
	if err != nil {
		return err
	}
	o, err := a.Market.Order(ctx, ent, market.OrderInput{ProductID: products[0].ID, Purpose: "供应链尽职调查",
		PurposeDetail: "核验本公司供应商的登记状态与注册资本，用于供应商准入审核。"})
	if err != nil {
		return fmt.Errorf("demo order: %w", err)
	}
	_, c, err := a.Market.Accept(ctx, callers["cdo_sz"], o.ID)
	if err != nil {
		return fmt.Errorf("demo contract: %w", err)
	}
	if _, _, err := a.Market.Confirm(ctx, ent, c.ID, c.TextHash); err != nil {
		return fmt.Errorf("demo contract: %w", err)
	}
	if _, err := a.Market.Order(ctx, ent, market.OrderInput{ProductID: products[1].ID, Purpose: "营商环境研究",
		PurposeDetail: "编制广州市天河区营商环境年度报告中的政务服务效能章节。"}); err != nil {
		return fmt.Errorf("demo order: %w", err)
	}
	cert, err := a.Market.RequestCertificate(ctx, callers["cdo_sz"], market.CertificateInput{AssetKind: market.AssetProduct,
		AssetID: products[0].ID, Scope: "深圳市登记注册企业的基本登记信息（不含个人身份信息明文）",
		ValuationNote: "按成本法评估：数据采集、治理与接口建设成本约 120 万元。"})
	if err != nil {
		return fmt.Errorf("demo certificate: %w", err)
	}
	if _, err := a.Market.IssueCertificate(ctx, callers["cdo"], cert.ID); err != nil {
		return fmt.Errorf("demo certificate: %w", err)
	}
	return nil
}
