package tree

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/modgen-dev/modgen/generator/field"
	"go.yaml.in/yaml/v3"
)

// ManifestFile is the name of the manifest at the project root.
const ManifestFile = "modgen.yaml"

// SumFile records the hash of every scaffolded file as modgen wrote it, one
// "path hash" line per file, sorted, like go.sum: plain lines load in linear
// time at any size and merge well.
const SumFile = "modgen.sum"

// ManifestSchema is the version of the manifest's format this modgen
// writes. Version 1 (a manifest without the field predates it) kept the
// hashes under `files:` in modgen.yaml; modgen still reads them there and
// moves them to modgen.sum on its next write. Version 3 added the modules'
// subscriptions; versions 1 and 2 read as version 3 without any.
const ManifestSchema = 3

// Manifest is modgen.yaml: what modgen knows about a project.
type Manifest struct {
	// Schema is the version of the manifest's format.
	Schema int `yaml:"schema"`
	// Modgen is the version of modgen that last wrote the manifest.
	Modgen string `yaml:"modgen"`
	// Module is the Go module path of the project.
	Module string `yaml:"module"`
	// Name is the project name (the folder and binary name).
	Name string `yaml:"name"`
	// Database is the default database driver of the project.
	Database string   `yaml:"database"`
	Modules  []Module `yaml:"modules"`
	// Files records each scaffolded file's hash of its content as modgen
	// wrote it, to tell whether the user has edited it since. It lives in
	// SumFile (see ReadSums, MarshalSums).
	Files *Sums `yaml:"-"`

	// read holds modgen.yaml and modgen.sum as LoadManifest read them (see
	// Read).
	read map[string][]byte
}

// Read returns the file name (ManifestFile or SumFile) as LoadManifest
// read it, or nil: a command that rewrites it hands this to Compare (see
// File.Disk) instead of reading the file again, 338 KB for modgen.sum at
// 200 modules.
func (m *Manifest) Read(name string) []byte { return m.read[name] }

// Module is one module of the project.
type Module struct {
	Name      string   `yaml:"name"`
	Entity    string   `yaml:"entity"`
	DependsOn []string `yaml:"depends_on,omitempty"`
	// Fields are the entity's fields as given to --fields, one canonical
	// spec each ("sku:string(40):unique"); none means the default Name and
	// Description.
	Fields []string `yaml:"fields,omitempty"`
	// Subscribes lists the events the module handles, as
	// <publishing module>.<event type>, sorted.
	Subscribes []string `yaml:"subscribes,omitempty"`
	// Extracted is set once the module has been extracted to its own gRPC
	// service.
	Extracted *Extraction `yaml:"extracted,omitempty"`
}

// Ref is a field of a module's entity holding the id of another module's
// item.
type Ref struct {
	Field  string // the JSON name
	Module string // the module referred to
}

// Refs are the references of the module's entity: its ref fields, or for
// the default entity one per dependency, named <module>_id.
func (m Module) Refs() []Ref {
	var refs []Ref
	if len(m.Fields) == 0 {
		for _, d := range m.DependsOn {
			refs = append(refs, Ref{Field: d + "_id", Module: d})
		}
		return refs
	}
	fields, _ := field.Parse(strings.Join(m.Fields, ",")) // validated with the manifest
	for _, f := range fields {
		if f.Ref != "" {
			refs = append(refs, Ref{Field: f.Name, Module: f.Ref})
		}
	}
	return refs
}

// FieldValue is a value of a field, as JSON.
type FieldValue struct {
	Field, JSON string
}

// SampleJSON are a valid value of every field of the module's --fields but
// the references; nil for the default entity.
func (m Module) SampleJSON() []FieldValue {
	fields, _ := field.Parse(strings.Join(m.Fields, ","))
	var out []FieldValue
	for _, f := range fields {
		if f.Ref == "" {
			_, j := f.Sample(0)
			out = append(out, FieldValue{Field: f.Name, JSON: j})
		}
	}
	return out
}

