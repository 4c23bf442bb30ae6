package kafka

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Config is the Kafka output's configuration: its section of a collector
// config file (`output: {kafka: {...}}`, with the yaml keys below) or, from
// Go, the argument of New.
//
// Config holds no secret: the SASL password (and optionally the username)
// are references, "env:NAME" or "file:PATH", read when the client
// authenticates to a broker. Printing a Config (%v, %+v) shows only the
// references.
type Config struct {
	// Brokers are the seed brokers, host:port. At least one is required.
	Brokers []string `yaml:"brokers"`
	// Topic is the topic each record goes to, a template: {source} (the
	// source's name), {vendor} (its vendor), {class} (the event's OCSF
	// class name in lower case, words joined by "_": "authentication",
	// "api_activity") and {class_uid} ("3002"). "auditkit.{source}" gives a
	// topic per source, "auditkit.{class}" a topic per class. The expanded
	// name must be a legal Kafka topic name (letters, digits, ".", "_",
	// "-"; at most 249 characters). Required.
	Topic string `yaml:"topic"`
	// ClientID is the Kafka client id the brokers see; "auditkit" when
	// empty.
	ClientID string `yaml:"client_id"`
	// TLS connects to the brokers over TLS, verified against the system's
	// roots (TLSConfig, from Go, replaces them).
	TLS bool `yaml:"tls"`
	// SASL authenticates to the brokers; nil for none.
	SASL *SASL `yaml:"sasl"`
	// Acks is how many replicas acknowledge a record before it counts as
	// delivered: "all" (the default: every in-sync replica, with the
	// idempotent producer) or "leader" (only the partition leader; the
	// idempotent producer is then turned off, as Kafka requires, and a
	// leader lost right after acknowledging can lose records the
	// checkpoint already counts). "none" is refused: the output could not
	// know what was delivered.
	Acks string `yaml:"acks"`
	// DeliveryTimeout bounds how long a Write keeps retrying a record the
	// brokers refuse (kgo's RecordDeliveryTimeout) before it returns an
	// error and the collector retries the batch later: 0 means one minute; at
	// least 1s.
	// A Write also ends when its context does.
	DeliveryTimeout time.Duration `yaml:"delivery_timeout"`
	// AutoCreateTopics lets the brokers create a missing topic (when they
	// allow it, auto.create.topics.enable). Without it a Write to a topic
	// that does not exist fails with UNKNOWN_TOPIC_OR_PARTITION.
	AutoCreateTopics bool `yaml:"auto_create_topics"`

	// Dir is the directory relative file: references are relative to (the
	// config file's directory); "" for the working directory.
	Dir string `yaml:"-"`
	// TLSConfig, when not nil, is the TLS configuration to dial the
	// brokers with (it implies TLS).
	TLSConfig *tls.Config `yaml:"-"`
	// Logger receives the output's and the Kafka client's warnings; nil
	// discards them.
	Logger *slog.Logger `yaml:"-"`
	// Options are further kgo client options, applied after the output's
	// own (tuning, tests). Options that change the delivery guarantee
	// (RequiredAcks, DisableIdempotentWrite) void what this package
	// documents.
	Options []kgo.Opt `yaml:"-"`
}

// SASL is the SASL section of Config.
type SASL struct {
	// Mechanism is "plain", "scram-sha-256" or "scram-sha-512".
	Mechanism string `yaml:"mechanism"`
	// Username is the user name: a reference ("env:NAME", "file:PATH") or
	// the name itself.
	Username string `yaml:"username"`
	// Password is a reference to the password: "env:NAME" (an environment
	// variable) or "file:PATH" (a file's content without its trailing
	// newline, PATH relative to Config.Dir). A password written out is
	// refused.
	Password string `yaml:"password"`
}

// defaultDeliveryTimeout is Config.DeliveryTimeout's zero value.
const defaultDeliveryTimeout = time.Minute

