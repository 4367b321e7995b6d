// Package archrules holds the module rules of modgen projects: a module uses
// another only through its public package and only when modgen.yaml declares
// the dependency, modules import each other without cycles, and pkg/ never
// imports internal/. It reads imports only, so it stays fast.
//
// The rules live in archrules.go, which uses only the standard library:
// modgen check runs them here, and every generated project receives that same
// file as internal/architecture/rules_gen.go (see ProjectSource), with a test
// that runs them in go test (see ProjectTest). There is no second copy.
package archrules

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/modgen-dev/modgen/generator/tree"
)

// Paths of the architecture package in a generated project.
const (
	ProjectDir         = "internal/architecture"
	ProjectSourceFile  = ProjectDir + "/rules_gen.go"
	ProjectTestFile    = ProjectDir + "/architecture_test.go"
	ProjectModulesFile = ProjectDir + "/modules_gen.go"
)

//go:embed archrules.go
var source []byte

// ProjectSource returns archrules.go as a generated project receives it at
// ProjectSourceFile: the generated header first, then the same code in
// package architecture.
func ProjectSource() []byte {
	const from, to = "\npackage archrules\n", "\npackage architecture\n"
	if bytes.Count(source, []byte(from)) != 1 {
		panic("archrules.go must hold exactly one line `package archrules`")
	}
	var buf bytes.Buffer
	buf.WriteString(tree.GeneratedHeader + "\n\n")
	buf.Write(bytes.Replace(source, []byte(from), []byte(to), 1))
	return buf.Bytes()
}

// projectTest is ProjectTestFile: it does not depend on the project.
const projectTest = tree.GeneratedHeader + `

package architecture

import "testing"

// TestModuleBoundaries fails once per import that breaks the module rules of
// modgen.yaml, with the messages of ` + "`modgen check`" + `. Violations listed in
// ` + BaselineFile + ` are accepted.
func TestModuleBoundaries(t *testing.T) {
	root, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	fresh, fixed, err := CheckAgainstBaseline(root, modulePath, modules)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range fresh {
		t.Errorf("%s", v)
	}
	for _, e := range fixed {
		t.Logf("fixed but still in %s (drop it with modgen check --prune): %s", BaselineFile, e)
	}
}
`

// ProjectTest returns the content of ProjectTestFile, the test that runs the
// rules in go test, and of ProjectModulesFile, which declares modulePath and
// the modules (sorted by name) the test checks. Both are gofmt-clean.
func ProjectTest(modulePath string, mods []Module) (testFile, modulesFile []byte) {
	sorted := append([]Module(nil), mods...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var b strings.Builder
	b.WriteString(tree.GeneratedHeader + `

// Package architecture checks the module rules of modgen.yaml in go test:
// TestModuleBoundaries fails with the messages of ` + "`modgen check`" + `.
package architecture

// modulePath is the module path of go.mod.
const modulePath = ` + strconv.Quote(modulePath) + `

// modules are the modules of modgen.yaml, their declared dependencies and
// the modules whose events they handle.
`)
	if len(sorted) == 0 {
		b.WriteString("var modules = []Module{}\n")
		return []byte(projectTest), []byte(b.String())
	}
	b.WriteString("var modules = []Module{\n")
	for _, m := range sorted {
		fields := []string{"Name: " + strconv.Quote(m.Name)}
		if len(m.DependsOn) > 0 {
			deps := make([]string, len(m.DependsOn))
			for i, d := range m.DependsOn {
				deps[i] = strconv.Quote(d)
			}
			fields = append(fields, "DependsOn: []string{"+strings.Join(deps, ", ")+"}")
		}
		if len(m.SubscribesTo) > 0 {
			pubs := make([]string, len(m.SubscribesTo))
			for i, p := range m.SubscribesTo {
				pubs[i] = strconv.Quote(p)
			}
			fields = append(fields, "SubscribesTo: []string{"+strings.Join(pubs, ", ")+"}")
		}
		if m.Extracted {
			fields = append(fields, "Extracted: true")
		}
		fmt.Fprintf(&b, "\t{%s},\n", strings.Join(fields, ", "))
	}
	b.WriteString("}\n")
	return []byte(projectTest), []byte(b.String())
}
