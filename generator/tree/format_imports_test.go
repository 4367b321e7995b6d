package tree

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/tools/imports"
)

// goimports is the formatting Format promises: goimports' own, without its
// search for missing imports.
func goimports(t *testing.T, name string, src []byte) []byte {
	t.Helper()
	out, err := imports.Process(name, src, &imports.Options{Comments: true, TabIndent: true, TabWidth: 8, FormatOnly: true})
	if err != nil {
		t.Fatalf("goimports %s: %v", name, err)
	}
	return out
}

// TestFormatImportLayouts checks, for import blocks laid out in every way
// the fast path must tell apart (runs of one group or of two, blank lines
// between or not, module paths with and without a dot, an App Engine path,
// unused imports, two declarations), that Format's output is what goimports
// makes of the same source after dropping the unused imports.
func TestFormatImportLayouts(t *testing.T) {
	blocks := map[string]string{
		"std only":               "\"fmt\"\n\"strings\"",
		"std unsorted":           "\"strings\"\n\"fmt\"",
		"grouped":                "\"fmt\"\n\n\"github.com/acme/loja/pkg/db\"",
		"one run, two groups":    "\"fmt\"\n\"github.com/acme/loja/pkg/db\"",
		"one run, mixed order":   "\"github.com/acme/loja/pkg/db\"\n\"fmt\"\n\"strings\"",
		"dotless module apart":   "\"fmt\"\n\n\"loja/pkg/db\"",
		"dotless module in run":  "\"fmt\"\n\"loja/pkg/db\"\n\"strings\"",
		"three runs":             "\"strings\"\n\n\"github.com/acme/loja/pkg/db\"\n\n\"fmt\"",
		"runs of mixed groups":   "\"fmt\"\n\"github.com/acme/loja/pkg/db\"\n\n\"strings\"\n\"github.com/acme/loja/pkg/aa\"",
		"appengine":              "\"fmt\"\n\"appengine/datastore\"\n\"github.com/acme/loja/pkg/db\"",
		"unused between groups":  "\"fmt\"\n\"os\"\n\n\"github.com/acme/loja/pkg/db\"",
		"named":                  "\"fmt\"\n\ndb \"github.com/acme/loja/pkg/db\"\n\"github.com/acme/loja/pkg/aa\"",
		"unused ends a run":      "\"fmt\"\n\"github.com/acme/loja/pkg/db\"\n\"github.com/acme/loja/pkg/unused\"\n\n\"strings\"",
		"blank lines collapsed":  "\"fmt\"\n\n\n\n\"github.com/acme/loja/pkg/db\"",
		"duplicate":              "\"fmt\"\n\"fmt\"\n\n\"github.com/acme/loja/pkg/db\"",
		"unused first of a run":  "\"os\"\n\"github.com/acme/loja/pkg/db\"\n\"fmt\"",
		"std after module group": "\"github.com/acme/loja/pkg/db\"\n\n\"fmt\"\n\"strings\"",
	}
	const body = `
func F() {
	fmt.Println(strings.ToUpper(db.Name), aa.X, datastore.Y)
}
`
	for name, block := range blocks {
		t.Run(name, func(t *testing.T) {
			src := "package x\n\nimport (\n" + indent(block) + ")\n" + body
			files := []File{{Path: "x.go", Content: []byte(src), Template: "x.go.tmpl"}}
			if err := Format(files); err != nil {
				t.Fatal(err)
			}
			got := files[0].Content
			// goimports with the unused imports dropped by hand: what Format
			// must produce.
			want := goimports(t, "x.go", []byte(strings.NewReplacer("\"os\"\n", "", "\"github.com/acme/loja/pkg/unused\"\n", "").Replace(src)))
			if string(got) != string(want) {
				t.Errorf("Format:\n%s\ngoimports:\n%s", got, want)
			}
			if again := goimports(t, "x.go", got); string(again) != string(got) {
				t.Errorf("goimports changes Format's output:\n%s\nto:\n%s", got, again)
			}
		})
	}
	// Generated code has one import declaration, and no comment among its
	// imports: Format says so rather than guess what goimports would do.
	for name, src := range map[string]string{
		"two declarations":       "package x\n\nimport \"strings\"\n\nimport \"fmt\"\n" + strings.NewReplacer("db.Name", "\"\"", "aa.X", "0", "datastore.Y", "0").Replace(body),
		"a comment among groups": "package x\n\nimport (\n\t\"strings\" // s\n\t\"github.com/acme/loja/pkg/db\"\n)\n" + strings.NewReplacer("fmt.Println", "println", "aa.X", "0", "datastore.Y", "0").Replace(body),
	} {
		t.Run(name, func(t *testing.T) {
			err := Format([]File{{Path: "x.go", Content: []byte(src)}})
			if err == nil || !strings.Contains(err.Error(), "generated code has") {
				t.Fatalf("Format = %v; want an error", err)
			}
		})
	}
}

