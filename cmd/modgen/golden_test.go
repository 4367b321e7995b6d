package main

import (
	"bytes"
	"flag"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/internal/testtree"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// scenario is a sequence of modgen commands run in a fresh folder; the tree
// they leave in project is compared with testdata/golden/<name>.txtar and
// then built, vetted and tested with the real Go toolchain.
type scenario struct {
	name    string
	project string
	cmds    [][]string
	// edits change the project by hand before the command of the same index,
	// as a user would.
	edits map[int]func(t *testing.T, root string)
}

var scenarios = []scenario{
	{"new_project", "loja", [][]string{
		{"new", "project", "loja", "--module", "github.com/acme/loja"},
	}, nil},
	{"add_modules", "loja", seed, nil},
	{"extract", "loja", append(seed[:len(seed):len(seed)], []string{"-C", "loja", "extract", "module", "estoque"}), nil},
	{"reextract", "loja", append(seed[:len(seed):len(seed)],
		[]string{"-C", "loja", "extract", "module", "estoque"},
		[]string{"-C", "loja", "extract", "module", "estoque"}),
		map[int]func(*testing.T, string){5: addReservations}},
	// The article's events: notificacoes and estoque handle pedidos' created
	// event (estoque against the calls), then every module extracted.
	{"events", "loja", append(seed[:len(seed):len(seed)],
		[]string{"-C", "loja", "add", "subscription", "notificacoes", "pedidos.PedidoCreated"},
		[]string{"-C", "loja", "add", "subscription", "estoque", "pedidos.PedidoCreated"},
		[]string{"-C", "loja", "extract", "module", "estoque"},
		[]string{"-C", "loja", "extract", "module", "notificacoes"},
		[]string{"-C", "loja", "extract", "module", "pedidos"}), nil},
	// The seed split: pedidos extracted after the modules it calls.
	{"split", "loja", append(seed[:len(seed):len(seed)],
		[]string{"-C", "loja", "extract", "module", "estoque"},
		[]string{"-C", "loja", "extract", "module", "notificacoes"},
		[]string{"-C", "loja", "extract", "module", "pedidos"}), nil},
	{"fields", "loja", fieldsScenario, nil},
	{"extract_fields", "loja", append(fieldsScenario[:len(fieldsScenario):len(fieldsScenario)],
		[]string{"-C", "loja", "extract", "module", "estoque"},
		[]string{"-C", "loja", "extract", "module", "produtos"}), nil},
}

// everyType is a --fields spec with every field type, optional and
// required, and every modifier.
const everyType = "sku:string(40):unique,descricao:text?,quantidade:int,peso:float?,preco:decimal,desconto:decimal?:index,ativo:bool:index," +
	"publicado_em:time?,lancado_em:time,validade:date,codigo:uuid:unique,atributos:json,extras:json?,estoque_id:ref(estoque):index,criado_por:string?"

// fieldsScenario adds a module with a field of every type, referring to
// another module.
var fieldsScenario = [][]string{
	{"new", "project", "loja", "--module", "github.com/acme/loja"},
	{"-C", "loja", "add", "module", "estoque"},
	{"-C", "loja", "add", "module", "produtos", "--fields", everyType},
}

// onPostgres are the scenarios whose generated tests also run on
// PostgreSQL (TEST_DATABASE_URL): the seed with estoque extracted, and a
// module with a field of every type, extracted.
var onPostgres = map[string]bool{"extract": true, "extract_fields": true}

// seed is the scenario of the seed article: pedidos uses estoque and
// notificacoes through interfaces.
var seed = [][]string{
	{"new", "project", "loja", "--module", "github.com/acme/loja"},
	{"-C", "loja", "add", "module", "estoque"},
	{"-C", "loja", "add", "module", "notificacoes"},
	{"-C", "loja", "add", "module", "pedidos", "--depends-on", "estoque,notificacoes"},
}

// modgen runs the CLI in process with dir as the working folder given by -C.
func modgen(t testing.TB, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"-C", dir}, args...)
	if len(args) > 1 && args[0] == "-C" { // a scenario's own -C is relative to dir
		full = append([]string{"-C", filepath.Join(dir, args[1])}, args[2:]...)
	}
	code = run(full, &out, &errb)
	return code, out.String(), errb.String()
}

