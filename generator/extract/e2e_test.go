package extract

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"
)

// TestEndToEnd builds the modgen CLI of this repository, generates a
// project with estoque, notificacoes, pedidos (depending on both) and
// catalogo (whose API uses every supported type), extracts estoque,
// pedidos and catalogo, and runs go build, go vet and go test in the
// project: the generated contract tests run the CRUD contract against the
// local and the remote implementation and round-trip every method.
// Then it adds ReservarItens and LiberarReserva to estoque, extracts
// again, and checks field numbers, idempotence, that no user file is
// written, and that everything still builds and passes.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a generated project; skipped with -short")
	}
	for k, v := range map[string]string{"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOSUMDB": "off"} {
		t.Setenv(k, v)
	}
	tmp := t.TempDir()
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	modgen := filepath.Join(tmp, "modgen")
	run(t, repo, "go", "build", "-o", modgen, "./cmd/modgen")
	run(t, tmp, modgen, "new", "project", "loja", "--module", "github.com/acme/loja")
	root := filepath.Join(tmp, "loja")
	run(t, root, modgen, "add", "module", "estoque")
	run(t, root, modgen, "add", "module", "notificacoes")
	run(t, root, modgen, "add", "module", "pedidos", "--depends-on", "estoque,notificacoes")
	run(t, root, modgen, "add", "module", "catalogo")

	// catalogo's API gains a method with every supported type.
	editFile(t, filepath.Join(root, "internal", "catalogo", "api.go"),
		"\tDelete(ctx context.Context, id int64) error\n}", "\tDelete(ctx context.Context, id int64) error\n"+everythingMethods+"}\n"+everythingTypes)
	appendFile(t, filepath.Join(root, "internal", "catalogo", "service.go"), everythingService)

	// extract runs `modgen extract module`, which also writes the shared
	// packages, the service's command and go.mod, and returns the files
	// generated from the module's API.
	extract := func(module string) []tree.File {
		t.Helper()
		run(t, root, modgen, "extract", "module", module)
		files, err := Generate(Config{Root: root, ModulePath: "github.com/acme/loja", Module: module, Port: 50051})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.Owner == tree.Merged { // the field record: modgen's data, not Go
				continue
			}
			checkGenerated(t, f)
			disk, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Path)))
			if err != nil || !bytes.Equal(disk, f.Content) {
				t.Errorf("%s on disk differs from what Generate returns (%v)", f.Path, err)
			}
		}
		return files
	}
	for _, m := range []string{"estoque", "notificacoes", "pedidos", "catalogo"} {
		extract(m)
	}
	// A test of the user's own: values a Go client cannot send (from
	// another language, say) are rejected with the field path, not
	// wrapped around.
	if err := os.WriteFile(filepath.Join(root, "internal", "catalogo", "catalogogrpc", "range_test.go"), []byte(rangeTest), 0o644); err != nil {
		t.Fatal(err)
	}
	buildVetTest(t, root)

	// The user adds two methods to estoque and extracts again.
	before := numbersOf(t, filepath.Join(root, "proto", "estoque", "v1", "estoque.proto"))
	editFile(t, filepath.Join(root, "internal", "estoque", "api.go"),
		"\tDelete(ctx context.Context, id int64) error\n}",
		"\tDelete(ctx context.Context, id int64) error\n"+
			"\t// ReservarItens reserves the items and returns the reservation id.\n"+
			"\tReservarItens(ctx context.Context, itens []Item) (string, error)\n"+
			"\t// LiberarReserva releases a reservation.\n"+
			"\tLiberarReserva(ctx context.Context, reservaID string) error\n}\n\n"+
			"// Item is one line of a reservation.\ntype Item struct {\n\tSKU        string\n\tQuantidade int32\n\tValidoAte  time.Time\n\tAtributos  map[string]string\n}\n")
	appendFile(t, filepath.Join(root, "internal", "estoque", "service.go"), `
func (s *service) ReservarItens(ctx context.Context, itens []Item) (string, error) {
	if len(itens) == 0 {
		return "", &ValidationError{Field: "itens", Problem: "must not be empty"}
	}
	return fmt.Sprintf("reserva-%d-%s", len(itens), itens[0].SKU), nil
}

func (s *service) LiberarReserva(ctx context.Context, reservaID string) error {
	if reservaID == "" {
		return ErrNotFound
	}
	return nil
}
`)
	// The user makes the service's command theirs.
	editFile(t, filepath.Join(root, "cmd", "estoque", "main.go"), "func main() {", "// main is ours now.\nfunc main() {")
	mine := []string{"internal/estoque/api.go", "internal/estoque/service.go", "go.mod", "modgen.yaml", "cmd/api/wire_gen.go", "cmd/estoque/main.go", "cmd/estoque/main_test.go"}
	userFiles := snapshot(t, root, mine...)
	files := extract("estoque")
	for _, f := range files {
		if _, user := userFiles[f.Path]; user || f.Owner != tree.Merged && !strings.HasPrefix(string(f.Content), tree.GeneratedHeader) {
			t.Errorf("extract wrote %s, which is not a generated file", f.Path)
		}
	}
	if after := snapshot(t, root, mine...); !equalSnapshots(userFiles, after) {
		t.Error("extract changed a file the user owns")
	}
	after := numbersOf(t, filepath.Join(root, "proto", "estoque", "v1", "estoque.proto"))
	for msg, fields := range before {
		for name, n := range fields {
			if after[msg][name] != n {
				t.Errorf("%s.%s was %d, is %d after re-extraction", msg, name, n, after[msg][name])
			}
		}
	}
	if after["ReservarItensRequest"]["itens"] == 0 || after["Item"]["atributos"] == 0 {
		t.Errorf("the new method and struct are missing from the proto: %v", after)
	}
	again, err := Generate(Config{Root: root, ModulePath: "github.com/acme/loja", Module: "estoque", Port: 50051})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(files) {
		t.Fatalf("a second extraction produced %d files, the first %d", len(again), len(files))
	}
	for i := range files {
		if files[i].Path != again[i].Path || !bytes.Equal(files[i].Content, again[i].Content) {
			t.Errorf("a second extraction changed %s", files[i].Path)
		}
	}
	buildVetTest(t, root)
	if out := run(t, root, "go", "test", "-run", "TestRoundTrip/ReservarItens", "-v", "./internal/estoque/estoquegrpc/"); !strings.Contains(out, "--- PASS: TestRoundTrip/ReservarItens") {
		t.Errorf("the round trip of ReservarItens did not run:\n%s", out)
	}
}