// TestFormatImportsRandom compares Format's grouping of imports with
// goimports on 3,000 import blocks drawn at random (a seeded generator:
// the same blocks every run) from standard, module, dotless, App Engine
// and named imports, in runs split by blank lines.
func TestFormatImportsRandom(t *testing.T) {
	pool := []struct{ spec, use string }{
		{`"fmt"`, "fmt.Sprint"}, {`"strings"`, "strings.ToUpper"}, {`"net/http"`, "http.MethodGet"}, {`"os"`, "os.Args"},
		{`"github.com/acme/loja/pkg/db"`, "db.Name"}, {`"github.com/acme/loja/pkg/aa"`, "aa.X"}, {`"golang.org/x/sync/errgroup"`, "errgroup.Group"},
		{`"loja/pkg/server"`, "server.X"}, {`"appengine/datastore"`, "datastore.Y"}, {`zz "github.com/acme/loja/pkg/cc"`, "zz.Z"},
		{`sq "database/sql"`, "sq.ErrNoRows"}, {`"example.com/m/v2"`, "m.V"},
	}
	r := rand.New(rand.NewPCG(28, 15))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		var block, uses strings.Builder
		for _, i := range r.Perm(len(pool))[:1+r.IntN(len(pool))] {
			block.WriteString("\t" + pool[i].spec + "\n")
			if r.IntN(4) == 0 {
				block.WriteString("\n")
			}
			uses.WriteString("\t_ = " + pool[i].use + "\n")
		}
		src := "package x\n\nimport (\n" + block.String() + ")\n\nfunc F() {\n" + uses.String() + "}\n"
		files := []File{{Path: "x.go", Content: []byte(src)}}
		if err := Format(files); err != nil {
			t.Fatal(err)
		}
		if want := goimports(t, "x.go", []byte(src)); string(files[0].Content) != string(want) {
			t.Fatalf("Format:\n%s\ngoimports:\n%s\nof:\n%s", files[0].Content, want, src)
		}
	}
}

func indent(block string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(block, "\n") {
		if line != "" {
			b.WriteString("\t" + line)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestFormatFirstError checks that, formatted in parallel, a list with
// several broken files reports the first of the list, and that the files
// before and after it are formatted.
func TestFormatFirstError(t *testing.T) {
	var files []File
	for i := range 12 {
		src := fmt.Sprintf("package x\nvar  v%d = 1\n", i)
		if i == 5 || i == 9 {
			src = fmt.Sprintf("package x\nvar v%d = \n", i)
		}
		files = append(files, File{Path: fmt.Sprintf("f%02d.go", i), Content: []byte(src), Template: fmt.Sprintf("f%02d.go.tmpl", i)})
	}
	err := Format(files)
	if err == nil || !strings.HasPrefix(err.Error(), "format f05.go (from f05.go.tmpl):") {
		t.Fatalf("err = %v, want the error of f05.go", err)
	}
	if got := string(files[0].Content); got != "package x\n\nvar v0 = 1\n" {
		t.Errorf("f00.go = %q, not formatted", got)
	}
	if got := string(files[11].Content); got != "package x\n\nvar v11 = 1\n" {
		t.Errorf("f11.go = %q, not formatted", got)
	}
}
