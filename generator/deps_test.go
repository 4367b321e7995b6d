package generator

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/internal/testtree"
	"github.com/modgen-dev/modgen/templates"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// TestGRPCRequirementsMatchDeps keeps what modgen writes into go.mod and
// go.sum equal to testdata/deps, the module that lists every package the
// templates emit and that CI downloads: a project with an extracted module
// requires exactly what testdata/deps requires.
// depsGoMod parses testdata/deps/go.mod.
func depsGoMod(t *testing.T) *modfile.File {
	t.Helper()
	data, err := os.ReadFile("../testdata/deps/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// projectGoMod parses the go.mod a new project gets.
func projectGoMod(t *testing.T) *modfile.File {
	t.Helper()
	base, err := templates.FS.ReadFile("project/go.mod.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", []byte(strings.ReplaceAll(string(base), "{{.Module}}", "example.com/x")), nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestGRPCRequirementsMatchDeps(t *testing.T) {
	deps, project := depsGoMod(t), projectGoMod(t)
	var want, got []string
	for _, r := range deps.Require {
		want = append(want, r.Mod.String())
	}
	for _, r := range project.Require {
		got = append(got, r.Mod.String())
	}
	for _, r := range append(grpcRequires, natsRequires...) {
		got = append(got, r.Path+"@"+r.Version)
	}
	slices.Sort(want)
	slices.Sort(got)
	got = slices.Compact(got) // grpcRequires makes some of the project's indirect requirements direct
	if !slices.Equal(want, got) {
		t.Errorf("new-project requires + grpcRequires + natsRequires =\n%v\ntestdata/deps/go.mod requires\n%v", got, want)
	}

	sum, err := os.ReadFile("../testdata/deps/go.sum")
	if err != nil {
		t.Fatal(err)
	}
	baseSum, err := templates.FS.ReadFile("project/go.sum.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	lines := func(b []byte) []string {
		l := slices.DeleteFunc(strings.Split(string(b), "\n"), func(s string) bool { return s == "" })
		slices.Sort(l)
		return l
	}
	merged := lines(slices.Concat(baseSum, []byte("\n"), templates.GRPCSum, []byte("\n"), templates.NATSSum))
	if !slices.Equal(merged, lines(sum)) {
		t.Errorf("project go.sum + grpc.sum + nats.sum differ from testdata/deps/go.sum")
	}
}

func TestMergeGoSumKeepsGoOrder(t *testing.T) {
	root := t.TempDir()
	testtree.Write(t, root, map[string]string{"go.sum": "b.com/x v1.10.0 h1:b=\nb.com/x v1.10.0/go.mod h1:c=\nuser.com/own v0.1.0 h1:u=\n"})
	p := &Project{Root: root}
	f, err := p.mergeGoSum([]byte("a.com/y v1.0.0 h1:a=\nb.com/x v1.9.0/go.mod h1:d=\nuser.com/own v0.1.0 h1:u=\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := "a.com/y v1.0.0 h1:a=\nb.com/x v1.9.0/go.mod h1:d=\nb.com/x v1.10.0 h1:b=\nb.com/x v1.10.0/go.mod h1:c=\nuser.com/own v0.1.0 h1:u=\n"
	if string(f.Content) != want {
		t.Errorf("merged go.sum:\n%s\nwant:\n%s", f.Content, want)
	}
}

func TestRequireModulesKeepsUserLines(t *testing.T) {
	root := t.TempDir()
	testtree.Write(t, root, map[string]string{"go.mod": "module example.com/x\n\ngo 1.26.0\n\n// the user's own dependency\nrequire github.com/user/lib v1.2.3\n\nrequire google.golang.org/grpc v1.90.0\n"})
	p := &Project{Root: root}
	f, err := p.requireModules([]requirement{{"google.golang.org/grpc", "v1.85.0", false}, {"golang.org/x/net", "v0.60.0", true}, {"google.golang.org/protobuf", "v1.36.12", false}})
	if err != nil {
		t.Fatal(err)
	}
	out := string(f.Content)
	for _, want := range []string{"github.com/user/lib v1.2.3", "google.golang.org/grpc v1.90.0", "google.golang.org/protobuf v1.36.12", "golang.org/x/net v0.60.0 // indirect"} {
		if !strings.Contains(out, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "v1.85.0") {
		t.Errorf("go.mod downgraded grpc:\n%s", out)
	}
}

// TestPinsAtLeastMinimum fails when a version modgen pins (in a new
// project's go.mod, in what extraction adds, or in testdata/deps) is older
// than the minimum templates/minimum-versions.txt gives for its module.
func TestPinsAtLeastMinimum(t *testing.T) {
	data, err := os.ReadFile("../templates/minimum-versions.txt")
	if err != nil {
		t.Fatal(err)
	}
	minimum := map[string]string{}
	for n, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 3 || !semver.IsValid(f[1]) {
			t.Fatalf("minimum-versions.txt:%d: want `module version reason`, got %q", n+1, line)
		}
		minimum[f[0]] = f[1]
	}
	pins := map[string][]string{} // module -> "version (where)"
	add := func(where, path, version string) {
		pins[path] = append(pins[path], version+" ("+where+")")
		if min, ok := minimum[path]; ok && semver.Compare(version, min) < 0 {
			t.Errorf("%s pins %s %s, older than the minimum %s of templates/minimum-versions.txt", where, path, version, min)
		}
	}
	for _, r := range projectGoMod(t).Require {
		add("templates/project/go.mod.tmpl", r.Mod.Path, r.Mod.Version)
	}
	for _, r := range grpcRequires {
		add("extraction (grpcRequires)", r.Path, r.Version)
	}
	for _, r := range depsGoMod(t).Require {
		add("testdata/deps/go.mod", r.Mod.Path, r.Mod.Version)
	}
	for path := range minimum {
		if len(pins[path]) == 0 {
			t.Errorf("minimum-versions.txt lists %s, which modgen does not pin: drop the line", path)
		}
	}
}
