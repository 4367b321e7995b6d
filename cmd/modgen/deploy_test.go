package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/txtar"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	k8syaml "sigs.k8s.io/yaml"
)

// deployment is what a golden scenario's deployment files say, checked
// against its modgen.yaml.
type deployment struct {
	files     map[string][]byte
	extracted map[string]int      // extracted module -> gRPC port
	dependsOn map[string][]string // module -> the modules it calls
}

func loadDeployment(t *testing.T, golden string) deployment {
	t.Helper()
	ar, err := txtar.ParseFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	d := deployment{files: map[string][]byte{}, extracted: map[string]int{}, dependsOn: map[string][]string{}}
	for _, f := range ar.Files {
		d.files[strings.TrimPrefix(f.Name, "out/")] = f.Data
	}
	var manifest struct {
		Modules []struct {
			Name      string   `yaml:"name"`
			DependsOn []string `yaml:"depends_on"`
			Extracted *struct {
				Port int `yaml:"port"`
			} `yaml:"extracted"`
		} `yaml:"modules"`
	}
	if err := yaml.Unmarshal(d.files["modgen.yaml"], &manifest); err != nil {
		t.Fatalf("%s: modgen.yaml: %v", golden, err)
	}
	for _, m := range manifest.Modules {
		d.dependsOn[m.Name] = m.DependsOn
		if m.Extracted != nil {
			d.extracted[m.Name] = m.Extracted.Port
		}
	}
	return d
}

func goldenScenarios(t *testing.T) []string {
	t.Helper()
	goldens, _ := filepath.Glob("../../testdata/golden/*.txtar")
	if len(goldens) == 0 {
		t.Fatal("no golden scenarios")
	}
	return goldens
}

// TestComposeFiles validates every golden scenario's compose.yaml against
// the Compose Specification's JSON schema (testdata/compose-spec) and
// checks that it runs each extracted module as a service that the monolith
// and the modules calling it reach at its port, and that the proxy's
// strangler-fig configuration sends each extracted module's paths to it.
func TestComposeFiles(t *testing.T) {
	c := jsonschema.NewCompiler()
	schema, err := c.Compile("../../testdata/compose-spec/compose-spec.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, golden := range goldenScenarios(t) {
		t.Run(filepath.Base(golden), func(t *testing.T) {
			d := loadDeployment(t, golden)
			src, ok := d.files["compose.yaml"]
			if !ok {
				t.Fatal("no compose.yaml")
			}
			js, err := k8syaml.YAMLToJSON(src)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Fatalf("compose.yaml does not follow the Compose Specification: %v", err)
			}
			var compose struct {
				Services map[string]struct {
					Environment map[string]string `yaml:"environment"`
					Volumes     []string          `yaml:"volumes"`
				} `yaml:"services"`
			}
			if err := yaml.Unmarshal(src, &compose); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"api", "proxy", "otel-collector", "jaeger"} {
				if _, ok := compose.Services[name]; !ok {
					t.Errorf("compose.yaml has no service %s", name)
				}
			}
			for m, port := range d.extracted {
				svc, ok := compose.Services[m]
				if !ok {
					t.Errorf("extracted module %s has no service", m)
					continue
				}
				if got := svc.Environment["ADDR"]; got != fmt.Sprintf(":%d", port) {
					t.Errorf("service %s: ADDR=%q; want :%d", m, got, port)
				}
				if compose.Services["api"].Environment[strings.ToUpper(m)+"_REMOTE_ADDR"] != fmt.Sprintf("%s:%d", m, port) {
					t.Errorf("api does not reach %s at %s:%d", m, m, port)
				}
				for _, dep := range d.dependsOn[m] {
					if svc.Environment[strings.ToUpper(dep)+"_REMOTE_ADDR"] != fmt.Sprintf("%s:%d", dep, d.extracted[dep]) {
						t.Errorf("service %s does not reach %s at %s:%d", m, dep, dep, d.extracted[dep])
					}
				}
				strangler := string(d.files["deploy/proxy/strangler.conf"])
				if !strings.Contains(strangler, fmt.Sprintf("location /%s/ {\n        proxy_pass http://%s:8080;", m, m)) {
					t.Errorf("deploy/proxy/strangler.conf does not send /%s/ to the %s service", m, m)
				}
			}
			for name, svc := range compose.Services {
				for _, v := range svc.Volumes {
					for _, mode := range []string{"strangler", "facade"} { // the values of PROXY_MODE
						v := strings.ReplaceAll(v, "${PROXY_MODE:-strangler}", mode)
						if host, _, _ := strings.Cut(v, ":"); strings.HasPrefix(host, "./") {
							if _, ok := d.files[strings.TrimPrefix(host, "./")]; !ok {
								t.Errorf("service %s mounts %s, which the project lacks", name, host)
							}
						}
					}
				}
			}
			if !strings.Contains(string(d.files["deploy/proxy/facade.conf"]), "proxy_pass http://api:8080;") {
				t.Error("deploy/proxy/facade.conf does not send everything to api")
			}
		})
	}
}

