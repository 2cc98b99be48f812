package catalog

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func searchItems() []Item {
	mk := func(code, name, dept string, events []string, topics []string, hf bool, mats ...string) Item {
		it := Item{Code: code, Name: name, Department: dept, LifeEvents: events, Topics: topics, HighFrequency: hf}
		for _, m := range mats {
			it.Materials = append(it.Materials, Material{Name: m})
		}
		return it
	}
	return []Item{
		mk("HRSS-0001", "社会保障卡申领", "hrss", []string{"social_security"}, []string{"社保"}, true, "居民身份证", "近期免冠照片"),
		mk("HRSS-0002", "城乡居民养老保险参保登记", "hrss", []string{"retirement"}, []string{"养老"}, true, "居民身份证"),
		mk("HF-0001", "住房公积金提取（租房）", "housing_fund", []string{"housing"}, nil, true, "租赁合同"),
		mk("HF-0002", "住房公积金提取（购房）", "housing_fund", []string{"housing"}, nil, false, "购房合同"),
		mk("MR-0001", "企业设立登记", "market_regulation", []string{"business"}, []string{"营业执照"}, true, "公司章程"),
		mk("PS-0001", "居住证申领", "public_security", []string{"residence"}, nil, true, "居民身份证", "租赁合同"),
		mk("MS-0001", "异地就医备案", "medical_security", []string{"medical"}, []string{"医保"}, true, "社会保障卡"),
	}
}

func TestSearch(t *testing.T) {
	ix := NewIndex(searchItems())
	tests := []struct {
		q     string
		f     Filter
		first string // code of the best hit
		n     int    // number of hits, -1 to skip
	}{
		{"社保卡", Filter{}, "HRSS-0001", -1},
		{"社会保障卡", Filter{}, "HRSS-0001", -1},
		{"公积金提取", Filter{}, "HF-0001", 2},
		{"开办企业", Filter{}, "MR-0001", 1},
		{"营业执照", Filter{}, "MR-0001", 1},
		{"医保", Filter{}, "MS-0001", -1},
		{"租赁合同", Filter{}, "HF-0001", 2},
		{"公积金 购房", Filter{}, "HF-0002", 1},
		{"ＨＲＳＳ", Filter{}, "", 0},
		{"", Filter{LifeEvent: "housing"}, "HF-0001", 2},
		{"", Filter{Department: "hrss"}, "HRSS-0001", 2},
		{"居民身份证", Filter{Department: "public_security"}, "PS-0001", 1},
		{"不存在的事项", Filter{}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.q+"/"+tt.f.LifeEvent+tt.f.Department, func(t *testing.T) {
			hits := ix.Search(tt.q, tt.f, 10)
			if tt.n >= 0 && len(hits) != tt.n {
				t.Errorf("%d hits, want %d", len(hits), tt.n)
			}
			if tt.first != "" && (len(hits) == 0 || hits[0].Item.Code != tt.first) {
				var got []string
				for _, h := range hits {
					got = append(got, h.Item.Code)
				}
				t.Errorf("hits %v, want %s first", got, tt.first)
			}
		})
	}
}

// BenchmarkSearch10k searches a catalog of 10,000 items (the target: p99
// under 5 ms).
func BenchmarkSearch10k(b *testing.B) {
	base := searchItems()
	items := make([]Item, 0, 10000)
	for i := 0; len(items) < 10000; i++ {
		it := base[i%len(base)]
		it.Code = fmt.Sprintf("X-%05d", i)
		it.Name = fmt.Sprintf("%s（%d号）", it.Name, i)
		items = append(items, it)
	}
	ix := NewIndex(items)
	queries := []string{"社保卡", "公积金提取", "开办企业", "居住证", "不存在的事项"}
	var took []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t := time.Now()
		ix.Search(queries[i%len(queries)], Filter{}, 20)
		took = append(took, time.Since(t))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}