// runScenario runs every command of s twice in a new folder, checks the
// second run changed nothing, and returns the project folder.
func runScenario(t *testing.T, s scenario) string {
	t.Helper()
	dir := t.TempDir()
	for i, args := range s.cmds {
		if edit := s.edits[i]; edit != nil {
			edit(t, filepath.Join(dir, s.project))
		}
		if code, _, stderr := modgen(t, dir, args...); code != 0 {
			t.Fatalf("modgen %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		if i == 0 {
			continue // `new project` refuses an existing folder by design; tested by script
		}
		before := testtree.Read(t, dir)
		if code, _, stderr := modgen(t, dir, args...); code != 0 {
			t.Fatalf("second modgen %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		assertSameTree(t, before, testtree.Read(t, dir), "second run of modgen "+strings.Join(args, " "))
	}
	return filepath.Join(dir, s.project)
}

func assertSameTree(t *testing.T, want, got map[string][]byte, what string) {
	t.Helper()
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%s: removed %s", what, p)
		case !bytes.Equal(w, g):
			t.Errorf("%s: changed %s", what, p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: added %s", what, p)
		}
	}
}

func goldenPath(name string) string {
	return filepath.Join("..", "..", "testdata", "golden", name+".txtar")
}

// compareGolden checks the tree against the golden archive, reporting missing
// and unexpected files, or rewrites the archive with -update.
func compareGolden(t *testing.T, s scenario, tree map[string][]byte) {
	t.Helper()
	var comment strings.Builder
	comment.WriteString("Generated by `go test ./cmd/modgen -run TestGolden -update`; review changes like code.\n")
	for _, args := range s.cmds {
		comment.WriteString("modgen " + strings.Join(args, " ") + "\n")
	}
	if *update {
		ar := &txtar.Archive{Comment: []byte(comment.String())}
		for _, p := range sortedKeys(tree) {
			ar.Files = append(ar.Files, txtar.File{Name: p, Data: tree[p]})
		}
		if err := os.MkdirAll(filepath.Dir(goldenPath(s.name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath(s.name), txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	ar, err := txtar.ParseFile(goldenPath(s.name))
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	want := map[string][]byte{}
	for _, f := range ar.Files {
		want[f.Name] = f.Data
	}
	for _, p := range sortedKeys(want) {
		g, ok := tree[p]
		if !ok {
			t.Errorf("missing file %s", p)
		} else if !bytes.Equal(g, want[p]) {
			t.Errorf("%s differs from the golden file; diff with -update and review", p)
		}
	}
	for _, p := range sortedKeys(tree) {
		if _, ok := want[p]; !ok {
			t.Errorf("unexpected file %s", p)
		}
	}
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestGolden(t *testing.T) {
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			root := runScenario(t, s)
			tree := testtree.Read(t, root)
			compareGolden(t, s, tree)
			assertGofmt(t, tree)
			if testing.Short() {
				return
			}
			goCheck(t, root)
			if onPostgres[s.name] {
				goTestOn(t, root, postgresServer(t))
			}
			if _, err := os.Stat(filepath.Join(root, "proto")); err == nil {
				bufLint(t, root)
			}
		})
	}
}

// assertGofmt checks that every Go file of the tree is as gofmt leaves it.
// Format skips the output of static templates, written as they are: one
// that is not gofmt-clean fails here too.
func assertGofmt(t *testing.T, tree map[string][]byte) {
	t.Helper()
	for _, p := range sortedKeys(tree) {
		if !strings.HasSuffix(p, ".go") {
			continue
		}
		out, err := format.Source(tree[p])
		if err != nil {
			t.Errorf("gofmt %s: %v", p, err)
		} else if !bytes.Equal(out, tree[p]) {
			t.Errorf("%s is not gofmt-clean", p)
		}
	}
}

// goTestOn runs the generated project's tests with TEST_DATABASE_URL set
// to server: every test that uses databasetest gets a PostgreSQL database.
func goTestOn(t *testing.T, root, server string) {
	t.Helper()
	cmd := exec.Command("go", "test", "-count=1", "./...")
	cmd.Dir = root
	cmd.Env = append(offlineEnv(), "TEST_DATABASE_URL="+server)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test ./... on PostgreSQL (TEST_DATABASE_URL=%s): %v\n%s", server, err, out)
	}
}

// offlineEnv builds generated projects from the module cache only.
// generateAndBuild runs the modgen commands cmds in dir, then builds the
// commands pkgs of the project dir/loja offline into dir/bin. It returns the
// project and the folder of the binaries.
func generateAndBuild(t *testing.T, dir string, cmds [][]string, pkgs ...string) (root, bin string) {
	t.Helper()
	for _, args := range cmds {
		if code, _, stderr := modgen(t, dir, args...); code != 0 {
			t.Fatalf("modgen %s: %s", strings.Join(args, " "), stderr)
		}
	}
	root, bin = filepath.Join(dir, "loja"), filepath.Join(dir, "bin")
	build := exec.Command("go", append([]string{"build", "-o", bin + string(filepath.Separator)}, pkgs...)...)
	build.Dir, build.Env = root, offlineEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	return root, bin
}

func offlineEnv() []string {
	return append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off")
}

// goCheck runs go build, go vet and go test in a generated project, offline,
// and checks that neither go.mod nor go.sum needed a change: the project is
// complete as generated.
func goCheck(t *testing.T, root string) {
	t.Helper()
	before := testtree.Read(t, root)
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Env = offlineEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the generated project: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	after := testtree.Read(t, root)
	for _, f := range []string{"go.mod", "go.sum"} {
		if !bytes.Equal(before[f], after[f]) {
			t.Errorf("building the generated project changed %s: it was incomplete\n--- before\n%s\n--- after\n%s", f, before[f], after[f])
		}
	}
}
