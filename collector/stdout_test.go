package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestStdoutOutput(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	o := NewStdoutOutput(&buf)
	if err := o.Recover(ctx, "s", Position(`{"seq":3}`)); err != nil {
		t.Fatal(err)
	}
	b := testBatch("s", 4, 3)
	pos, err := o.Write(ctx, b)
	if err != nil || string(pos) != `{"seq":4}` {
		t.Fatalf("Write = %s, %v", pos, err)
	}
	var want strings.Builder
	for _, r := range b.Records {
		want.Write(r.JSON)
		want.WriteByte('\n')
	}
	if buf.String() != want.String() {
		t.Fatalf("wrote\n%s\nwant\n%s", buf.String(), want.String())
	}
	bad := testBatch("s", 5, 2)
	bad.Records[1].JSON = []byte("{\n}")
	if _, err := o.Write(ctx, bad); err == nil || buf.String() != want.String() {
		t.Errorf("a record with a newline: %v; the output changed: %v", err, buf.String() != want.String())
	}
	o.Close()
	if _, err := o.Write(ctx, testBatch("s", 6, 1)); err == nil {
		t.Error("Write after Close succeeded")
	}
}

type brokenWriter struct{ n int }

func (w *brokenWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("broken pipe")
}

func TestStdoutOutputReportsABrokenWriter(t *testing.T) {
	o := NewStdoutOutput(&brokenWriter{})
	if _, err := o.Write(context.Background(), testBatch("s", 1, 2)); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Fatalf("Write to a broken writer: %v", err)
	}
}

func TestStdoutOutputBatchesDoNotInterleave(t *testing.T) {
	var buf bytes.Buffer
	o := NewStdoutOutput(&buf)
	var wg sync.WaitGroup
	for s := 0; s < 4; s++ {
		wg.Add(1)
		go func(src string) {
			defer wg.Done()
			for seq := int64(1); seq <= 20; seq++ {
				if _, err := o.Write(context.Background(), testBatch(src, seq, 5)); err != nil {
					t.Error(err)
				}
			}
		}(fmt.Sprint("s", s))
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 4*20*5 {
		t.Fatalf("%d lines, want 400", len(lines))
	}
	// Each batch's five lines are together and in order.
	for i := 0; i < len(lines); i += 5 {
		prefix := lines[i][:strings.LastIndex(lines[i], `-0"`)]
		for j := 0; j < 5; j++ {
			if !strings.Contains(lines[i+j], fmt.Sprintf("%s-%d\"", prefix, j)) {
				t.Fatalf("line %d is %s, want event %d of the batch of line %d", i+j, lines[i+j], j, i)
			}
		}
	}
}

func TestStdoutOutputFactory(t *testing.T) {
	ctx := context.Background()
	f, ok := LookupOutput("stdout")
	if !ok {
		t.Fatal("kind stdout is not registered")
	}
	for _, sec := range []string{"{stdout: true}", "{}"} {
		if out, err := f(ctx, yamlSpec(t, "stdout", sec, ""), true); err != nil || out != nil {
			t.Errorf("check %s: %v, %v", sec, out, err)
		}
	}
	out, err := f(ctx, yamlSpec(t, "stdout", "{stdout: true}", ""), false)
	if _, ok := out.(*StdoutOutput); !ok || err != nil {
		t.Errorf("build: %T, %v", out, err)
	}
	for sec, want := range map[string]string{"{stdout: false}": "writes nowhere", "{stdout: true, path: x}": "path", "{stdout: yes please}": "into bool"} {
		if _, err := f(ctx, yamlSpec(t, "stdout", sec, ""), true); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an error about %s", sec, err, want)
		}
	}
}