// Extraction records how an extracted module is served.
type Extraction struct {
	Port int `yaml:"port"`
}

// ErrNotProject is returned when no modgen.yaml is found.
var ErrNotProject = errors.New("not a modgen project")

// Find returns the module called name, or nil.
func (m *Manifest) Find(name string) *Module {
	for i := range m.Modules {
		if m.Modules[i].Name == name {
			return &m.Modules[i]
		}
	}
	return nil
}

// Clone returns a deep copy of m: a plan changes its copy of the manifest,
// never the project's.
func (m *Manifest) Clone() *Manifest {
	c := *m
	c.Modules = make([]Module, len(m.Modules))
	for i, mod := range m.Modules {
		mod.DependsOn = slices.Clone(mod.DependsOn)
		mod.Fields = slices.Clone(mod.Fields)
		mod.Subscribes = slices.Clone(mod.Subscribes)
		if mod.Extracted != nil {
			x := *mod.Extracted
			mod.Extracted = &x
		}
		c.Modules[i] = mod
	}
	c.Files = m.Files.Clone()
	return &c
}

// NotProject is the error for a folder without a manifest.
func NotProject(dir string) error {
	abs, _ := filepath.Abs(dir)
	return fmt.Errorf("%w: no %s in %s; run modgen inside a project made by `modgen new project`, or pass -C DIR", ErrNotProject, ManifestFile, abs)
}