// check validates c without reading any reference.
func (c *Config) check() error {
	if len(c.Brokers) == 0 {
		return errors.New("kafka: brokers: at least one broker (host:port) is required")
	}
	for i, b := range c.Brokers {
		if strings.TrimSpace(b) == "" || !strings.Contains(b, ":") {
			return fmt.Errorf("kafka: brokers[%d]: %q is not host:port", i, b)
		}
	}
	if _, err := parseTopic(c.Topic); err != nil {
		return err
	}
	switch c.Acks {
	case "", "all", "leader":
	case "none", "0":
		return errors.New(`kafka: acks: "none" cannot tell what was delivered; use "all" (or "leader")`)
	default:
		return fmt.Errorf(`kafka: acks: %q is not "all" or "leader"`, c.Acks)
	}
	if c.DeliveryTimeout != 0 && c.DeliveryTimeout < time.Second {
		return fmt.Errorf("kafka: delivery_timeout: %v is less than 1s, the least kgo allows", c.DeliveryTimeout)
	}
	if c.SASL != nil {
		s := c.SASL
		switch strings.ToLower(s.Mechanism) {
		case "plain", "scram-sha-256", "scram-sha-512":
		case "":
			return errors.New(`kafka: sasl.mechanism is required: "plain", "scram-sha-256" or "scram-sha-512"`)
		default:
			return fmt.Errorf(`kafka: sasl.mechanism: %q is not "plain", "scram-sha-256" or "scram-sha-512"`, s.Mechanism)
		}
		if s.Username == "" {
			return errors.New("kafka: sasl.username is required")
		}
		if err := checkRef("sasl.username", s.Username, true); err != nil {
			return err
		}
		if s.Password == "" {
			return errors.New("kafka: sasl.password is required (env:NAME or file:PATH)")
		}
		if err := checkRef("sasl.password", s.Password, false); err != nil {
			return err
		}
	}
	return nil
}

// checkRef checks the form of a reference. A plain value is allowed when
// plain is true; otherwise the error does not repeat it (it may be a
// password written out).
func checkRef(field, v string, plain bool) error {
	kind, arg, ok := strings.Cut(v, ":")
	if ok && (kind == "env" || kind == "file") {
		if arg == "" {
			return fmt.Errorf("kafka: %s: %s: needs a name", field, kind)
		}
		return nil
	}
	if plain {
		return nil
	}
	return fmt.Errorf("kafka: %s must be a reference, env:NAME or file:PATH, not the secret itself", field)
}

// resolve reads a reference (or returns a plain value as it is). Its
// errors name the reference, never the value.
func resolve(field, v, dir string) (string, error) {
	kind, arg, ok := strings.Cut(v, ":")
	switch {
	case ok && kind == "env":
		val, set := os.LookupEnv(arg)
		if !set || val == "" {
			return "", fmt.Errorf("kafka: %s: environment variable %s is not set", field, arg)
		}
		return val, nil
	case ok && kind == "file":
		p := arg
		if !filepath.IsAbs(p) && dir != "" {
			p = filepath.Join(dir, p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the path is named below, once
			}
			return "", fmt.Errorf("kafka: %s: reading %s: %w", field, p, err)
		}
		val := strings.TrimRight(string(b), "\r\n")
		if val == "" {
			return "", fmt.Errorf("kafka: %s: %s is empty", field, p)
		}
		return val, nil
	}
	return v, nil
}

// credentials reads the SASL username and password.
func (c *Config) credentials() (user, pass string, err error) {
	if user, err = resolve("sasl.username", c.SASL.Username, c.Dir); err != nil {
		return "", "", err
	}
	if pass, err = resolve("sasl.password", c.SASL.Password, c.Dir); err != nil {
		return "", "", err
	}
	return user, pass, nil
}

// Check validates c as New does, and reads its references (so that a
// missing environment variable or file shows), without contacting a
// broker: what `auditkit collect --check-config` runs.
func (c Config) Check() error {
	if err := c.check(); err != nil {
		return err
	}
	if c.SASL != nil {
		if _, _, err := c.credentials(); err != nil {
			return err
		}
	}
	return nil
}
