package cases_test

import (
	"testing"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestApplyBundleWithLicence: a bundle application using the applicant's
// 居民身份证 (免提交) satisfies, in every case of the bundle, the materials
// that accept it and grants the licence to each case's authority; a
// licence no item accepts is refused and nothing is saved.
func TestApplyBundleWithLicence(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			a := e.n.App
			cs := a.Cases
			citizen := e.caller(t, "citizen")
			wallet, err := a.Licenses.Wallet(e.ctx, citizen)
			if err != nil {
				t.Fatal(err)
			}
			var idCard, ssCard ids.ID
			for _, l := range wallet {
				switch l.Type {
				case "resident_id":
					idCard = l.ID
				case "social_security_card":
					ssCard = l.ID
				}
			}
			if idCard == "" || ssCard == "" {
				t.Fatalf("demo wallet: %+v", wallet)
			}
			photo, err := cs.Upload(e.ctx, citizen, "photo", "photo.png", pngFile(t))
			if err != nil {
				t.Fatal(err)
			}
			f := birthForm()
			f["photo"] = photo.SHA256

			// Refused: no material of 出生一件事 accepts a 社会保障卡.
			_, _, err = cs.ApplyBundleWith(e.ctx, citizen, "BD-BIRTH", "440106", f, []cases.MaterialRef{photo}, []ids.ID{ssCard})
			if fe := errs.As(err); fe == nil || fe.Code != errs.Invalid || fe.Fields[cases.BundleLicenseField] != "case.license_wrong_type" {
				t.Fatalf("bundle with a licence nothing accepts: %v", err)
			}
			if mine, _ := cs.Mine(e.ctx, citizen, 100); len(mine) != 0 {
				t.Fatalf("refused bundle saved %d cases", len(mine))
			}
			if gs, _ := a.Licenses.Grants(e.ctx, citizen); len(gs) != 0 {
				t.Fatalf("refused bundle granted: %+v", gs)
			}
			// Refused too: someone else's licence ID (here: a made-up one).
			if _, _, err = cs.ApplyBundleWith(e.ctx, citizen, "BD-BIRTH", "440106", f, []cases.MaterialRef{photo}, []ids.ID{ids.New()}); errs.As(err) == nil || errs.As(err).Fields[cases.BundleLicenseField] == "" {
				t.Fatalf("bundle with an unknown licence: %v", err)
			}

			bid, list, err := cs.ApplyBundleWith(e.ctx, citizen, "BD-BIRTH", "440106", f, []cases.MaterialRef{photo}, []ids.ID{idCard})
			if err != nil {
				t.Fatal(err)
			}
			if bid == "" || len(list) != 4 {
				t.Fatalf("bundle %q with %d cases", bid, len(list))
			}
			gs, err := a.Licenses.Grants(e.ctx, citizen)
			if err != nil {
				t.Fatal(err)
			}
			granted := map[ids.ID]ids.ID{} // case → authority granted
			for _, g := range gs {
				if g.LicenseID != idCard {
					t.Errorf("grant of licence %s", g.LicenseID)
				}
				granted[g.CaseID] = g.OrgID
			}
			for _, c := range list {
				got, _, err := cs.Get(e.ctx, citizen, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				// Every item of 出生一件事 has a material taking a 居民身份证.
				if len(got.LicenseMaterials()) == 0 {
					t.Errorf("%s: no material satisfied by the licence: %+v", got.ItemCode, got.Materials)
				}
				if org, ok := granted[got.ID]; !ok || org != got.AuthorityID {
					t.Errorf("%s: grant to %q, want the case's authority %q", got.ItemCode, org, got.AuthorityID)
				}
			}
			if len(granted) != len(list) {
				t.Errorf("grants for %d cases, want %d", len(granted), len(list))
			}
		})
	}
}
