package app

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

// DemoPassword is the password of every demo account. Demo data is for
// trying digigov on a laptop, never for a real deployment.
const DemoPassword = "digigov2026"

// DemoAccount is one demo account, for the start-up message and the README.
type DemoAccount struct {
	Username string
	Role     identity.Role
	Name     string
	Where    string
}

// demoStaff are the demo staff accounts: one per staff role (two counters,
// to show receiving for another city).
var demoStaff = []struct {
	username, name, org string
	role                identity.Role
	scope               region.Code
}{
	{"counter", "黄志强", "th-center", identity.RoleCounterStaff, "440106"},
	{"counter_sz", "邓丽君", "ft-center", identity.RoleCounterStaff, "440304"},
	{"officer", "林晓燕", "gz-hrss", identity.RoleCaseOfficer, "4401"},
	{"head", "周建国", "gz-hrss", identity.RoleDepartmentHead, "4401"},
	{"cdo", "吴海峰", "gd-data", identity.RoleDataOfficer, "44"},
	{"grid", "梁小芳", "th-shipai", identity.RoleGridWorker, "440106006"},
	{"duty", "何伟", "gz-ema", identity.RoleDutyOfficer, "4401"},
	{"leader", "郑卫东", "gd-gov", identity.RoleLeader, "44"},
	{"admin", "系统管理员", "gd-data", identity.RoleSysAdmin, "44"},
}

// DemoAccounts lists the demo accounts, one per role, for the start-up
// message: the citizens and the enterprise, then the staff with their
// organisation and scope.
var DemoAccounts = func() []DemoAccount {
	out := []DemoAccount{
		{"citizen", identity.RoleCitizen, "张明", "广州市天河区"},
		{"elder", identity.RoleCitizen, "李桂英", "广州市越秀区 (长辈版)"},
		{"enterprise", identity.RoleEnterpriseAgent, "陈晓丽", "广州数智科技有限公司"},
	}
	for _, st := range demoStaff {
		for _, o := range demoOrgs {
			if o.key == st.org {
				out = append(out, DemoAccount{st.username, st.role, st.name, o.name + " · " + string(st.scope)})
			}
		}
	}
	return append(out, demoDataAccounts()...)
}()

type demoOrg struct {
	key, name, region string
	kind              identity.OrgKind
	department        string // catalog department key, for departments
}

// demoOrgs are the named demo bodies; demoDepartments adds a body of every
// department for 广州 and 深圳 (city level) and for three districts
// (county level), so every catalog item has a competent authority there.
var demoOrgs = []demoOrg{
	{"gd-gov", "广东省人民政府办公厅", "44", identity.OrgGovernment, ""},
	{"gd-data", "广东省政务服务和数据管理局", "44", identity.OrgDepartment, "data"},
	{"gz-hrss", "广州市人力资源和社会保障局", "4401", identity.OrgDepartment, "hrss"},
	{"gz-ema", "广州市应急管理局", "4401", identity.OrgDepartment, ""},
	{"th-center", "广州市天河区政务服务数据管理局", "440106", identity.OrgCenter, "data"},
	{"th-shipai", "广州市天河区人民政府石牌街道办事处", "440106006", identity.OrgStreet, ""},
	{"sz-amr", "深圳市市场监督管理局", "4403", identity.OrgDepartment, "market_regulation"},
	{"ft-center", "深圳市福田区政务服务数据管理局", "440304", identity.OrgCenter, "data"},
}

// demoDepartments returns the department bodies not already in demoOrgs.
func demoDepartments() []demoOrg {
	have := map[string]bool{}
	for _, o := range demoOrgs {
		have[o.region+"/"+o.department] = true
	}
	places := []struct{ code, name string }{
		{"44", "广东省"}, {"4401", "广州市"}, {"4403", "深圳市"},
		{"440106", "广州市天河区"}, {"440104", "广州市越秀区"}, {"440304", "深圳市福田区"},
	}
	var out []demoOrg
	for _, p := range places {
		for _, key := range departmentKeys() {
			if have[p.code+"/"+key] {
				continue
			}
			name := p.name + catalog.Departments[key]
			if p.code == "44" && provinceNames[key] != "" {
				name = provinceNames[key]
			}
			out = append(out, demoOrg{key: p.code + "-" + key, name: name,
				region: p.code, kind: identity.OrgDepartment, department: key})
		}
	}
	return out
}

// provinceNames are the names of provincial departments that differ from
// the city pattern (厅 instead of 局).
var provinceNames = map[string]string{
	"hrss": "广东省人力资源和社会保障厅", "public_security": "广东省公安厅", "civil_affairs": "广东省民政厅",
	"education": "广东省教育厅", "justice": "广东省司法厅", "transport": "广东省交通运输厅",
	"housing": "广东省住房和城乡建设厅", "ecology": "广东省生态环境厅", "natural_resources": "广东省自然资源厅",
	"veterans": "广东省退役军人事务厅", "health": "广东省卫生健康委员会", "taxation": "国家税务总局广东省税务局",
	"housing_fund": "广东省住房公积金管理中心",
}

