package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/identity"
)

// demoEmergencyResources are shelters, rescue teams and supplies at real places in
// 广州 (approximate WGS-84 coordinates; the capacities are invented).
var demoEmergencyResources = []emergency.ResourceInput{
	{Kind: emergency.Shelter, Name: "南沙体育馆应急避护场所", Region: "440115", Address: "南沙区凤凰大道", Lat: 22.803, Lon: 113.545, Quantity: 3000, Unit: "人"},
	{Kind: emergency.Shelter, Name: "天河体育中心应急避护场所", Region: "440106", Address: "天河区天河路299号", Lat: 23.137, Lon: 113.324, Quantity: 8000, Unit: "人"},
	{Kind: emergency.Shelter, Name: "番禺区市桥中学避护点", Region: "440113", Address: "番禺区市桥街", Lat: 22.945, Lon: 113.356, Quantity: 1200, Unit: "人"},
	{Kind: emergency.Team, Name: "广州市消防救援支队南沙大队", Region: "440115", Address: "南沙区进港大道", Lat: 22.770, Lon: 113.560, Quantity: 60, Unit: "人"},
	{Kind: emergency.Team, Name: "广州市蓝天救援队", Region: "4401", Address: "海珠区新港东路", Lat: 23.103, Lon: 113.330, Quantity: 40, Unit: "人"},
	{Kind: emergency.Supply, Name: "市级应急物资储备库（折叠床）", Region: "4401", Address: "白云区太和镇", Lat: 23.300, Lon: 113.360, Quantity: 5000, Unit: "张"},
	{Kind: emergency.Supply, Name: "市级应急物资储备库（沙袋）", Region: "4401", Address: "白云区太和镇", Lat: 23.300, Lon: 113.360, Quantity: 20000, Unit: "个"},
}

// seedDemoEmergency adds the resources, a typhoon incident in 广州 being
// handled (command structure, tasks, deployments, situation reports, a
// public alert and its update) and a closed fire-evacuation drill, all by
// the duty officer 何伟.
func (a *App) seedDemoEmergency(ctx context.Context, actor audit.Actor) error {
	res := map[string]*emergency.Resource{}
	for _, in := range demoEmergencyResources {
		r, err := a.Emergency.CreateResourceAs(ctx, actor, in)
		if err != nil {
			return fmt.Errorf("demo resource %s: %w", in.Name, err)
		}
		res[in.Name] = r
	}
	duty, err := a.demoCaller(ctx, "duty")
	if err != nil {
		return err
	}
	orgs, err := a.Identity.Organizations(ctx)
	if err != nil {
		return err
	}
	org := func(part string) *identity.Organization {
		for i := range orgs {
			if strings.HasPrefix(orgs[i].Name, "广州市") && strings.Contains(orgs[i].Name, part) {
				return &orgs[i]
			}
		}
		return nil
	}
	inc, err := a.Emergency.Declare(ctx, duty, emergency.DeclareInput{Title: "台风“海鸥”影响广州", Type: emergency.NaturalDisaster,
		Grade: 2, Region: "440115", Address: "南沙区沿海一带", Lat: 22.75, Lon: 113.60,
		Summary: "受台风“海鸥”影响，预计未来24小时南沙区沿海将出现12级以上大风和特大暴雨，需转移低洼地区群众。"})
	if err != nil {
		return fmt.Errorf("demo incident: %w", err)
	}
	steps := []func() error{
		func() error {
			_, err := a.Emergency.SetCommand(ctx, duty, inc.ID, 0, emergency.Command{Commander: "何伟", Operations: "陈志刚",
				Planning: "刘晓梅", Logistics: "王建华", Finance: "赵丽"})
			return err
		},
		func() error { _, err := a.Emergency.Respond(ctx, duty, inc.ID, 0); return err },
	}
	for _, t := range []struct {
		org, title string
		hours      int
	}{
		{"应急管理局", "组织南沙区低洼地区群众转移至避护场所", 6},
		{"水务局", "巡查堤防水闸，做好排涝准备", 12},
		{"交通运输局", "暂停南沙沿海客运航线，封闭危险路段", 4},
		{"卫生健康委员会", "安排医疗队进驻避护场所", 8},
	} {
		t := t
		steps = append(steps, func() error {
			o := org(t.org)
			if o == nil {
				return nil // a trimmed demo directory: skip the task
			}
			_, err := a.Emergency.AddTask(ctx, duty, inc.ID, emergency.TaskInput{OrgID: o.ID, Title: t.title, Hours: t.hours})
			return err
		})
	}
	for _, d := range []struct {
		name string
		n    int
	}{{"南沙体育馆应急避护场所", 0}, {"广州市消防救援支队南沙大队", 30}, {"市级应急物资储备库（折叠床）", 800}} {
		d := d
		steps = append(steps, func() error {
			_, err := a.Emergency.Deploy(ctx, duty, inc.ID, res[d.name].ID, d.n, "")
			return err
		})
	}
	steps = append(steps,
		func() error {
			_, err := a.Emergency.Report(ctx, duty, inc.ID, "截至目前已转移群众1260人，安置于南沙体育馆避护场所；暂无人员伤亡报告。")
			return err
		},
		func() error {
			_, err := a.Emergency.IssueAlert(ctx, duty, inc.ID, 0, emergency.AlertInput{
				Headline: "台风红色预警：南沙区沿海请立即避险", Description: "台风“海鸥”预计今夜在珠江口附近登陆，南沙区沿海将出现12级以上大风和特大暴雨。",
				Instruction: "低洼地区和临时建筑内人员请立即转移至就近避护场所；停止户外活动，远离海边。", ResponseType: "Evacuate",
				HeadlineEn: "Typhoon red alert: Nansha coast, take shelter now", DescriptionEn: "Typhoon Haiou is expected to land near the Pearl River estuary tonight with winds above force 12.",
				InstructionEn: "Leave low-lying areas and temporary buildings for the nearest shelter; stay indoors, keep away from the sea.", Hours: 48})
			return err
		},
	)
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("demo incident: %w", err)
		}
	}
	return a.seedDemoDrill(ctx, duty)
}

// seedDemoDrill runs a fire-evacuation drill from declaration to closure.
func (a *App) seedDemoDrill(ctx context.Context, duty *identity.Caller) error {
	inc, err := a.Emergency.Declare(ctx, duty, emergency.DeclareInput{Title: "天河区地铁站火灾疏散演练", Type: emergency.Accident,
		Grade: 4, Region: "440106", Address: "天河区体育西路地铁站", Lat: 23.135, Lon: 113.321, Drill: true,
		Summary: "演练：体育西路地铁站站厅层模拟起火，组织乘客疏散。"})
	if err != nil {
		return fmt.Errorf("demo drill: %w", err)
	}
	if _, err := a.Emergency.SetCommand(ctx, duty, inc.ID, 0, emergency.Command{Commander: "何伟", Operations: "陈志刚"}); err != nil {
		return err
	}
	if _, err := a.Emergency.Respond(ctx, duty, inc.ID, 0); err != nil {
		return err
	}
	if _, err := a.Emergency.IssueAlert(ctx, duty, inc.ID, 0, emergency.AlertInput{Headline: "【演练】体育西路地铁站疏散演练",
		Description: "演练期间体育西路站部分出入口临时关闭。", Hours: 2}); err != nil {
		return err
	}
	_, err = a.Emergency.Close(ctx, duty, inc.ID, 0, "演练共疏散模拟乘客320人，用时6分40秒，达到预案要求。\n问题：B出入口指示标识不清，广播音量不足。\n改进：更换B口疏散指示标识，调整站厅广播。")
	return err
}
