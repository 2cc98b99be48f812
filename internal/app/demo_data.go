package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/opendata"
	"github.com/digigov/digigov/internal/region"
)

// demoCDOs are the chief data officers of demo bodies other than the
// province's data bureau (whose CDO, cdo, is among demoStaff).
var demoCDOs = []struct {
	username, name, org string
	scope               string
}{
	{"cdo_gz", "罗文静", "gz-hrss", "4401"},
	{"cdo_sz", "许嘉欣", "sz-amr", "4403"},
}

// demoDataAccounts lists the demo CDOs added by the data demo, for the
// start-up message.
func demoDataAccounts() []DemoAccount {
	var out []DemoAccount
	for _, c := range demoCDOs {
		for _, o := range demoOrgs {
			if o.key == c.org {
				out = append(out, DemoAccount{c.username, identity.RoleDataOfficer, c.name, o.name + " · " + c.scope})
			}
		}
	}
	return out
}

// demoResources are registered by the CDO of the named body, with rows.
var demoResources = []struct {
	cdo string
	in  datashare.ResourceInput
	csv string
}{
	{"cdo", datashare.ResourceInput{Code: "GD-DATA/0001", Name: "广东省政务服务办件量月度统计", Classification: datashare.Thematic,
		Description: "各地市政务服务事项每月受理、办结与按时办结情况。", UpdateFrequency: "monthly", Format: "table", SourceSystem: "广东政务服务网",
		ShareClass: datashare.ShareOpen, OpenClass: datashare.OpenFree, Fields: []datashare.Field{
			{Name: "month", Type: datashare.TypeString, Description: "统计月份", Sensitivity: datashare.Public},
			{Name: "city", Type: datashare.TypeString, Description: "地市", Sensitivity: datashare.Public},
			{Name: "region_code", Type: datashare.TypeString, Description: "行政区划代码", Sensitivity: datashare.Public},
			{Name: "received", Type: datashare.TypeInteger, Description: "受理件数", Sensitivity: datashare.Public},
			{Name: "completed", Type: datashare.TypeInteger, Description: "办结件数", Sensitivity: datashare.Public},
			{Name: "on_time_rate", Type: datashare.TypeNumber, Description: "按时办结率", Sensitivity: datashare.Public},
		}},
		"month,city,region_code,received,completed,on_time_rate\n" +
			"2026-09,广州市,4401,182340,179812,0.998\n2026-09,深圳市,4403,201553,198870,0.997\n2026-09,佛山市,4406,88120,87011,0.999\n" +
			"2026-09,东莞市,4419,90412,89230,0.996\n2026-09,珠海市,4404,30218,29990,0.999\n2026-10,广州市,4401,175002,173115,0.998\n" +
			"2026-10,深圳市,4403,196377,194002,0.998\n2026-10,佛山市,4406,85214,84520,0.999\n2026-10,东莞市,4419,87731,86880,0.997\n" +
			"2026-10,珠海市,4404,29870,29702,0.999\n"},
	{"cdo", datashare.ResourceInput{Code: "GD-DATA/0009", Name: "省政务外网IP地址分配表", Classification: datashare.Departmental,
		Description: "省直单位政务外网地址段分配。", UpdateFrequency: "irregular", Format: "table", SourceSystem: "政务外网管理系统",
		ShareClass: datashare.ShareNone, ShareBasis: "涉及网络安全，依据《中华人民共和国网络安全法》第二十一条不予共享", OpenClass: datashare.OpenNone,
		Fields: []datashare.Field{{Name: "unit", Type: datashare.TypeString, Description: "单位", Sensitivity: datashare.Internal},
			{Name: "cidr", Type: datashare.TypeString, Description: "地址段", Sensitivity: datashare.Sensitive}}}, ""},
	{"cdo_gz", datashare.ResourceInput{Code: "4401-HRSS/0001", Name: "广州市社会保险参保人员信息", Classification: datashare.Basic,
		Description: "广州市企业职工基本养老保险参保人员的参保状态。", UpdateFrequency: "daily", Format: "api", SourceSystem: "广州市社会保险信息系统",
		ShareClass: datashare.ShareConditional, ShareConditions: "仅限办理社会保险、就业创业相关政务服务事项时核验使用", OpenClass: datashare.OpenNone,
		Fields: []datashare.Field{
			{Name: "name", Type: datashare.TypeString, Description: "姓名", Sensitivity: datashare.Sensitive},
			{Name: "id_number", Type: datashare.TypeString, Description: "公民身份号码", Sensitivity: datashare.Sensitive},
			{Name: "insurance", Type: datashare.TypeString, Description: "险种", Sensitivity: datashare.Internal},
			{Name: "start_date", Type: datashare.TypeDate, Description: "参保日期", Sensitivity: datashare.Internal},
			{Name: "active", Type: datashare.TypeBoolean, Description: "是否正常参保", Sensitivity: datashare.Internal},
		}}, ""},
	{"cdo_gz", datashare.ResourceInput{Code: "4401-HRSS/0002", Name: "广州市职业技能培训机构名录", Classification: datashare.Departmental,
		Description: "经人社部门备案的职业技能培训机构。", UpdateFrequency: "monthly", Format: "table", SourceSystem: "广州市职业能力建设信息系统",
		ShareClass: datashare.ShareOpen, OpenClass: datashare.OpenFree, Fields: []datashare.Field{
			{Name: "name", Type: datashare.TypeString, Description: "机构名称", Sensitivity: datashare.Public},
			{Name: "district", Type: datashare.TypeString, Description: "所在区", Sensitivity: datashare.Public},
			{Name: "programs", Type: datashare.TypeInteger, Description: "培训项目数", Sensitivity: datashare.Public},
		}},
		"name,district,programs\n广州市技师学院培训中心,天河区,18\n广州市轻工技师学院,白云区,12\n广州工贸技师学院,越秀区,15\n广州市交通技师学院,番禺区,9\n"},
	{"cdo_sz", datashare.ResourceInput{Code: "4403-AMR/0001", Name: "深圳市企业登记信息", Classification: datashare.Basic,
		Description: "深圳市登记注册企业的基本信息。", UpdateFrequency: "daily", Format: "api", SourceSystem: "深圳市商事登记系统",
		ShareClass: datashare.ShareOpen, OpenClass: datashare.OpenFree, Fields: []datashare.Field{
			{Name: "uscc", Type: datashare.TypeString, Description: "统一社会信用代码", Sensitivity: datashare.Public},
			{Name: "name", Type: datashare.TypeString, Description: "企业名称", Sensitivity: datashare.Public},
			{Name: "legal_rep", Type: datashare.TypeString, Description: "法定代表人", Sensitivity: datashare.Sensitive},
			{Name: "capital", Type: datashare.TypeNumber, Description: "注册资本（万元）", Sensitivity: datashare.Public},
			{Name: "established", Type: datashare.TypeDate, Description: "成立日期", Sensitivity: datashare.Public},
			{Name: "district", Type: datashare.TypeString, Description: "所在区", Sensitivity: datashare.Public},
		}}, ""},
}

