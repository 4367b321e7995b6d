package generator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"
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
