// The module rules of a modgen project, in one file that needs only the
// standard library. Its source is generator/archrules/archrules.go in modgen;
// modgen writes it into every project it generates as
// internal/architecture/rules_gen.go, so `modgen check` and the project's own
// `go test ./...` enforce the same rules with the same messages.
//
// The rules, for every Go file below internal/ and pkg/ (tests included):
//   - a module may import only the public package of another module
//     (internal/<other>), never a package below it (internal/<other>/domain);
//   - a module may import another module only if modgen.yaml lists it in
//     depends_on;
//   - a module may import another module's events package
//     (internal/<other>/events) if it subscribes to that module's events or
//     depends on it; an events package imports no other module, so
//     subscriptions never make a cycle;
//   - modules must not import each other in a cycle (events excepted);
//   - pkg/ holds shared libraries and must not import anything under internal/;
//   - a module's SQL names only its own tables (the data has boundaries too).
//
// A module may import its own packages freely; cmd/ may import anything.
//
// The tables rule is a heuristic: a module's tables are those its
// migrations create (CREATE TABLE name, in internal/<module>/**/*.sql);
// a module breaks the rule when a string literal of its Go files, or a line
// of its .sql files outside -- comments, names another module's table as a
// whole word (case-insensitive, schema-qualified or not). SQL built from
// pieces at run time escapes it.

package archrules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/scanner"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Rule names, as they appear in violations, JSON reports and baselines.
const (
	RulePrivateImport          = "private-import"
	RuleUndeclaredDependency   = "undeclared-dependency"
	RuleCycle                  = "cycle"
	RulePkgImportsInternal     = "pkg-imports-internal"
	RuleForeignTable           = "foreign-table"
	RuleUndeclaredSubscription = "undeclared-subscription"
	RuleEventsImportModule     = "events-import-module"
)

// eventsDir is internal/<module>/events, the module's event types: the one
// package of a module besides its public one that others may import.
const eventsDir = "events"

// BaselineFile is the baseline at the project root: violations accepted for
// now, so that only new ones fail.
const BaselineFile = "modgen-baseline.json"

// architectureDir is internal/architecture, the generated architecture test:
// not a module (modgen rejects "architecture" as a module name).
const architectureDir = "architecture"

// Module is one module of modgen.yaml.
type Module struct {
	Name      string   `json:"name"`
	DependsOn []string `json:"depends_on,omitempty"`
	// SubscribesTo names the modules whose events the module handles.
	SubscribesTo []string `json:"subscribes_to,omitempty"`
	// Extracted modules are served by their own gRPC server.
	Extracted bool `json:"extracted,omitempty"`
}

