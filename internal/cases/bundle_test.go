package cases_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

func pngFile(t *testing.T) *bytes.Reader {
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b.Bytes())
}

// birthForm is a filled shared form of 出生一件事.
func birthForm() map[string]string {
	born := time.Now().AddDate(0, 0, -10).UTC()
	baby := identity.MakeIDNumber("440106", born, 11).Clear()
	mother := identity.MakeIDNumber("440106", time.Date(1992, 3, 4, 0, 0, 0, 0, time.UTC), 22).Clear()
	return map[string]string{
		"baby_name": "李小宝", "baby_gender": "男", "birth_date": born.Format("2006-01-02"),
		"birth_hospital": "广东省妇幼保健院", "mother_name": "王芳", "mother_id_number": mother, "phone": "13800138000",
		"birth_cert_number": "Q440123456", "parent_name": "王芳", "parent_id_number": mother, "settle_with": "随母落户",
		"insured_id_number": baby, "insured_category": "新生儿", "household_type": "本地户籍",
		"id_number": baby, "bank": "中国银行", "delivery": "银行网点领取",
	}
}

func TestApplyBundle(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			cs := e.n.App.Cases
			citizen := e.caller(t, "citizen")
			photo, err := cs.Upload(e.ctx, citizen, "photo", "photo.png", pngFile(t))
			if err != nil {
				t.Fatal(err)
			}
			f := birthForm()
			f["photo"] = photo.SHA256

			// One invalid shared field fails every item that takes it, and nothing is saved.
			bad := birthForm()
			bad["phone"], bad["baby_name"] = "12", ""
			before, _ := cs.Mine(e.ctx, citizen, 100)
			_, _, err = cs.ApplyBundle(e.ctx, citizen, "BD-BIRTH", "440106", bad, nil)
			fe := errs.As(err)
			if fe == nil || fe.Code != errs.Invalid || fe.Fields["phone"] == "" || fe.Fields["baby_name"] == "" || fe.Fields["photo"] == "" {
				t.Fatalf("invalid shared form: %v (fields %v), want phone, baby_name and photo named", err, fe)
			}
			for k := range fe.Fields {
				if k == "insured_name" || k == "applicant_name" {
					t.Errorf("error named by the item's field %s, not the shared form's", k)
				}
			}
			if after, _ := cs.Mine(e.ctx, citizen, 100); len(after) != len(before) {
				t.Fatalf("invalid bundle saved %d cases", len(after)-len(before))
			}

			// The size and type of an upload are the blob store's, not the client's.
			forged := photo
			forged.Size, forged.ContentType = 1, "text/html"
			bid, list, err := cs.ApplyBundle(e.ctx, citizen, "bd-birth", "440106", f, []cases.MaterialRef{forged})
			if err != nil {
				t.Fatal(err)
			}
			if bid == "" || len(list) != 4 {
				t.Fatalf("bundle %q with %d cases, want 4", bid, len(list))
			}
			want := map[string]string{"HE-0001": "卫生健康", "PS-0003": "公安", "MS-0001": "医疗保障", "HRSS-0001": "广州市人力资源和社会保障局"}
			for _, c := range list {
				got, _, err := cs.Get(e.ctx, citizen, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.BundleID != bid || got.State != cases.Submitted || got.Number == "" {
					t.Errorf("%s: bundle %q state %s number %q", got.ItemCode, got.BundleID, got.State, got.Number)
				}
				if !strings.Contains(got.Authority, want[got.ItemCode]) {
					t.Errorf("%s decided by %q, want the %s authority", got.ItemCode, got.Authority, want[got.ItemCode])
				}
			}
			byItem := map[string]*cases.Case{}
			for _, c := range list {
				got, _, _ := cs.Get(e.ctx, citizen, c.ID)
				byItem[c.ItemCode] = got
			}
			if v := byItem["MS-0001"].Form["insured_name"]; v != "李小宝" {
				t.Errorf("MS-0001 insured_name %q, want the newborn's name from the shared form", v)
			}
			if v := byItem["MS-0001"].Form["guardian_name"]; v != "王芳" {
				t.Errorf("MS-0001 guardian_name %q, want the declaring parent", v)
			}
			if h := byItem["HRSS-0001"]; h.Form["applicant_name"] != "李小宝" || len(h.Materials) != 1 || h.Materials[0].Field != "photo" ||
				h.Materials[0].Size != photo.Size || h.Materials[0].ContentType != "image/png" {
				t.Errorf("HRSS-0001: form %v materials %v", h.Form, h.Materials)
			}
			if len(byItem["HE-0001"].Materials) != 0 {
				t.Errorf("HE-0001 took materials it has no field for: %v", byItem["HE-0001"].Materials)
			}
		})
	}
}
