package bridge_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/digigov/digigov/internal/sensing"
	"github.com/digigov/digigov/internal/sensing/bridge"
)

func startServer(t *testing.T, o server.Options) *server.Server {
	t.Helper()
	o.Host, o.Port, o.JetStream, o.StoreDir, o.NoLog, o.NoSigs = "127.0.0.1", server.RANDOM_PORT, true, t.TempDir(), true, true
	srv, err := server.NewServer(&o)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready")
	}
	t.Cleanup(srv.Shutdown)
	return srv
}

func nop(context.Context, []sensing.Input, []sensing.Rejection) (*sensing.Report, error) {
	return &sensing.Report{}, nil
}

// An external cluster that wants TLS with its own CA and a password: the
// bridge connects with --nats-ca and the password in the URL, and creates
// the stream with the replicas asked for; three replicas on a lone server
// are refused at start, not silently reduced.
func TestExternalClusterSettings(t *testing.T) {
	dir := t.TempDir()
	caFile, cert := selfSigned(t, dir)
	srv := startServer(t, server.Options{Username: "digigov", Password: "s3cret",
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, TLSTimeout: 5})
	addr := srv.Addr().(*net.TCPAddr)
	url := "tls://digigov:s3cret@127.0.0.1:" + strconv.Itoa(addr.Port)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	if _, err := bridge.Start(context.Background(), bridge.Options{URL: url, Log: log, Ingest: nop}); err == nil {
		t.Fatal("connected over TLS without the cluster's CA")
	}
	b, err := bridge.Start(context.Background(), bridge.Options{URL: url, CA: caFile, Replicas: 1, Log: log, Ingest: nop})
	if err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	b.Close()
	nc, err := nats.Connect(url, nats.RootCAs(caFile))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	st, err := js.Stream(context.Background(), bridge.Stream)
	if err != nil || st.CachedInfo().Config.Replicas != 1 {
		t.Fatalf("stream: %v", err)
	}
	_, err = bridge.Start(context.Background(), bridge.Options{URL: url, CA: caFile, Replicas: 3, Log: log, Ingest: nop})
	if err == nil || !strings.Contains(err.Error(), "stream") {
		t.Errorf("three replicas on one server: %v, want the stream refused", err)
	}
}

// selfSigned writes a self-signed certificate for 127.0.0.1 as a CA file
// and returns it with its key.
func selfSigned(t *testing.T, dir string) (string, tls.Certificate) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "nats test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "ca.pem")
	os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	return f, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
