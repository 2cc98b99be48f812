package app

import (
	"context"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/platform/ids"
)

// caseLicenses is the cases domain's port to electronic licences (免提交,
// cases.Licenses), served by the licence domain. Cases sit below license in
// the import order and are built first (license reads cases), so the port
// reaches a.Licenses when it is called, not when it is wired.
type caseLicenses struct{ a *App }

var _ cases.Licenses = caseLicenses{}

func (p caseLicenses) Usable(ctx context.Context, holderID ids.ID, types []string) ([]cases.LicenseRef, error) {
	return p.a.Licenses.Usable(ctx, holderID, types)
}

func (p caseLicenses) CheckUsable(ctx context.Context, holderID, id ids.ID, types []string) (*cases.LicenseRef, error) {
	return p.a.Licenses.CheckUsable(ctx, holderID, id, types)
}

func (p caseLicenses) GrantCase(ctx context.Context, by audit.Actor, c *cases.Case) error {
	return p.a.Licenses.GrantCase(ctx, by, c)
}
