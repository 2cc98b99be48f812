package app

import (
	"context"
	"fmt"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/region"
)

// demoGovernanceOrgs are the bodies that handle events in the demo, beside
// the catalog departments demoDepartments makes (住建, 生态环境, 交通运输,
// 公安, 市场监管, 人社, 民政, 卫健 already exist at province, city and
// 天河区): the event departments the catalog does not have, a town-level
// enforcement office in 石牌街道, a village-level handler in 东城社区, and
// the dispatch and hotline centres.
var demoGovernanceOrgs = []demoOrg{
	{"gd-cg", "广东省住房和城乡建设厅城市管理监督局", "44", identity.OrgDepartment, "urban_management"},
	{"gz-cg", "广州市城市管理和综合执法局", "4401", identity.OrgDepartment, "urban_management"},
	{"th-cg", "广州市天河区城市管理和综合执法局", "440106", identity.OrgDepartment, "urban_management"},
	{"sp-cg", "石牌街道综合行政执法办公室", "440106006", identity.OrgStreet, "urban_management"},
	{"dc-cg", "石牌街道东城社区居委会", "440106006002", identity.OrgVillage, "urban_management"},
	{"gd-lin", "广东省林业局", "44", identity.OrgDepartment, "forestry"},
	{"gz-lin", "广州市林业和园林局", "4401", identity.OrgDepartment, "forestry"},
	{"th-lin", "广州市天河区林业和园林局", "440106", identity.OrgDepartment, "forestry"},
	{"gd-water", "广东省水利厅", "44", identity.OrgDepartment, "water"},
	{"gz-water", "广州市水务局", "4401", identity.OrgDepartment, "water"},
	{"th-water", "广州市天河区水务局", "440106", identity.OrgDepartment, "water"},
	{"gd-ema", "广东省应急管理厅", "44", identity.OrgDepartment, "emergency"},
	{"th-ema", "广州市天河区应急管理局", "440106", identity.OrgDepartment, "emergency"},
	{"sp-ema", "石牌街道应急管理办公室", "440106006", identity.OrgStreet, "emergency"},
	{"th-ops", "广州市天河区城市运行管理中心", "440106", identity.OrgDepartment, ""},
	{"gz-12345", "广州市12345政务服务便民热线", "4401", identity.OrgDepartment, ""},
}

// demoGovernanceStaff are the demo accounts of event handling.
var demoGovernanceStaff = []struct {
	username, name, org string
	role                identity.Role
	scope               region.Code
}{
	{"dispatch", "罗嘉豪", "th-ops", identity.RoleDispatcher, "440106"},
	{"hotline", "苏婉清", "gz-12345", identity.RoleHotlineOperator, "4401"},
	{"cg_officer", "陈国栋", "th-cg", identity.RoleEventOfficer, "440106"},
	{"sp_officer", "钟志明", "sp-cg", identity.RoleEventOfficer, "440106006"},
}

// seedDemoGovernance creates the event bodies (added to orgs, so that the
// demo seals cover them too), their staff and a few demo events: a grid
// worker's report the rule dispatched, a citizen's portal report waiting
// for acceptance, and a hotline ticket the rule dispatched.
func (a *App) seedDemoGovernance(ctx context.Context, actor audit.Actor, orgs map[string]*identity.Organization) error {
	for i, o := range demoGovernanceOrgs {
		if orgs[o.key] != nil {
			return fmt.Errorf("demo organisation key %s is taken", o.key)
		}
		org, err := a.Identity.CreateOrganizationAs(ctx, actor, identity.NewOrganization{
			Name: o.name, Region: o.region, Kind: o.kind, Department: o.department,
			USCC: string(identity.MakeUSCC('1', '1', region6(o.region), fmt.Sprintf("%08d", 799001+i))),
		})
		if err != nil {
			return fmt.Errorf("demo organisation %s: %w", o.name, err)
		}
		orgs[o.key] = org
	}
	for _, s := range demoGovernanceStaff {
		org := orgs[s.org]
		if _, err := a.Identity.CreateStaffAs(ctx, actor, identity.NewStaff{
			Username: s.username, Name: s.name, Password: DemoPassword, OrgID: org.ID,
			Grants: []identity.Grant{{Role: s.role, OrgID: org.ID, Scope: s.scope}},
		}); err != nil {
			return fmt.Errorf("demo account %s: %w", s.username, err)
		}
	}
	return a.seedDemoEvents(ctx)
}

func (a *App) demoCaller(ctx context.Context, username string) (*identity.Caller, error) {
	u, err := a.Identity.UserByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	tok, err := a.Identity.IssueAPIToken(ctx, audit.System("demo data"), u.ID, "demo")
	if err != nil {
		return nil, err
	}
	return a.Identity.CallerByAPIToken(ctx, tok)
}

func (a *App) seedDemoEvents(ctx context.Context) error {
	grid, err := a.demoCaller(ctx, "grid")
	if err != nil {
		return err
	}
	citizen, err := a.demoCaller(ctx, "citizen")
	if err != nil {
		return err
	}
	hotline, err := a.demoCaller(ctx, "hotline")
	if err != nil {
		return err
	}
	lat, lng := 23.1335, 113.3301
	if _, _, err := a.Governance.Report(ctx, grid, governance.Input{Source: governance.SourceGrid, Category: "0101",
		Description: "石牌东路与天河路交界人行道旁堆放生活垃圾约两立方米，已有异味", Region: "440106006002",
		Address: "天河区石牌东路 12 号旁", Lat: &lat, Lng: &lng}); err != nil {
		return fmt.Errorf("demo event: %w", err)
	}
	if _, _, err := a.Governance.Report(ctx, citizen, governance.Input{Category: "0401",
		Description: "夜间十一点后工地仍在施工，噪声很大影响休息", Region: "440106006004", Address: "天河区南苑小区东侧工地",
		Phone: "13800138000"}); err != nil {
		return fmt.Errorf("demo event: %w", err)
	}
	if _, _, err := a.Governance.Report(ctx, hotline, governance.Input{Source: governance.SourceHotline, Category: "0203",
		Description: "来电反映天河北路一段路灯连续三晚不亮，夜间行人不便", Region: "440106", Address: "天河北路 300 号至 350 号路段",
		ReporterName: "王先生", Phone: "13900001111"}); err != nil {
		return fmt.Errorf("demo event: %w", err)
	}
	return nil
}
