package sensing_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/storetest"
)

// stream opens the cockpit's live stream with a token and returns a
// function reading the next "indicators" event's data (failing after
// wait).
func stream(t *testing.T, url, token string) func(wait time.Duration) map[string]any {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	t.Cleanup(func() { resp.Body.Close() })
	events := make(chan map[string]any, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		name := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && name == "indicators":
				var m map[string]any
				json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m)
				events <- m
			}
		}
		close(events)
	}()
	return func(wait time.Duration) map[string]any {
		t.Helper()
		select {
		case m, ok := <-events:
			if !ok {
				t.Fatal("stream ended")
			}
			return m
		case <-time.After(wait):
			t.Fatalf("no update within %s", wait)
		}
		return nil
	}
}

// indicator returns a metric's current value in an update.
func indicator(u map[string]any, metric string) any {
	for _, x := range u["sensing"].(map[string]any)["indicators"].([]any) {
		if m := x.(map[string]any); m["metric"] == metric {
			return m["value"]
		}
	}
	return nil
}

func TestLiveStreamDeliversUpdates(t *testing.T) {
	e := start(t, storetest.Engines(t)[0])
	duty := e.n.Token(t, "duty")
	next := stream(t, e.n.URL+"/cockpit/live?region=4401&metric=fire_alarms", duty)
	first := next(5 * time.Second)
	if first["sensing"].(map[string]any)["region"] != "4401" {
		t.Fatalf("first update is for %v", first["sensing"].(map[string]any)["region"])
	}
	before := indicator(first, "fire_alarms")
	// 12 fire alarms reported at 白云 now: the stream tells within a second,
	// with the new total and the red alert.
	sent := time.Now()
	v := 12.0
	rep, err := e.n.App.Sensing.IngestAs(e.ctx, audit.System("test"), []sensing.Input{{Line: 1, Station: "GZ-BY-FIRE-01", Metric: "fire_alarms", Value: &v}}, nil)
	if err != nil || rep.Accepted != 1 {
		t.Fatalf("ingest: %v %+v", err, rep)
	}
	// The one-second target is measured under load by bench/sselive; here
	// a loaded test machine gets some slack.
	u := next(3 * time.Second)
	t.Logf("update after %s", time.Since(sent).Round(time.Millisecond))
	after := indicator(u, "fire_alarms").(float64)
	if b, _ := before.(float64); after != b+12 {
		t.Errorf("fire alarms %v → %v, want +12", before, after)
	}
	alerts := u["sensing"].(map[string]any)["alerts"].([]any)
	if len(alerts) == 0 || alerts[0].(map[string]any)["station"] != "GZ-BY-FIRE-01" || alerts[0].(map[string]any)["level"] != 4.0 {
		t.Errorf("first alert is not 白云's red fire alert: %v", alerts)
	}
	// A region the viewer may not see has no stream; 深圳's readings do not
	// reach 广州's stream.
	req, _ := http.NewRequest(http.MethodGet, e.n.URL+"/cockpit/live?region=4403&metric=aqi", nil)
	req.Header.Set("Authorization", "Bearer "+duty)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 404 {
		t.Errorf("duty stream of 深圳: %v %v", err, resp.StatusCode)
	}
}

// mqttClient finds mosquitto_pub: DIGIGOV_TEST_MOSQUITTO names it (CI sets
// it, and then it must work), else it is looked up on PATH.
func mqttClient(t *testing.T) string {
	if p := os.Getenv("DIGIGOV_TEST_MOSQUITTO"); p != "" {
		return p
	}
	p, err := exec.LookPath("mosquitto_pub")
	if err != nil {
		t.Skip("mqtt: skipped, mosquitto_pub not found (apt-get install mosquitto-clients, or set DIGIGOV_TEST_MOSQUITTO)")
	}
	return p
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestMQTTPublishRaisesAlert(t *testing.T) {
	pub := mqttClient(t)
	e := start(t, storetest.Engines(t)[0])
	port := freePort(t)
	e.n.App.Cfg.Sensing.MQTTAddr = fmt.Sprintf("127.0.0.1:%d", port)
	b, err := e.n.App.StartSensingBus(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	duty := e.n.Token(t, "duty")
	publish := func(password, station, metric, payload string) error {
		out, err := exec.Command(pub, "-h", "127.0.0.1", "-p", fmt.Sprint(port), "-u", "sensor", "-P", password, "-q", "1",
			"-t", "digigov/readings/"+station+"/"+metric, "-m", payload).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	}
	// A wrong password is refused at connection.
	if err := publish("dg_wrong", "GZ-TH-RAIN-01", "rainfall", "90"); err == nil {
		t.Error("a wrong token could publish")
	}
	// 广州's duty officer publishes for a 广州 station and for 深圳's: only
	// the first is allowed through.
	publish(duty, "SZ-NS-RAIN-01", "rainfall", `{"value": 120}`)
	if err := publish(duty, "GZ-NS-RAIN-01", "rainfall", fmt.Sprintf(`{"value": 88.5, "ts": %d}`, time.Now().Unix())); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		as := e.alerts("GZ-NS-RAIN-01", sensing.Threshold)
		if len(as) > 0 && as[0].Value == 88.5 {
			if as[0].Level != sensing.Red {
				t.Errorf("alert level %v, want red", as[0].Level)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no red alert for the published reading: %+v", as)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, a := range e.alerts("SZ-NS-RAIN-01", sensing.Threshold) {
		if a.Value == 120 {
			t.Error("a 广州 token published a reading for a 深圳 station")
		}
	}
}
