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
// (有条件开放) dataset of 广州市人社局 with its conditions of use, and a
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
	if _, err := a.DataShare.RegisterFed(ctx, callers["cdo"], datashare.FeedCaseStats, datashare.ResourceInput{Code: "GD-DATA/0101",
		Name: "广东省政务服务办件统计（平台实时）", Classification: datashare.Thematic,
		Description: "由平台根据办件记录按事项、实施机关和月份自动统计，每小时刷新。", UpdateFrequency: "daily",
		ShareClass: datashare.ShareOpen, OpenClass: datashare.OpenFree}); err != nil {
		return fmt.Errorf("demo fed resource: %w", err)
	}
	return nil
}