// TestKubernetesManifests decodes every object of deploy/k8s strictly (an
// unknown or misspelled field is an error) into the official k8s.io/api
// types and checks what a cluster would only show at run time: each
// process has a Deployment with probes and resource requests and a Service
// selecting it; every <MODULE>_REMOTE_ADDR names a Service port; the
// Ingress sends each extracted module's paths to its Service and the rest
// to api; the kustomizations list files that exist.
func TestKubernetesManifests(t *testing.T) {
	for _, golden := range goldenScenarios(t) {
		t.Run(filepath.Base(golden), func(t *testing.T) {
			d := loadDeployment(t, golden)
			deployments := map[string]appsv1.Deployment{}
			services := map[string]corev1.Service{}
			var ingresses []networkingv1.Ingress
			var paths []string
			for p := range d.files {
				if strings.HasPrefix(p, "deploy/k8s/") && strings.HasSuffix(p, ".yaml") {
					paths = append(paths, p)
				}
			}
			slices.Sort(paths)
			if len(paths) == 0 {
				t.Fatal("no deploy/k8s")
			}
			for _, p := range paths {
				for i, doc := range regexp.MustCompile(`(?m)^---$`).Split(string(d.files[p]), -1) {
					var meta struct {
						Kind string `json:"kind"`
					}
					if err := k8syaml.Unmarshal([]byte(doc), &meta); err != nil {
						t.Fatalf("%s, object %d: %v", p, i, err)
					}
					var err error
					switch meta.Kind {
					case "Deployment":
						var o appsv1.Deployment
						err = k8syaml.UnmarshalStrict([]byte(doc), &o)
						deployments[o.Name] = o
					case "Service":
						var o corev1.Service
						err = k8syaml.UnmarshalStrict([]byte(doc), &o)
						services[o.Name] = o
					case "Ingress":
						var o networkingv1.Ingress
						err = k8syaml.UnmarshalStrict([]byte(doc), &o)
						ingresses = append(ingresses, o)
					case "Kustomization":
						err = checkKustomization(p, []byte(doc), d.files)
					default:
						err = fmt.Errorf("unexpected kind %q", meta.Kind)
					}
					if err != nil {
						t.Errorf("%s, object %d (%s): %v", p, i, meta.Kind, err)
					}
				}
			}
			processes := []string{"api"}
			for m := range d.extracted {
				processes = append(processes, m)
			}
			for _, name := range processes {
				dep, ok := deployments[name]
				if !ok {
					t.Errorf("no Deployment %s", name)
					continue
				}
				checkDeployment(t, dep, services, d)
			}
			if len(deployments) != len(processes) {
				t.Errorf("%d Deployments for %d processes (%v)", len(deployments), len(processes), processes)
			}
			if len(ingresses) != 1 {
				t.Fatalf("%d Ingresses; want 1", len(ingresses))
			}
			routes := map[string]string{}
			for _, rule := range ingresses[0].Spec.Rules {
				for _, p := range rule.HTTP.Paths {
					svc, ok := services[p.Backend.Service.Name]
					if !ok || !slices.ContainsFunc(svc.Spec.Ports, func(sp corev1.ServicePort) bool { return sp.Name == p.Backend.Service.Port.Name }) {
						t.Errorf("Ingress path %s: no Service %s with port %q", p.Path, p.Backend.Service.Name, p.Backend.Service.Port.Name)
					}
					routes[p.Path] = p.Backend.Service.Name
				}
			}
			want := map[string]string{"/": "api"}
			for m := range d.extracted {
				want["/"+m] = m
			}
			if fmt.Sprint(routes) != fmt.Sprint(want) {
				t.Errorf("Ingress routes %v; want %v", routes, want)
			}
		})
	}
}