func departmentKeys() []string {
	keys := make([]string, 0, len(catalog.Departments))
	for k := range catalog.Departments {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// region6 pads a region code to the 6-digit address code a USCC carries.
func region6(code string) string {
	return (code + "000000")[:6]
}

// seedDemoBundles adds the demo bundles to a demo node seeded before
// bundles were kept in the database, unless it has bundles already.
func (a *App) seedDemoBundles(ctx context.Context) error {
	if have, err := a.Catalog.Bundles(ctx); err != nil || len(have) > 0 {
		return err
	}
	bundles, err := catalog.DemoBundles()
	if err != nil {
		return fmt.Errorf("demo bundles: %w", err)
	}
	if _, err := a.Catalog.ImportAllAs(ctx, audit.System("demo data"), catalog.Export{Bundles: bundles}); err != nil {
		return fmt.Errorf("demo bundles: %w", err)
	}
	return nil
}

// SeedDemo creates the demo organisations and accounts unless they exist.
// It returns false when the demo data was already there.
func (a *App) SeedDemo(ctx context.Context) (bool, error) {
	if _, err := a.Identity.UserByUsername(ctx, "admin"); err == nil {
		return false, a.seedDemoBundles(ctx)
	} else if !errs.Is(err, errs.NotFound) {
		return false, err
	}
	actor := audit.System("demo data")
	orgs := map[string]*identity.Organization{}
	for i, o := range append(demoOrgs, demoDepartments()...) {
		org, err := a.Identity.CreateOrganizationAs(ctx, actor, identity.NewOrganization{
			Name: o.name, Region: o.region, Kind: o.kind, Department: o.department,
			USCC: string(identity.MakeUSCC('1', '1', region6(o.region), fmt.Sprintf("%08d", 699001+i))),
		})
		if err != nil {
			return false, fmt.Errorf("demo organisation %s: %w", o.name, err)
		}
		orgs[o.key] = org
	}
	if err := a.seedDemoCounters(ctx, actor, orgs); err != nil {
		return false, err
	}
	for _, s := range demoStaff {
		org := orgs[s.org]
		_, err := a.Identity.CreateStaffAs(ctx, actor, identity.NewStaff{
			Username: s.username, Name: s.name, Password: DemoPassword, OrgID: org.ID,
			Grants: []identity.Grant{{Role: s.role, OrgID: org.ID, Scope: s.scope}},
		})
		if err != nil {
			return false, fmt.Errorf("demo account %s: %w", s.username, err)
		}
	}
	if err := a.seedDemoData(ctx, actor, orgs); err != nil {
		return false, err
	}
	items, err := catalog.DemoItems()
	if err != nil {
		return false, fmt.Errorf("demo catalog: %w", err)
	}
	bundles, err := catalog.DemoBundles()
	if err != nil {
		return false, fmt.Errorf("demo bundles: %w", err)
	}
	if _, err := a.Catalog.ImportAllAs(ctx, actor, catalog.Export{Items: items, Bundles: bundles}); err != nil {
		return false, fmt.Errorf("demo catalog: %w", err)
	}
	born := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	people := []identity.PersonSignup{
		{Username: "citizen", Name: "张明", IDNumber: identity.MakeIDNumber("440106", born(1990, 5, 12), 31).Clear(), Phone: "13800138000"},
		{Username: "elder", Name: "李桂英", IDNumber: identity.MakeIDNumber("440104", born(1948, 3, 8), 22).Clear(), Phone: "13922223333"},
	}
	for _, p := range people {
		p.Password = DemoPassword
		if _, err := a.Identity.RegisterPerson(ctx, p); err != nil {
			return false, fmt.Errorf("demo account %s: %w", p.Username, err)
		}
	}
	if err := a.setElderly(ctx, "elder"); err != nil {
		return false, err
	}
	if err := a.seedDemoGovernance(ctx, actor, orgs); err != nil {
		return false, err
	}
	_, err = a.Identity.RegisterEnterprise(ctx, identity.EnterpriseSignup{
		Username: "enterprise", EnterpriseName: "广州数智科技有限公司",
		USCC:      string(identity.MakeUSCC('9', '1', "440106", "MA5D0K7X")),
		AgentName: "陈晓丽", AgentIDNumber: identity.MakeIDNumber("440105", born(1985, 11, 3), 48).Clear(),
		Phone: "13711112222", Password: DemoPassword,
	})
	if err != nil {
		return false, fmt.Errorf("demo account enterprise: %w", err)
	}
	if err := a.seedDemoLicensing(ctx, actor, orgs); err != nil {
		return false, err
	}
	if err := a.seedDemoSensing(ctx, actor); err != nil { // demo_sensing.go
		return false, err
	}
	if err := a.seedDemoEmergency(ctx, actor); err != nil { // demo_emergency.go
		return false, err
	}
	if err := a.seedDemoMarket(ctx, orgs); err != nil { // demo_market.go
		return false, err
	}
	return true, nil
}

// setElderly turns on elderly mode for a demo account, as its owner would.
func (a *App) setElderly(ctx context.Context, username string) error {
	u, err := a.Identity.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	c := &identity.Caller{UserID: u.ID, Name: u.DisplayName, Kind: u.Kind}
	return a.Identity.SetPreferences(ctx, c, "zh-CN", true)
}
