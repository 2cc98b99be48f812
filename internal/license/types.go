package license

// HolderKind is who holds a licence of a type.
type HolderKind string

const (
	HolderPerson     HolderKind = "person"     // a natural person, by 公民身份号码
	HolderEnterprise HolderKind = "enterprise" // a market entity, by 统一社会信用代码
)

// Field is one field printed on a licence of a type.
type Field struct {
	Name     string `json:"name"`     // key in credentialSubject: lowercase letters, digits, underscore
	Label    string `json:"label"`    // zh-CN
	LabelEn  string `json:"label_en"` //
	Required bool   `json:"required"`
}

// Type is a licence type of the catalog (证照目录).
type Type struct {
	Key        string     `json:"key"`         // stable: "business_license"; also the name materials use (catalog.Material.LicenseTypes)
	Name       string     `json:"name"`        // 营业执照
	NameEn     string     `json:"name_en"`     //
	Code       string     `json:"code"`        // two letters opening its licence numbers
	VCType     string     `json:"vc_type"`     // the credential's own type: "BusinessLicenseCredential"
	Holder     HolderKind `json:"holder"`      //
	Department string     `json:"department"`  // catalog department key of the issuing authority
	ValidYears int        `json:"valid_years"` // 0: 长期有效
	Items      []string   `json:"items"`       // service items whose result this licence is: completing one issues it
	Fields     []Field    `json:"fields"`
}

// f is a short builder for fields.
func f(name, label, en string, req bool) Field {
	return Field{Name: name, Label: label, LabelEn: en, Required: req}
}

