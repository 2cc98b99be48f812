package sensing_test

import (
	"fmt"
	"io"
	"os/exec"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/store/storetest"
)

// A sensor stays connected over MQTT (mosquitto_pub -l: one connection,
// a message per line) while the stations change: a station added within
// its token's scope after it connected takes its readings within a few
// seconds, a station disabled stops taking them and takes them again once
// enabled, all without the sensor reconnecting.
func TestMQTTTopicsFollowStationChanges(t *testing.T) {
	pub := mqttClient(t)
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := start(t, eng)
			port := freePort(t)
			e.n.App.Cfg.Sensing.MQTTAddr = fmt.Sprintf("127.0.0.1:%d", port)
			b, err := e.n.App.StartSensingBus(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(b.Close)
			duty := e.n.Token(t, "duty") // sensing.ingest over 广州

			// sensor keeps one connection publishing to station's rainfall.
			sensor := func(station string) (send func(v float64), alive func() bool) {
				cmd := exec.Command(pub, "-h", "127.0.0.1", "-p", fmt.Sprint(port), "-u", "sensor", "-P", duty, "-q", "1",
					"-l", "-t", "digigov/readings/"+station+"/rainfall")
				in, err := cmd.StdinPipe()
				if err != nil {
					t.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				exited := make(chan struct{})
				go func() { cmd.Wait(); close(exited) }()
				t.Cleanup(func() { in.Close(); cmd.Process.Kill(); <-exited })
				ts := time.Now().Unix() - 600
				send = func(v float64) {
					ts++
					if _, err := io.WriteString(in, fmt.Sprintf(`{"value": %g, "ts": %d}`+"\n", v, ts)); err != nil {
						t.Fatalf("%s's sensor: %v", station, err)
					}
				}
				alive = func() bool {
					select {
					case <-exited:
						return false
					default:
						return true
					}
				}
				return send, alive
			}
			stored := func(station string, v float64) bool {
				now := time.Now().Unix()
				rs, err := e.n.App.Sensing.StationReadings(e.ctx, e.n.Caller(t, "duty"), station, "rainfall", now-3600, now+60, 1000)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rs {
					if r.Value == v {
						return true
					}
				}
				return false
			}
			// until sends v every half second until it is stored, or says
			// it was not within the wait.
			until := func(station string, send func(float64), v float64, wait time.Duration) bool {
				deadline := time.Now().Add(wait)
				for time.Now().Before(deadline) {
					send(v)
					time.Sleep(500 * time.Millisecond)
					if stored(station, v) {
						return true
					}
				}
				return false
			}

			// A station that does not exist yet: its sensor connects first.
			late := "GZ-LATE-RAIN-01"
			sendLate, aliveLate := sensor(late)
			time.Sleep(time.Second)
			if _, err := e.n.App.Sensing.CreateStationAs(e.ctx, audit.System("test"), sensing.NewStation{Code: late,
				Name: "南沙区新建雨量站", Region: "440115", Lat: 22.8, Lon: 113.5, Metrics: []string{"rainfall"}}); err != nil {
				t.Fatal(err)
			}
			if !until(late, sendLate, 91, 10*time.Second) {
				t.Fatal("a station added after its sensor connected took no reading within 10 s")
			}
			if !aliveLate() {
				t.Fatal("the sensor's connection ended")
			}

			// Disabled: the same connection's readings stop; enabled: they
			// come through again.
			sendOld, aliveOld := sensor("GZ-NS-RAIN-01")
			if !until("GZ-NS-RAIN-01", sendOld, 95.5, 10*time.Second) {
				t.Fatal("GZ-NS-RAIN-01's sensor is not heard")
			}
			set := func(disabled bool) {
				t.Helper()
				st, err := e.n.App.Store.StationByCode(e.ctx, "GZ-NS-RAIN-01")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := e.n.App.Sensing.UpdateStation(e.ctx, e.n.Caller(t, "duty"), st.Code, sensing.NewStation{Code: st.Code,
					Name: st.Name, Region: string(st.Region), Lat: st.Lat, Lon: st.Lon, Metrics: st.Metrics, Disabled: disabled}); err != nil {
					t.Fatal(err)
				}
			}
			set(true)
			if until("GZ-NS-RAIN-01", sendOld, 96.5, 4*time.Second) {
				t.Fatal("a disabled station took a reading")
			}
			set(false)
			if !until("GZ-NS-RAIN-01", sendOld, 97.5, 10*time.Second) {
				t.Fatal("a station enabled again took no reading from its connected sensor within 10 s")
			}
			if !aliveOld() {
				t.Fatal("the sensor's connection ended")
			}
		})
	}
}
