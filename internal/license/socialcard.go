package license

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Scenarios are the uses of the electronic social security card (电子社保卡)
// a point of use records.
var Scenarios = []string{"medical", "pharmacy", "pension", "subsidy", "transport", "culture_tourism"}

// PointOfUse verifies a holder's 电子社保卡 亮证 code where it is used (a
// hospital, a pharmacy, a bus) and, when valid, records the use with its
// scenario and place, which the holder sees on their 用证记录 page. by must
// be staff (workbench.use) — the operator at the point of use.
//
// The result says why not when the code is not a valid social security
// card code (the use is then not recorded). The use and its audit entry
// are written together. Returns errs.Invalid for an
// unknown scenario or a missing place or code.
func (s *Service) PointOfUse(ctx context.Context, by *identity.Caller, code, scenario, place string) (*Result, error) {
	if err := identity.Authorize(by, identity.PermWorkbench, ""); err != nil {
		return nil, err
	}
	fe := map[string]string{}
	known := false
	for _, sc := range Scenarios {
		known = known || sc == scenario
	}
	if !known {
		fe["scenario"] = "form.choice"
	}
	if place = strings.TrimSpace(place); place == "" {
		fe["place"] = "form.required"
	} else if len([]rune(place)) > 100 {
		fe["place"] = "form.too_long"
	}
	if strings.TrimSpace(code) == "" {
		fe["code"] = "form.required"
	}
	if len(fe) > 0 {
		return nil, errs.Fields(fe)
	}
	r := s.Verify(ctx, code, true)
	if r.Verdict != Valid {
		return r, nil
	}
	if r.Kind != "present" || r.Type != "social_security_card" {
		r.Verdict, r.Reason = Invalid, ReasonNotSocialCard
		return r, nil
	}
	l, err := s.store.License(ctx, ids.ID(strings.TrimPrefix(r.LicenseID, "urn:uuid:")))
	if errs.Is(err, errs.NotFound) {
		return r, nil // another province's card: verified, nothing of ours to record against
	}
	if err != nil {
		return nil, err
	}
	org := ""
	if o, err := s.people.Organization(ctx, by.OrgID); err == nil {
		org = o.Name
	}
	u := &Use{ID: ids.New(), LicenseID: l.ID, HolderID: l.HolderID, UserID: string(by.UserID),
		UserName: by.Name, OrgName: org, Purpose: "point_of_use", Scenario: scenario, Place: place, At: s.clock()}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.AddLicenseUse(ctx, u); err != nil {
			return err
		}
		subject := ""
		if l.HolderKind == HolderPerson {
			subject = string(l.HolderID)
		}
		return s.audit.Record(ctx, by, "license.used_at_point", audit.Target{Type: "license", ID: string(l.ID),
			Region: string(l.Region), Subject: subject}, map[string]any{"number": l.Number, "scenario": scenario, "place": place, "org": org})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