// Violation is one broken rule, at the import that breaks it.
type Violation struct {
	// File is slash-separated and relative to the project root.
	File    string `json:"file"`
	Line    int    `json:"line"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// String formats the violation as modgen check prints it: file:line: message.
func (v Violation) String() string {
	return fmt.Sprintf("%s:%d: %s", v.File, v.Line, v.Message)
}

// Edge is one module importing another, as the code has it.
type Edge struct {
	From, To string
	// File and Line locate the first import of To in From's files.
	File string
	Line int
	// Declared reports whether From lists To in depends_on.
	Declared bool
	// Private reports whether some import reaches below To's public package.
	Private bool
	// Cycle reports whether the edge is part of an import cycle of modules.
	Cycle bool
	// Event reports an import of To's events package only: From handles
	// To's events. Event edges are never part of a cycle.
	Event bool
}

// Breaks reports whether the edge breaks a rule.
func (e Edge) Breaks() bool { return e.Private || !e.Declared || e.Cycle }

// Analysis is what the code of a project says about its modules.
type Analysis struct {
	// Modules are the modules of modgen.yaml plus the folders under internal/
	// that hold Go code but are not in modgen.yaml, sorted by name.
	Modules []Module
	// Unknown names the modules found in the code but not in modgen.yaml.
	Unknown []string
	// Edges are the imports between modules, one per pair, sorted.
	Edges []Edge
	// Violations are sorted by file, line, rule and message.
	Violations []Violation
	// Files is the number of Go files read.
	Files int
}

// Check reads the imports of the Go files below root/internal and root/pkg
// and returns the violations of the module rules, sorted by file and line.
// modulePath is the module path of go.mod; mods are the modules of
// modgen.yaml.
func Check(root, modulePath string, mods []Module) ([]Violation, error) {
	a, err := Analyze(root, modulePath, mods)
	if err != nil {
		return nil, err
	}
	return a.Violations, nil
}

// CheckAgainstBaseline is Check followed by Compare with the baseline at root
// (none is an empty baseline): it returns the violations the baseline does
// not accept and the baseline entries that no violation matches any more.
func CheckAgainstBaseline(root, modulePath string, mods []Module) (fresh []Violation, fixed []BaselineEntry, err error) {
	vs, err := Check(root, modulePath, mods)
	if err != nil {
		return nil, nil, err
	}
	baseline, _, err := ReadBaseline(root)
	if err != nil {
		return nil, nil, err
	}
	fresh, _, fixed = Compare(vs, baseline)
	return fresh, fixed, nil
}

// FindRoot returns the nearest folder at or above dir that holds go.mod.
func FindRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		if info, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !info.IsDir() {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod in %s or any folder above it; run inside a Go module", dir)
		}
		d = parent
	}
}

// Analyze reads the imports of the Go files below root/internal and root/pkg
// and returns the modules, the edges between them and the violations.
func Analyze(root, modulePath string, mods []Module) (*Analysis, error) {
	if modulePath == "" {
		return nil, errors.New("check: the module path is empty; pass the module path of go.mod")
	}
	if info, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("check: %v; pass the project root, the folder with go.mod", err)
	} else if !info.IsDir() {
		return nil, fmt.Errorf("check: %s is not a folder; pass the project root, the folder with go.mod", root)
	}
	rels, sqls, err := collectAll(root)
	if err != nil {
		return nil, fmt.Errorf("check: %v", err)
	}
	sort.Strings(rels)
	sort.Strings(sqls)
	// The tables come first: the Go files are read once, for their imports
	// and their string literals together. An error reading SQL waits for
	// those of the Go files, which come first.
	sqlSrc, sqlErr := readSQL(root, sqls)
	tables := tablesOf(sqls, sqlSrc)
	imports, foreign, err := readGo(root, modulePath, rels, tables)
	if err != nil {
		return nil, fmt.Errorf("check: %v", err)
	}

	known := make(map[string]*Module, len(mods))
	for i := range mods {
		known[mods[i].Name] = &mods[i]
	}
	unknown := map[string]bool{}
	note := func(name string) {
		if name != "" && known[name] == nil {
			unknown[name] = true
		}
	}
	internalPrefix := modulePath + "/internal"

	var vs []Violation
	type edgeKey struct {
		from, to string
		event    bool
	}
	edges := map[edgeKey]*Edge{}
	for i, rel := range rels {
		from := owner(rel)
		note(from)
		isPkg := strings.HasPrefix(rel, "pkg/")
		for _, imp := range imports[i] {
			to, sub := target(strings.TrimPrefix(imp.path, internalPrefix))
			if isPkg {
				vs = append(vs, Violation{rel, imp.line, RulePkgImportsInternal, fmt.Sprintf(
					"%s imports %s: pkg/ holds shared libraries and must not import anything under internal/; move what it needs into pkg/ or pass it in from cmd/api",
					path.Dir(rel), imp.path)})
				note(to)
				continue
			}
			if from == "" || to == "" || to == from {
				continue // not a module's file, the internal package itself, or the module's own package
			}
			note(to)
			if inEvents(rel) {
				vs = append(vs, Violation{rel, imp.line, RuleEventsImportModule, fmt.Sprintf(
					"internal/%s/events imports %s: an events package must import no other module, so that any module can subscribe to it; copy the fields the event needs into its own types",
					from, imp.path)})
			}
			event := sub == eventsDir
			declared := known[from] != nil && contains(known[from].DependsOn, to)
			if event && known[from] != nil && contains(known[from].SubscribesTo, to) {
				declared = true
			}
			key := edgeKey{from, to, event}
			e := edges[key]
			if e == nil {
				e = &Edge{From: from, To: to, File: rel, Line: imp.line, Declared: declared, Event: event}
				edges[key] = e
			}
			switch {
			case event && !declared:
				vs = append(vs, Violation{rel, imp.line, RuleUndeclaredSubscription, fmt.Sprintf(
					"%s imports the events of %s without subscribing to them; run `modgen add subscription %s %s.<Event>`",
					from, describe(to, known), from, to)})
			case event:
			case sub != "":
				e.Private = true
				vs = append(vs, Violation{rel, imp.line, RulePrivateImport, fmt.Sprintf(
					"%s imports %s, a private package of %s; use %s's public API (package internal/%s)",
					from, imp.path, describe(to, known), to, to)})
			case !declared:
				vs = append(vs, Violation{rel, imp.line, RuleUndeclaredDependency, undeclared(from, to, known)})
			}
		}
	}

	a := &Analysis{Files: len(rels), Modules: append([]Module(nil), mods...)}
	for name := range unknown {
		a.Unknown = append(a.Unknown, name)
		a.Modules = append(a.Modules, Module{Name: name})
	}
	sort.Strings(a.Unknown)
	sort.SliceStable(a.Modules, func(i, j int) bool { return a.Modules[i].Name < a.Modules[j].Name })
	for _, e := range edges {
		a.Edges = append(a.Edges, *e)
	}
	sort.Slice(a.Edges, func(i, j int) bool {
		if a.Edges[i].From != a.Edges[j].From {
			return a.Edges[i].From < a.Edges[j].From
		}
		if a.Edges[i].To != a.Edges[j].To {
			return a.Edges[i].To < a.Edges[j].To
		}
		return !a.Edges[i].Event && a.Edges[j].Event
	})
	vs = append(vs, cycles(a.Edges)...)
	if sqlErr != nil {
		return nil, fmt.Errorf("check: %v", sqlErr)
	}
	vs = append(vs, foreign...)
	for i, rel := range sqls {
		if m := owner(rel); m != "" && tables != nil {
			vs = append(vs, tables.inSQL(rel, m, sqlSrc[i])...)
		}
	}
	sortViolations(vs)
	a.Violations = vs
	return a, nil
}

// owner returns the module a file belongs to: X for internal/X/..., "" for
// anything else.
func owner(rel string) string {
	parts := strings.SplitN(rel, "/", 3)
	if len(parts) < 3 || parts[0] != "internal" || parts[1] == architectureDir {
		return ""
	}
	return parts[1]
}

// target splits an import path relative to <module>/internal into the module
// it reaches and the package below the module's public package it reaches
// ("" for the public package).
func target(rest string) (module, sub string) {
	rest = strings.TrimPrefix(rest, "/")
	if rest == "" {
		return "", ""
	}
	module, sub, _ = strings.Cut(rest, "/")
	if module == architectureDir {
		return "", ""
	}
	return module, sub
}

// inEvents reports whether rel is a file of a module's events package.
func inEvents(rel string) bool {
	parts := strings.Split(rel, "/")
	return len(parts) == 4 && parts[0] == "internal" && parts[2] == eventsDir
}

// describe names a module, saying when modgen.yaml does not list it.
func describe(name string, known map[string]*Module) string {
	if known[name] == nil {
		return name + " (not in modgen.yaml)"
	}
	return name
}

func undeclared(from, to string, known map[string]*Module) string {
	switch {
	case known[from] == nil:
		return fmt.Sprintf("%s imports %s without declaring it; %s is not in modgen.yaml: add it there as a module with %s in its depends_on",
			from, to, from, to)
	case known[to] == nil:
		return fmt.Sprintf("%s imports %s without declaring it, and %s is not in modgen.yaml; add %s to modgen.yaml as a module and to depends_on of %s",
			from, to, to, to, from)
	}
	return fmt.Sprintf("%s imports %s without declaring it; add %s to depends_on of %s in modgen.yaml", from, to, to, from)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cycles finds the import cycles between modules and marks their edges. For
// every edge u→v that some path leads back over, it reports the shortest
// cycle through that edge; a cycle is reported once, starting from its
// smallest module name, at the first import of its first edge.
func cycles(edges []Edge) []Violation {
	next := map[string][]string{} // sorted, since edges are
	index := map[[2]string]int{}
	for i, e := range edges {
		if e.Event {
			continue
		}
		next[e.From] = append(next[e.From], e.To)
		index[[2]string{e.From, e.To}] = i
	}
	// An edge is on a cycle only inside a strongly connected component, and
	// the shortest path back from its target stays in that component: the
	// breadth-first trees below only look there.
	component := components(next)
	// parents[v] is the breadth-first tree from v: the shortest paths out of v
	// within v's component.
	parents := map[string]map[string]string{}
	tree := func(v string) map[string]string {
		if p, ok := parents[v]; ok {
			return p
		}
		p := map[string]string{v: ""}
		queue := []string{v}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, m := range next[n] {
				if component[m] != component[v] {
					continue
				}
				if _, seen := p[m]; !seen {
					p[m] = n
					queue = append(queue, m)
				}
			}
		}
		parents[v] = p
		return p
	}
	var vs []Violation
	seen := map[string]bool{}
	for i := range edges {
		if edges[i].Event {
			continue
		}
		u, v := edges[i].From, edges[i].To
		if component[u] != component[v] {
			continue
		}
		p := tree(v)
		if _, ok := p[u]; !ok {
			continue
		}
		// The cycle is u, then v ... u along the tree, reversed from u.
		var back []string
		for n := u; n != v; n = p[n] {
			back = append(back, n)
		}
		cycle := []string{u, v}
		for j := len(back) - 1; j > 0; j-- {
			cycle = append(cycle, back[j])
		}
		start := 0
		for j, n := range cycle {
			if n < cycle[start] {
				start = j
			}
		}
		cycle = append(cycle[start:], cycle[:start]...)
		for j := range cycle {
			edges[index[[2]string{cycle[j], cycle[(j+1)%len(cycle)]}]].Cycle = true
		}
		printed := strings.Join(append(cycle, cycle[0]), " → ")
		if seen[printed] {
			continue
		}
		seen[printed] = true
		first := edges[index[[2]string{cycle[0], cycle[1]}]]
		vs = append(vs, Violation{first.File, first.Line, RuleCycle, fmt.Sprintf(
			"modules import each other in a cycle: %s; remove one of these imports: let one side declare the interface it needs and have cmd/api wire it, or have one side subscribe to the other's events (modgen add subscription)",
			printed)})
	}
	return vs
}

// components numbers the strongly connected components of the graph next
// (Tarjan's algorithm): two modules have the same number exactly when each
// reaches the other.
func components(next map[string][]string) map[string]int {
	index := map[string]int{}
	low := map[string]int{}
	component := map[string]int{}
	var stack []string
	onStack := map[string]bool{}
	var visit func(v string)
	visit = func(v string) {
		index[v] = len(index)
		low[v] = index[v]
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range next[v] {
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		id := len(component)
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			component[w] = id
			if w == v {
				return
			}
		}
	}
	nodes := make([]string, 0, len(next))
	for v := range next {
		nodes = append(nodes, v)
	}
	sort.Strings(nodes)
	for _, v := range nodes {
		if _, seen := index[v]; !seen {
			visit(v)
		}
	}
	return component
}

func sortViolations(vs []Violation) {
	sort.Slice(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}

// collectAll returns the Go files below root/internal and root/pkg and the
// SQL files below root/internal (see collect), in no particular order. The
// folders below internal/ and pkg/ are walked in parallel; the error is the
// one a walk in order meets first.
func collectAll(root string) (gos, sqls []string, err error) {
	type walk struct {
		rel, top  string // top: the top folder when the walk is of rel itself
		sql       bool
		gos, sqls []string
		err       error
	}
	var walks []*walk
	for _, top := range []string{"internal", "pkg"} {
		w := &walk{top: top, sql: top == "internal"}
		walks = append(walks, w)
		w.err = collect(root, top, w.sql, &w.gos, &w.sqls, func(child string) {
			walks = append(walks, &walk{rel: child, sql: w.sql})
		})
		if w.err != nil {
			break
		}
	}
	parallel(len(walks), func(_ *worker, i int) {
		if w := walks[i]; w.top == "" {
			w.err = collect(root, w.rel, w.sql, &w.gos, &w.sqls, nil)
		}
	})
	for _, w := range walks {
		if w.err != nil {
			return nil, nil, w.err
		}
		gos = append(gos, w.gos...)
		sqls = append(sqls, w.sqls...)
	}
	return gos, sqls, nil
}

// collect appends the Go files below root/rel to gos and, if sql is set, the
// SQL files to sqls. It skips vendor and testdata, names starting with '.'
// or '_' (as the go command does), and folders with their own go.mod, which
// are other Go modules. With sub set, the folders of rel are handed to sub,
// in order, instead of walked.
func collect(root, rel string, sql bool, gos, sqls *[]string, sub func(child string)) error {
	entries, err := listDir(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !strings.Contains(rel, "/") {
			return nil // no internal/ or pkg/ folder
		}
		return err
	}
	for _, e := range entries {
		if e.name == "go.mod" && !e.dir {
			return nil
		}
	}
	for _, e := range entries {
		name := e.name
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		child := rel + "/" + name
		switch {
		case e.dir:
			if name == "vendor" || name == "testdata" {
				continue
			}
			if sub != nil {
				sub(child)
				continue
			}
			if err := collect(root, child, sql, gos, sqls, nil); err != nil {
				return err
			}
		case strings.HasSuffix(name, ".go"):
			*gos = append(*gos, child)
		case sql && strings.HasSuffix(name, ".sql"):
			*sqls = append(*sqls, child)
		}
	}
	return nil
}

// dirEntry is a name in a folder, and whether it is a folder itself (not a
// symbolic link to one).
type dirEntry struct {
	name string
	dir  bool
}

// listDir and readFile are how Analyze reads the tree: by default
// osListDir and osReadFile. modgen's own build may replace them with
// versions for its platform that make fewer system calls, return the same
// names in the same order, contents and errors.
var (
	listDir  = osListDir
	readFile = osReadFile
)

// osListDir returns the entries of the folder dir.
func osListDir(dir string) ([]dirEntry, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make([]dirEntry, len(entries))
	for i, e := range entries {
		out[i] = dirEntry{e.Name(), e.IsDir()}
	}
	return out, nil
}

// osReadFile returns the content of the file at path, read into buf (grown
// if needed) from its start.
func osReadFile(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := buf[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// parallel calls work for every i in [0, n) on a bounded pool of workers.
func parallel(n int, work func(w *worker, i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			w := &worker{fset: token.NewFileSet()}
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				work(w, i)
			}
		})
	}
	wg.Wait()
}

// worker is what one goroutine of parallel reuses from file to file.
type worker struct {
	buf  []byte
	fset *token.FileSet
}

// read returns the content of the file rel below root, in a buffer that
// the next read reuses.
func (w *worker) read(root, rel string) ([]byte, error) {
	if w.buf == nil {
		w.buf = make([]byte, 0, 64<<10)
	}
	b, err := readFile(filepath.Join(root, filepath.FromSlash(rel)), w.buf)
	if err != nil {
		return nil, err
	}
	w.buf = b[:0]
	return b, nil
}

// readSQL returns the contents of the files rels below root; the error is
// that of the first file, in order, that could not be read.
func readSQL(root string, rels []string) ([][]byte, error) {
	out := make([][]byte, len(rels))
	errs := make([]error, len(rels))
	parallel(len(rels), func(w *worker, i int) {
		src, err := w.read(root, rels[i])
		out[i], errs[i] = bytes.Clone(src), err
	})
	return out, firstError(errs)
}

func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// readGo reads each Go file of rels once, in parallel: the imports of those
// that reach <modulePath>/internal and, if tables is not nil, the
// foreign-table violations of the string literals of modules' files.
func readGo(root, modulePath string, rels []string, tables *tableSet) ([][]importSpec, []Violation, error) {
	imports := make([][]importSpec, len(rels))
	foreign := make([][]Violation, len(rels))
	errs := make([]error, len(rels))
	internal := modulePath + "/internal"
	parallel(len(rels), func(w *worker, i int) {
		src, err := w.read(root, rels[i])
		if err != nil {
			errs[i] = err
			return
		}
		if imports[i], err = fileImports(w.fset, rels[i], src, internal); err != nil {
			errs[i] = err
			return
		}
		if m := owner(rels[i]); m != "" && tables != nil {
			foreign[i] = tables.inGo(rels[i], m, src)
		}
	})
	if err := firstError(errs); err != nil {
		return nil, nil, err
	}
	var vs []Violation
	for _, f := range foreign {
		vs = append(vs, f...)
	}
	return imports, vs, nil
}

type importSpec struct {
	path string
	line int
}

// fileImports returns the imports of the Go file rel that reach internal.
// A file laid out as gofmt leaves it is read by plainImports; any other, if
// it spells internal at all, by go/parser, whose errors it returns.
func fileImports(fset *token.FileSet, rel string, src []byte, internal string) ([]importSpec, error) {
	if specs, ok := plainImports(src, internal); ok {
		return specs, nil
	}
	// A file that never spells the path cannot import it: skip the parser.
	if !bytes.Contains(src, []byte(internal)) {
		return nil, nil
	}
	return parseImports(fset, rel, src, internal)
}

// parseImports returns the imports of the Go file rel that reach internal,
// read by go/parser.
func parseImports(fset *token.FileSet, rel string, src []byte, internal string) ([]importSpec, error) {
	f, err := parser.ParseFile(fset, rel, src, parser.ImportsOnly)
	if err != nil {
		return nil, fmt.Errorf("%v; fix the package clause or imports so they parse", err)
	}
	var specs []importSpec
	for _, s := range f.Imports {
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil || (p != internal && !strings.HasPrefix(p, internal+"/")) {
			continue
		}
		specs = append(specs, importSpec{p, fset.Position(s.Path.Pos()).Line})
	}
	return specs, nil
}

// plainImports reads the imports of a Go file whose header (package clause
// and import declarations) is laid out as gofmt leaves it: one clause or
// import spec per line, comments between or after them, plain ASCII import
// paths. It returns the imports of internal and of the packages below it
// (all imports if internal is empty) with their lines, as go/parser with
// parser.ImportsOnly would, and ok; ok is false for anything else (a line
// directive, semicolons, escapes in a path, an unterminated comment, bytes
// the Go scanner rejects...), which go/parser must then read. It reads up
// to the first token after the imports, as go/parser does.
func plainImports(src []byte, internal string) (specs []importSpec, ok bool) {
	h := header{src: src, line: 1, internal: internal}
	if !h.skip() || h.word() != "package" || !h.blank() {
		return nil, false
	}
	if name := h.word(); name == "" || goKeywords[name] || !h.endOfLine() {
		return nil, false
	}
	for {
		if !h.skip() {
			return nil, false
		}
		if h.i == len(src) {
			return specs, true
		}
		word := h.word()
		if word != "import" {
			// Any other word starts a declaration, which go/parser does not
			// read; scanning it cannot fail if an ASCII byte follows it.
			if word == "" || h.i < len(src) && (src[h.i] == 0 || src[h.i] >= utf8.RuneSelf) {
				return nil, false
			}
			return specs, true
		}
		spaced := h.blank()
		if h.i < len(src) && src[h.i] == '(' {
			h.i++
			if !h.endOfLine() {
				return nil, false
			}
			for {
				if !h.skip() || h.i == len(src) {
					return nil, false
				}
				if src[h.i] == ')' {
					h.i++
					break
				}
				if specs, ok = h.spec(specs); !ok {
					return nil, false
				}
			}
			if !h.endOfLine() {
				return nil, false
			}
			continue
		}
		if !spaced {
			return nil, false
		}
		if specs, ok = h.spec(specs); !ok {
			return nil, false
		}
	}
}

// goKeywords cannot name a package or an import.
var goKeywords = map[string]bool{
	"break": true, "case": true, "chan": true, "const": true, "continue": true,
	"default": true, "defer": true, "else": true, "fallthrough": true, "for": true,
	"func": true, "go": true, "goto": true, "if": true, "import": true,
	"interface": true, "map": true, "package": true, "range": true, "return": true,
	"select": true, "struct": true, "switch": true, "type": true, "var": true,
}

// header is plainImports' position in the source and its line.
type header struct {
	src      []byte
	i        int
	line     int
	internal string // the imports to keep: this path and those below it
}

// spec reads one import spec, an optional name and a path, up to the end
// of its line, and appends it to specs if it is one to keep.
func (h *header) spec(specs []importSpec) ([]importSpec, bool) {
	if h.i < len(h.src) && h.src[h.i] == '.' {
		h.i++
		if !h.blank() {
			return nil, false
		}
	} else if name := h.word(); name != "" {
		if goKeywords[name] || !h.blank() {
			return nil, false
		}
	}
	if h.i == len(h.src) || h.src[h.i] != '"' {
		return nil, false
	}
	start := h.i + 1
	for h.i = start; ; h.i++ {
		if h.i == len(h.src) {
			return nil, false
		}
		c := h.src[h.i]
		if c == '"' {
			break
		}
		if c == '\\' || c == '\n' || c == 0 || c >= utf8.RuneSelf {
			return nil, false
		}
	}
	if p := h.src[start:h.i]; bytes.HasPrefix(p, []byte(h.internal)) && (len(p) == len(h.internal) || h.internal == "" || p[len(h.internal)] == '/') {
		specs = append(specs, importSpec{string(p), h.line})
	}
	h.i++
	return specs, h.endOfLine()
}

// word reads an identifier of ASCII letters, digits and underscores, or
// returns "" if none starts here.
func (h *header) word() string {
	start := h.i
	for h.i < len(h.src) {
		c := h.src[h.i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || h.i > start && c >= '0' && c <= '9' {
			h.i++
			continue
		}
		break
	}
	return string(h.src[start:h.i])
}

// blank skips one or more spaces and tabs.
func (h *header) blank() bool {
	start := h.i
	for h.i < len(h.src) && (h.src[h.i] == ' ' || h.src[h.i] == '\t') {
		h.i++
	}
	return h.i > start
}

// endOfLine skips spaces, tabs and a // comment up to and past the newline
// that ends a clause or spec.
func (h *header) endOfLine() bool {
	h.blank()
	if h.i+1 < len(h.src) && h.src[h.i] == '/' && h.src[h.i+1] == '/' && !h.lineComment() {
		return false
	}
	if h.i == len(h.src) || h.src[h.i] != '\n' {
		return false
	}
	h.i++
	h.line++
	return true
}

// skip skips spaces, tabs, newlines and comments up to the next token or
// the end of the source.
func (h *header) skip() bool {
	for h.i < len(h.src) {
		switch c := h.src[h.i]; {
		case c == ' ' || c == '\t':
			h.i++
		case c == '\n':
			h.i++
			h.line++
		case c == '/' && h.i+1 < len(h.src) && h.src[h.i+1] == '/':
			if !h.lineComment() {
				return false
			}
		case c == '/' && h.i+1 < len(h.src) && h.src[h.i+1] == '*':
			end := bytes.Index(h.src[h.i+2:], []byte("*/"))
			if end < 0 || !plainComment(h.src[h.i+2:h.i+2+end]) {
				return false
			}
			h.line += bytes.Count(h.src[h.i:h.i+2+end], []byte("\n"))
			h.i += 2 + end + 2
		default:
			return true
		}
	}
	return true
}

// lineComment skips a // comment up to its newline, which it leaves.
func (h *header) lineComment() bool {
	end := bytes.IndexByte(h.src[h.i:], '\n')
	if end < 0 || !plainComment(h.src[h.i+2:h.i+end]) {
		return false
	}
	h.i += end
	return true
}

// plainComment reports whether the text of a comment is one go/scanner
// reads without error and that does not move lines: valid UTF-8 without
// NUL bytes, carriage returns or byte order marks, and not a line
// directive.
func plainComment(text []byte) bool {
	if bytes.HasPrefix(text, []byte("line ")) {
		return false
	}
	for i, c := range text {
		if c == 0 || c == '\r' {
			return false
		}
		if c >= utf8.RuneSelf {
			rest := text[i:]
			return utf8.Valid(rest) && !bytes.Contains(rest, []byte("\uFEFF")) && bytes.IndexByte(rest, 0) < 0 && bytes.IndexByte(rest, '\r') < 0
		}
	}
	return true
}

// tableSet holds the tables that the modules' migrations create.
type tableSet struct {
	module map[string]string // lower-case table name -> its module
	// Bit n of lengths[c] is set when a table name starting with byte c is
	// n bytes long (bit 63: 63 or more), so that most words need no lookup.
	lengths [256]uint64
}

// tablesOf returns the tables that the SQL files rels, with contents srcs,
// create: the first file in order that creates a table owns it. It returns
// nil when there are none.
func tablesOf(rels []string, srcs [][]byte) *tableSet {
	t := &tableSet{module: map[string]string{}}
	for i, rel := range rels {
		m := owner(rel)
		if m == "" || !containsFold(srcs[i], "create") {
			continue
		}
		sqlLines(srcs[i], func(_ int, code []byte) {
			if !containsFold(code, "create") {
				return // createdTable needs a first word "create"
			}
			f := createdTable(string(code))
			if _, taken := t.module[f]; f != "" && !taken {
				t.module[f] = m
				t.lengths[f[0]] |= 1 << min(len(f), 63)
			}
		})
	}
	if len(t.module) == 0 {
		return nil
	}
	return t
}

// createdTable returns the table a line of SQL creates, lower-case and
// without its schema, or "".
func createdTable(line string) string {
	f := strings.Fields(strings.ToLower(line))
	if len(f) < 3 || f[0] != "create" {
		return ""
	}
	i := 1
	if f[i] == "temporary" || f[i] == "temp" || f[i] == "unlogged" {
		i++
	}
	if i+1 >= len(f) || f[i] != "table" {
		return ""
	}
	i++
	if i+3 < len(f) && f[i] == "if" && f[i+1] == "not" && f[i+2] == "exists" {
		i += 3
	}
	name := strings.Trim(strings.TrimRight(f[i], "("), `"`)
	if _, after, ok := strings.Cut(name, "."); ok {
		name = strings.Trim(after, `"`)
	}
	return name
}

