package config

import (
	"flag"
	"fmt"
	"net"
	"path/filepath"
)

// Sensing configures the indicators' message bus and the cockpit's maps.
type Sensing struct {
	// MQTTAddr is where the embedded NATS server listens for MQTT sensors
	// (host:port); "" leaves MQTT off. Setting it (or NATSAddr) starts the
	// embedded server, with JetStream in DataDir/nats.
	MQTTAddr string
	// NATSAddr is where the embedded server listens for NATS clients; ""
	// picks a loopback port only the node itself uses.
	NATSAddr string
	// NATSURL is an external NATS cluster (nats://host:4222): the node
	// reads readings from it instead of embedding a server. MQTT is then
	// the cluster's own listener.
	NATSURL string
	// CockpitMaps is a directory of GeoJSON maps that replace the embedded
	// ones: 44.json for the province, 4401.json … for a city's counties
	// (a reviewed map, 审图号, for a government deployment). "" uses the
	// embedded province map and tables below it.
	CockpitMaps string
}

// sensingFlags registers the sensing flags on fs.
func sensingFlags(fs *flag.FlagSet, env Env, c *Sensing) {
	fs.StringVar(&c.MQTTAddr, "mqtt-addr", env("DIGIGOV_MQTT_ADDR"), "MQTT listener of the embedded NATS server for sensors, host:port; off when empty (DIGIGOV_MQTT_ADDR)")
	fs.StringVar(&c.NATSAddr, "nats-addr", env("DIGIGOV_NATS_ADDR"), "NATS listener of the embedded server, host:port; empty: loopback, any port (DIGIGOV_NATS_ADDR)")
	fs.StringVar(&c.NATSURL, "nats-url", env("DIGIGOV_NATS_URL"), "external NATS cluster to read readings from instead of the embedded server (DIGIGOV_NATS_URL)")
	fs.StringVar(&c.CockpitMaps, "cockpit-maps", env("DIGIGOV_COCKPIT_MAPS"), "directory of GeoJSON maps for the cockpit (44.json, 4401.json…); default: the embedded Guangdong map (DIGIGOV_COCKPIT_MAPS)")
}

// finish checks the sensing settings.
func (c *Sensing) finish() error {
	for name, addr := range map[string]string{"mqtt-addr": c.MQTTAddr, "nats-addr": c.NATSAddr} {
		if addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return fmt.Errorf("%s %q: want host:port", name, addr)
		}
	}
	if c.NATSURL != "" && (c.MQTTAddr != "" || c.NATSAddr != "") {
		return fmt.Errorf("nats-url: an external NATS cluster and an embedded server's listeners are exclusive")
	}
	return nil
}

// Bus reports whether a NATS bus is configured (embedded or external).
func (c *Sensing) Bus() bool { return c.MQTTAddr != "" || c.NATSAddr != "" || c.NATSURL != "" }

// NATSDir is where the embedded NATS server keeps its JetStream files.
func (c *Config) NATSDir() string { return filepath.Join(c.DataDir, "nats") }
