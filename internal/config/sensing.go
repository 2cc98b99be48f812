package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
	// NATSCreds is a NATS user credentials file (JWT and NKey seed, as
	// `nsc` writes it) for the external cluster; "" for none (a user and
	// password, or a token, may be in NATSURL).
	NATSCreds string
	// NATSCA is a PEM file of the certificate authorities that sign the
	// external cluster's TLS certificates, when not the system's; "" for
	// the system's. A tls:// URL asks for TLS.
	NATSCA string
	// NATSReplicas is how many of the external cluster's servers keep the
	// readings stream (JetStream replicas, 1–5; 3 in a three-server
	// cluster survives the loss of one). The embedded server keeps one.
	NATSReplicas int
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
	fs.StringVar(&c.NATSCreds, "nats-creds", env("DIGIGOV_NATS_CREDS"), "NATS user credentials file (JWT and seed) for the external cluster (DIGIGOV_NATS_CREDS)")
	fs.StringVar(&c.NATSCA, "nats-ca", env("DIGIGOV_NATS_CA"), "PEM file of the CAs of the external cluster's TLS certificates; default: the system's (DIGIGOV_NATS_CA)")
	replicas := 1
	if n, err := strconv.Atoi(env("DIGIGOV_NATS_REPLICAS")); err == nil {
		replicas = n
	}
	fs.IntVar(&c.NATSReplicas, "nats-replicas", replicas, "servers of the external cluster keeping the readings stream, 1-5 (DIGIGOV_NATS_REPLICAS)")
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
	if c.NATSReplicas == 0 {
		c.NATSReplicas = 1
	}
	// Each of a cluster's seed URLs, comma-separated as nats.Connect takes
	// them; the error never repeats a URL (it may hold a password).
	if c.NATSURL != "" {
		for i, raw := range strings.Split(c.NATSURL, ",") {
			u, err := url.Parse(strings.TrimSpace(raw))
			if err != nil || u.Host == "" || !slices.Contains([]string{"nats", "tls", "ws", "wss"}, u.Scheme) {
				return fmt.Errorf("nats-url: URL %d: want nats://host:port (or tls://, ws://, wss://), comma-separated for several servers", i+1)
			}
		}
	}
	if (c.NATSCreds != "" || c.NATSCA != "" || c.NATSReplicas != 1) && c.NATSURL == "" {
		return fmt.Errorf("nats-creds, nats-ca, nats-replicas: only with nats-url (an external cluster)")
	}
	if c.NATSReplicas < 1 || c.NATSReplicas > 5 {
		return fmt.Errorf("nats-replicas %d: want 1 to 5", c.NATSReplicas)
	}
	for name, f := range map[string]string{"nats-creds": c.NATSCreds, "nats-ca": c.NATSCA} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// NATSURLRedacted is NATSURL with any password replaced by "xxxxx", for
// logs.
func (c *Sensing) NATSURLRedacted() string {
	parts := strings.Split(c.NATSURL, ",")
	for i, raw := range parts {
		if u, err := url.Parse(strings.TrimSpace(raw)); err == nil {
			if u.User != nil {
				if _, has := u.User.Password(); !has {
					u.User = url.UserPassword("xxxxx", "") // a token alone
					parts[i] = strings.Replace(u.String(), "xxxxx:@", "xxxxx@", 1)
					continue
				}
			}
			parts[i] = u.Redacted()
		} else {
			parts[i] = "(malformed)"
		}
	}
	return strings.Join(parts, ",")
}

// Bus reports whether a NATS bus is configured (embedded or external).
func (c *Sensing) Bus() bool { return c.MQTTAddr != "" || c.NATSAddr != "" || c.NATSURL != "" }

// NATSDir is where the embedded NATS server keeps its JetStream files.
func (c *Config) NATSDir() string { return filepath.Join(c.DataDir, "nats") }