// containsFold reports whether s holds word, a lower-case ASCII word, in any
// case. No byte outside ASCII lower-cases into the letters of "create", so
// it is enough to find that strings.ToLower(s) holds it.
func containsFold(s []byte, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// sqlLines calls code for each line of SQL, numbered from 1, without its
// -- comment.
func sqlLines(src []byte, code func(line int, code []byte)) {
	for line := 1; ; line++ {
		text, rest, more := bytes.Cut(src, []byte("\n"))
		if i := bytes.Index(text, []byte("--")); i >= 0 {
			text = text[:i]
		}
		code(line, text)
		if !more {
			return
		}
		src = rest
	}
}

// find calls hit for each word of text that names a table: the word, the
// number of newlines before it in text and the table's module. Words are
// runs of letters, digits and underscores; case does not matter. A
// schema-qualified name, such as estoque.estoque_items, is two words.
func (t *tableSet) find(text []byte, hit func(word []byte, line int, module string)) {
	line, start := 0, -1
	for i := 0; i <= len(text); i++ {
		c := byte(0)
		if i < len(text) {
			c = text[i]
		}
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if m, ok := t.lookup(text[start:i]); ok {
				hit(text[start:i], line, m)
			}
			start = -1
		}
		if c == '\n' {
			line++
		}
	}
}

