// Package bridge carries sensor readings from a NATS bus into the sensing
// service. Sensors speak MQTT: they publish to digigov/readings/<station>/
// <metric>, which NATS's MQTT listener maps to the subject
// digigov.readings.<station>.<metric>. A JetStream stream keeps those
// messages durably until the node has stored them, so a restart loses no
// reading; a durable pull consumer takes them in batches and hands each
// batch to the same ingestion path as HTTP.
//
// The bus is either a NATS server embedded in the node (with JetStream in
// the data directory and, when configured, its MQTT listener) or an
// external NATS cluster given by URL. With several nodes on one cluster the
// durable consumer is shared: each message is stored by one node.
//
// MQTT clients of the embedded server sign in with an API token as the
// password (any user name). The token's account needs sensing.ingest; the
// client may then publish only to the topics of the stations within that
// grant's scope, checked again every few seconds while it stays connected
// (recheck.go): a station added or disabled, a grant or token withdrawn,
// takes effect without the sensor reconnecting.
package bridge

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/digigov/digigov/internal/sensing"
)

// Subject is the NATS subject space of readings; MQTT topic
// digigov/readings/S/m is subject digigov.readings.S.m.
const (
	Subject  = "digigov.readings"
	Stream   = "DIGIGOV_READINGS"
	Consumer = "digigov-ingest"
)

// Options configure a Bridge.
type Options struct {
	MQTTAddr string // embedded: MQTT listener host:port, "" for none
	NATSAddr string // embedded: NATS listener host:port, "" for loopback on any port
	URL      string // external cluster; the embedded server is not started
	Creds    string // external: NATS user credentials file, "" for none
	CA       string // external: PEM file of the CAs of its TLS certificates, "" for the system's
	Replicas int    // external: servers keeping the stream (JetStream replicas); default 1
	StoreDir string // embedded: JetStream files
	Log      *slog.Logger

	// Ingest stores a batch of readings (sensing.Service.IngestAs).
	Ingest func(ctx context.Context, in []sensing.Input, bad []sensing.Rejection) (*sensing.Report, error)
	// Allow checks an MQTT client's password (an API token) and returns the
	// subjects it may publish to; ok false refuses the connection.
	Allow func(ctx context.Context, token string) (subjects []string, ok bool)

	Batch   int           // messages per fetch; default 1000
	MaxWait time.Duration // how long a fetch waits for a full batch; default 100 ms
	// Recheck is how often connected MQTT clients' topics are checked
	// again with Allow; default 2 s.
	Recheck time.Duration
}

// Bridge is a running bus connection with its consumer.
type Bridge struct {
	opt    Options
	srv    *server.Server // nil with an external cluster
	auth   *auth          // the embedded server's client check; nil with an external cluster
	nc     *nats.Conn
	js     jetstream.JetStream
	cancel context.CancelFunc
	done   chan struct{}
	// rechecking is closed when the recheck loop ends; nil without one.
	rechecking chan struct{}
}

