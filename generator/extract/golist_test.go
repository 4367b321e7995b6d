package extract

import (
	"strings"
	"testing"
)

// TestBrokenDependency checks that a module whose own code is fine but
// which imports a package that does not compile is refused as not
// compiling, naming the package at fault: its types come from export data,
// which a broken package does not have.
func TestBrokenDependency(t *testing.T) {
	root := fixture(t, map[string]string{
		"pkg/broken/broken.go": "package broken\n\n// Thing is broken.\ntype Thing = Missing\n",
		"internal/loja/api.go": apiFile("loja", "type API interface{ Get(ctx context.Context, id int64) (broken.Thing, error) }\n", fixtureModule+"/pkg/broken"),
	})
	files, err := Generate(fixtureConfig(root, "loja"))
	if err == nil || files != nil {
		t.Fatalf("Generate = %d files, %v; want an error", len(files), err)
	}
	for _, want := range []string{"internal/loja does not compile; fix it first", "pkg/broken"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

// TestSyntaxErrorPosition checks that a syntax error in the module is
// reported with its file, line and column.
func TestSyntaxErrorPosition(t *testing.T) {
	root := fixture(t, map[string]string{
		"internal/loja/api.go": apiFile("loja", "type API interface{ Get(ctx context.Context, id int64) error\n"),
	})
	_, err := Generate(fixtureConfig(root, "loja"))
	if err == nil || !strings.Contains(err.Error(), "does not compile") || !strings.Contains(err.Error(), "internal/loja/api.go:") {
		t.Fatalf("error %v; want internal/loja does not compile, with the position in api.go", err)
	}
}
