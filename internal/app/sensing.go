package app

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/sensing/bridge"
)

// SensingProvince is the province whose default alert rules a node seeds:
// this deployment is Guangdong's.
const SensingProvince region.Code = "44"

// buildSensing constructs the indicators service and seeds the default
// rules.
func (a *App) buildSensing(ctx context.Context) error {
	a.Sensing = sensing.NewService(sensing.Deps{Store: a.Store, Tx: a.DB, Audit: a.Audit, Regions: a.Regions, Now: a.now})
	return a.Sensing.SeedDefaultRules(ctx, SensingProvince)
}

// StartSensingBus starts the readings bus the configuration asks for (the
// embedded NATS server with JetStream and MQTT, or an external cluster)
// and its consumer. It returns nil and no error when no bus is configured.
func (a *App) StartSensingBus(ctx context.Context) (*bridge.Bridge, error) {
	c := a.Cfg.Sensing
	if !c.Bus() {
		return nil, nil
	}
	actor := audit.System("mqtt")
	b, err := bridge.Start(ctx, bridge.Options{
		MQTTAddr: c.MQTTAddr, NATSAddr: c.NATSAddr, URL: c.NATSURL, Creds: c.NATSCreds, CA: c.NATSCA, Replicas: c.NATSReplicas,
		StoreDir: a.Cfg.NATSDir(), Log: a.Log,
		Ingest: func(ctx context.Context, in []sensing.Input, bad []sensing.Rejection) (*sensing.Report, error) {
			return a.Sensing.IngestAs(ctx, actor, in, bad)
		},
		Allow: a.mqttAllow,
	})
	if err != nil {
		return nil, err
	}
	a.Log.Info("readings bus started", "mqtt", c.MQTTAddr, "nats_url", c.NATSURLRedacted(), "replicas", c.NATSReplicas)
	return b, nil
}

// mqttAllow admits an MQTT client whose password is an API token of an
// account holding sensing.ingest, limited to the stations within its
// scopes (all stations for a province-wide grant).
func (a *App) mqttAllow(ctx context.Context, token string) ([]string, bool) {
	by, err := a.Identity.CallerByAPIToken(ctx, token)
	if err != nil || identity.Authorize(by, identity.PermSensingIngest, "") != nil {
		return nil, false
	}
	scopes := by.Scopes(identity.PermSensingIngest)
	for _, sc := range scopes {
		if region.LevelOf(sc) == region.Province {
			return bridge.AllSubjects(), true
		}
	}
	codes, err := a.Sensing.StationCodes(ctx, scopes)
	if err != nil || len(codes) == 0 {
		return nil, false
	}
	return bridge.StationSubjects(codes), true
}

// pruneSensing folds closed hours' minute roll-ups into hour roll-ups
// every minute (sensing.Service.FoldRollups; every instance may run it,
// the fold serialises on a row) and deletes old minute roll-ups every
// hour, until ctx ends.
func (a *App) pruneSensing(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	var pruned time.Time
	for {
		if n, err := a.Sensing.FoldRollups(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("fold roll-ups", "err", err)
		} else if n > 0 {
			a.Log.Info("folded minute roll-ups into hours", "hours", n)
		}
		if time.Since(pruned) >= time.Hour {
			pruned = time.Now()
			if n, err := a.Sensing.PruneRollups(ctx); err != nil {
				a.Log.Warn("prune roll-ups", "err", err)
			} else if n > 0 {
				a.Log.Info("pruned minute roll-ups", "rows", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// startSensing starts the readings bus (if configured) and the roll-ups'
// fold and pruning; the returned function stops both.
func (a *App) startSensing(ctx context.Context) (stop func(), err error) {
	b, err := a.StartSensingBus(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.pruneSensing(ctx)
	}()
	return func() {
		cancel()
		<-done
		if b != nil {
			b.Close()
		}
	}, nil
}