// seedDemoData adds the CDOs of demo bodies, registers the demo data
// resources with their rows, and files one pending sharing request (the
// province's bureau asks 广州市人社局 for its insured persons).
func (a *App) seedDemoData(ctx context.Context, actor audit.Actor, orgs map[string]*identity.Organization) error {
	callers := map[string]*identity.Caller{}
	for _, s := range demoStaff {
		if s.username == "cdo" {
			u, err := a.Identity.UserByUsername(ctx, s.username)
			if err != nil {
				return err
			}
			callers["cdo"] = demoCaller(u, s.name, orgs[s.org], string(s.scope))
		}
	}
	for _, c := range demoCDOs {
		org := orgs[c.org]
		u, err := a.Identity.CreateStaffAs(ctx, actor, identity.NewStaff{Username: c.username, Name: c.name, Password: DemoPassword, OrgID: org.ID,
			Grants: []identity.Grant{{Role: identity.RoleDataOfficer, OrgID: org.ID, Scope: org.Region}}})
		if err != nil {
			return fmt.Errorf("demo account %s: %w", c.username, err)
		}
		callers[c.username] = demoCaller(u, c.name, org, c.scope)
	}
	// Rows of 4401-HRSS/0001 and 4403-AMR/0001 carry made-up ID numbers and
	// names, generated so that they pass the check digits.
	born := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	insured := "name,id_number,insurance,start_date,active\n" +
		"王小明," + identity.MakeIDNumber("440106", born(1988, 4, 2), 17).Clear() + ",企业职工基本养老保险,2010-07-01,是\n" +
		"陈美玲," + identity.MakeIDNumber("440104", born(1992, 9, 21), 26).Clear() + ",企业职工基本养老保险,2015-03-01,是\n" +
		"刘建华," + identity.MakeIDNumber("440111", born(1975, 12, 9), 35).Clear() + ",企业职工基本养老保险,1998-10-01,否\n"
	companies := "uscc,name,legal_rep,capital,established,district\n" +
		string(identity.MakeUSCC('9', '1', "440304", "MA5F2K3L")) + ",深圳市鹏城智联科技有限公司,张伟,1000,2019-05-20,福田区\n" +
		string(identity.MakeUSCC('9', '1', "440305", "MA5G7H8J")) + ",深圳市南山海洋生物有限公司,李娜,500,2021-11-03,南山区\n" +
		string(identity.MakeUSCC('9', '1', "440306", "MA5H1N2P")) + ",深圳市宝安精密制造有限公司,黄强,3000,2016-08-15,宝安区\n"
	rows := map[string]string{"4401-HRSS/0001": insured, "4403-AMR/0001": companies}
	byCode := map[string]*datashare.Resource{}
	for _, d := range demoResources {
		r, err := a.DataShare.Register(ctx, callers[d.cdo], d.in)
		if err != nil {
			return fmt.Errorf("demo resource %s: %w", d.in.Code, err)
		}
		byCode[r.Code] = r
		csv := d.csv
		if csv == "" {
			csv = rows[r.Code]
		}
		if csv == "" {
			continue
		}
		if _, err := a.DataShare.LoadRows(ctx, callers[d.cdo], r.ID, datashare.FormatCSV, strings.NewReader(csv)); err != nil {
			return fmt.Errorf("demo rows %s: %w", d.in.Code, err)
		}
	}
	for _, p := range []struct {
		cdo, code, theme string
		tags             []string
	}{
		{"cdo", "GD-DATA/0001", "government", []string{"政务服务", "办件量", "统计"}},
		{"cdo_gz", "4401-HRSS/0002", "social-security", []string{"职业技能", "培训机构"}},
		{"cdo_sz", "4403-AMR/0001", "market", []string{"企业", "商事登记"}},
	} {
		if _, err := a.OpenData.Publish(ctx, callers[p.cdo], byCode[p.code].ID, opendata.PublishInput{Theme: p.theme, Tags: p.tags}); err != nil {
			return fmt.Errorf("demo open dataset %s: %w", p.code, err)
		}
	}
	_, err := a.DataShare.Ask(ctx, callers["cdo"], datashare.RequestInput{ResourceID: byCode["4401-HRSS/0001"].ID,
		Purpose: "核验“粤省事”社保待遇资格认证申请人的参保状态", LegalBasis: "《广东省公共数据管理办法》第二十二条",
		Fields: []string{"id_number", "insurance", "active"}, Days: 365})
	if err != nil {
		return fmt.Errorf("demo sharing request: %w", err)
	}
	return a.seedDemoDataAccess(ctx, callers) // demo_data_access.go
}

// demoCaller is a staff account as the services see it, with its one grant.
func demoCaller(u *identity.User, name string, org *identity.Organization, scope string) *identity.Caller {
	return &identity.Caller{UserID: u.ID, Username: u.Username, Name: name, Kind: identity.KindStaff, OrgID: org.ID,
		Grants: []identity.Grant{{Role: identity.RoleDataOfficer, OrgID: org.ID, Scope: region.Code(scope)}}}
}
