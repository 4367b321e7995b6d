package generator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"
)

// TestObserveSource: the decorator wraps each method that takes a context
// first and returns an error last, whatever its parameters look like, and
// leaves the others to the embedded API.
func TestObserveSource(t *testing.T) {
	api := `package shop

import (
	stdctx "context"
	"time"
)

type API interface {
	Get(ctx stdctx.Context, id int64) (Item, error)
	Tag(stdctx.Context, string, ...string) error
	Find(ctx stdctx.Context, o, end string, err int) (items []Item, next string, err2 error)
	Count() int
	Touch(ctx stdctx.Context, at time.Time)
}

type Item struct{}
`
	out, err := observeSource("example.com/shop", "shop", "internal/shop/api.go", []byte(api))
	if err != nil {
		t.Fatal(err)
	}
	file, err := parser.ParseFile(token.NewFileSet(), "observe_gen.go", out, 0)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var methods []string
	for _, d := range file.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil {
			methods = append(methods, fn.Name.Name)
		}
	}
	if want := []string{"Get", "Tag", "Find"}; !slices.Equal(methods, want) {
		t.Errorf("wrapped methods %v; want %v", methods, want)
	}
	for _, want := range []string{
		`telemetry.StartCall(ctx, "shop", "Get", o.location)`,
		`func (o observed) Tag(ctx stdctx.Context, a1 string, a2 ...string) (err error)`,
		`return o.API.Tag(ctx, a1, a2...)`,
		`func (o observed) Find(ctx stdctx.Context, a1 string, a2 string, a3 int) (_ []Item, _ string, err error)`,
		`stdctx "context"`,
		`"example.com/shop/pkg/telemetry"`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}

	if _, err := observeSource("example.com/shop", "shop", "internal/shop/api.go", []byte("package shop\n\ntype Service interface{}\n")); err == nil || !strings.Contains(err.Error(), "no `type API interface`") {
		t.Errorf("api.go without API: %v; want an error saying so", err)
	}
	if _, err := observeSource("example.com/shop", "shop", "internal/shop/api.go", []byte("package shop\n\ntype API interface {")); err == nil || !strings.Contains(err.Error(), "internal/shop/api.go") {
		t.Errorf("api.go that does not parse: %v; want an error naming it", err)
	}
}

// TestObserveCachedAfterAdd: the decorator of a module just added is taken
// from the disk by the next command, not written again: it is keyed by
// its api.go as formatted, as the next command reads it.
func TestObserveCachedAfterAdd(t *testing.T) {
	root := makeProject(t, []AddModuleOptions{{Name: "estoque"}})
	p, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	plan, err := p.AddModule(AddModuleOptions{Name: "pedidos", DependsOn: []string{"estoque"},
		Fields: "sku:string(40):unique,preco:decimal,validade:date?,dados:json?,estoque_id:ref(estoque)"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Finish(plan, false); err != nil {
		t.Fatal(err)
	}
	// The new module's decorator, written from its api.go as rendered and
	// keyed by it as formatted, is what the formatted api.go gives.
	content := func(rel string) []byte {
		i := slices.IndexFunc(plan.Files, func(f tree.File) bool { return f.Path == rel })
		if i < 0 {
			t.Fatalf("%s is not in the plan", rel)
		}
		return plan.Files[i].Content
	}
	fromFormatted, err := observeSource("github.com/acme/loja", "pedidos", "internal/pedidos/api.go", content("internal/pedidos/api.go"))
	if err != nil {
		t.Fatal(err)
	}
	if fromFormatted, err = tree.FormatSource("observe_gen.go", fromFormatted); err != nil {
		t.Fatal(err)
	}
	if got := content("internal/pedidos/observe_gen.go"); string(got) != string(fromFormatted) {
		t.Errorf("the decorator of the api.go as rendered differs from that of the api.go as formatted:\n%s\n---\n%s", got, fromFormatted)
	}
	i := slices.IndexFunc(plan.Files, func(f tree.File) bool { return f.Path == "internal/estoque/observe_gen.go" })
	if i < 0 {
		t.Fatal("internal/estoque/observe_gen.go is not in the plan")
	}
	if !plan.Files[i].OnDisk {
		t.Error("internal/estoque/observe_gen.go, written by the last command from an unchanged api.go, was rendered again")
	}
}
