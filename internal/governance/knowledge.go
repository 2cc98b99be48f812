package governance

// Answer is an entry of the hotline's small knowledge base (知识库): what
// an operator can tell a caller at once, without dispatching anything.
type Answer struct {
	Key      string
	Category string // the subcategory it answers
	Question string
	Text     string
}

// Knowledge is the hotline's knowledge base.
var Knowledge = []Answer{
	{"noise-hours", "0401", "夜间施工噪声有什么规定？",
		"依照《中华人民共和国噪声污染防治法》，在噪声敏感建筑物集中区域，禁止夜间（22 时至次日 6 时）进行产生噪声的建筑施工作业，因特殊需要必须连续施工的须取得证明并公告附近居民。如正在发生，我们可为您派单由生态环境部门现场查处。"},
	{"wages-where", "0701", "被拖欠工资应向哪里反映？",
		"可携带劳动合同、工资条、考勤记录等材料向用人单位所在地的人力资源和社会保障局劳动保障监察机构投诉，也可申请劳动争议仲裁（仲裁时效一年）。农民工欠薪可拨打 12333。"},
	{"assistance-apply", "0702", "怎样申请最低生活保障？",
		"由本人向户籍所在地的镇（街道）社会救助窗口提出申请，也可在“粤省事”上网上申请；需提供身份证、户口簿、家庭收入和财产情况说明。镇（街道）在受理后 30 日内完成审核。"},
	{"quality-12315", "0801", "买到质量有问题的商品怎么办？",
		"可先与经营者协商退换；协商不成的，可向市场监督管理部门投诉（12315 平台），也可请求消费者协会调解。七日无理由退货适用于网络购物的大部分商品。"},
	{"streetlight-info", "0203", "路灯不亮报修需要提供什么？",
		"请提供路灯所在道路名称、附近门牌号或灯杆编号；一般路灯故障两个工作日内修复。本次来电可直接派单给城市管理部门。"},
}

// KnowledgeFor lists the answers of a subcategory.
func KnowledgeFor(category string) []Answer {
	var out []Answer
	for _, a := range Knowledge {
		if a.Category == category {
			out = append(out, a)
		}
	}
	return out
}

// AnswerOf returns an answer by key.
func AnswerOf(key string) (Answer, bool) {
	for _, a := range Knowledge {
		if a.Key == key {
			return a, true
		}
	}
	return Answer{}, false
}