// LoadManifest reads modgen.yaml and modgen.sum from the project root dir
// and validates them (see ParseManifest and ParseSums).
func LoadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, NotProject(dir)
	}
	if err != nil {
		return nil, err
	}
	rawSums, err := os.ReadFile(filepath.Join(dir, SumFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	sums := bytesString(rawSums)
	// The two files are parsed at once, modgen.sum (3,400 lines at 200
	// modules) on another goroutine.
	var recorded *Sums
	var sumProblems []ManifestProblem
	parsed := make(chan struct{})
	go func() {
		defer close(parsed)
		recorded, sumProblems = readSums(sums)
	}()
	m, err := ParseManifest(data)
	<-parsed
	var bad *ManifestError
	if errors.As(err, &bad) {
		// Report the problems of both files at once.
		bad.Problems = append(bad.Problems, sumProblems...)
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if m.Files.Len() > 0 {
		// Schema 1 recorded files in modgen.yaml: a path in both files is
		// listed twice.
		files := maps.Collect(m.Files.All())
		sumProblems = ParseSums(sums, files)
		m.Files = NewSums(files)
	} else {
		m.Files = recorded
	}
	if len(sumProblems) > 0 {
		return nil, &ManifestError{sumProblems}
	}
	m.read = map[string][]byte{ManifestFile: data}
	if rawSums != nil {
		m.read[SumFile] = rawSums
	}
	return m, nil
}

// ManifestProblem is one thing wrong in a manifest, at a line of the file
// (0 when the YAML parser gives none).
type ManifestProblem struct {
	File string // ManifestFile when empty
	Line int
	Msg  string
}

// Source is the file the problem is in.
func (p ManifestProblem) Source() string {
	if p.File == "" {
		return ManifestFile
	}
	return p.File
}

func (p ManifestProblem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Source(), p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.Source(), p.Msg)
}

// ManifestError is a manifest that cannot be used. Error names the first
// problem; modgen check lists them all.
type ManifestError struct{ Problems []ManifestProblem }

func (e *ManifestError) Error() string {
	more := ""
	if n := len(e.Problems) - 1; n > 0 {
		more = fmt.Sprintf(" (and %d more problem(s): modgen check lists them)", n)
	}
	return fmt.Sprintf("%s%s; fix %s or restore it from version control", e.Problems[0], more, e.Problems[0].Source())
}

// ParseSums adds the "path hash" lines of a modgen.sum to files, checking
// each path and hash as ParseManifest does.
func ParseSums(data string, files map[string]string) []ManifestProblem {
	var problems []ManifestProblem
	rest := data // the paths and hashes kept in files are slices of it
	for n := 1; len(rest) > 0; n++ {
		var text string
		text, rest, _ = strings.Cut(rest, "\n")
		text = strings.TrimSuffix(text, "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		path, hash, ok := cutLast(text, " ")
		if !ok {
			problems = append(problems, ManifestProblem{SumFile, n, fmt.Sprintf("%q: expected a path and a hash", text)})
			continue
		}
		if !plainRelPath(path) || !validHash(hash) {
			// The whole check, for its message.
			if msg := checkRecord(path, hash, files); msg != "" {
				problems = append(problems, ManifestProblem{SumFile, n, msg})
				continue
			}
		}
		// One map operation, not a lookup and then a store: a path listed
		// twice leaves the map as long as it was (and fails the load).
		size := len(files)
		if files[path] = hash; len(files) == size {
			problems = append(problems, ManifestProblem{SumFile, n, fmt.Sprintf("%q is listed twice", path)})
		}
	}
	return problems
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// checkRecord validates one recorded hash, returning what is wrong or "".
func checkRecord(path, hash string, files map[string]string) string {
	if err := CheckRelPath(path); err != nil {
		return fmt.Sprintf("%q: %v", path, err)
	}
	if _, dup := files[path]; dup {
		return fmt.Sprintf("%q is listed twice", path)
	}
	if !validHash(hash) {
		return fmt.Sprintf("%q: %q is not a hash modgen writes (sha256: and 64 hex digits)", path, hash)
	}
	return ""
}

// MarshalSums renders modgen.sum: one "path hash" line per file, sorted.
func (m *Manifest) MarshalSums() []byte { return m.Files.Marshal() }

// manifestDoc is the manifest as decoded. files (schema 1) stays a YAML
// node, read by hand, because the decoder's duplicate-key check is
// quadratic in the number of keys.
type manifestDoc struct {
	Manifest `yaml:",inline"`
	Files    yaml.Node `yaml:"files"`
}

// ParseManifest decodes and validates a manifest, in time linear in its
// size: known fields only, schema version, module path, module names valid
// and unique, entities valid, every dependency known, no cycle, ports valid
// and unique, every recorded path clean, relative and inside the project,
// every hash well-formed.
func ParseManifest(data []byte) (*Manifest, error) {
	if m, ok := parsePlain(data); ok && len(validateManifest(m, nil)) == 0 {
		return m, nil
	}
	return parseYAML(data)
}

// parseYAML is ParseManifest with the YAML parser, which also gives the
// lines of the problems.
func parseYAML(data []byte) (*Manifest, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &ManifestError{yamlProblems(err)}
	}
	if len(root.Content) == 0 {
		return nil, &ManifestError{[]ManifestProblem{{Msg: "the file is empty"}}}
	}
	if problems := unknownFields(root.Content[0], reflect.TypeFor[manifestDoc]()); len(problems) > 0 {
		return nil, &ManifestError{problems}
	}
	var doc manifestDoc
	if err := root.Decode(&doc); err != nil {
		return nil, &ManifestError{yamlProblems(err)}
	}
	m := &doc.Manifest
	problems := validateManifest(m, &root)
	files := map[string]string{}
	problems = append(problems, decodeFiles(&doc.Files, files)...)
	m.Files = NewSums(files)
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b ManifestProblem) int { return a.Line - b.Line })
		return nil, &ManifestError{problems}
	}
	if m.Schema == 0 {
		m.Schema = ManifestSchema
	}
	return m, nil
}

// yamlProblems turns the parser's and decoder's errors ("yaml: line 3:
// ...") into problems, without the Go type names they mention.
func yamlProblems(err error) []ManifestProblem {
	msgs := []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	}
	var problems []ManifestProblem
	for _, msg := range msgs {
		line := 0
		if _, err := fmt.Sscanf(msg, "line %d:", &line); err == nil {
			msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
		}
		msg = goTypeName.ReplaceAllString(msg, "")
		problems = append(problems, ManifestProblem{Line: line, Msg: msg})
	}
	return problems
}

