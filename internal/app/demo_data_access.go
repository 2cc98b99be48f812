package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/opendata"
)

// seedDemoDataAccess adds, after the data demo, a conditionally open
// (有条件开放) dataset of 广州市人社局 with its conditions of use, a
// 有条件共享 resource of 深圳市市场监管局 with sensitive fields, and a
// resource of the province's data bureau fed by the platform's own case
// statistics.
func (a *App) seedDemoDataAccess(ctx context.Context, callers map[string]*identity.Caller) error {
	r, err := a.DataShare.Register(ctx, callers["cdo_gz"], datashare.ResourceInput{Code: "4401-HRSS/0003", Name: "广州市企业招聘岗位需求明细",
		Classification: datashare.Thematic, Description: "在公共就业服务平台登记的企业招聘岗位，按岗位列出需求人数与薪酬区间。",
		UpdateFrequency: "weekly", Format: "table", SourceSystem: "广州市公共就业服务平台",
		ShareClass: datashare.ShareOpen, OpenClass: datashare.OpenConditional, Fields: []datashare.Field{
			{Name: "post", Type: datashare.TypeString, Description: "岗位名称", Sensitivity: datashare.Public},
			{Name: "district", Type: datashare.TypeString, Description: "工作地点（区）", Sensitivity: datashare.Public},
			{Name: "openings", Type: datashare.TypeInteger, Description: "需求人数", Sensitivity: datashare.Public},
			{Name: "salary", Type: datashare.TypeString, Description: "月薪区间（元）", Sensitivity: datashare.Public},
			{Name: "contact_phone", Type: datashare.TypeString, Description: "招聘联系电话", Sensitivity: datashare.Sensitive},
		}})
	if err != nil {
		return fmt.Errorf("demo conditional resource: %w", err)
	}
	rows := "post,district,openings,salary,contact_phone\n数控车床操作工,番禺区,40,6000-8000,13800138001\n" +
		"跨境电商运营,天河区,12,8000-12000,13800138002\n护理员,越秀区,25,5000-6500,13800138003\n"
	if _, err := a.DataShare.LoadRows(ctx, callers["cdo_gz"], r.ID, datashare.FormatCSV, strings.NewReader(rows)); err != nil {
		return fmt.Errorf("demo conditional rows: %w", err)
	}
	if _, err := a.OpenData.Publish(ctx, callers["cdo_gz"], r.ID, opendata.PublishInput{Theme: "social-security", Tags: []string{"招聘", "就业"},
		Conditions: "仅限用于就业服务、人力资源研究等公益用途；不得转售；使用期内每季度报送使用情况。"}); err != nil {
		return fmt.Errorf("demo conditional dataset: %w", err)
	}
	// 深圳市市场监管局 shares its enterprises' annual-report contacts on conditions.
	contacts, err := a.DataShare.Register(ctx, callers["cdo_sz"], datashare.ResourceInput{Code: "4403-AMR/0002", Name: "深圳市企业年报联络信息",
		Classification: datashare.Departmental, Description: "企业年度报告中填报的联络员及联系方式。", UpdateFrequency: "yearly", Format: "api",
		SourceSystem: "深圳市商事主体年报系统", ShareClass: datashare.ShareConditional, ShareConditions: "仅限监管执法、政务服务联系企业时使用",
		OpenClass: datashare.OpenNone, Fields: []datashare.Field{
			{Name: "uscc", Type: datashare.TypeString, Description: "统一社会信用代码", Sensitivity: datashare.Public},
			{Name: "name", Type: datashare.TypeString, Description: "企业名称", Sensitivity: datashare.Public},
			{Name: "report_year", Type: datashare.TypeInteger, Description: "年报年度", Sensitivity: datashare.Public},
			{Name: "liaison", Type: datashare.TypeString, Description: "联络员姓名", Sensitivity: datashare.Sensitive},
			{Name: "liaison_phone", Type: datashare.TypeString, Description: "联络员手机号码", Sensitivity: datashare.Sensitive},
		}})
	if err != nil {
		return fmt.Errorf("demo conditional sharing resource: %w", err)
	}
	liaisons := "uscc,name,report_year,liaison,liaison_phone\n" +
		string(identity.MakeUSCC('9', '1', "440304", "MA5F2K3L")) + ",深圳市鹏城智联科技有限公司,2025,周晓明,13600000001\n" +
		string(identity.MakeUSCC('9', '1', "440305", "MA5G7H8J")) + ",深圳市南山海洋生物有限公司,2025,吴倩,13600000002\n"
	if _, err := a.DataShare.LoadRows(ctx, callers["cdo_sz"], contacts.ID, datashare.FormatCSV, strings.NewReader(liaisons)); err != nil {
		return fmt.Errorf("demo conditional sharing rows: %w", err)
	}
	if _, err := a.DataShare.RegisterFed(ctx, callers["cdo"], datashare.FeedCaseStats, datashare.ResourceInput{Code: "GD-DATA/0101",
		Name: "广东省政务服务办件统计（平台实时）", Classification: datashare.Thematic,
		Description: "由平台根据办件记录按事项、实施机关和月份自动统计，每小时刷新。", UpdateFrequency: "daily",
		ShareClass: datashare.ShareOpen, OpenClass: datashare.OpenFree}); err != nil {
		return fmt.Errorf("demo fed resource: %w", err)
	}
	return nil
}
