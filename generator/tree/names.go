package tree

import (
	"fmt"
	"go/token"
	"go/types"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/modgen-dev/modgen/templates"

	"golang.org/x/mod/module"
)

// Why a name is reserved.
const (
	predeclared = "shadows the predeclared Go identifier %[1]s"
	folder      = "a folder or package name with a fixed meaning in Go projects%.0[1]s"
	imported    = "clashes with package %[1]s, which the generated code imports"
)

// reserved maps names that cannot be a project or module name to the reason,
// a format whose argument is the name. Go keywords and predeclared
// identifiers are rejected from the toolchain's own tables (go/token,
// go/types), not listed here. TestReservedCoversTemplateImports keeps the
// imported names in step with what the templates emit.
var reserved = map[string]string{
	// Folders with a meaning in a Go project or in the generated layout.
	"internal": folder, "cmd": folder, "pkg": folder,
	"api": folder, "app": folder, "vendor": folder,
	"testdata": folder, "proto": folder, "architecture": folder,
	"main": folder,
	// Packages the templates import: a module with such a name would clash.
	"http": imported, "sql": imported,
	"context": imported, "errors": imported,
	"time": imported, "json": imported,
	"slog": imported, "fmt": imported,
	"strconv": imported, "strings": imported,
	"testing": imported, "embed": imported,
	"io": imported, "os": imported,
	"signal": imported, "sync": imported,
	"httptest": imported, "database": imported,
	"eventbus": imported, "server": imported,
	"outbox": imported, "events": imported,
	"maps": imported, "nats": imported,
	"natsoutbox": imported, "jetstream": imported,
	"domain": imported, "grpc": imported,
	"sqlite": imported, "reflect": imported,
	"net": imported, "log": imported,
	"codes": imported, "status": imported,
	"metadata": imported, "proto3": imported,
	"sort": imported, "slices": imported,
	"atomic": imported, "timestamppb": imported,
	"parser": imported, "token": imported,
	"fs": imported, "filepath": imported,
	"bytes": imported, "url": imported,
	"health": imported, "path": imported,
	"utf8": imported, "rand": imported,
	"keepalive": imported, "connectivity": imported,
	"syscall": imported, "runtime": imported,
	"insecure": imported, "errdetails": imported,
	"fstest": imported, "hex": imported,
	"protoadapt": imported, "protoimpl": imported,
	"protoreflect": imported, "reflection": imported,
	"unsafe": imported, "mime": imported,
	"bufio": imported, "regexp": imported,
	"httpx": imported, "httpxtest": imported,
	"grpcx": imported, "contract": imported,
	"durationpb": imported, "sqlite3": imported,
	"backoff": imported, "scalar": imported,
	"big": imported, "driver": imported,
	"math":   imported,
	"pgx":    imported,
	"pgconn": imported, "stdlib": imported,
	"databasetest": imported, "flag": imported,
	"scanner": imported,
	// Observability (pkg/telemetry, pkg/server, pkg/grpcx).
	"telemetry": imported, "otel": imported,
	"attribute": imported, "propagation": imported,
	"resource": imported, "trace": imported,
	"sdktrace": imported, "tracetest": imported,
	"otlptracehttp": imported, "otelhttp": imported,
	"otelgrpc": imported, "stats": imported,
	"prometheus": imported, "collectors": imported,
	"promhttp": imported,
}

// ValidateName checks a project or module name: lower-case ASCII letters and
// digits, starting with a letter, and not a Go keyword, a predeclared
// identifier, a reserved folder or a package the generated code imports.
// kind ("project" or "module") starts the error message.
func ValidateName(kind, name string) error {
	if name == "" {
		return fmt.Errorf("%s name is empty; give a lower-case name such as %q", kind, "estoque")
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return fmt.Errorf("%s %q: a name is not a path; use a plain name such as %q", kind, name, suggest(name))
	}
	for i, r := range name {
		switch {
		case r > unicode.MaxASCII:
			return fmt.Errorf("%s %q: only ASCII letters and digits are allowed; try %q", kind, name, suggest(name))
		case r >= 'A' && r <= 'Z':
			return fmt.Errorf("%s %q: Go package names are lower case; try %q", kind, name, suggest(name))
		case r >= '0' && r <= '9':
			if i == 0 {
				return fmt.Errorf("%s %q: a name must start with a letter; try %q", kind, name, suggest(name))
			}
		case r >= 'a' && r <= 'z':
		default:
			return fmt.Errorf("%s %q: only lower-case letters and digits are allowed, not %q; try %q", kind, name, r, suggest(name))
		}
	}
	if token.IsKeyword(name) {
		return fmt.Errorf("%s %q: a Go keyword cannot be a package name; try %q", kind, name, alternative(name))
	}
	if types.Universe.Lookup(name) != nil {
		return fmt.Errorf("%s %q: %s; try %q", kind, name, fmt.Sprintf(predeclared, name), alternative(name))
	}
	if why, ok := reserved[name]; ok {
		return fmt.Errorf("%s %q: %s; try %q", kind, name, fmt.Sprintf(why, name), alternative(name))
	}
	if len(name) > 64 {
		return fmt.Errorf("%s %q: a name is at most 64 characters; try %q", kind, name, name[:64])
	}
	if err := checkNamePaths(name); err != nil {
		return fmt.Errorf("%s %q: %v; try %q", kind, name, err, alternative(name))
	}
	return nil
}