// checkDeployment checks one process's Deployment and its Service.
func checkDeployment(t *testing.T, dep appsv1.Deployment, services map[string]corev1.Service, d deployment) {
	t.Helper()
	if dep.Spec.Selector == nil || dep.Spec.Template.Labels["app.kubernetes.io/name"] != dep.Spec.Selector.MatchLabels["app.kubernetes.io/name"] {
		t.Errorf("Deployment %s: its selector does not match its pods' labels", dep.Name)
	}
	if len(dep.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("Deployment %s: %d containers; want 1", dep.Name, len(dep.Spec.Template.Spec.Containers))
	}
	c := dep.Spec.Template.Spec.Containers[0]
	if c.ReadinessProbe == nil || c.LivenessProbe == nil {
		t.Errorf("Deployment %s: readiness %v, liveness %v; want both probes", dep.Name, c.ReadinessProbe, c.LivenessProbe)
	}
	if _, extracted := d.extracted[dep.Name]; extracted && (c.ReadinessProbe == nil || c.ReadinessProbe.GRPC == nil || c.ReadinessProbe.GRPC.Port != int32(d.extracted[dep.Name])) {
		t.Errorf("Deployment %s: readiness is not the gRPC health check on port %d", dep.Name, d.extracted[dep.Name])
	}
	if c.LivenessProbe != nil && (c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/healthz") {
		t.Errorf("Deployment %s: liveness is not GET /healthz", dep.Name)
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() {
		t.Errorf("Deployment %s: no cpu and memory requests", dep.Name)
	}
	if sc := dep.Spec.Template.Spec.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Errorf("Deployment %s: may run as root", dep.Name)
	}
	svc, ok := services[dep.Name]
	if !ok || svc.Spec.Selector["app.kubernetes.io/name"] != dep.Spec.Template.Labels["app.kubernetes.io/name"] {
		t.Errorf("Deployment %s: no Service selecting it", dep.Name)
	}
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for _, sp := range svc.Spec.Ports {
		if _, ok := ports[sp.TargetPort.StrVal]; !ok {
			t.Errorf("Service %s: port %s targets %q, which the container does not declare", svc.Name, sp.Name, sp.TargetPort.StrVal)
		}
	}
	for _, e := range c.Env {
		name, isRemote := strings.CutSuffix(e.Name, "_REMOTE_ADDR")
		if !isRemote {
			continue
		}
		host, port, err := net.SplitHostPort(e.Value)
		target, ok := services[host]
		if err != nil || !ok || host != strings.ToLower(name) || !slices.ContainsFunc(target.Spec.Ports, func(sp corev1.ServicePort) bool { return fmt.Sprint(sp.Port) == port && sp.Name == "grpc" }) {
			t.Errorf("Deployment %s: %s=%s does not name the gRPC port of Service %s", dep.Name, e.Name, e.Value, strings.ToLower(name))
		}
	}
	want := map[string]bool{}
	calls := d.dependsOn[dep.Name]
	if dep.Name == "api" {
		calls = nil
		for m := range d.extracted {
			calls = append(calls, m)
		}
	}
	for _, m := range calls {
		want[strings.ToUpper(m)+"_REMOTE_ADDR"] = true
	}
	for _, e := range c.Env {
		delete(want, e.Name)
	}
	if len(want) > 0 {
		t.Errorf("Deployment %s lacks %v", dep.Name, want)
	}
}

// checkKustomization decodes a kustomization strictly (the fields modgen
// writes) and checks that its resources exist.
func checkKustomization(path string, doc []byte, files map[string][]byte) error {
	var k struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Labels     []struct {
			Pairs map[string]string `json:"pairs"`
		} `json:"labels"`
		Resources []string `json:"resources"`
		Patches   []struct {
			Target struct {
				Kind string `json:"kind"`
				Name string `json:"name"`
			} `json:"target"`
			Patch string `json:"patch"`
		} `json:"patches"`
	}
	if err := k8syaml.UnmarshalStrict(doc, &k); err != nil {
		return err
	}
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" {
		return fmt.Errorf("apiVersion %q", k.APIVersion)
	}
	dir := filepath.ToSlash(filepath.Dir(path))
	for _, r := range k.Resources {
		p := filepath.ToSlash(filepath.Join(dir, r))
		if p == dir || strings.HasPrefix(dir, p+"/") {
			return fmt.Errorf("resource %s contains the kustomization itself: kustomize refuses the cycle", r)
		}
		if _, ok := files[p]; ok {
			continue
		}
		if _, ok := files[p+"/kustomization.yaml"]; ok {
			continue
		}
		return fmt.Errorf("resource %s: no such file", r)
	}
	for _, p := range k.Patches {
		// The only patch modgen writes replaces the Ingress's rules.
		var ops []struct {
			Op    string                     `json:"op"`
			Path  string                     `json:"path"`
			Value []networkingv1.IngressRule `json:"value"`
		}
		if err := k8syaml.UnmarshalStrict([]byte(p.Patch), &ops); err != nil || len(ops) != 1 || p.Target.Kind != "Ingress" || ops[0].Path != "/spec/rules" {
			return fmt.Errorf("patch of %s %s: %v; want one replacement of an Ingress's /spec/rules", p.Target.Kind, p.Target.Name, err)
		}
	}
	return nil
}

// TestKustomizeBuilds builds the base and the façade overlay of every
// golden scenario with kubectl's own kustomize, when kubectl is installed
// (the strict decoding above needs nothing; this catches what only
// kustomize knows, such as an overlay inside its base).
func TestKustomizeBuilds(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed")
	}
	for _, golden := range goldenScenarios(t) {
		t.Run(filepath.Base(golden), func(t *testing.T) {
			d := loadDeployment(t, golden)
			root := t.TempDir()
			for p, data := range d.files {
				if strings.HasPrefix(p, "deploy/k8s/") {
					if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(root, p), data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, dir := range []string{"deploy/k8s/base", "deploy/k8s/facade"} {
				out, err := exec.Command(kubectl, "kustomize", filepath.Join(root, dir)).CombinedOutput()
				if err != nil {
					t.Errorf("kubectl kustomize %s: %v\n%s", dir, err, out)
				} else if !strings.Contains(string(out), "kind: Ingress") {
					t.Errorf("kubectl kustomize %s: no Ingress:\n%s", dir, out)
				}
			}
		})
	}
}
