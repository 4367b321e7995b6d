package tree

import (
	"fmt"
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
	t.Run("two declarations", func(t *testing.T) {
		src := "package x\n\nimport \"strings\"\n\nimport \"fmt\"\n" + body
		src = strings.NewReplacer("db.Name", "\"\"", "aa.X", "0", "datastore.Y", "0").Replace(src)
		files := []File{{Path: "x.go", Content: []byte(src)}}
		if err := Format(files); err != nil {
			t.Fatal(err)
		}
		if want := goimports(t, "x.go", []byte(src)); string(files[0].Content) != string(want) {
			t.Errorf("Format:\n%s\ngoimports:\n%s", files[0].Content, want)
		}
	})
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
