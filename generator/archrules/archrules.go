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
	var rels, sqls []string
	for _, top := range []string{"internal", "pkg"} {
		if err := collect(root, top, ".go", &rels); err != nil {
			return nil, fmt.Errorf("check: %v", err)
		}
	}
	if err := collect(root, "internal", ".sql", &sqls); err != nil {
		return nil, fmt.Errorf("check: %v", err)
	}
	sort.Strings(rels)
	sort.Strings(sqls)
	imports, err := parseImports(root, modulePath, rels)
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
	foreign, err := foreignTables(root, rels, sqls)
	if err != nil {
		return nil, fmt.Errorf("check: %v", err)
	}
	vs = append(vs, foreign...)
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
	// parents[v] is the breadth-first tree from v: the shortest paths out of v.
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

// collect appends the files named *ext below root/rel to rels. It skips
// vendor and testdata, names starting with '.' or '_' (as the go command
// does), and folders with their own go.mod, which are other Go modules.
func collect(root, rel, ext string, rels *[]string) error {
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !strings.Contains(rel, "/") {
			return nil // no internal/ or pkg/ folder
		}
		return err
	}
	for _, e := range entries {
		if e.Name() == "go.mod" && !e.IsDir() {
			return nil
		}
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		child := rel + "/" + name
		switch {
		case e.IsDir():
			if name == "vendor" || name == "testdata" {
				continue
			}
			if err := collect(root, child, ext, rels); err != nil {
				return err
			}
		case strings.HasSuffix(name, ext):
			*rels = append(*rels, child)
		}
	}
	return nil
}

// foreignTables returns a violation for each place where a module's Go
// string literals (in goFiles) or SQL (in sqlFiles) name a table that
// another module's migrations create.
func foreignTables(root string, goFiles, sqlFiles []string) ([]Violation, error) {
	type text struct {
		file, body string
		line       int
	}
	var sqlTexts []text
	tables := map[string]string{} // lower-case table name -> its module
	for _, rel := range sqlFiles {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		m := owner(rel)
		if m == "" {
			continue
		}
		for i, line := range strings.Split(string(src), "\n") {
			code, _, _ := strings.Cut(line, "--")
			sqlTexts = append(sqlTexts, text{rel, code, i + 1})
			if f := createdTable(code); f != "" {
				if _, taken := tables[f]; !taken {
					tables[f] = m
				}
			}
		}
	}
	if len(tables) == 0 {
		return nil, nil
	}
	var vs []Violation
	report := func(t text) {
		from := owner(t.file)
		for _, word := range words(t.body) {
			// A schema-qualified name, such as estoque.estoque_items, is two words.
			if to, ok := tables[strings.ToLower(word.s)]; ok && to != from {
				vs = append(vs, Violation{t.file, t.line + word.line, RuleForeignTable, fmt.Sprintf(
					"%s names %s, a table of module %s; a module reads and writes only its own tables: call %s's API (internal/%s) instead",
					from, word.s, to, to, to)})
			}
		}
	}
	for _, t := range sqlTexts {
		report(t)
	}
	fset := token.NewFileSet()
	for _, rel := range goFiles {
		if owner(rel) == "" {
			continue
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		file := fset.AddFile(rel, -1, len(src))
		var sc scanner.Scanner
		sc.Init(file, src, nil, 0)
		for {
			pos, tok, lit := sc.Scan()
			if tok == token.EOF {
				break
			}
			if tok != token.STRING {
				continue
			}
			if v, err := strconv.Unquote(lit); err == nil {
				if lit[0] == '"' { // its escaped newlines are not lines of the file
					v = strings.ReplaceAll(v, "\n", " ")
				}
				lit = v // "a\nb" is two words, as the database reads it
			}
			report(text{rel, lit, fset.Position(pos).Line})
		}
	}
	return vs, nil
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

// word is an identifier found in a text, and the line it is on, counted
// from 0.
type word struct {
	s    string
	line int
}

// words splits s into identifiers: runs of letters, digits and underscores.
func words(s string) []word {
	var out []word
	line, start := 0, -1
	for i := 0; i <= len(s); i++ {
		c := byte(0)
		if i < len(s) {
			c = s[i]
		}
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, word{s[start:i], line})
			start = -1
		}
		if c == '\n' {
			line++
		}
	}
	return out
}

type importSpec struct {
	path string
	line int
}

// parseImports reads the imports of the files rels that reach
// <modulePath>/internal, in parallel over a bounded pool of workers.
func parseImports(root, modulePath string, rels []string) ([][]importSpec, error) {
	out := make([][]importSpec, len(rels))
	errs := make([]error, len(rels))
	internal := modulePath + "/internal"
	needle := []byte(internal)
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(rels))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fset := token.NewFileSet()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(rels) {
					return
				}
				out[i], errs[i] = parseFile(fset, root, rels[i], internal, needle)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseFile(fset *token.FileSet, root, rel, internal string, needle []byte) ([]importSpec, error) {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	// A file that never spells the path cannot import it: skip the parser.
	if !bytes.Contains(src, needle) {
		return nil, nil
	}
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
