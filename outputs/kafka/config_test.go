package kafka

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/scram"
	"go.yaml.in/yaml/v3"

	"github.com/auditkit/auditkit/collector"
)

// spec is the OutputSpec the collector hands the factory for a section:
// strict decoding (an unknown key is an error).
func spec(t *testing.T, section string, dir string, log *slog.Logger) collector.OutputSpec {
	t.Helper()
	return collector.OutputSpec{Kind: Kind, Dir: dir, Logger: log, Decode: func(v any) error {
		dec := yaml.NewDecoder(strings.NewReader(section))
		dec.KnownFields(true)
		return dec.Decode(v)
	}}
}

// TestExampleConfig: the output section of examples/collect/kafka.yaml
// decodes strictly, passes --check-config and builds an output, through
// the factory registered as "kafka".
func TestExampleConfig(t *testing.T) {
	data, err := os.ReadFile("../../examples/collect/kafka.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Output map[string]yaml.Node `yaml:"output"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	node, ok := file.Output[Kind]
	if !ok {
		t.Fatalf("examples/collect/kafka.yaml has no output.kafka")
	}
	section, err := yaml.Marshal(&node)
	if err != nil {
		t.Fatal(err)
	}
	var got Config
	if err := spec(t, string(section), "", nil).Decode(&got); err != nil {
		t.Fatalf("strict decode of output.kafka: %v", err)
	}
	want := Config{Brokers: []string{"127.0.0.1:9092"}, Topic: "auditkit.{source}", ClientID: "auditkit", Acks: "all",
		DeliveryTimeout: time.Minute, AutoCreateTopics: true}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("output.kafka = %+v, want %+v", got, want)
	}

	f, ok := collector.LookupOutput(Kind)
	if !ok {
		t.Fatalf("output kind %q not registered; kinds: %v", Kind, collector.OutputKinds())
	}
	o, err := f(context.Background(), spec(t, string(section), "", nil), true)
	if err != nil || o != nil {
		t.Fatalf("check = %v, %v; want nil, nil", o, err)
	}
	o, err = f(context.Background(), spec(t, string(section), "", nil), false)
	if err != nil {
		t.Fatalf("factory: %v", err)
	}
	if _, ok := o.(*Output); !ok {
		t.Fatalf("factory built a %T", o)
	}
	o.Close()
}

// TestConfigErrors: each bad section is refused by --check-config and by
// New with a clear message, and a password written out is not repeated.
func TestConfigErrors(t *testing.T) {
	t.Setenv("KAFKA_TEST_USER", "svc")
	os.Unsetenv("KAFKA_TEST_UNSET")
	const base = "brokers: [k:9092]\ntopic: a.{source}\n"
	for _, tc := range []struct{ name, section, want string }{
		{"unknown key", base + "partitioner: x\n", "field partitioner not found"},
		{"no brokers", "topic: a\n", "brokers: at least one broker"},
		{"broker without port", "brokers: [kafka]\ntopic: a\n", `brokers[0]: "kafka" is not host:port`},
		{"no topic", "brokers: [k:9092]\n", "topic is required"},
		{"unknown placeholder", "brokers: [k:9092]\ntopic: a.{tenant}\n", "unknown placeholder {tenant}"},
		{"unclosed placeholder", "brokers: [k:9092]\ntopic: a.{source\n", "is not closed"},
		{"illegal topic text", "brokers: [k:9092]\ntopic: a/{source}\n", "characters a Kafka topic name cannot"},
		{"acks none", base + "acks: none\n", `"none" cannot tell what was delivered`},
		{"acks other", base + "acks: most\n", `acks: "most" is not "all" or "leader"`},
		{"short delivery timeout", base + "delivery_timeout: 10ms\n", "less than 1s"},
		{"bad duration", base + "delivery_timeout: soon\n", "soon"},
		{"no mechanism", base + "sasl: {username: u, password: env:X}\n", "sasl.mechanism is required"},
		{"bad mechanism", base + "sasl: {mechanism: gssapi, username: u, password: env:X}\n", `"gssapi" is not`},
		{"no username", base + "sasl: {mechanism: plain, password: env:X}\n", "sasl.username is required"},
		{"no password", base + "sasl: {mechanism: plain, username: u}\n", "sasl.password is required"},
		{"password written out", base + "sasl: {mechanism: plain, username: u, password: hunter2-secret}\n", "sasl.password must be a reference"},
		{"password env: without a name", base + "sasl: {mechanism: plain, username: u, password: \"env:\"}\n", "env: needs a name"},
		{"password env unset", base + "sasl: {mechanism: plain, username: env:KAFKA_TEST_USER, password: env:KAFKA_TEST_UNSET}\n", "environment variable KAFKA_TEST_UNSET is not set"},
		{"username env unset", base + "sasl: {mechanism: plain, username: env:KAFKA_TEST_UNSET, password: env:KAFKA_TEST_USER}\n", "sasl.username: environment variable KAFKA_TEST_UNSET"},
		{"password file missing", base + "sasl: {mechanism: plain, username: u, password: file:nope.txt}\n", "nope.txt: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			f, _ := collector.LookupOutput(Kind)
			for _, check := range []bool{true, false} {
				o, err := f(context.Background(), spec(t, tc.section, dir, nil), check)
				if err == nil || o != nil {
					if o != nil {
						o.Close()
					}
					t.Fatalf("check=%v: no error", check)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("check=%v: error %q does not say %q", check, err, tc.want)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("error %q repeats the password", err)
				}
			}
		})
	}
}

