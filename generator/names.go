package generator

import (
	"fmt"
	"go/token"
	"strings"
	"unicode"

	"golang.org/x/mod/module"
)

// reserved maps names that cannot be a project or module name to the reason.
var reserved = map[string]string{
	// Predeclared identifiers: a package with such a name shadows them.
	"any": "a predeclared Go identifier", "bool": "a predeclared Go identifier", "byte": "a predeclared Go identifier",
	"comparable": "a predeclared Go identifier", "complex64": "a predeclared Go identifier", "complex128": "a predeclared Go identifier",
	"error": "a predeclared Go identifier", "float32": "a predeclared Go identifier", "float64": "a predeclared Go identifier",
	"int": "a predeclared Go identifier", "int8": "a predeclared Go identifier", "int16": "a predeclared Go identifier",
	"int32": "a predeclared Go identifier", "int64": "a predeclared Go identifier", "rune": "a predeclared Go identifier",
	"string": "a predeclared Go identifier", "uint": "a predeclared Go identifier", "uint8": "a predeclared Go identifier",
	"uint16": "a predeclared Go identifier", "uint32": "a predeclared Go identifier", "uint64": "a predeclared Go identifier",
	"uintptr": "a predeclared Go identifier", "true": "a predeclared Go identifier", "false": "a predeclared Go identifier",
	"iota": "a predeclared Go identifier", "nil": "a predeclared Go identifier", "append": "a predeclared Go identifier",
	"cap": "a predeclared Go identifier", "clear": "a predeclared Go identifier", "close": "a predeclared Go identifier",
	"complex": "a predeclared Go identifier", "copy": "a predeclared Go identifier", "delete": "a predeclared Go identifier",
	"imag": "a predeclared Go identifier", "len": "a predeclared Go identifier", "make": "a predeclared Go identifier",
	"max": "a predeclared Go identifier", "min": "a predeclared Go identifier", "new": "a predeclared Go identifier",
	"panic": "a predeclared Go identifier", "print": "a predeclared Go identifier", "println": "a predeclared Go identifier",
	"real": "a predeclared Go identifier", "recover": "a predeclared Go identifier",
	// Folders with a meaning in a Go project or in the generated layout.
	"internal": "a reserved folder name", "cmd": "a reserved folder name", "pkg": "a reserved folder name",
	"api": "a reserved folder name", "app": "a reserved folder name", "vendor": "a reserved folder name",
	"testdata": "a reserved folder name", "proto": "a reserved folder name", "architecture": "a reserved folder name",
	"main": "a reserved package name",
	// Packages the templates import: a module with such a name would clash.
	"http": "the name of a package the generated code imports", "sql": "the name of a package the generated code imports",
	"context": "the name of a package the generated code imports", "errors": "the name of a package the generated code imports",
	"time": "the name of a package the generated code imports", "json": "the name of a package the generated code imports",
	"slog": "the name of a package the generated code imports", "fmt": "the name of a package the generated code imports",
	"strconv": "the name of a package the generated code imports", "strings": "the name of a package the generated code imports",
	"testing": "the name of a package the generated code imports", "embed": "the name of a package the generated code imports",
	"io": "the name of a package the generated code imports", "os": "the name of a package the generated code imports",
	"signal": "the name of a package the generated code imports", "sync": "the name of a package the generated code imports",
	"httptest": "the name of a package the generated code imports", "database": "the name of a package the generated code imports",
	"eventbus": "the name of a package the generated code imports", "server": "the name of a package the generated code imports",
	"domain": "the name of a package the generated code imports", "grpc": "the name of a package the generated code imports",
	"sqlite": "the name of a package the generated code imports", "reflect": "the name of a package the generated code imports",
	"net": "the name of a package the generated code imports", "log": "the name of a package the generated code imports",
	"codes": "the name of a package the generated code imports", "status": "the name of a package the generated code imports",
	"metadata": "the name of a package the generated code imports", "proto3": "the name of a package the generated code imports",
	"sort": "the name of a package the generated code imports", "slices": "the name of a package the generated code imports",
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
		return fmt.Errorf("%s %q: a Go keyword cannot be a package name; try %q", kind, name, name+"s")
	}
	if why, ok := reserved[name]; ok {
		return fmt.Errorf("%s %q: %s cannot be a package name here; try %q", kind, name, why, name+"s")
	}
	if len(name) > 64 {
		return fmt.Errorf("%s %q: a name is at most 64 characters; try %q", kind, name, name[:64])
	}
	return nil
}

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
	if token.IsKeyword(s) || reserved[s] != "" {
		s += "s"
	}
	return s
}

var fold = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a', 'ç': 'c', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i', 'ñ': 'n', 'ó': 'o', 'ò': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ý': 'y', 'ÿ': 'y', 'ß': 's',
}

// ValidateModulePath checks a Go module path the way the go command does.
func ValidateModulePath(path string) error {
	if err := module.CheckPath(path); err != nil {
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