// lookup returns the module whose table the word names, in any case.
func (t *tableSet) lookup(word []byte) (string, bool) {
	first := word[0]
	if first >= 'A' && first <= 'Z' {
		first += 'a' - 'A'
	}
	if t.lengths[first]&(1<<min(len(word), 63)) == 0 {
		return "", false
	}
	var lower [64]byte
	if len(word) > len(lower) {
		m, ok := t.module[strings.ToLower(string(word))]
		return m, ok
	}
	for i, c := range word {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	m, ok := t.module[string(lower[:len(word)])]
	return m, ok
}

// inSQL returns the violations of the SQL file rel of module from: the
// lines, outside -- comments, that name another module's table.
func (t *tableSet) inSQL(rel, from string, src []byte) []Violation {
	var vs []Violation
	sqlLines(src, func(line int, code []byte) {
		t.find(code, func(word []byte, _ int, to string) {
			if to != from {
				vs = append(vs, foreignTable(rel, line, from, string(word), to))
			}
		})
	})
	return vs
}

// inGo returns the violations of the Go file rel of module from: the string
// literals that name another module's table.
func (t *tableSet) inGo(rel, from string, src []byte) []Violation {
	var vs []Violation
	var at int // the line of the literal
	hit := func(word []byte, line int, to string) {
		if to != from {
			vs = append(vs, foreignTable(rel, at+line, from, string(word), to))
		}
	}
	goStrings(src, func(lit []byte, line int) {
		at = line
		t.find(literalText(lit), hit)
	})
	return vs
}

func foreignTable(rel string, line int, from, table, to string) Violation {
	return Violation{rel, line, RuleForeignTable, fmt.Sprintf(
		"%s names %s, a table of module %s; a module reads and writes only its own tables: call %s's API (internal/%s) instead",
		from, table, to, to, to)}
}

// literalText returns the text of a string literal as the database reads
// it: unquoted, "a\nb" being two words; a literal that does not unquote is
// read as it is. Words and their lines are the same in the literal and in
// its value unless it holds escapes or (raw) carriage returns, so only
// then is it unquoted.
func literalText(lit []byte) []byte {
	switch {
	case lit[0] == '"' && bytes.IndexByte(lit, '\\') >= 0:
	case lit[0] == '`' && bytes.IndexByte(lit, '\r') >= 0:
		lit = bytes.ReplaceAll(lit, []byte("\r"), nil) // as go/scanner does
	default:
		return lit
	}
	s := string(lit)
	v, err := strconv.Unquote(s)
	if err != nil {
		return lit
	}
	if s[0] == '"' { // its escaped newlines are not lines of the file
		v = strings.ReplaceAll(v, "\n", " ")
	}
	return []byte(v)
}

// goStrings calls yield for each string literal of the Go source src, with
// its line, as go/scanner finds them: lit is its text in src, quotes
// included (a raw string keeps its carriage returns, which go/scanner
// drops). It skips comments and rune literals, and reads unterminated
// literals to the end of the line (raw: of the file), as go/scanner does.
// For a file with a line directive, which moves lines, it runs go/scanner.
func goStrings(src []byte, yield func(lit []byte, line int)) {
	if bytes.Contains(src, []byte("//line ")) || bytes.Contains(src, []byte("/*line ")) {
		scanStrings(src, yield)
		return
	}
	if len(src) >= 2 && (src[0] == 0xff && src[1] == 0xfe || src[0] == 0xfe && src[1] == 0xff) {
		return // UTF-16: go/scanner gives up on the whole file
	}
	line, counted := 1, 0
	// next[k] is where the next byte goTokenStarts[k] is at or after i
	// (len(src) if none): each class of byte is searched for by
	// bytes.IndexByte, past what lies between them in one go.
	next := [len(goTokenStarts)]int{-1, -1, -1, -1}
	for i := 0; i < len(src); {
		at := len(src)
		for k := range next {
			if next[k] < i {
				next[k] = len(src)
				if j := bytes.IndexByte(src[i:], goTokenStarts[k]); j >= 0 {
					next[k] = i + j
				}
			}
			at = min(at, next[k])
		}
		if i = at; i == len(src) {
			return
		}
		switch c := src[i]; c {
		case '/':
			switch {
			case i+1 < len(src) && src[i+1] == '/':
				end := bytes.IndexByte(src[i+2:], '\n')
				if end < 0 {
					return
				}
				i += 2 + end
			case i+1 < len(src) && src[i+1] == '*':
				end := bytes.Index(src[i+2:], []byte("*/"))
				if end < 0 {
					return
				}
				i += 2 + end + 2
			default:
				i++
			}
		case '"', '\'':
			start := i
			for i++; i < len(src) && src[i] != '\n'; {
				i++
				if src[i-1] == c {
					break
				}
				if src[i-1] == '\\' && i < len(src) && src[i] != '\n' {
					i++ // an escaped character, maybe the quote
				}
			}
			if c == '"' {
				line += bytes.Count(src[counted:start], []byte("\n"))
				counted = start
				yield(src[start:i], line)
			}
		case '`':
			start := i
			if end := bytes.IndexByte(src[i+1:], '`'); end < 0 {
				i = len(src)
			} else {
				i += 1 + end + 1
			}
			line += bytes.Count(src[counted:start], []byte("\n"))
			counted = start
			yield(src[start:i], line)
		}
	}
}

// goTokenStarts are the bytes where goStrings has something to do: a
// comment, a string or a rune literal may start there.
const goTokenStarts = "/\"'`"

// scanStrings is goStrings by go/scanner, whose lines follow line
// directives.
func scanStrings(src []byte, yield func(lit []byte, line int)) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, src, nil, 0)
	for {
		pos, tok, lit := sc.Scan()
		if tok == token.EOF {
			return
		}
		if tok == token.STRING {
			yield([]byte(lit), fset.Position(pos).Line)
		}
	}
}