// TestReferences: env: and file: references are read (a file relative to
// the config's directory, without its trailing newline); a plain username
// is taken as it is.
func TestReferences(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KAFKA_TEST_USER", "from-env")
	for _, tc := range []struct{ user, pass, wantUser, wantPass string }{
		{"env:KAFKA_TEST_USER", "file:pw", "from-env", "from-file"},
		{"plain-user", "file:" + filepath.Join(dir, "pw"), "plain-user", "from-file"},
	} {
		c := Config{Dir: dir, SASL: &SASL{Mechanism: "plain", Username: tc.user, Password: tc.pass}}
		u, p, err := c.credentials()
		if err != nil || u != tc.wantUser || p != tc.wantPass {
			t.Errorf("%s, %s: %q, %q, %v; want %q, %q", tc.user, tc.pass, u, p, err, tc.wantUser, tc.wantPass)
		}
	}
}

// TestSASL: against a cluster that requires SCRAM-SHA-256, the password
// read from its file: reference gets the batch delivered; a wrong one (from
// env:) fails the Write; a password file rewritten is read at the next
// login; and neither password shows in an error or the logs.
func TestSASL(t *testing.T) {
	const user, pass, wrong = "auditkit", "Sup3r-s3cret-pw", "wr0ng-s3cret-pw"
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, "auditkit.s"),
		kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", user, pass))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kafka-password"), []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KAFKA_TEST_WRONG", wrong)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	for _, tc := range []struct {
		password string
		ok       bool
	}{{"file:kafka-password", true}, {"env:KAFKA_TEST_WRONG", false}} {
		o, err := New(context.Background(), Config{Brokers: c.ListenAddrs(), Topic: "auditkit.{source}", Dir: dir, Logger: log,
			SASL:    &SASL{Mechanism: "scram-sha-256", Username: user, Password: tc.password},
			Options: []kgo.Opt{kgo.RetryBackoffFn(func(int) time.Duration { return 10 * time.Millisecond })}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err = o.Write(ctx, batchOf(t, "s", 1, 3))
		cancel()
		o.Close()
		t.Logf("password %s: Write: %v", tc.password, err)
		if tc.ok != (err == nil) {
			t.Fatalf("password %s: Write = %v", tc.password, err)
		}
		if err != nil && (strings.Contains(err.Error(), pass) || strings.Contains(err.Error(), wrong)) {
			t.Fatalf("error %q holds a password", err)
		}
		if err != nil && !strings.Contains(err.Error(), "(last client error: ") {
			t.Errorf("error %q does not say what the client met", err)
		}
	}
	// A password file rewritten (a rotated secret) is read at the next
	// login: the same output delivers once the file holds the password.
	pwFile := filepath.Join(dir, "rotated")
	if err := os.WriteFile(pwFile, []byte(wrong), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := New(context.Background(), Config{Brokers: c.ListenAddrs(), Topic: "auditkit.{source}", Logger: log,
		SASL: &SASL{Mechanism: "scram-sha-256", Username: user, Password: "file:" + pwFile},
		Options: []kgo.Opt{kgo.RetryBackoffFn(func(int) time.Duration { return 10 * time.Millisecond }),
			kgo.MetadataMinAge(10 * time.Millisecond)}})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	_, err = o.Write(ctx, batchOf(t, "s", 2, 2))
	cancel()
	if err == nil {
		t.Fatal("Write with the old password: no error")
	}
	if err := os.WriteFile(pwFile, []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := o.Write(ctx, batchOf(t, "s", 2, 2)); err != nil {
		t.Fatalf("Write after the password file was rewritten: %v", err)
	}

	if logs.Len() == 0 {
		t.Fatal("no logs at debug level: the check below would prove nothing")
	}
	if strings.Contains(logs.String(), pass) || strings.Contains(logs.String(), wrong) {
		t.Fatalf("a password is in the logs:\n%s", logs.String())
	}
	tl, _ := count(consumeWith(t, c, []kgo.Opt{kgo.SASL(scram.Auth{User: user, Pass: pass}.AsSha256Mechanism())}, "auditkit.s"),
		keysOf(batchOf(t, "s", 1, 3), batchOf(t, "s", 2, 2)))
	if tl.Lost != 0 || tl.Repeated != 0 || tl.Unexpected != 0 {
		t.Fatalf("%v", tl)
	}
}
