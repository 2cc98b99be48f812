package app

import (
	"net/url"

	"github.com/digigov/digigov/internal/emergency"
)

// buildEmergency constructs the emergencies service. Its CAP sender is
// "emergency@" and the public address's host, so that alerts from two
// deployments never share identifiers.
func (a *App) buildEmergency() {
	sender := ""
	if u, err := url.Parse(a.Cfg.PublicURL); err == nil && u.Hostname() != "" {
		sender = "emergency@" + u.Hostname()
	}
	a.Emergency = emergency.NewService(emergency.Deps{Store: a.Store, Tx: a.DB, Audit: a.Audit, Directory: a.Identity,
		Calendar: a.Calendar, Regions: a.Regions, Sensing: a.Sensing, Events: a.Governance, Sender: sender, Now: a.now})
}
