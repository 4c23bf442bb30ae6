package bench

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/auditkit/auditkit/audittest"
)

// serveEnv names the environment variable that makes a binary calling
// ServeIfChild serve a fake instead of running: its value is a Spec, as
// JSON.
const serveEnv = "AUDITKIT_BENCH_SERVE"

// Spec says which fake to serve and what to walk.
type Spec struct {
	// Vendor is the vendor's registry name.
	Vendor string
	// Events is the size of the data set (audittest.StartDemo's).
	Events int
	// Days, for automox, limits the walk to the last Days UTC days of the
	// data set; 0 walks all of it.
	Days int
	// Now is the end of the data set; zero means the start of the current
	// minute.
	Now time.Time
}

// Server is a fake running in a child process, and the walk of it that a
// benchmark measures.
type Server struct {
	Spec
	// BaseURL, Settings are what vendors.Config needs to reach the fake.
	BaseURL  string
	Settings map[string]string
	// Since and Until bound the SDK's walk; Records is how many records it
	// yields (and the baseline reads).
	Since, Until time.Time
	Records      int

	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// Start starts the fake of spec in a child process: the running binary,
// which must call ServeIfChild first thing (TestMain does in a test
// binary). Close stops it.
func Start(spec Spec) (*Server, error) {
	if spec.Now.IsZero() {
		spec.Now = time.Now().UTC().Truncate(time.Minute)
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), serveEnv+"="+string(raw))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, s)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("bench: starting the %s fake: %v (%q)", spec.Vendor, err, line)
	}
	return s, nil
}

// Close stops the fake and waits for its process to exit.
func (s *Server) Close() error {
	s.stdin.Close()
	return s.cmd.Wait()
}

// ServeIfChild serves the fake its environment asks for, when it does,
// until its standard input closes, and exits; otherwise it returns at
// once. Call it first in TestMain or main.
func ServeIfChild() {
	raw := os.Getenv(serveEnv)
	if raw == "" {
		return
	}
	if err := serve(raw); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func serve(raw string) error {
	var spec Spec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		return err
	}
	demo, err := audittest.StartDemo(spec.Vendor, audittest.DemoConfig{Events: spec.Events, Now: spec.Now, Seed: 1})
	if err != nil {
		return err
	}
	defer demo.Close()
	s := Server{Spec: spec, BaseURL: demo.BaseURL, Settings: demo.Settings, Records: demo.Records,
		Since: spec.Now.AddDate(-30, 0, 0), Until: spec.Now}
	if spec.Vendor == "automox" {
		if s.Since, s.Records, err = automoxWindow(demo.Data(), spec.Now, spec.Days); err != nil {
			return err
		}
	}
	out, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if _, err := fmt.Printf("%s\n", out); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, os.Stdin)
	return err
}

// automoxWindow returns the start of the walk of the last days UTC days
// before now (the first day of the data set when days is 0) and how many
// records it holds.
func automoxWindow(data []json.RawMessage, now time.Time, days int) (time.Time, int, error) {
	times := make([]time.Time, 0, len(data))
	first := now
	for _, raw := range data {
		var ev struct {
			Time json.RawMessage `json:"time"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			return time.Time{}, 0, err
		}
		t, ok := audittest.AutomoxTime(ev.Time)
		if !ok {
			return time.Time{}, 0, errors.New("an Automox record without a time")
		}
		times = append(times, t)
		if t.Before(first) {
			first = t
		}
	}
	since := first.UTC().Truncate(24 * time.Hour)
	if days > 0 {
		since = now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-days)
	}
	n := 0
	for _, t := range times {
		if !t.Before(since) && t.Before(now) {
			n++
		}
	}
	return since, n, nil
}