// Types is the licence catalog: real licence types of Chinese government,
// with the fields their paper forms carry (the holder's name and the
// licence number are every licence's own and not repeated here).
var Types = []Type{
	{Key: "resident_id", Name: "居民身份证（电子）", NameEn: "Resident identity card (electronic)", Code: "SF", VCType: "ResidentIdentityCardCredential",
		Holder: HolderPerson, Department: "public_security", ValidYears: 20, Items: []string{"PS-0004"},
		Fields: []Field{f("sex", "性别", "Sex", true), f("ethnicity", "民族", "Ethnicity", true), f("birth_date", "出生", "Date of birth", true),
			f("address", "住址", "Address", true)}},
	{Key: "social_security_card", Name: "社会保障卡", NameEn: "Social security card", Code: "SB", VCType: "SocialSecurityCardCredential",
		Holder: HolderPerson, Department: "hrss", ValidYears: 10, Items: []string{"HRSS-0001", "HRSS-0013"},
		Fields: []Field{f("card_number", "社会保障卡卡号", "Card number", true), f("bank", "金融账户开户银行", "Bank", false),
			f("issue_place", "发卡地", "Issued in", true)}},
	{Key: "business_license", Name: "营业执照", NameEn: "Business licence", Code: "YZ", VCType: "BusinessLicenseCredential",
		Holder: HolderEnterprise, Department: "market_regulation", Items: []string{"MR-0002", "MR-0003"},
		Fields: []Field{f("entity_type", "类型", "Entity type", true), f("legal_representative", "法定代表人", "Legal representative", true),
			f("registered_capital", "注册资本", "Registered capital", true), f("established", "成立日期", "Established", true),
			f("address", "住所", "Address", true), f("business_scope", "经营范围", "Business scope", true)}},
	{Key: "birth_cert", Name: "出生医学证明", NameEn: "Medical birth certificate", Code: "CS", VCType: "BirthCertificateCredential",
		Holder: HolderPerson, Department: "health", Items: []string{"HE-0001"},
		Fields: []Field{f("child_name", "新生儿姓名", "Child's name", true), f("sex", "性别", "Sex", true), f("birth_time", "出生时间", "Time of birth", true),
			f("birth_place", "出生地点", "Place of birth", true), f("mother_name", "母亲姓名", "Mother", true), f("father_name", "父亲姓名", "Father", false),
			f("institution", "接生机构", "Institution", true)}},
	{Key: "marriage_cert", Name: "结婚证", NameEn: "Marriage certificate", Code: "JH", VCType: "MarriageCertificateCredential",
		Holder: HolderPerson, Department: "civil_affairs", Items: []string{"CA-0001"},
		Fields: []Field{f("spouse_name", "配偶姓名", "Spouse", true), f("registered_on", "登记日期", "Registered on", true),
			f("certificate_no", "结婚证字号", "Certificate no.", true)}},
	{Key: "residence_permit", Name: "居住证", NameEn: "Residence permit", Code: "JZ", VCType: "ResidencePermitCredential",
		Holder: HolderPerson, Department: "public_security", ValidYears: 1, Items: []string{"PS-0001"},
		Fields: []Field{f("address", "居住地址", "Residence address", true), f("origin", "户籍地", "Household registration", true)}},
	{Key: "property_cert", Name: "不动产权证书", NameEn: "Real estate title certificate", Code: "BD", VCType: "RealEstateTitleCredential",
		Holder: HolderPerson, Department: "natural_resources", Items: []string{"NR-0001", "NR-0002", "NR-0006"},
		Fields: []Field{f("location", "坐落", "Location", true), f("unit_no", "不动产单元号", "Unit number", true), f("right_type", "权利类型", "Type of right", true),
			f("use", "用途", "Use", true), f("area", "面积（平方米）", "Area (m²)", true), f("ownership", "共有情况", "Co-ownership", true)}},
	{Key: "food_business_license", Name: "食品经营许可证", NameEn: "Food business licence", Code: "SJ", VCType: "FoodBusinessLicenseCredential",
		Holder: HolderEnterprise, Department: "market_regulation", ValidYears: 5, Items: []string{"MR-0005"},
		Fields: []Field{f("operator", "经营者名称", "Operator", true), f("premises", "经营场所", "Premises", true),
			f("main_form", "主体业态", "Main business form", true), f("items", "经营项目", "Business items", true)}},
	{Key: "driving_license", Name: "机动车驾驶证", NameEn: "Driving licence", Code: "JS", VCType: "DrivingLicenseCredential",
		Holder: HolderPerson, Department: "public_security", ValidYears: 10, Items: []string{"PS-0007"},
		Fields: []Field{f("vehicle_class", "准驾车型", "Vehicle class", true), f("first_issued", "初次领证日期", "First issued", true),
			f("file_no", "档案编号", "File number", true)}},
	{Key: "household_register", Name: "居民户口簿", NameEn: "Household register", Code: "HK", VCType: "HouseholdRegisterCredential",
		Holder: HolderPerson, Department: "public_security", Items: []string{"PS-0002", "PS-0003"},
		Fields: []Field{f("household_type", "户别", "Household type", true), f("head", "户主姓名", "Head of household", true),
			f("relation", "与户主关系", "Relation to head", true), f("address", "住址", "Address", true)}},
	{Key: "graduation_cert", Name: "学历证书", NameEn: "Diploma", Code: "XL", VCType: "DiplomaCredential",
		Holder: HolderPerson, Department: "education",
		Fields: []Field{f("school", "学校名称", "School", true), f("major", "专业", "Major", true), f("level", "层次", "Level", true),
			f("graduated", "毕业日期", "Graduated", true), f("certificate_no", "证书编号", "Certificate no.", true)}},
	{Key: "physician_license", Name: "医师执业证书", NameEn: "Physician practising certificate", Code: "YS", VCType: "PhysicianLicenseCredential",
		Holder: HolderPerson, Department: "health", Items: []string{"HE-0003"},
		Fields: []Field{f("category", "执业类别", "Category", true), f("scope", "执业范围", "Scope", true),
			f("institution", "执业地点", "Place of practice", true), f("qualification_no", "医师资格证书编码", "Qualification no.", true)}},
	{Key: "disability_cert", Name: "中华人民共和国残疾人证", NameEn: "Disability certificate", Code: "CJ", VCType: "DisabilityCertificateCredential",
		Holder: HolderPerson, Department: "civil_affairs", ValidYears: 10,
		Fields: []Field{f("category", "残疾类别", "Category", true), f("grade", "残疾等级", "Grade", true), f("guardian", "监护人", "Guardian", false)}},
	{Key: "road_transport_license", Name: "道路运输经营许可证", NameEn: "Road transport operating licence", Code: "DY", VCType: "RoadTransportLicenseCredential",
		Holder: HolderEnterprise, Department: "transport", ValidYears: 4, Items: []string{"TR-0001"},
		Fields: []Field{f("operator", "业户名称", "Operator", true), f("address", "地址", "Address", true), f("scope", "经营范围", "Scope", true),
			f("economic_type", "经济类型", "Economic type", false)}},
	{Key: "individual_business_license", Name: "个体工商户营业执照", NameEn: "Individual business licence", Code: "GT", VCType: "IndividualBusinessLicenseCredential",
		Holder: HolderEnterprise, Department: "market_regulation", Items: []string{"MR-0001", "MR-0007"},
		Fields: []Field{f("operator", "经营者", "Operator", true), f("form", "组成形式", "Form", true), f("premises", "经营场所", "Premises", true),
			f("business_scope", "经营范围", "Business scope", true), f("registered", "注册日期", "Registered", true)}},
	{Key: "death_cert", Name: "居民死亡医学证明（推断）书", NameEn: "Medical death certificate", Code: "SW", VCType: "DeathCertificateCredential",
		Holder: HolderPerson, Department: "health",
		Fields: []Field{f("deceased", "死者姓名", "Deceased", true), f("died", "死亡日期", "Date of death", true), f("cause", "死亡原因", "Cause", true)}},
	{Key: "vehicle_license", Name: "机动车行驶证", NameEn: "Vehicle registration certificate", Code: "XS", VCType: "VehicleLicenseCredential",
		Holder: HolderPerson, Department: "public_security",
		Fields: []Field{f("plate", "号牌号码", "Plate", true), f("vehicle_type", "车辆类型", "Vehicle type", true), f("vin", "车辆识别代号", "VIN", true),
			f("registered", "注册日期", "Registered", true)}},
	{Key: "degree_cert", Name: "学位证书", NameEn: "Degree certificate", Code: "XW", VCType: "DegreeCredential",
		Holder: HolderPerson, Department: "education",
		Fields: []Field{f("school", "学位授予单位", "Awarding body", true), f("degree", "学位", "Degree", true), f("awarded", "授予日期", "Awarded", true)}},
	{Key: "teacher_qualification", Name: "教师资格证书", NameEn: "Teacher qualification certificate", Code: "JX", VCType: "TeacherQualificationCredential",
		Holder: HolderPerson, Department: "education", Items: []string{"ED-0002"},
		Fields: []Field{f("category", "资格种类", "Category", true), f("subject", "任教学科", "Subject", true)}},
}

// TypeByKey returns a licence type; false if there is none.
func TypeByKey(key string) (Type, bool) {
	for _, t := range Types {
		if t.Key == key {
			return t, true
		}
	}
	return Type{}, false
}

// TypeForItem returns the licence type a service item's completion issues;
// false if the item's result is no licence of the catalog.
func TypeForItem(code string) (Type, bool) {
	for _, t := range Types {
		for _, it := range t.Items {
			if it == code {
				return t, true
			}
		}
	}
	return Type{}, false
}
