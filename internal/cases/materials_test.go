package cases_test

import (
	"testing"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

// An upload belongs to whoever uploaded it: knowing a document's SHA-256
// (from a link, a log or another case) does not let anyone else attach it
// to their application and then read it from their own case.
func TestMaterialsBelongToTheirUploader(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			cs := e.n.App.Cases
			it := testItem("TST-0009", catalog.LevelCity, catalog.ScopeProvince)
			it.Form = append(it.Form, catalog.Field{Name: "photo", Label: "照片", Kind: catalog.FieldFile, Required: true})
			if _, err := e.n.App.Catalog.ImportAs(e.ctx, audit.System("test"), []catalog.Item{it}); err != nil {
				t.Fatal(err)
			}
			citizen, elder, counter := e.caller(t, "citizen"), e.caller(t, "elder"), e.caller(t, "counter")
			mine, err := cs.Upload(e.ctx, citizen, "photo", "张明的照片.png", pngFile(t))
			if err != nil {
				t.Fatal(err)
			}
			if mine.Receipt == "" {
				t.Fatal("an upload carries no receipt")
			}
			apply := func(by *cases.MaterialRef) cases.Application {
				f := form("photo", mine.SHA256)
				app := cases.Application{ItemCode: it.Code, DecideIn: "440106", Form: f}
				if by != nil {
					app.Materials = []cases.MaterialRef{*by}
				}
				return app
			}
			bare := mine
			bare.Receipt = ""
			for name, ref := range map[string]*cases.MaterialRef{
				"someone else's receipt": &mine, "no receipt": &bare,
			} {
				before, _ := cs.Mine(e.ctx, elder, 100)
				_, err := cs.Apply(e.ctx, elder, apply(ref))
				if fe := errs.As(err); fe == nil || fe.Code != errs.Invalid || fe.Fields["photo"] != "form.file" {
					t.Errorf("李桂英 applies with 张明's upload (%s): %v, want the photo field refused", name, err)
				}
				if after, _ := cs.Mine(e.ctx, elder, 100); len(after) != len(before) {
					t.Errorf("a refused application was saved (%s)", name)
				}
			}
			// A receipt for another document does not carry over either.
			other := mine
			other.SHA256 = "0000000000000000000000000000000000000000000000000000000000000000"
			if _, err := cs.Apply(e.ctx, citizen, cases.Application{ItemCode: it.Code, DecideIn: "440106",
				Form: form("photo", other.SHA256), Materials: []cases.MaterialRef{other}}); errs.As(err) == nil || errs.As(err).Fields["photo"] == "" {
				t.Errorf("a receipt used for another hash: %v, want the photo field refused", err)
			}

			// The uploader applies; the case keeps the material without the receipt.
			c, err := cs.Apply(e.ctx, citizen, apply(&mine))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Materials) != 1 || c.Materials[0].SHA256 != mine.SHA256 || c.Materials[0].Receipt != "" {
				t.Errorf("case materials %+v, want the photo without a receipt", c.Materials)
			}

			// Counter staff upload for the person they apply for (代办): their
			// receipt is handed over; a citizen's upload is not theirs to use.
			staffs, err := cs.Upload(e.ctx, counter, "photo", "窗口扫描.png", pngFile(t))
			if err != nil {
				t.Fatal(err)
			}
			at := func(m cases.MaterialRef) error {
				_, err := cs.ReceiveAtCounter(e.ctx, counter, cases.CounterApplication{
					Application:       cases.Application{ItemCode: it.Code, DecideIn: "440106", Form: form("photo", m.SHA256), Materials: []cases.MaterialRef{m}},
					ApplicantUsername: "elder", Consent: "本人到场书面同意",
				})
				return err
			}
			if err := at(mine); errs.As(err) == nil || errs.As(err).Fields["photo"] == "" {
				t.Errorf("counter applies with a citizen's upload: %v, want the photo field refused", err)
			}
			if err := at(staffs); err != nil {
				t.Errorf("counter applies with its own upload: %v", err)
			}
		})
	}
}
