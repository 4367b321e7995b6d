package archrules

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// trickyHeaders are file headers near the edge of what plainImports reads.
var trickyHeaders = []string{
	"package p\n",
	"package p\nimport \"a\"\n",
	"package p\n\nimport (\n\t\"a\"\n\tx \"b/c\"\n\t. \"d\"\n\t_ \"e\" // why\n)\n\nfunc f() {}\n",
	"// Doc.\npackage p // c\n\n/* block\ncomment */\nimport \"a\"\nimport \"b\"\n\ntype T int\n",
	"//go:build linux\n\npackage p\n\nimport \"a\"\nvar x = 1\n",
	"package p\nimport ()\nfunc f()",
	"package p\nimport (\"a\")\n",
	"package p\nimport (\n\"a\"; \"b\"\n)\n",
	"package p; import \"a\"\n",
	"package p\nimport \"a\"; import \"b\"\n",
	"package p\nimport\"a\"\n",
	"package p\nimport(\n\"a\"\n)\n",
	"package p\nimport x\"a\"\n",
	"package p\nimport func \"a\"\n",
	"package func\n",
	"package _\nimport \"a\"\n",
	"package p\nimport \"a\\x41\"\n",
	"package p\nimport `a`\n",
	"package p\nimport \"a\"",
	"package p\nimport \"a\" /* c */\n",
	"package p\nimport \"a\n\"\n",
	"package p\n//line x.go:10\nimport \"a\"\n",
	"package p\n/*line x.go:10*/ import \"a\"\n",
	"package p\nimport \"a\"\n\"unterminated\n",
	"package p\nimport \"a\"\n/* unterminated\n",
	"package p\nimport \"a\"\nfunc\x00\n",
	"package p\nimport \"a\"\nfunc\xff\n",
	"package p\nimport \"a\"\n7\n",
	"package p\n// ação\nimport \"a\"\n",
	"package p\n// bad \xff\nimport \"a\"\n",
	"package p\n// nul \x00\nimport \"a\"\n",
	"package p\n// bom \ufeff\nimport \"a\"\n",
	"\ufeffpackage p\nimport \"a\"\n",
	"package p\r\nimport \"a\"\r\n",
	"package p\nimport \"ação\"\n",
	"package p\nimport \"\"\n",
	"package p\nimport (\n\t\"a\"\n\t// c\n\n\t\"b\"\n)\nimport \"c\"\nvar _ = 1\n",
	"package p\nimport (\n\t\"a\"\n", "package", "package ", "package p", "", "import \"a\"\n",
	"package p\nimportx \"a\"\n",
	"package p\nimport . \"a\"\nimport .\"b\"\n",
	"package p\nimport (\n\t\"a\"\n\t\"a/b\"\n\t\"ab\"\n\t\"b/a\"\n)\n",
}

// parserImports is the reference for plainImports: every import of src as
// go/parser reads it, or ok false when it reports an error.
func parserImports(src []byte) (specs []importSpec, ok bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.ImportsOnly)
	if err != nil {
		return nil, false
	}
	for _, s := range f.Imports {
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			p = "unquote error: " + s.Path.Value
		}
		specs = append(specs, importSpec{p, fset.Position(s.Path.Pos()).Line})
	}
	return specs, true
}

// comparePlainImports fails if plainImports reads src and go/parser does
// not, or reads it differently. It reports whether plainImports read it.
func comparePlainImports(t *testing.T, src []byte, name ...any) bool {
	t.Helper()
	got, ok := plainImports(src, "")
	if !ok {
		return false
	}
	want, parsed := parserImports(src)
	if !parsed {
		t.Fatalf("%s%q: plainImports read %+v; go/parser reports an error", fmt.Sprint(name...), clip(src), got)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s%q:\nplainImports %+v\ngo/parser    %+v", fmt.Sprint(name...), clip(src), got, want)
	}
	// The imports kept of one path, as parseImports keeps them.
	kept, _ := plainImports(src, "a")
	if want, _ := parseImports(token.NewFileSet(), "x.go", src, "a"); !reflect.DeepEqual(kept, want) {
		t.Fatalf("%s%q: imports of a:\nplainImports  %+v\nparseImports  %+v", fmt.Sprint(name...), clip(src), kept, want)
	}
	return true
}

func TestPlainImportsTricky(t *testing.T) {
	read := 0
	for i, src := range trickyHeaders {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			if comparePlainImports(t, []byte(src)) {
				read++
			}
		})
	}
	if read < 10 {
		t.Errorf("plainImports read %d of the %d headers; the plain ones should not need go/parser", read, len(trickyHeaders))
	}
}

// TestPlainImportsSources compares plainImports with go/parser on every Go
// file of modgen and of the generated projects in the golden files: nearly
// all of them must take the fast path.
func TestPlainImportsSources(t *testing.T) {
	files, read := 0, 0
	compare := func(src []byte, name string) {
		files++
		if comparePlainImports(t, src, name) {
			read++
		} else if _, parsed := parserImports(src); parsed {
			t.Logf("%s: read by go/parser", name)
		}
	}
	err := filepath.WalkDir(filepath.Join("..", ".."), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		switch name := d.Name(); {
		case strings.HasSuffix(name, ".go"):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			compare(src, path)
		case strings.HasSuffix(name, ".txtar"):
			a, err := txtar.ParseFile(path)
			if err != nil {
				return err
			}
			for _, f := range a.Files {
				if strings.HasSuffix(f.Name, ".go") {
					compare(f.Data, path+":"+f.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("plainImports read %d of %d files", read, files)
	if files < 500 || read < files*9/10 {
		t.Errorf("plainImports read %d of %d files; want the sources of modgen and the golden projects, nearly all read without go/parser", read, files)
	}
}

// TestPlainImportsKeep: plainImports keeps the imports of the internal path
// and below it, as parseImports does.
func TestPlainImportsKeep(t *testing.T) {
	src := []byte("package p\n\nimport (\n\t\"m/internal\"\n\t\"m/internalx\"\n\t\"m/internal/a/b\"\n\t\"m/in\"\n\t\"m\"\n)\n")
	got, ok := plainImports(src, "m/internal")
	want, err := parseImports(token.NewFileSet(), "x.go", src, "m/internal")
	if !ok || err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("plainImports = %+v, %v; parseImports = %+v, %v", got, ok, want, err)
	}
}

func FuzzPlainImports(f *testing.F) {
	for _, src := range trickyHeaders {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) { comparePlainImports(t, src) })
}
