package emergency

import (
	"encoding/json"
	"testing"
	"time"
)

func benchAlert() *Alert {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	return &Alert{ID: "0193a0c0-0000-7000-8000-000000000001", IncidentID: "0193a0c0-0000-7000-8000-000000000002",
		Sender: DefaultSender, Sent: now, Status: StatusActual, MsgType: MsgUpdate,
		References: DefaultSender + ",0193a0c0-0000-7000-8000-000000000003,2026-11-26T19:00:00+08:00", State: AlertCurrent,
		Type: NaturalDisaster, Grade: 2, Region: "440115", AreaDesc: "广东省广州市南沙区 沿海一带", Event: "台风“海鸥”影响广州",
		ResponseType: "Evacuate", Headline: "台风红色预警：南沙区沿海请立即避险", Description: "台风“海鸥”预计今夜在珠江口附近登陆。",
		Instruction: "低洼地区人员请立即转移。", HeadlineEn: "Typhoon red alert", DescriptionEn: "Typhoon Haiou lands tonight.",
		InstructionEn: "Leave low-lying areas.", SenderName: "何伟", Expires: now.Add(48 * time.Hour)}
}

// BenchmarkMarshalCAP is one /alerts/{id}.xml answer's work: the CAP 1.2
// document of an Update with two infos.
func BenchmarkMarshalCAP(b *testing.B) {
	a := benchAlert()
	for b.Loop() {
		if _, err := a.MarshalCAP("https://example.org/alerts#a-1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalJSONBaseline is the baseline for BenchmarkMarshalCAP:
// the same message as JSON.
func BenchmarkMarshalJSONBaseline(b *testing.B) {
	m := benchAlert().CAP("https://example.org/alerts#a-1")
	for b.Loop() {
		if _, err := json.Marshal(m); err != nil {
			b.Fatal(err)
		}
	}
}
