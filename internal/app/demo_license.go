package app

import (
	"context"
	"fmt"
	"sort"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/seal"
)

// demoBusinessSeals are the demo 业务专用章, beside the 公章 every demo body
// gets: international algorithms on two of them, so that verifiers without
// SM2 have licences to check.
var demoBusinessSeals = []struct {
	org, name string
	alg       seal.Alg
}{
	{"4401-market_regulation", "行政审批专用章", seal.EdDSA},
	{"gz-hrss", "证照专用章", seal.ES256},
	{"440106-civil_affairs", "婚姻登记专用章", seal.SM2},
}

// seedDemoSeals gives every demo body a 公章 (SM2) and some bodies a
// 业务专用章.
func (a *App) seedDemoSeals(ctx context.Context, actor audit.Actor, orgs map[string]*identity.Organization) error {
	keys := make([]string, 0, len(orgs))
	for k := range orgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, err := a.Seals.CreateAs(ctx, actor, seal.NewSeal{OrgID: orgs[k].ID, Kind: seal.Official}); err != nil {
			return fmt.Errorf("demo seal of %s: %w", orgs[k].Name, err)
		}
	}
	for _, b := range demoBusinessSeals {
		org, ok := orgs[b.org]
		if !ok {
			return fmt.Errorf("demo seal: no organisation %s", b.org)
		}
		if _, err := a.Seals.CreateAs(ctx, actor, seal.NewSeal{OrgID: org.ID, Kind: seal.Business, Name: b.name, Alg: b.alg}); err != nil {
			return fmt.Errorf("demo seal %s: %w", b.name, err)
		}
	}
	return nil
}

// seedDemoLicensing creates the demo seals and licences.
func (a *App) seedDemoLicensing(ctx context.Context, actor audit.Actor, orgs map[string]*identity.Organization) error {
	return a.seedDemoSeals(ctx, actor, orgs)
}
