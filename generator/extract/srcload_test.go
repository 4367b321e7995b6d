package extract

import (
	"errors"
	"go/build"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadBothWays loads cfg's module as load does and through the full load
// alone, fails the test unless both give the same contract (or the same
// error) and the same files, and returns why loadSource fell back, or nil.
func loadBothWays(t *testing.T, cfg Config) (fellBack error) {
	t.Helper()
	_, projectPkgs := packagesToLoad(cfg)
	_, _, fellBack = loadSource(cfg.Root, cfg.ModulePath, cfg.ModulePath+"/internal/"+cfg.Module, projectPkgs)
	var fb *fallbackError
	if fellBack != nil && !errors.As(fellBack, &fb) {
		t.Errorf("loadSource failed with %T %v; want a *fallbackError", fellBack, fellBack)
	}
	fast, full, _, err := LoadBothWays(cfg)
	if err != nil {
		fullLoadOnly = true
		_, fullErr := load(cfg)
		fullLoadOnly = false
		if fullErr == nil || fullErr.Error() != err.Error() {
			t.Errorf("load failed with\n\t%v\nthe full load alone with\n\t%v", err, fullErr)
		}
		return fellBack
	}
	if fast != full {
		t.Errorf("the contracts differ\n--- load:\n%s\n--- the full load alone:\n%s", fast, full)
	}
	if fellBack != nil {
		return fellBack // Generate then runs the full load both ways
	}
	diff, fastErr, fullErr := GenerateBothWays(cfg)
	if len(diff) > 0 || (fastErr == nil) != (fullErr == nil) || fastErr != nil && fastErr.Error() != fullErr.Error() {
		t.Errorf("Generate: files %v differ; errors %v and %v", diff, fastErr, fullErr)
	}
	return fellBack
}

// scaffoldFiles is a module package with what readModule looks for, a
// service whose function bodies use packages the contract does not need
// (one of them does not compile), and the project packages readProject
// reads.
var scaffoldFiles = map[string]string{
	"internal/loja/api.go": apiFile("loja", `
// Loja is an entity.
type Loja struct {
	ID   int64
	Name string
	At   time.Time
}

// ValidationError says which field broke which rule.
type ValidationError struct{ Field, Problem string }

func (e *ValidationError) Error() string { return e.Field + ": " + e.Problem }

// API is the contract.
type API interface {
	// Get gets one.
	Get(ctx context.Context, id int64) (Loja, error)
}

var (
	// ErrNotFound is returned for an unknown id.
	ErrNotFound = errors.New("loja: not found")
	ErrInvalid  = fmt.Errorf("loja: invalid: %w", ErrNotFound)
	errQuiet    = errors.New("unexported")
)
`, "errors", "fmt"),
	"internal/loja/module.go": `package loja

import (
	"context"
	"database/sql"
	"embed"
	"log/slog"
	"net/http"

	"example.com/shop/pkg/database"
	"example.com/shop/pkg/outbox"
)

// Other is another module, as the interface this one declares.
type Other interface {
	Find(ctx context.Context, id int64) (Loja, error)
}

type Deps struct {
	DB    *sql.DB
	Bus   *outbox.Bus
	Log   *slog.Logger
	Other Other
}

type Module struct {
	api API
	mux *http.ServeMux
}

func New(d Deps) *Module { return &Module{api: newService(d.DB)} }

func (m *Module) API() API { return m.api }

func (m *Module) RegisterRoutes(mux *http.ServeMux) { m.mux = mux }

//go:embed api.go
var files embed.FS

var Migrations = database.EmbeddedSource("loja", files)
`,
	"internal/loja/service.go": `package loja

import (
	"context"
	"database/sql"
	"strconv"
)

type service struct{ db *sql.DB }

func newService(db *sql.DB) *service { return &service{db: db} }

func (s *service) Get(ctx context.Context, id int64) (Loja, error) {
	return Loja{Name: strconv.FormatInt(id, 10)}, nil
}
`,
	"internal/loja/service_windows.go": "package loja\n\nfunc (s *service) Windows() int { return \"not an int\" }\n",
	"internal/loja/ignored.go":         "//go:build ignore\n\npackage other\n\nimport \"github.com/not/there\"\n",
	"pkg/database/database.go": `package database

import (
	"context"
	"database/sql"
	"io/fs"
)

type Source struct {
	Module string
	FS     fs.FS
}

func EmbeddedSource(module string, fsys fs.FS) Source { return Source{Module: module, FS: fsys} }

func Open(ctx context.Context, url string) (*sql.DB, error) { return sql.Open("sqlite", url) }

func Migrate(ctx context.Context, db *sql.DB, sources ...Source) error { return nil }
`,
	"pkg/outbox/outbox.go": `package outbox

import (
	"database/sql"
	"log/slog"
	"net/http"
)

type Bus struct {
	db  *sql.DB
	log *slog.Logger
}

func New(db *sql.DB, log *slog.Logger) *Bus { return &Bus{db: db, log: log} }

func (b *Bus) Serve(w http.ResponseWriter, r *http.Request) {}
`,
	"pkg/server/server.go": `package server

import "context"

type key struct{}

func RequestID(ctx context.Context) string { s, _ := ctx.Value(key{}).(string); return s }

func WithRequestID(ctx context.Context, id string) context.Context { return context.WithValue(ctx, key{}, id) }
`,
}

// smallFiles is a module package with an API, and a function whose body
// uses another package: the full load of it is quick.
var smallFiles = map[string]string{
	"internal/loja/api.go": apiFile("loja", "type API interface{ Get(ctx context.Context, id int64) (int64, error) }\n\n"+
		"var ErrNotFound = errors.New(\"loja: not found\")\n", "errors"),
	"internal/loja/service.go": "package loja\n\nimport \"strconv\"\n\nfunc name(id int64) string { return strconv.FormatInt(id, 10) }\n",
}

// files returns a copy of scaffoldFiles with changes: a file whose content
// is "" is removed.
func files(changes map[string]string) map[string]string { return withFiles(scaffoldFiles, changes) }

// small is files for smallFiles.
func small(changes map[string]string) map[string]string { return withFiles(smallFiles, changes) }

func withFiles(base, changes map[string]string) map[string]string {
	out := map[string]string{}
	for name, content := range base {
		out[name] = content
	}
	for name, content := range changes {
		if content == "" {
			delete(out, name)
		} else {
			out[name] = content
		}
	}
	return out
}

// TestSourceLoadMatchesFullLoad checks that loadSource vouches for the
// fixtures of the package's tests and for a module scaffold, and that the
// contracts, errors and files are those of the full load.
func TestSourceLoadMatchesFullLoad(t *testing.T) {
	for _, tc := range []struct {
		name, module string
		files        map[string]string
	}{
		{"everything", "loja", map[string]string{"internal/loja/api.go": apiFile("loja", everythingAPI, "encoding/json")}},
		{"estoque", "estoque", map[string]string{"internal/estoque/api.go": estoqueAPI, "internal/estoque/domain/entity.go": estoqueDomain}},
		{"scaffold", "loja", files(nil)},
		{"unsupported types", "loja", map[string]string{"internal/loja/api.go": apiFile("loja", `
type Box[T any] struct{ V T }
type Hidden struct{ x int }
type API interface {
	Read(ctx context.Context, r io.Reader) error
	URL(ctx context.Context, u *url.URL) error
	Unsafe(ctx context.Context, p unsafe.Pointer) error
	Generic(ctx context.Context, b Box[int]) error
	Hide(ctx context.Context, h Hidden) error
	Month(ctx context.Context, m time.Month) error
}
`, "io", "net/url", "unsafe")}},
		{"constants and aliases", "loja", map[string]string{"internal/loja/api.go": apiFile("loja", `
type Size int
const (
	Small Size = iota
	Large
)
type Grid [Large + 1]int
type Cell = Item
type Item struct{ Name string; Sizes map[string]Size; Grids []Grid }
type API interface{ Put(ctx context.Context, c Cell) (*Item, error) }
`)}},
		{"an error only in a function body", "loja", files(map[string]string{
			"internal/loja/broken.go": "package loja\n\nfunc broken() int { return \"not an int\" }\n",
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := fixture(t, tc.files)
			if tc.name == "an error only in a function body" {
				// The full load refuses it; loadSource, which ignores
				// function bodies, extracts it.
				c, err := load(fixtureConfig(root, tc.module))
				if err != nil {
					t.Fatalf("load: %v; want the contract, from source", err)
				}
				if c.fallback != nil {
					t.Errorf("load fell back: %v", c.fallback)
				}
				return
			}
			if fellBack := loadBothWays(t, fixtureConfig(root, tc.module)); fellBack != nil {
				t.Errorf("loadSource fell back: %v", fellBack)
			}
		})
	}
}

// TestSourceLoadFallsBack checks each reason loadSource has to fall back to
// the full load, and that load then gives what the full load gives.
func TestSourceLoadFallsBack(t *testing.T) {
	cgo := "0"
	if !build.Default.CgoEnabled {
		cgo = "1"
	}
	for _, tc := range []struct {
		name    string
		files   map[string]string
		env     map[string]string
		cfg     func(cfg *Config)
		because string // in the reason
	}{
		{name: "type error in the contract", because: "undefined: Missing",
			files: small(map[string]string{"internal/loja/api.go": apiFile("loja", "type API interface{ Get(ctx context.Context, m Missing) error }\n")})},
		{name: "syntax error in a function body", because: "expected",
			files: small(map[string]string{"internal/loja/service.go": "package loja\n\nfunc f() { if }\n"})},
		{name: "broken project package", because: "undefined: Missing",
			files: small(map[string]string{
				"pkg/broken/broken.go": "package broken\n\n// Thing is broken.\ntype Thing = Missing\n",
				"internal/loja/api.go": apiFile("loja", "type API interface{ Get(ctx context.Context, id int64) (broken.Thing, error) }\n", fixtureModule+"/pkg/broken"),
			})},
		{name: "no standard-library package", because: "import no standard-library package",
			files: map[string]string{"internal/loja/api.go": apiFile("loja", "type API struct{}\n")}},
		{name: "redeclared", because: "declares name twice",
			files: small(map[string]string{"internal/loja/again.go": "package loja\n\nfunc name() {}\n"})},
		{name: "two packages", because: "holds packages loja and other",
			files: small(map[string]string{"internal/loja/other.go": "package other\n"})},
		{name: "no Go files", because: "no Go files",
			files: map[string]string{"internal/loja/api.go": "//go:build ignore\n\npackage loja\n"}},
		{name: "no such module", because: "no such file", files: small(nil),
			cfg: func(cfg *Config) { cfg.Module = "missing" }},
		{name: "other module path", because: "go.mod does not declare module example.com/other", files: small(nil),
			cfg: func(cfg *Config) { cfg.ModulePath = "example.com/other" }},
		{name: "relative root", because: "not an absolute path", files: small(nil),
			cfg: func(cfg *Config) {
				wd, _ := os.Getwd()
				cfg.Root, _ = filepath.Rel(wd, cfg.Root)
			}},
		{name: "package named unlike its folder", because: "undefined: helpers",
			files: small(map[string]string{
				"internal/util/util.go": "package helpers\n\ntype Thing struct{ Name string }\n",
				"internal/loja/api.go": apiFile("loja", "type API interface{ Get(ctx context.Context) (helpers.Thing, error) }\n",
					"example.com/shop/internal/util"),
			})},
		{name: "import path leaving the module", because: "import path example.com/shop/../x",
			files: small(map[string]string{
				"internal/loja/api.go": apiFile("loja", "type API interface{ Get(ctx context.Context) (x.Thing, error) }\n", "example.com/shop/../x"),
			})},
		{name: "dot import", because: "dot-imports",
			files: small(map[string]string{"internal/loja/dot.go": "package loja\n\nimport . \"strings\"\n\nvar _ = ToUpper\n"})},
		{name: "cgo", because: "uses cgo", env: map[string]string{"CGO_ENABLED": "1"},
			files: small(map[string]string{"internal/loja/cgo.go": "package loja\n\nimport \"C\"\n"})},
		{name: "third-party package", because: "example.org/ext, which is not in the project or the standard library",
			files: small(map[string]string{
				"go.mod.extra":       "require example.org/ext v0.0.0\n\nreplace example.org/ext => ./ext\n",
				"ext/go.mod":         "module example.org/ext\n\ngo 1.26\n",
				"ext/ext.go":         "package ext\n\nimport \"errors\"\n\nvar ErrExt = errors.New(\"ext\")\n",
				"internal/loja/x.go": "package loja\n\nimport \"example.org/ext\"\n\nvar ErrExt = ext.ErrExt\n",
			})},
		{name: "nested module", because: "example.com/shop/internal/nested is in another module",
			files: small(map[string]string{
				"go.mod.extra":                "require example.com/shop/internal/nested v0.0.0\n\nreplace example.com/shop/internal/nested => ./internal/nested\n",
				"internal/nested/go.mod":      "module example.com/shop/internal/nested\n\ngo 1.26\n",
				"internal/nested/nested.go":   "package nested\n\nimport \"errors\"\n\nvar ErrNested = errors.New(\"nested\")\n",
				"internal/loja/nested_use.go": "package loja\n\nimport \"example.com/shop/internal/nested\"\n\nvar ErrNested = nested.ErrNested\n",
			})},
		{name: "workspace", because: "go.work applies",
			files: small(map[string]string{"go.work": "go 1.26\n\nuse .\n"})},
		{name: "GOWORK", because: "GOWORK=", files: small(nil), env: map[string]string{"GOWORK": "/nonexistent/go.work"}},
		{name: "vendor folder", because: "vendors its dependencies",
			files: small(map[string]string{"vendor/modules.txt": "## explicit; go 1.26\n"})},
		{name: "GOFLAGS -mod=vendor", because: "GOFLAGS has -mod=vendor", files: small(nil), env: map[string]string{"GOFLAGS": "-mod=vendor"}},
		{name: "GOPATH mode", because: "GO111MODULE=off", files: small(nil), env: map[string]string{"GO111MODULE": "off"}},
		{name: "another build context", because: "the go command builds for", files: small(nil), env: map[string]string{"CGO_ENABLED": cgo}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			files := map[string]string{}
			for name, content := range tc.files {
				files[name] = content
			}
			extra := files["go.mod.extra"]
			delete(files, "go.mod.extra")
			root := fixture(t, files)
			if extra != "" {
				gomod := filepath.Join(root, "go.mod")
				data, err := os.ReadFile(gomod)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(gomod, append(data, "\n"+extra...), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cfg := fixtureConfig(root, "loja")
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			fellBack := loadBothWays(t, cfg)
			if fellBack == nil || !strings.Contains(fellBack.Error(), tc.because) {
				t.Errorf("loadSource fell back because %v; want a reason with %q", fellBack, tc.because)
			}
		})
	}
}

// TestSourceLoadBuildTags checks that loadSource selects files as the go
// command does for the tags in GOFLAGS, and vouches for the result.
func TestSourceLoadBuildTags(t *testing.T) {
	root := fixture(t, files(map[string]string{
		"internal/loja/tagged.go": "//go:build shoptag\n\npackage loja\n\nimport \"context\"\n\n" +
			"// Tagged is there with the tag shoptag.\ntype Tagged interface{ Tag(ctx context.Context, name string) error }\n",
		"internal/loja/untagged.go": "//go:build !shoptag\n\npackage loja\n\ntype Tagged interface{}\n",
		"internal/loja/api.go":      strings.Replace(scaffoldFiles["internal/loja/api.go"], "type API interface {", "type API interface {\n\tTagged", 1),
	}))
	for _, flags := range []string{"", "-tags=shoptag"} {
		t.Run("GOFLAGS="+flags, func(t *testing.T) {
			t.Setenv("GOFLAGS", flags)
			if fellBack := loadBothWays(t, fixtureConfig(root, "loja")); fellBack != nil {
				t.Errorf("loadSource fell back: %v", fellBack)
			}
			c, err := load(fixtureConfig(root, "loja"))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(c.methods), map[string]int{"": 1, "-tags=shoptag": 2}[flags]; got != want {
				t.Errorf("API has %d methods; want %d", got, want)
			}
		})
	}
}
