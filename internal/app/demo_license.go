package app

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/seal"
)

// demoBusinessSeals are the demo 业务专用章, beside the 公章 every demo body
// gets: international algorithms on two of them, so that verifiers without
// SM2 have licences to check.
var demoBusinessSeals = []struct {
	org, name string
	alg       seal.Alg
}{
	{"4401-market_regulation", "行政审批专用章", seal.EdDSA},
	{"gz-hrss", "证照专用章", seal.ES256},
	{"440106-civil_affairs", "婚姻登记专用章", seal.SM2},
}

// seedDemoSeals gives every body of the node a 公章 (SM2) — the demo
// bodies and those other demo data created before — and some bodies a
// 业务专用章.
func (a *App) seedDemoSeals(ctx context.Context, actor audit.Actor, orgs map[string]*identity.Organization) error {
	all, err := a.Identity.Organizations(ctx)
	if err != nil {
		return err
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	for _, o := range all {
		if _, err := a.Seals.CreateAs(ctx, actor, seal.NewSeal{OrgID: o.ID, Kind: seal.Official}); err != nil {
			return fmt.Errorf("demo seal of %s: %w", o.Name, err)
		}
	}
	for _, b := range demoBusinessSeals {
		org, ok := orgs[b.org]
		if !ok {
			return fmt.Errorf("demo seal: no organisation %s", b.org)
		}
		if _, err := a.Seals.CreateAs(ctx, actor, seal.NewSeal{OrgID: org.ID, Kind: seal.Business, Name: b.name, Alg: b.alg}); err != nil {
			return fmt.Errorf("demo seal %s: %w", b.name, err)
		}
	}
	return nil
}

// seedDemoLicensing creates the demo seals and licences.
func (a *App) seedDemoLicensing(ctx context.Context, actor audit.Actor, orgs map[string]*identity.Organization) error {
	if err := a.seedDemoSeals(ctx, actor, orgs); err != nil {
		return err
	}
	return a.seedDemoLicenses(ctx, actor, orgs)
}

// demoLicenses are the demo citizen's (张明) and enterprise's licences,
// sealed with SM2, Ed25519 and P-256 seals.
var demoLicenses = []struct {
	org, typ, holder string
	fields           map[string]string
	from             time.Time
}{
	{"440106-public_security", "resident_id", "citizen", map[string]string{"sex": "男", "ethnicity": "汉",
		"birth_date": "1990年05月12日", "address": "广东省广州市天河区天河路385号"}, time.Date(2016, 5, 20, 0, 0, 0, 0, time.UTC)},
	{"gz-hrss", "social_security_card", "citizen", map[string]string{"card_number": "D44010600123", "bank": "中国工商银行",
		"issue_place": "广州市"}, time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)},
	{"440106-civil_affairs", "marriage_cert", "citizen", map[string]string{"spouse_name": "王丽", "registered_on": "2019年10月01日",
		"certificate_no": "J440106-2019-012345"}, time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)},
	{"4401-public_security", "driving_license", "citizen", map[string]string{"vehicle_class": "C1", "first_issued": "2012年07月15日",
		"file_no": "440100123456"}, time.Date(2022, 7, 15, 0, 0, 0, 0, time.UTC)},
	{"4401-market_regulation", "business_license", "enterprise", map[string]string{"entity_type": "有限责任公司（自然人投资或控股）",
		"legal_representative": "陈晓丽", "registered_capital": "人民币伍佰万元", "established": "2020年06月18日",
		"address": "广州市天河区软件路11号", "business_scope": "软件开发；信息技术咨询服务；数据处理和存储支持服务"}, time.Date(2020, 6, 18, 0, 0, 0, 0, time.UTC)},
}

// seedDemoLicenses issues the demo licences.
func (a *App) seedDemoLicenses(ctx context.Context, actor audit.Actor, orgs map[string]*identity.Organization) error {
	for _, d := range demoLicenses {
		u, err := a.Identity.UserByUsername(ctx, d.holder)
		if err != nil {
			return fmt.Errorf("demo licence holder %s: %w", d.holder, err)
		}
		holder := u.PersonID
		if d.holder == "enterprise" {
			holder = u.EnterpriseID
		}
		org, ok := orgs[d.org]
		if !ok {
			return fmt.Errorf("demo licence: no organisation %s", d.org)
		}
		if _, err := a.Licenses.IssueAs(ctx, actor, org.ID, d.typ, holder, d.fields, d.from, time.Time{}); err != nil {
			return fmt.Errorf("demo licence %s: %w", d.typ, err)
		}
	}
	return nil
}
