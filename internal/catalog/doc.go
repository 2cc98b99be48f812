// Package catalog is the service catalog (政务服务事项目录): every matter a
// citizen or an enterprise can apply for, with the standard elements of its
// service guide (办事指南) — who decides it, on what legal basis, under which
// conditions, with which materials, in how many working days, at what fee,
// how deeply it can be done online and how many trips it takes — plus the
// application form a case fills in and the steps a case goes through.
//
// An item names its competent authority by department and level ("the
// city's 人力资源和社会保障局"): which body that is for a given case depends on
// where the case is decided (办理地), so one item serves every city.
//
// Search expands the abbreviations people type (社保 → 社会保障, 公积金 →
// 住房公积金) so that "社保卡" finds 社会保障卡申领.
package catalog
