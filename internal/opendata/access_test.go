package opendata

import (
	"testing"
	"time"
)

func TestValidContact(t *testing.T) {
	for c, want := range map[string]bool{
		"13912345678": true, "a.b@example.cn": true, "23912345678": false, "1391234567": false, "139123456789": false,
		"": false, "a@b": false, "@example.cn": false, "x y@example.cn": false, "<a>@example.cn": false, "张三": false,
	} {
		if got := validContact(c); got != want {
			t.Errorf("validContact(%q) = %v, want %v", c, got, want)
		}
	}
}

func TestApplicationStatus(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	a := &Application{State: AppPending, Due: now.Add(-time.Hour)}
	if a.Status(now) != AppPending || !a.Overdue(now) || a.Live(now) {
		t.Fatalf("pending past its deadline: %s overdue %v live %v", a.Status(now), a.Overdue(now), a.Live(now))
	}
	a.State, a.ExpiresAt = AppApproved, now.Add(time.Second)
	if a.Status(now) != AppApproved || !a.Live(now) || a.Overdue(now) {
		t.Fatalf("approved: %s live %v", a.Status(now), a.Live(now))
	}
	if later := now.Add(time.Second); a.Status(later) != "expired" || a.Live(later) {
		t.Fatalf("at expiry: %s live %v", a.Status(later), a.Live(later))
	}
	a.Contact = "13912345678"
	if got := a.MaskedContact(); got != "139****5678" {
		t.Fatalf("masked contact %q", got)
	}
}
