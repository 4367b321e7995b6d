package tree

import (
	"golang.org/x/mod/module"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want string // substring of the error; "" means valid
	}{
		{"estoque", ""},
		{"pedidos2", ""},
		{"a", ""},
		{"type", `project "type": a Go keyword cannot be a package name; try "types"`},
		{"func", `a Go keyword cannot be a package name; try "funcs"`},
		{"string", `shadows the predeclared Go identifier string; try "appstring"`},
		{"error", `shadows the predeclared Go identifier error; try "apperror"`},
		{"internal", `a folder or package name with a fixed meaning in Go projects; try "internals"`},
		{"cmd", "fixed meaning"},
		{"pkg", "fixed meaning"},
		{"api", "fixed meaning"},
		{"app", "fixed meaning"},
		{"vendor", "fixed meaning"},
		{"testdata", "fixed meaning"},
		{"http", `clashes with package http, which the generated code imports; try "https"`},
		{"sql", "clashes with package sql"},
		{"context", "clashes with package context"},
		{"errors", `clashes with package errors, which the generated code imports; try "apperrors"`},
		{"time", "clashes with package time"},
		{"../x", `a name is not a path; use a plain name such as "x"`},
		{"a/b", `a name is not a path; use a plain name such as "b"`},
		{"Pedidos", `Go package names are lower case; try "pedidos"`},
		{"notificações", `only ASCII letters and digits are allowed; try "notificacoes"`},
		{"1abc", `a name must start with a letter; try "abc"`},
		{"", `project name is empty`},
		{"my-mod", `only lower-case letters and digits are allowed, not '-'; try "mymod"`},
		{"my_mod", `not '_'`},
		{strings.Repeat("a", 65), "at most 64 characters"},
	} {
		err := ValidateName("project", tc.name)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ValidateName(%q) = %v; want nil", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("ValidateName(%q) = %v; want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestValidateModulePath(t *testing.T) {
	for _, ok := range []string{"github.com/acme/loja", "example.com/x/v2", "gitlab.com/a/b/c", "loja", "acme/loja"} {
		if err := ValidateModulePath(ok); err != nil {
			t.Errorf("ValidateModulePath(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Not Valid", "github.com/acme/loja/", "/abs", "github.com/acme/loja.", "example.com/ü"} {
		if err := ValidateModulePath(bad); err == nil || !strings.Contains(err.Error(), "use a path such as") {
			t.Errorf("ValidateModulePath(%q) = %v; want an error with a suggestion", bad, err)
		}
	}
}

// FuzzValidateName checks that the validator never panics, that every
// accepted name is a plain lower-case ASCII identifier, and that every
// rejection is one line whose suggestion is itself valid.
func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"estoque", "faturas", "type", "../x", "notificações", "1abc", "", "Pedidos", "a/b", "http", "errors", "x\ny", "con", "com1", "min", "a1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if plainNamePathsOK(name) && fullNamePathsCheck(name) != nil {
			t.Fatalf("plainNamePathsOK(%q) but %v", name, fullNamePathsCheck(name))
		}
		err := ValidateName("module", name)
		if err == nil {
			if !validShape(name) {
				t.Fatalf("accepted %q", name)
			}
			return
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") {
			t.Fatalf("error for %q spans lines: %q", name, msg)
		}
		if !utf8.ValidString(name) {
			return
		}
		if s := suggest(name); ValidateName("module", s) != nil {
			t.Fatalf("suggestion %q for %q is itself invalid: %v", s, name, ValidateName("module", s))
		}
	})
}

func validShape(name string) bool {
	if name == "" || len(name) > 64 || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func TestValidateNameToolchainRules(t *testing.T) {
	for name, want := range map[string]string{
		"con":     `module "con": internal/con would not be a valid Go import path ("con" disallowed as path element component on Windows); try "cons"`,
		"aux":     `"aux" disallowed as path element component on Windows`,
		"com1":    `"com1" disallowed as path element component on Windows`,
		"lpt9":    `"lpt9" disallowed as path element component on Windows`,
		"min":     `module "min": shadows the predeclared Go identifier min; try "mins"`,
		"uintptr": `shadows the predeclared Go identifier uintptr`,
	} {
		err := ValidateName("module", name)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateName(%q) = %v; want %q", name, err, want)
		}
	}
	if files := TemplateFiles("module"); !slices.Contains(files, "api.go") || len(files) < 8 {
		t.Errorf("TemplateFiles(module) = %v; want the module templates", files)
	}
}

// fullNamePathsCheck is checkNamePaths without its quick yes.
func fullNamePathsCheck(name string) error {
	imports, files := namePaths(name)
	for _, p := range imports {
		if err := module.CheckImportPath("example.com/project/" + p); err != nil {
			return err
		}
	}
	for _, p := range files {
		if err := module.CheckFilePath(p); err != nil {
			return err
		}
	}
	return nil
}

// TestPlainNamePaths: the quick check of a module name's paths never says
// yes where the full one says no, and says yes to plain names, so that it
// saves the time it is there for. The names x/mod rejects are Windows'
// reserved ones, as the name or as its pb and grpc packages.
func TestPlainNamePaths(t *testing.T) {
	names := []string{"con", "prn", "aux", "nul", "com1", "lpt9", "com0", "lpt", "conpb", "a", "estoque", "m200", "grpc", "pb", "x9y8"}
	// Every name of up to three characters, and the four-character names
	// that start as a reserved one does: the reserved names are three or
	// four characters long.
	const first, rest = "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz0123456789"
	for _, a := range first {
		names = append(names, string(a))
		for _, b := range rest {
			names = append(names, string(a)+string(b))
			for _, c := range rest {
				names = append(names, string(a)+string(b)+string(c))
			}
		}
	}
	for _, p := range []string{"con", "prn", "aux", "nul", "com", "lpt"} {
		for _, d := range rest {
			names = append(names, p+string(d))
		}
	}
	for _, name := range names {
		quick, full := plainNamePathsOK(name), fullNamePathsCheck(name) == nil
		if quick && !full {
			t.Errorf("%q: quick check says yes, full check says %v", name, fullNamePathsCheck(name))
		}
		if full && !quick {
			t.Errorf("%q: quick check says no to a name the full check accepts", name)
		}
	}
}
