package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An external NATS cluster: several seed URLs, a credentials file, a CA
// file and stream replicas; settings that need the cluster are refused
// without it; no error or log line repeats a password.
func TestNATSCluster(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "digigov.creds")
	os.WriteFile(creds, []byte("-----BEGIN NATS USER JWT-----\n"), 0o600)
	parse := func(env map[string]string, args ...string) (*Config, error) {
		get := func(k string) string { return env[k] }
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		c := Flags(fs, get)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return c, c.Finish(get)
	}
	c, err := parse(nil)
	if err != nil || c.Sensing.NATSReplicas != 1 || c.Sensing.Bus() {
		t.Fatalf("default: %+v %v", c.Sensing, err)
	}
	c, err = parse(map[string]string{"DIGIGOV_NATS_URL": "nats://digigov:s3cret@nats-1:4222, nats://nats-2:4222,tls://nats-3:4222",
		"DIGIGOV_NATS_CREDS": creds, "DIGIGOV_NATS_REPLICAS": "3"})
	if err != nil || c.Sensing.NATSReplicas != 3 || c.Sensing.NATSCreds != creds {
		t.Fatalf("a cluster: %+v %v", c.Sensing, err)
	}
	if got := c.Sensing.NATSURLRedacted(); strings.Contains(got, "s3cret") || !strings.Contains(got, "nats-3:4222") {
		t.Errorf("redacted: %q", got)
	}
	tok := Sensing{NATSURL: "nats://t0ken@nats-1:4222"}
	if got := tok.NATSURLRedacted(); strings.Contains(got, "t0ken") {
		t.Errorf("a token URL redacted: %q", got)
	}
	for name, tc := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"replicas without a cluster": {env: map[string]string{"DIGIGOV_NATS_REPLICAS": "3"}},
		"creds without a cluster":    {args: []string{"-nats-creds", creds}},
		"six replicas":               {env: map[string]string{"DIGIGOV_NATS_URL": "nats://a:4222"}, args: []string{"-nats-replicas", "6"}},
		"a missing creds file":       {env: map[string]string{"DIGIGOV_NATS_URL": "nats://a:4222", "DIGIGOV_NATS_CREDS": "/nonexistent"}},
		"a URL without a scheme":     {env: map[string]string{"DIGIGOV_NATS_URL": "nats://u:s3cret@a:4222,b:4222"}},
		"an http URL":                {env: map[string]string{"DIGIGOV_NATS_URL": "http://a:4222"}},
	} {
		_, err := parse(tc.env, tc.args...)
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the password: %v", name, err)
		}
	}
}
