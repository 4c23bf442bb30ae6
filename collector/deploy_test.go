package collector

import (
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The Kubernetes example in deploy/kubernetes, checked against the binary:
// the container's arguments are flags `auditkit collect` defines, the
// ConfigMap's config loads and checks with the Secret's variables, and the
// ports, names, labels and shard count agree with each other.

const deployDir = "../deploy/kubernetes"

// k8sObject is the part of a manifest the test reads.
type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       yaml.Node         `yaml:"spec"`
}

type k8sContainer struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Env   []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	EnvFrom []struct {
		SecretRef *struct {
			Name string `yaml:"name"`
		} `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	LivenessProbe  *k8sProbe `yaml:"livenessProbe"`
	ReadinessProbe *k8sProbe `yaml:"readinessProbe"`
	VolumeMounts   []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
}

type k8sProbe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

type k8sStatefulSet struct {
	ServiceName string `yaml:"serviceName"`
	Replicas    int    `yaml:"replicas"`
	Selector    struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	} `yaml:"selector"`
	Template struct {
		Metadata struct {
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec struct {
			TerminationGracePeriodSeconds int            `yaml:"terminationGracePeriodSeconds"`
			Containers                    []k8sContainer `yaml:"containers"`
			Volumes                       []struct {
				Name      string `yaml:"name"`
				ConfigMap *struct {
					Name string `yaml:"name"`
				} `yaml:"configMap"`
				PersistentVolumeClaim *struct {
					ClaimName string `yaml:"claimName"`
				} `yaml:"persistentVolumeClaim"`
			} `yaml:"volumes"`
		} `yaml:"spec"`
	} `yaml:"template"`
}

type k8sService struct {
	ClusterIP string            `yaml:"clusterIP"`
	Selector  map[string]string `yaml:"selector"`
	Ports     []struct {
		Name       string    `yaml:"name"`
		Port       int       `yaml:"port"`
		TargetPort yaml.Node `yaml:"targetPort"`
	} `yaml:"ports"`
}

type k8sPVC struct {
	AccessModes []string `yaml:"accessModes"`
}

// loadManifests reads every document of every .yaml file in dir, by
// "Kind/name".
func loadManifests(t *testing.T) map[string]k8sObject {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(deployDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s: %v", deployDir, err)
	}
	objs := map[string]k8sObject{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var o k8sObject
			if err := dec.Decode(&o); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if o.Kind == "" || o.Metadata.Name == "" {
				t.Fatalf("%s: a document without kind or metadata.name", f)
			}
			key := o.Kind + "/" + o.Metadata.Name
			if _, dup := objs[key]; dup {
				t.Fatalf("%s: %s defined twice", f, key)
			}
			objs[key] = o
		}
	}
	return objs
}

func decodeSpec[T any](t *testing.T, o k8sObject) T {
	t.Helper()
	var v T
	if err := o.Spec.Decode(&v); err != nil {
		t.Fatalf("%s/%s: spec: %v", o.Kind, o.Metadata.Name, err)
	}
	return v
}

// collectFlags returns the flags `auditkit collect` defines, read from
// cmd/auditkit/collect.go: the names of its FlagSet's *Var, String, Bool,
// Int, Duration and Func calls. The bool says whether the flag is a bool
// (takes no value).
func collectFlags(t *testing.T) map[string]bool {
	t.Helper()
	src := "../cmd/auditkit/collect.go"
	f, err := parser.ParseFile(token.NewFileSet(), src, nil, 0)
	if err != nil {
		t.Fatalf("reading the collect command's flags: %v", err)
	}
	flags := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		nameArg := -1
		switch sel.Sel.Name {
		case "StringVar", "BoolVar", "IntVar", "Int64Var", "DurationVar", "Float64Var", "Var", "UintVar", "TextVar", "BoolFunc":
			nameArg = 1
			if sel.Sel.Name == "BoolFunc" {
				nameArg = 0
			}
		case "String", "Bool", "Int", "Int64", "Duration", "Float64", "Func", "Uint":
			nameArg = 0
		}
		if nameArg < 0 || len(call.Args) <= nameArg {
			return true
		}
		lit, ok := call.Args[nameArg].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		name, _ := strconv.Unquote(lit.Value)
		flags[name] = strings.HasPrefix(sel.Sel.Name, "Bool")
		return true
	})
	if len(flags) == 0 {
		t.Fatalf("found no flags in %s", src)
	}
	return flags
}

func TestKubernetesManifests(t *testing.T) {
	objs := loadManifests(t)
	get := func(key string) k8sObject {
		t.Helper()
		o, ok := objs[key]
		if !ok {
			keys := make([]string, 0, len(objs))
			for k := range objs {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			t.Fatalf("no %s among %v", key, keys)
		}
		return o
	}
	stsObj := get("StatefulSet/auditkit-collect")
	sts := decodeSpec[k8sStatefulSet](t, stsObj)
	if len(sts.Template.Spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(sts.Template.Spec.Containers))
	}
	c := sts.Template.Spec.Containers[0]

	// The arguments: "collect" and flags the command defines.
	flags := collectFlags(t)
	for _, want := range []string{"config", "once", "check-config", "status", "shard", "log-format", "log-level"} {
		if _, ok := flags[want]; !ok {
			t.Errorf("auditkit collect has no --%s flag (flags: %v)", want, flags)
		}
	}
	if len(c.Args) == 0 || c.Args[0] != "collect" {
		t.Fatalf("args %q: want collect first", c.Args)
	}
	given := map[string]string{}
	for i := 1; i < len(c.Args); i++ {
		a := c.Args[i]
		name, val, hasVal := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		isBool, ok := flags[name]
		if !strings.HasPrefix(a, "--") || !ok {
			t.Errorf("argument %q is not a flag of auditkit collect", a)
			continue
		}
		if !isBool && !hasVal {
			if i+1 >= len(c.Args) {
				t.Errorf("flag --%s has no value", name)
				continue
			}
			i++
			val = c.Args[i]
		}
		given[name] = val
	}
	for name, val := range map[string][]string{"log-format": {"text", "json"}, "log-level": {"debug", "info", "warn", "error"}} {
		if v, ok := given[name]; ok && !contains(val, v) {
			t.Errorf("--%s=%s: want one of %v", name, v, val)
		}
	}
	if _, ok := given["once"]; ok {
		t.Error("a StatefulSet's collector runs forever: no --once (that is for a CronJob)")
	}

	// --config is the ConfigMap's key, mounted where the flag says.
	confPath := given["config"]
	if confPath == "" {
		t.Fatal("no --config")
	}
	mounts := map[string]string{} // volume → mount path
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	var configMap, claim string
	var configVolume, dataVolume string
	for _, v := range sts.Template.Spec.Volumes {
		if v.ConfigMap != nil {
			configMap, configVolume = v.ConfigMap.Name, v.Name
		}
		if v.PersistentVolumeClaim != nil {
			claim, dataVolume = v.PersistentVolumeClaim.ClaimName, v.Name
		}
	}
	if path.Dir(confPath) != mounts[configVolume] {
		t.Errorf("--config=%s is not in the ConfigMap's mount %s", confPath, mounts[configVolume])
	}
	cm := get("ConfigMap/" + configMap)
	configYAML, ok := cm.Data[path.Base(confPath)]
	if !ok {
		t.Fatalf("ConfigMap %s has no key %s", configMap, path.Base(confPath))
	}

	// The Secret: given as environment variables, holding every variable
	// the config references.
	var secretName string
	for _, ef := range c.EnvFrom {
		if ef.SecretRef != nil {
			secretName = ef.SecretRef.Name
		}
	}
	secret := get("Secret/" + secretName)
	env := map[string]string{}
	for k, v := range secret.StringData {
		env[k] = v
	}
	for k := range secret.Data {
		env[k] = "from-data"
	}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}

	// The config loads and checks (every env: reference set) as the binary
	// would, from a file in the same place relative to nothing.
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, path.Base(confPath))
	if err := os.WriteFile(cfgFile, []byte(configYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(cfgFile)
	if err != nil {
		t.Fatalf("the ConfigMap's config: %v", err)
	}
	cfg.Getenv = func(k string) string { return env[k] }
	if err := cfg.Check(); err != nil {
		t.Fatalf("the ConfigMap's config with the Secret's variables: %v", err)
	}
	refs := 0
	for _, s := range cfg.Sources {
		if s.Demo {
			t.Errorf("source %s is a demo in the deployment example", s.Name)
		}
		for k, ref := range s.Credentials {
			name, isEnv := strings.CutPrefix(ref, "env:")
			if !isEnv {
				continue
			}
			refs++
			if _, ok := secret.StringData[name]; !ok {
				if _, ok := secret.Data[name]; !ok {
					t.Errorf("source %s credential %s: %s is not in Secret %s", s.Name, k, ref, secretName)
				}
			}
		}
	}
	if refs == 0 {
		t.Error("the config references no env: credential")
	}
	// No credential in the ConfigMap.
	for k, v := range secret.StringData {
		if v != "" && v != "replace-me" && strings.Contains(configYAML, v) {
			t.Errorf("the ConfigMap holds the value of %s", k)
		}
	}

	// State and output on the shared volume, which is ReadWriteMany.
	dataMount := mounts[dataVolume]
	if dataMount == "" {
		t.Fatal("no data volume mounted")
	}
	var outSec struct {
		Output struct {
			Path string `yaml:"path"`
		} `yaml:"output"`
	}
	yaml.Unmarshal([]byte(configYAML), &outSec)
	for what, p := range map[string]string{"state": cfg.State, "output path": outSec.Output.Path} {
		if !strings.HasPrefix(p, dataMount+"/") {
			t.Errorf("the %s %q is not on the shared volume %s", what, p, dataMount)
		}
	}
	pvc := decodeSpec[k8sPVC](t, get("PersistentVolumeClaim/"+claim))
	if !contains(pvc.AccessModes, "ReadWriteMany") {
		t.Errorf("PVC %s access modes %v: the replicas share it, want ReadWriteMany", claim, pvc.AccessModes)
	}

	// Shards: AUDITKIT_SHARDS is the replica count, and each pod's name
	// gives it its index.
	if env["AUDITKIT_SHARDS"] != strconv.Itoa(sts.Replicas) {
		t.Errorf("AUDITKIT_SHARDS=%q with %d replicas", env["AUDITKIT_SHARDS"], sts.Replicas)
	}
	if _, ok := given["shard"]; ok {
		t.Error("--shard in a StatefulSet's args would give every pod the same shard")
	}
	for ord := 0; ord < sts.Replicas; ord++ {
		pod := stsObj.Metadata.Name + "-" + strconv.Itoa(ord)
		i, n, ok, err := ShardFromEnv(func(k string) string {
			if k == EnvHostname {
				return pod
			}
			return env[k]
		})
		if err != nil || !ok || i != ord || n != sts.Replicas {
			t.Errorf("pod %s: shard %d/%d, %v, %v", pod, i, n, ok, err)
		}
	}

	// Ports: the config's metrics port is the container's "metrics" port,
	// the probes' and the Service's target.
	_, port, err := net.SplitHostPort(cfg.Metrics)
	if err != nil {
		t.Fatalf("metrics %q: %v", cfg.Metrics, err)
	}
	if host, _, _ := net.SplitHostPort(cfg.Metrics); host != "0.0.0.0" && host != "" && host != "::" {
		t.Errorf("metrics listens on %s: Prometheus and the probes cannot reach it from outside the pod", host)
	}
	var metricsPort int
	for _, p := range c.Ports {
		if p.Name == "metrics" {
			metricsPort = p.ContainerPort
		}
	}
	if strconv.Itoa(metricsPort) != port {
		t.Errorf("container port metrics %d, config metrics port %s", metricsPort, port)
	}
	for name, pr := range map[string]*k8sProbe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		if pr == nil {
			t.Errorf("no %s probe", name)
			continue
		}
		if pr.HTTPGet.Port != "metrics" {
			t.Errorf("%s probe port %q, want metrics", name, pr.HTTPGet.Port)
		}
	}
	if c.LivenessProbe != nil && c.LivenessProbe.HTTPGet.Path != "/healthz" || c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Error("probes: want /healthz (liveness) and /readyz (readiness)")
	}
	svcObj := get("Service/" + sts.ServiceName)
	svc := decodeSpec[k8sService](t, svcObj)
	if len(svc.Ports) != 1 || (svc.Ports[0].TargetPort.Value != "metrics" && svc.Ports[0].TargetPort.Value != port) || strconv.Itoa(svc.Ports[0].Port) != port {
		t.Errorf("Service ports %+v: want port %s to the container's metrics port", svc.Ports, port)
	}
	for k, v := range svc.Selector {
		if sts.Template.Metadata.Labels[k] != v {
			t.Errorf("Service selector %s=%s does not match the pods' labels %v", k, v, sts.Template.Metadata.Labels)
		}
	}
	for k, v := range sts.Selector.MatchLabels {
		if sts.Template.Metadata.Labels[k] != v {
			t.Errorf("StatefulSet selector %s=%s does not match the pods' labels", k, v)
		}
	}
	// SIGTERM: the collector exits within 30s; Kubernetes must wait longer.
	if sts.Template.Spec.TerminationGracePeriodSeconds <= 30 {
		t.Errorf("terminationGracePeriodSeconds %d: the collector may take 30s to stop", sts.Template.Spec.TerminationGracePeriodSeconds)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
