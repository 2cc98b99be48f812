package license

import (
	"context"
	"strings"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Scenarios are the uses of the electronic social security card (电子社保卡)
// a point of use records.
var Scenarios = []string{"medical", "pharmacy", "pension", "subsidy", "transport", "culture_tourism"}

// Where a point-of-use check was recorded (PointUse.Recorded).
const (
	RecordedHolder  = "holder"  // in the holder's 用证记录 here (and the audit log)
	RecordedForeign = "foreign" // another province's card: in the audit log only, no holder here
)

// PointUse is the outcome of a point-of-use check: the verification and
// where the use was recorded ("" nowhere: the code was not a valid card).
type PointUse struct {
	*Result
	Recorded string
}

// PointOfUse verifies a holder's 电子社保卡 亮证 code where it is used (a
// hospital, a pharmacy, a bus) and, when valid, records the use with its
// scenario and place. by must be staff (workbench.use) — the operator at
// the point of use.
//
// A card this node issued (signed by one of its own seals, naming the
// licence's issuer, number and holder) is recorded in the holder's 用证记录.
// Another province's card, trust-listed, is accepted — a person insured
// elsewhere is still served here (跨省异地就医), and the operator needs
// the answer — but has no holder here: its use is recorded in the audit
// log only (who, where, which card of which source), never against a
// local licence whose ID the foreign code happens to carry. A code of our
// own seal naming another issuer's licence is refused (issuer_mismatch).
//
// The result says why not when the code is not a valid social security
// card code (the use is then not recorded). The use and its audit entry
// are written together. Returns errs.Invalid for an unknown scenario or a
// missing place or code.
func (s *Service) PointOfUse(ctx context.Context, by *identity.Caller, code, scenario, place string) (*PointUse, error) {
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
	out := &PointUse{Result: r}
	if r.Verdict != Valid {
		return out, nil
	}
	if r.Kind != "present" || r.Type != "social_security_card" {
		r.Verdict, r.Reason = Invalid, ReasonNotSocialCard
		return out, nil
	}
	var orgName string
	var orgRegion region.Code
	if o, err := s.people.Organization(ctx, by.OrgID); err == nil {
		orgName, orgRegion = o.Name, o.Region
	}
	if r.KeySource != "" {
		err := s.tx.Transact(ctx, func(ctx context.Context) error {
			return s.audit.Record(ctx, by, "license.used_at_point", audit.Target{Type: "foreign_license", ID: r.LicenseID, Region: string(orgRegion)},
				map[string]any{"number": r.Number, "issuer": r.IssuerName, "source": r.KeySource, "kid": r.KID,
					"scenario": scenario, "place": place, "org": orgName})
		})
		if err != nil {
			return nil, err
		}
		out.Recorded = RecordedForeign
		return out, nil
	}
	l, err := s.store.License(ctx, ids.ID(strings.TrimPrefix(r.LicenseID, "urn:uuid:")))
	if errs.Is(err, errs.NotFound) {
		return out, nil // signed here, for no licence we hold: nothing to record against
	}
	if err != nil {
		return nil, err
	}
	if r.Issuer != s.IssuerURL(l.IssuerID) || r.Number != l.Number || r.HolderRef != l.HolderRef {
		r.Verdict, r.Reason = Invalid, ReasonIssuerMismatch
		return out, nil
	}
	u := &Use{ID: ids.New(), LicenseID: l.ID, HolderID: l.HolderID, UserID: string(by.UserID),
		UserName: by.Name, OrgName: orgName, Purpose: "point_of_use", Scenario: scenario, Place: place, At: s.clock()}
	err = s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.AddLicenseUse(ctx, u); err != nil {
			return err
		}
		subject := ""
		if l.HolderKind == HolderPerson {
			subject = string(l.HolderID)
		}
		return s.audit.Record(ctx, by, "license.used_at_point", audit.Target{Type: "license", ID: string(l.ID),
			Region: string(l.Region), Subject: subject}, map[string]any{"number": l.Number, "scenario": scenario, "place": place, "org": orgName})
	})
	if err != nil {
		return nil, err
	}
	out.Recorded = RecordedHolder
	return out, nil
}