var goTypeName = regexp.MustCompile(` (in|into) (type )?[\w.\[\]*]+\.[\w\[\]]+`)

// unknownFields reports the keys of mapping n, and of the mappings below
// it, that the Go type t (a struct with yaml tags) does not declare.
func unknownFields(n *yaml.Node, t reflect.Type) []ManifestProblem {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	if n.Kind == yaml.SequenceNode {
		var problems []ManifestProblem
		for _, item := range n.Content {
			problems = append(problems, unknownFields(item, t)...)
		}
		return problems
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	fields := yamlFields(t)
	var problems []ManifestProblem
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ft, ok := fields[k.Value]
		if !ok {
			problems = append(problems, ManifestProblem{Line: k.Line, Msg: fmt.Sprintf("unknown field %q; remove it (this modgen knows %s)", k.Value, strings.Join(slices.Sorted(maps.Keys(fields)), ", "))})
			continue
		}
		problems = append(problems, unknownFields(n.Content[i+1], ft)...)
	}
	return problems
}

// yamlFields maps the YAML keys of struct t (inline fields flattened) to
// their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		switch {
		case name == "-" || !f.IsExported(): // not YAML's
		case opts == "inline":
			maps.Copy(fields, yamlFields(f.Type))
		case f.Type == reflect.TypeFor[yaml.Node]():
			fields[name] = reflect.TypeFor[string]() // read by hand
		default:
			fields[name] = f.Type
		}
	}
	return fields
}

func decodeFiles(n *yaml.Node, files map[string]string) []ManifestProblem {
	var problems []ManifestProblem
	switch {
	case n.Kind == 0 || n.Tag == "!!null":
		return nil
	case n.Kind != yaml.MappingNode:
		return []ManifestProblem{{Line: n.Line, Msg: "files: expected a mapping of paths to hashes"}}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
			problems = append(problems, ManifestProblem{Line: k.Line, Msg: "files: expected path: hash"})
			continue
		}
		if msg := checkRecord(k.Value, v.Value, files); msg != "" {
			problems = append(problems, ManifestProblem{Line: k.Line, Msg: "files: " + msg})
			continue
		}
		files[k.Value] = v.Value
	}
	return problems
}

func validHash(h string) bool {
	hex, ok := strings.CutPrefix(h, "sha256:")
	if !ok || len(hex) != 64 {
		return false
	}
	for i := range len(hex) {
		if !lowerHex[hex[i]] {
			return false
		}
	}
	return true
}

// lowerHex marks the bytes of lower-case hexadecimal digits.
var lowerHex = func() (t [256]bool) {
	for _, c := range "0123456789abcdef" {
		t[c] = true
	}
	return t
}()