// checkGenerated checks what every generated file must be.
func checkGenerated(t *testing.T, f tree.File) {
	t.Helper()
	if !strings.HasPrefix(string(f.Content), tree.GeneratedHeader+"\n") {
		t.Errorf("%s does not start with %q", f.Path, tree.GeneratedHeader)
	}
	if strings.HasSuffix(f.Path, ".go") {
		formatted, err := format.Source(f.Content)
		if err != nil {
			t.Errorf("%s does not parse: %v", f.Path, err)
		} else if !bytes.Equal(formatted, f.Content) {
			t.Errorf("%s is not gofmt-formatted", f.Path)
		}
	}
}

func buildVetTest(t *testing.T, root string) {
	t.Helper()
	run(t, root, "go", "build", "./...")
	run(t, root, "go", "vet", "./...")
	run(t, root, "go", "test", "./...")
}

// run runs a command in dir and fails the test with its output if it
// fails.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s lacks %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, text...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func snapshot(t *testing.T, root string, paths ...string) map[string][]byte {
	t.Helper()
	s := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		s[p] = b
	}
	return s
}

func equalSnapshots(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func numbersOf(t *testing.T, path string) map[string]map[string]int32 {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rel := strings.TrimPrefix(filepath.ToSlash(path), filepath.ToSlash(filepath.Dir(filepath.Dir(filepath.Dir(path))))+"/")
	_, fd := compile(t, rel, src)
	return numbers(fd)
}

// everythingMethods, everythingTypes and everythingService extend the
// catalogo scaffold with every supported type.
const everythingMethods = `	// Echo sends everything and gets it back.
	Echo(ctx context.Context, e Everything, opt *Everything, list []Everything, byName map[string]Everything, s Status, l Level, tags Tags) (Everything, *Node, error)
	// Chain takes a variadic list.
	Chain(ctx context.Context, prefix string, nodes ...Node) ([]Node, error)
	// Ping has no parameters and no results.
	Ping(ctx context.Context) error
	// Lookup has a named result.
	Lookup(ctx context.Context, id uint64) (found bool, err error)
`

var everythingTypes = everythingAPI[:strings.Index(everythingAPI, "// API uses them all.")]

const everythingService = `
func (s *service) Echo(ctx context.Context, e Everything, opt *Everything, list []Everything, byName map[string]Everything, st Status, l Level, tags Tags) (Everything, *Node, error) {
	return e, e.Child, nil
}

func (s *service) Chain(ctx context.Context, prefix string, nodes ...Node) ([]Node, error) {
	for i := range nodes {
		nodes[i].Name = prefix + nodes[i].Name
	}
	return nodes, nil
}

func (s *service) Ping(ctx context.Context) error { return ctx.Err() }

func (s *service) Lookup(ctx context.Context, id uint64) (bool, error) { return id%2 == 0, nil }
`

const rangeTest = `package catalogogrpc_test

import (
	"context"
	"testing"

	"github.com/acme/loja/internal/catalogo/catalogogrpc"
	"github.com/acme/loja/internal/catalogo/catalogopb"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func TestOutOfRange(t *testing.T) {
	srv := catalogogrpc.NewServer(nil) // the API is never reached
	for field, req := range map[string]*catalogopb.EchoRequest{
		"e.i8":           {E: &catalogopb.Everything{I8: 300}},
		"e.u16":          {E: &catalogopb.Everything{U16: 70000}},
		"e.at":           {E: &catalogopb.Everything{At: &timestamppb.Timestamp{Seconds: 1 << 60}}},
		"list[1].level":  {List: []*catalogopb.Everything{{}, {Level: -129}}},
		"e.small[200]":   {E: &catalogopb.Everything{Small: map[int32]bool{200: true}}},
		"e.wait":         {E: &catalogopb.Everything{Wait: &durationpb.Duration{Seconds: 10_000_000_000}}},
		"e.durations[k]": {E: &catalogopb.Everything{Durations: map[string]*durationpb.Duration{"k": {Seconds: 1 << 40}}}},
	} {
		_, err := srv.Echo(context.Background(), req)
		st := status.Convert(err)
		var got string
		for _, d := range st.Details() {
			if br, ok := d.(*errdetails.BadRequest); ok && len(br.GetFieldViolations()) == 1 {
				got = br.GetFieldViolations()[0].GetField()
			}
		}
		if st.Code() != codes.InvalidArgument || got != field {
			t.Errorf("Echo(%v) = %v (field %q); want InvalidArgument on %q", req, err, got, field)
		}
	}
}
`