// BaselineEntry is one accepted violation. Entries match violations by file,
// rule and message, not by line, so edits elsewhere in a file keep them.
type BaselineEntry struct {
	File    string `json:"file"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// String formats the entry as file: message.
func (e BaselineEntry) String() string { return e.File + ": " + e.Message }

type baselineFile struct {
	About      string          `json:"about"`
	Violations []BaselineEntry `json:"violations"`
}

const baselineAbout = "Module-rule violations accepted for now: modgen check and the test in internal/architecture fail only on others. " +
	"Entries match by file, rule and message, not line. Rewrite with `modgen check --baseline`; drop fixed entries with `modgen check --prune`."

// BaselineOf returns the baseline entries of vs, sorted.
func BaselineOf(vs []Violation) []BaselineEntry {
	entries := make([]BaselineEntry, 0, len(vs))
	for _, v := range vs {
		entries = append(entries, BaselineEntry{v.File, v.Rule, v.Message})
	}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
	return entries
}

// MarshalBaseline renders entries as the content of BaselineFile.
func MarshalBaseline(entries []BaselineEntry) []byte {
	if entries == nil {
		entries = []BaselineEntry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(baselineFile{About: baselineAbout, Violations: entries}); err != nil {
		panic(err) // plain strings always encode
	}
	return buf.Bytes()
}

// ReadBaseline reads BaselineFile at root; ok is false when there is none.
func ReadBaseline(root string) (entries []BaselineEntry, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(root, BaselineFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var b baselineFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, false, fmt.Errorf("%s: %v; fix the file or rewrite it with `modgen check --baseline`", BaselineFile, err)
	}
	for i, e := range b.Violations {
		if e.File == "" || e.Rule == "" || e.Message == "" {
			return nil, false, fmt.Errorf("%s: entry %d lacks a file, rule or message; fix it or rewrite the file with `modgen check --baseline`", BaselineFile, i+1)
		}
	}
	if b.Violations == nil {
		b.Violations = []BaselineEntry{}
	}
	return b.Violations, true, nil
}

// Compare splits vs into the violations the baseline does not accept (fresh)
// and those it does (known), and returns the entries no violation matches
// any more (fixed). Each entry accepts one violation.
func Compare(vs []Violation, baseline []BaselineEntry) (fresh, known []Violation, fixed []BaselineEntry) {
	left := map[BaselineEntry]int{}
	for _, e := range baseline {
		left[e]++
	}
	for _, v := range vs {
		e := BaselineEntry{v.File, v.Rule, v.Message}
		if left[e] > 0 {
			left[e]--
			known = append(known, v)
			continue
		}
		fresh = append(fresh, v)
	}
	for _, e := range baseline {
		if left[e] > 0 {
			left[e]--
			fixed = append(fixed, e)
		}
	}
	return fresh, known, fixed
}