// checkNamePaths runs the Go toolchain's checks (golang.org/x/mod/module) on
// every import path and file path modgen writes from a module name: those
// rules include names that some operating systems reserve ("con", "aux",
// "nul", "com1"...).
func checkNamePaths(name string) error {
	if plainNamePathsOK(name) {
		return nil
	}
	imports, files := namePaths(name)
	for _, p := range imports {
		if err := module.CheckImportPath("example.com/project/" + p); err != nil {
			return fmt.Errorf("%s would not be a valid Go import path (%v)", p, unwrapPathError(err))
		}
	}
	for _, p := range files {
		if err := module.CheckFilePath(p); err != nil {
			return fmt.Errorf("%s would not be a valid file path in a Go module (%v)", p, unwrapPathError(err))
		}
	}
	return nil
}

// plainNamePathsOK is checkNamePaths' quick yes, for a name of lower-case
// ASCII letters and digits that starts with a letter (what ValidateName
// lets through to it). In every path of namePaths such a name appears
// only as a whole element, or followed by "pb", "grpc" or a dot and an
// extension, and the rest of each path comes from the templates, the same
// for every name; the rules of x/mod that can then fail are those on one
// element. Of those, letters and digits fail only the rule against the
// names Windows reserves (CON, COM1, ...), none of which ends in "pb" or
// "grpc", so checking the name itself decides for all the paths
// (TestPlainNamePaths and FuzzValidateName compare the two). It is false,
// and the full check runs for its message, whenever it cannot tell.
func plainNamePathsOK(name string) bool {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	// x/mod checks an element of an import path as one of a file path,
	// with fewer characters allowed; for letters and digits the two agree.
	return module.CheckFilePath(name) == nil
}

// namePaths lists the import paths (relative to the project's module path)
// and file paths that modgen derives from a module name: the module's
// package and files from the module templates, and what extraction adds.
func namePaths(name string) (imports, files []string) {
	dir := "internal/" + name
	imports = []string{dir, dir + "/domain", dir + "/" + name + "pb", dir + "/" + name + "grpc", "cmd/" + name}
	for _, f := range TemplateFiles("module") {
		files = append(files, dir+"/"+f)
	}
	files = append(files, "proto/"+name+"/v1/"+name+".proto", dir+"/"+name+"pb/"+name+".pb.go", "cmd/"+name+"/main.go")
	return imports, files
}

// templateFiles lists the files a template tree renders, relative to its
// root, without the .tmpl suffix.
var TemplateFiles = sync.OnceValue(func() func(string) []string {
	trees := map[string][]string{}
	fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		tree, rel, _ := strings.Cut(p, "/")
		trees[tree] = append(trees[tree], strings.TrimSuffix(rel, ".tmpl"))
		return nil
	})
	return func(tree string) []string { return trees[tree] }
})()

// suggest derives a valid name from an invalid one: it folds common accented
// letters, lower-cases, drops everything else and makes sure a letter leads.
func suggest(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if f, ok := fold[r]; ok {
			r = f
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9' && b.Len() > 0) {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if len(s) > 64 {
		s = s[:64]
	}
	if s == "" {
		return "estoque"
	}
	if token.IsKeyword(s) || reserved[s] != "" || types.Universe.Lookup(s) != nil || checkNamePaths(s) != nil {
		s = alternative(s)
	}
	return s
}

// alternative turns a reserved name into a valid one: "type" -> "types",
// "errors" -> "apperrors".
func alternative(name string) string {
	candidates := []string{name + "s", "app" + name}
	if strings.HasSuffix(name, "s") {
		candidates = []string{"app" + name}
	}
	for _, c := range candidates {
		if !token.IsKeyword(c) && reserved[c] == "" && types.Universe.Lookup(c) == nil && checkNamePaths(c) == nil {
			return c
		}
	}
	return "app" + name + "x"
}

var fold = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a', 'ç': 'c', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i', 'ñ': 'n', 'ó': 'o', 'ò': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ý': 'y', 'ÿ': 'y', 'ß': 's',
}

// ValidateModulePath checks the Go module path of a project the way the go
// command checks a main module's: as an import path. A path without a dot
// in its first element ("loja", the default of `modgen new project loja`)
// is valid for a module that is not fetched by others.
func ValidateModulePath(path string) error {
	if err := module.CheckImportPath(path); err != nil {
		return fmt.Errorf("module path %q is invalid: %v; use a path such as %q", path, unwrapPathError(err), "github.com/acme/loja")
	}
	return nil
}

func unwrapPathError(err error) error {
	if e, ok := err.(*module.InvalidPathError); ok && e.Err != nil {
		return e.Err
	}
	return err
}

// reservedEntities are the identifiers a module package declares besides its
// entity types.
var reservedEntities = []string{"API", "Deps", "Module", "ListParams", "ValidationError", "ErrNotFound", "ErrInvalid",
	"DefaultLimit", "MaxLimit", "Migrations", "New", "Serve"}

// validateEntity checks an entity type name.
func ValidateEntity(name string) error {
	if name == "" || name[0] < 'A' || name[0] > 'Z' {
		return fmt.Errorf("entity %q: an entity is an exported Go type name, starting with an upper-case ASCII letter; try %q", name, Exported(suggest(name)))
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return fmt.Errorf("entity %q: only ASCII letters and digits are allowed; try %q", name, Exported(suggest(name)))
		}
	}
	if slices.Contains(reservedEntities, name) {
		return fmt.Errorf("entity %q: the module package already declares %s; try %q", name, name, name+"Item")
	}
	return nil
}
