package web

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/digigov/digigov/internal/jobs"
)

// outboxCollector reads the outbox's backlog and failures from the database
// at each scrape, so every instance reports the same numbers whichever of
// them dispatches.
type outboxCollector struct {
	stats                   func(context.Context) (jobs.Stats, error)
	log                     *slog.Logger
	pending, failed, oldest *prometheus.Desc
}

func newOutboxCollector(stats func(context.Context) (jobs.Stats, error), log *slog.Logger) *outboxCollector {
	return &outboxCollector{stats: stats, log: log,
		pending: prometheus.NewDesc("digigov_outbox_pending", "Outbox events of handled topics not yet processed (due or waiting for a retry).", nil, nil),
		failed:  prometheus.NewDesc("digigov_outbox_failed", "Outbox events given up after their last attempt; see docs/operations.md.", nil, nil),
		oldest:  prometheus.NewDesc("digigov_outbox_oldest_pending_seconds", "Age of the oldest pending outbox event (0 when none).", nil, nil),
	}
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.failed
	ch <- c.oldest
}

// Collect queries the database; when it cannot, the gauges are left out
// (and the failure logged) rather than failing the whole scrape.
func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := c.stats(ctx)
	if err != nil {
		c.log.Warn("outbox metrics", "err", err)
		return
	}
	age := 0.0
	if !st.OldestPending.IsZero() {
		age = max(time.Since(st.OldestPending).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(st.Pending))
	ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(st.Failed))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
}