// Start connects (starting the embedded server if no URL is given),
// creates the stream and the durable consumer if they do not exist, and
// starts consuming.
func Start(ctx context.Context, opt Options) (*Bridge, error) {
	if opt.Batch <= 0 {
		opt.Batch = 1000
	}
	if opt.MaxWait <= 0 {
		opt.MaxWait = 100 * time.Millisecond
	}
	if opt.Recheck <= 0 {
		opt.Recheck = 2 * time.Second
	}
	if opt.Replicas <= 0 || opt.URL == "" {
		opt.Replicas = 1
	}
	b := &Bridge{opt: opt, done: make(chan struct{})}
	url, connOpts := opt.URL, []nats.Option{nats.Name("digigov-bridge"), nats.MaxReconnects(-1)}
	if opt.Creds != "" {
		connOpts = append(connOpts, nats.UserCredentials(opt.Creds))
	}
	if opt.CA != "" {
		connOpts = append(connOpts, nats.RootCAs(opt.CA))
	}
	if url == "" {
		secret := make([]byte, 24)
		rand.Read(secret)
		internal := hex.EncodeToString(secret)
		b.auth = &auth{internal: internal, allow: opt.Allow, clients: map[uint64]*mqttClient{}}
		srv, err := embedded(opt, b.auth)
		if err != nil {
			return nil, err
		}
		b.srv, url = srv, srv.ClientURL()
		connOpts = append(connOpts, nats.UserInfo(internalUser, internal), nats.InProcessServer(srv))
	}
	nc, err := nats.Connect(url, connOpts...)
	if err != nil {
		b.shutdownServer()
		return nil, fmt.Errorf("nats: %w", err)
	}
	b.nc = nc
	if b.js, err = jetstream.New(nc); err != nil {
		b.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := b.js.CreateOrUpdateStream(cctx, jetstream.StreamConfig{
		Name: Stream, Subjects: []string{Subject + ".>"}, Storage: jetstream.FileStorage,
		Retention: jetstream.WorkQueuePolicy, MaxAge: 7 * 24 * time.Hour, Replicas: opt.Replicas,
	}); err != nil {
		b.Close()
		return nil, fmt.Errorf("jetstream stream: %w", err)
	}
	cons, err := b.js.CreateOrUpdateConsumer(cctx, Stream, jetstream.ConsumerConfig{
		Durable: Consumer, AckPolicy: jetstream.AckExplicitPolicy, AckWait: 30 * time.Second, MaxAckPending: 20 * opt.Batch,
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("jetstream consumer: %w", err)
	}
	rctx, rcancel := context.WithCancel(context.Background())
	b.cancel = rcancel
	go b.run(rctx, cons)
	if b.srv != nil && opt.Allow != nil {
		b.rechecking = make(chan struct{})
		go b.recheckLoop(rctx)
	}
	return b, nil
}

const internalUser = "digigov-internal"

// embedded starts the in-process NATS server.
func embedded(opt Options, a *auth) (*server.Server, error) {
	so := &server.Options{ServerName: "digigov", Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: opt.StoreDir, NoSigs: true, NoLog: true, CustomClientAuthentication: a}
	if opt.NATSAddr != "" {
		host, port, err := splitHostPort(opt.NATSAddr)
		if err != nil {
			return nil, err
		}
		so.Host, so.Port = host, port
	}
	if opt.MQTTAddr != "" {
		host, port, err := splitHostPort(opt.MQTTAddr)
		if err != nil {
			return nil, err
		}
		so.MQTT.Host, so.MQTT.Port = host, port
	}
	srv, err := server.NewServer(so)
	if err != nil {
		return nil, fmt.Errorf("nats server: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("nats server: not ready after 10 s (is the MQTT or NATS port taken?)")
	}
	return srv, nil
}

func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return "", 0, fmt.Errorf("port %q: %w", p, err)
	}
	if host == "" {
		host = "0.0.0.0"
	}
	return host, port, nil
}

// auth admits the bridge's own connection with its secret, and MQTT
// clients with an API token that may ingest, limited to their stations.
// It remembers the clients it admitted so that recheck can narrow or widen
// their topics while they stay connected.
type auth struct {
	internal string
	allow    func(ctx context.Context, token string) ([]string, bool)

	mu      sync.Mutex
	clients map[uint64]*mqttClient // by NATS client ID
}

func (a *auth) Check(c server.ClientAuthentication) bool {
	o := c.GetOpts()
	if o.Username == internalUser {
		return o.Password == a.internal
	}
	if c.Kind() != server.CLIENT || a.allow == nil {
		return false
	}
	token := o.Password
	if token == "" {
		token = o.Token
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	subjects, ok := a.allow(ctx, token)
	if !ok {
		return false
	}
	c.RegisterUser(&server.User{Username: o.Username, Permissions: permissions(subjects)})
	a.mu.Lock()
	a.clients[c.GetID()] = &mqttClient{c: c, token: token, subjects: subjects}
	a.mu.Unlock()
	return true
}

// permissions lets a client publish to subjects (nothing when empty) and
// subscribe to nothing.
func permissions(subjects []string) *server.Permissions {
	pub := &server.SubjectPermission{Allow: subjects}
	if len(subjects) == 0 {
		pub = &server.SubjectPermission{Deny: []string{">"}}
	}
	return &server.Permissions{Publish: pub, Subscribe: &server.SubjectPermission{Deny: []string{">"}}}
}

// StationSubjects are the subjects of stations' readings.
func StationSubjects(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = Subject + "." + c + ".*"
	}
	return out
}

// AllSubjects is every station's readings.
func AllSubjects() []string { return []string{Subject + ".>"} }

// run fetches batches until ctx ends.
func (b *Bridge) run(ctx context.Context, cons jetstream.Consumer) {
	defer close(b.done)
	for ctx.Err() == nil {
		batch, err := cons.Fetch(b.opt.Batch, jetstream.FetchMaxWait(b.opt.MaxWait))
		if err != nil {
			if ctx.Err() == nil {
				b.opt.Log.Warn("readings bus: fetch", "err", err)
				time.Sleep(time.Second)
			}
			continue
		}
		var msgs []jetstream.Msg
		for m := range batch.Messages() {
			msgs = append(msgs, m)
		}
		if len(msgs) > 0 {
			b.handle(ctx, msgs)
		}
	}
}

// handle stores one batch and acknowledges it; on a store error the
// messages are redelivered later (duplicates are then skipped by key).
func (b *Bridge) handle(ctx context.Context, msgs []jetstream.Msg) {
	in := make([]sensing.Input, 0, len(msgs))
	var bad []sensing.Rejection
	for i, m := range msgs {
		x, ok := Decode(m.Subject(), m.Data())
		if !ok {
			bad = append(bad, sensing.Rejection{Line: i + 1, Reason: "sensing.line_malformed"})
			continue
		}
		x.Line = i + 1
		in = append(in, x)
	}
	rep, err := b.opt.Ingest(ctx, in, bad)
	if err != nil {
		b.opt.Log.Error("readings bus: store", "err", err, "messages", len(msgs))
		for _, m := range msgs {
			m.NakWithDelay(5 * time.Second)
		}
		return
	}
	for _, m := range msgs {
		m.Ack()
	}
	if len(rep.Rejected) > 0 {
		first := rep.Rejected[0]
		b.opt.Log.Warn("readings bus: readings rejected", "rejected", len(rep.Rejected), "accepted", rep.Accepted,
			"first_reason", first.Reason, "first_station", first.Station, "first_metric", first.Metric)
	}
}

// Decode reads a message on digigov.readings.<station>.<metric>. The
// payload is a JSON object {"value": 12.5, "ts": 1767225600} (ts optional,
// seconds or RFC 3339) or a bare number.
func Decode(subject string, data []byte) (sensing.Input, bool) {
	rest, ok := strings.CutPrefix(subject, Subject+".")
	if !ok {
		return sensing.Input{}, false
	}
	station, metric, ok := strings.Cut(rest, ".")
	if !ok || station == "" || metric == "" || strings.Contains(metric, ".") {
		return sensing.Input{}, false
	}
	x := sensing.Input{Station: station, Metric: metric}
	data = []byte(strings.TrimSpace(string(data)))
	if v, err := strconv.ParseFloat(string(data), 64); err == nil {
		x.Value = &v
		return x, true
	}
	var body struct {
		Value *float64     `json:"value"`
		Time  sensing.Time `json:"ts"`
	}
	if err := json.Unmarshal(data, &body); err != nil || body.Value == nil {
		return sensing.Input{}, false
	}
	x.Value, x.Time = body.Value, body.Time
	return x, true
}

// Publish sends one reading on the bus (for tests and tools).
func (b *Bridge) Publish(station, metric string, payload []byte) error {
	return b.nc.Publish(Subject+"."+station+"."+metric, payload)
}

// Close stops consuming, then closes the connection and the embedded
// server.
func (b *Bridge) Close() {
	if b.cancel != nil {
		b.cancel()
		<-b.done
		if b.rechecking != nil {
			<-b.rechecking
		}
	}
	if b.nc != nil {
		b.nc.Close()
	}
	b.shutdownServer()
}

func (b *Bridge) shutdownServer() {
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
}