// validateManifest checks everything but files; root is the parsed YAML,
// for line numbers.
func validateManifest(m *Manifest, root *yaml.Node) []ManifestProblem {
	var problems []ManifestProblem
	add := func(line int, format string, args ...any) {
		problems = append(problems, ManifestProblem{Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	top := mappingValue(root, "")
	if m.Schema > ManifestSchema {
		add(lineOf(mappingValue(top, "schema")), "schema %d is newer than this modgen reads (%d); upgrade modgen", m.Schema, ManifestSchema)
		return problems // the rest may mean something else in a newer schema
	}
	if m.Schema < 0 {
		add(lineOf(mappingValue(top, "schema")), "schema %d: not a schema version", m.Schema)
	}
	if m.Module == "" {
		add(0, "the module path is missing; add `module: <go module path>`")
	} else if err := ValidateModulePath(m.Module); err != nil {
		add(lineOf(mappingValue(top, "module")), "%v", err)
	}
	if m.Name != "" {
		if err := ValidateName("project", m.Name); err != nil {
			add(lineOf(mappingValue(top, "name")), "%v", err)
		}
	}
	mods := mappingValue(top, "modules")
	line := func(i int, key string) int {
		if mods == nil || i >= len(mods.Content) {
			return 0
		}
		if k := mappingKey(mods.Content[i], key); k != nil {
			return k.Line
		}
		return mods.Content[i].Line
	}
	index := make(map[string]int, len(m.Modules))
	ports := map[int]string{}
	for i, mod := range m.Modules {
		if err := ValidateName("module", mod.Name); err != nil {
			add(line(i, "name"), "%v", err)
			continue
		}
		if j, dup := index[mod.Name]; dup {
			add(line(i, "name"), "module %q is listed twice (also at line %d)", mod.Name, line(j, "name"))
			continue
		}
		index[mod.Name] = i
		if err := ValidateEntity(mod.Entity); err != nil {
			add(line(i, "entity"), "module %q: %v", mod.Name, err)
		}
		if len(mod.Fields) == 0 {
			// The default entity: nothing to parse.
		} else if fields, err := field.Parse(strings.Join(mod.Fields, ",")); err != nil {
			add(line(i, "fields"), "module %q: %v", mod.Name, strings.TrimPrefix(err.Error(), "--fields: "))
		} else {
			for _, r := range field.Refs(fields) {
				if !slices.Contains(mod.DependsOn, r) {
					add(line(i, "fields"), "module %q: a field refers to module %q, which is not in depends_on", mod.Name, r)
				}
			}
		}
		if x := mod.Extracted; x != nil {
			if x.Port < 1 || x.Port > 65535 {
				add(line(i, "extracted"), "module %q: port %d is not a TCP port (1 to 65535)", mod.Name, x.Port)
			} else if other, dup := ports[x.Port]; dup {
				add(line(i, "extracted"), "module %q: port %d is also the port of module %s", mod.Name, x.Port, other)
			} else {
				ports[x.Port] = mod.Name
			}
		}
	}
	for i, mod := range m.Modules {
		if index[mod.Name] != i {
			continue
		}
		// Lists are short: a name listed before is looked for among the
		// earlier ones, without a map for every module.
		for j, d := range mod.DependsOn {
			switch _, ok := index[d]; {
			case d == mod.Name:
				add(line(i, "depends_on"), "module %q depends on itself", mod.Name)
			case !ok:
				add(line(i, "depends_on"), "module %q depends on unknown module %q", mod.Name, d)
			case slices.Contains(mod.DependsOn[:j], d):
				add(line(i, "depends_on"), "module %q lists dependency %q twice", mod.Name, d)
			}
		}
		for j, s := range mod.Subscribes {
			publisher, event, _ := strings.Cut(s, ".")
			switch _, ok := index[publisher]; {
			case !ValidEventName(event):
				add(line(i, "subscribes"), "module %q subscribes to %q: not <module>.<EventType>", mod.Name, s)
			case publisher == mod.Name:
				add(line(i, "subscribes"), "module %q subscribes to its own event %q", mod.Name, s)
			case !ok:
				add(line(i, "subscribes"), "module %q subscribes to %q of unknown module %q", mod.Name, s, publisher)
			case slices.Contains(mod.Subscribes[:j], s):
				add(line(i, "subscribes"), "module %q lists subscription %q twice", mod.Name, s)
			}
		}
	}
	if len(problems) == 0 {
		if cycle := FindCycle(m.Modules); cycle != nil {
			add(line(index[cycle[0]], "depends_on"), "dependency cycle: %s; a module cannot depend on a module that depends on it", strings.Join(cycle, " → "))
		}
	}
	return problems
}

// findCycle returns a dependency cycle as the path of module names (first
// and last equal), or nil. Every dependency is known. Depth-first, each
// module visited once.
func FindCycle(mods []Module) []string {
	deps := make(map[string][]string, len(mods))
	for _, m := range mods {
		deps[m.Name] = m.DependsOn
	}
	const (
		unvisited = iota
		onPath
		done
	)
	state := make(map[string]int, len(mods))
	var path []string
	var visit func(string) []string
	visit = func(n string) []string {
		state[n] = onPath
		path = append(path, n)
		for _, d := range deps[n] {
			switch state[d] {
			case onPath:
				i := slices.Index(path, d)
				return append(slices.Clone(path[i:]), d)
			case unvisited:
				if c := visit(d); c != nil {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	names := make([]string, 0, len(mods))
	for _, m := range mods {
		names = append(names, m.Name)
	}
	slices.Sort(names)
	for _, n := range names {
		if state[n] == unvisited {
			if c := visit(n); c != nil {
				return c
			}
		}
	}
	return nil
}

// mappingKey returns the node of key in mapping n, or nil.
func mappingKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

// mappingValue returns the value of key in a mapping node, or the mapping
// of a document node when key is "", or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	if key == "" || n.Kind != yaml.MappingNode {
		if key == "" {
			return n
		}
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// Marshal renders the manifest deterministically, with a header comment.
func (m *Manifest) Marshal() []byte {
	var buf bytes.Buffer
	buf.WriteString("# modgen manifest: the project's modules and their dependencies.\n")
	buf.WriteString("# modgen rewrites this file; modgen.sum records the scaffolded files it wrote, to tell which you edited.\n")
	c := *m
	c.Schema = ManifestSchema
	byName := func(a, b Module) int { return strings.Compare(a.Name, b.Name) }
	if !slices.IsSortedFunc(c.Modules, byName) {
		c.Modules = slices.Clone(m.Modules)
		slices.SortFunc(c.Modules, byName)
	}
	if marshalPlain(&buf, &c) {
		return buf.Bytes()
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&c); err != nil {
		panic(err) // plain structs always encode
	}
	_ = enc.Close()
	return buf.Bytes()
}

// marshalPlain appends to buf the YAML that Marshal's encoder writes for m,
// when every string of m is one that the encoder writes plain (see
// plainScalar) and m has modules; otherwise it appends nothing and returns
// false. The encoder builds an event for every node before writing any,
// 2 MB for a manifest of 200 modules; the manifest's shape is fixed, and
// its strings are names, paths and field specs (TestMarshalPlain and
// FuzzMarshalPlain compare the two).
func marshalPlain(buf *bytes.Buffer, m *Manifest) bool {
	if len(m.Modules) == 0 {
		return false
	}
	for _, s := range []string{m.Modgen, m.Module, m.Name, m.Database} {
		if !plainScalar(s) {
			return false
		}
	}
	for _, mod := range m.Modules {
		if !plainScalar(mod.Name) || !plainScalar(mod.Entity) {
			return false
		}
		for _, list := range [][]string{mod.DependsOn, mod.Fields, mod.Subscribes} {
			for _, s := range list {
				if !plainScalar(s) {
					return false
				}
			}
		}
	}
	buf.Grow(64 * len(m.Modules)) // a module of a name, an entity and a dependency
	fmt.Fprintf(buf, "schema: %d\nmodgen: %s\nmodule: %s\nname: %s\ndatabase: %s\nmodules:\n", m.Schema, m.Modgen, m.Module, m.Name, m.Database)
	line := func(parts ...string) { // without building the line first
		for _, p := range parts {
			buf.WriteString(p)
		}
		buf.WriteByte('\n')
	}
	for _, mod := range m.Modules {
		line("  - name: ", mod.Name)
		line("    entity: ", mod.Entity)
		for _, list := range [...]struct {
			key   string
			items []string
		}{{"    depends_on:", mod.DependsOn}, {"    fields:", mod.Fields}, {"    subscribes:", mod.Subscribes}} {
			if len(list.items) == 0 {
				continue
			}
			line(list.key)
			for _, s := range list.items {
				line("      - ", s)
			}
		}
		if mod.Extracted != nil {
			line("    extracted:")
			line("      port: ", strconv.Itoa(mod.Extracted.Port))
		}
	}
	return true
}

// parsePlain decodes a manifest written by marshalPlain, as modgen writes
// every manifest whose strings are plain: line by line, without the YAML
// parser, which takes a millisecond and a half for 200 modules. It takes
// what it read only if Marshal writes it back byte for byte; the YAML
// parser would then decode the same (TestParsePlain and FuzzParsePlain
// compare the two). Anything else, such as a manifest edited by hand,
// returns false, and ParseManifest parses it as YAML.
func parsePlain(data []byte) (*Manifest, bool) {
	rest := string(data) // the manifest's strings are slices of it
	line := func() (string, bool) {
		l, r, ok := strings.Cut(rest, "\n")
		rest = r
		return l, ok
	}
	value := func(key string) string {
		l, _ := line()
		v, _ := strings.CutPrefix(l, key)
		return v // wrong or missing: Marshal writes something else
	}
	for range 2 { // the header comment
		if l, _ := line(); !strings.HasPrefix(l, "# ") {
			return nil, false
		}
	}
	m := &Manifest{Files: &Sums{}}
	schema, err := strconv.Atoi(value("schema: "))
	if err != nil {
		return nil, false
	}
	m.Schema = schema
	m.Modgen, m.Module, m.Name, m.Database = value("modgen: "), value("module: "), value("name: "), value("database: ")
	if l, _ := line(); l != "modules:" {
		return nil, false
	}
	for rest != "" {
		mod := Module{Name: value("  - name: "), Entity: value("    entity: ")}
		for strings.HasPrefix(rest, "    ") {
			l, _ := line()
			var items []string
			for strings.HasPrefix(rest, "      - ") {
				items = append(items, value("      - "))
			}
			switch l {
			case "    depends_on:":
				mod.DependsOn = items
			case "    fields:":
				mod.Fields = items
			case "    subscribes:":
				mod.Subscribes = items
			case "    extracted:":
				port, err := strconv.Atoi(value("      port: "))
				if err != nil {
					return nil, false
				}
				mod.Extracted = &Extraction{Port: port}
			default:
				return nil, false
			}
		}
		m.Modules = append(m.Modules, mod)
	}
	if !bytes.Equal(m.Marshal(), data) {
		return nil, false
	}
	return m, true
}

// plainScalar reports whether the YAML encoder writes s as a plain
// scalar, by a rule stricter than its own: s starts with an ASCII letter,
// holds only letters, digits and _ . / ( ) ? , : + -, does not end with a
// colon, and is not a word that YAML 1.1 reads as a boolean or null.
func plainScalar(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') || s[len(s)-1] == ':' {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_./()?,:+-", c) >= 0) {
			return false
		}
	}
	if len(s) <= len("false") {
		for _, word := range []string{"y", "n", "yes", "no", "on", "off", "true", "false", "null"} {
			if strings.EqualFold(s, word) {
				return false
			}
		}
	}
	return true
}

// Subscription is one module handling one event of another.
type Subscription struct {
	Subscriber, Publisher, Event string
}

// String is the subscription as modgen.yaml lists it under the subscriber.
func (s Subscription) String() string { return s.Publisher + "." + s.Event }

// Subscriptions returns every subscription of the manifest, sorted by
// subscriber, publisher and event.
func (m *Manifest) Subscriptions() []Subscription {
	var out []Subscription
	for _, mod := range m.Modules {
		for _, s := range mod.Subscribes {
			publisher, event, _ := strings.Cut(s, ".")
			out = append(out, Subscription{mod.Name, publisher, event})
		}
	}
	slices.SortFunc(out, func(a, b Subscription) int {
		return strings.Compare(a.Subscriber+" "+a.String(), b.Subscriber+" "+b.String())
	})
	return out
}

// ValidEventName reports whether name can name an event type: an exported
// Go identifier of ASCII letters and digits.
func ValidEventName(name string) bool {
	if name == "" || name[0] < 'A' || name[0] > 'Z' {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// lineOf is the line of n, or 0 for a missing node.
func lineOf(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}
