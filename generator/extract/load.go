package extract

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/modgen-dev/modgen/generator/field"
)

// fullLoadOnly makes load skip loadSource, as before it existed; tests
// compare both ways.
var fullLoadOnly bool

// load reads the module package (and the project packages the generated
// code may use) with types, and builds the contract. Every problem of the
// API is reported, joined, not only the first.
//
// The types come from loadSource, which type-checks only what the contract
// reads; when it cannot vouch for its result, from the full load
// (loadTypes), whose errors are those users see. loadSource reads neither
// function bodies nor the declarations the contract does not reach: a
// module whose only errors are there is extracted (the full load refuses
// it), and pkg/server, pkg/database and pkg/outbox count for readProject
// when the functions it reads check (the full load leaves out a package
// with an error anywhere, or one in a package it imports).
func load(cfg Config) (*contract, error) {
	c := &contract{
		cfg:      cfg,
		pkgPath:  cfg.ModulePath + "/internal/" + cfg.Module,
		pkgName:  cfg.Module,
		service:  exported(cfg.Module) + "Service",
		protoPkg: cfg.Module + ".v1",
	}
	patterns, projectPkgs := packagesToLoad(cfg)
	pkg, project, err := loadSource(cfg.Root, cfg.ModulePath, c.pkgPath, projectPkgs)
	if err != nil {
		c.fallback = err
		pkg, project, err = loadTypes(cfg.Root, c.pkgPath, patterns, projectPkgs)
	}
	var nf *notFoundError
	if errors.As(err, &nf) {
		msg := fmt.Sprintf("package %s not found in %s: is %q the module path in go.mod, and does internal/%s exist?", c.pkgPath, cfg.Root, cfg.ModulePath, cfg.Module)
		if nf.goList != nil {
			msg += " (" + nf.goList.Error() + ")"
		}
		return nil, errors.New(msg)
	}
	if err != nil {
		return nil, fmt.Errorf("loading internal/%s: %w", cfg.Module, err)
	}
	if len(pkg.Errors) > 0 {
		return nil, fmt.Errorf("internal/%s does not compile; fix it first:\n\t%s", cfg.Module, strings.Join(pkg.Errors, "\n\t"))
	}
	l := &loader{
		c:      c,
		pkg:    pkg.Types,
		fset:   pkg.Fset,
		docs:   collectDocs(pkg.Syntax),
		msgs:   map[*types.TypeName]*message{},
		failed: map[*types.TypeName]*unsupported{},
		names:  map[string]*types.TypeName{},
	}
	if err := l.readAPI(); err != nil {
		return nil, err
	}
	l.readErrors()
	l.readModule()
	c.project = readProject(project, cfg.ModulePath)
	c.crud = detectCRUD(c)
	return c, nil
}

// packagesToLoad returns the go list patterns of the module package and of
// the project packages readProject reads, and the import paths of the
// latter, leaving out those the project does not have.
func packagesToLoad(cfg Config) (patterns, projectPkgs []string) {
	patterns = []string{"./internal/" + cfg.Module}
	for _, f := range projectFuncs {
		path := cfg.ModulePath + "/" + f.pkg
		if slices.Contains(projectPkgs, path) {
			continue
		}
		if st, err := os.Stat(filepath.Join(cfg.Root, filepath.FromSlash(f.pkg))); err == nil && st.IsDir() {
			patterns = append(patterns, "./"+f.pkg)
			projectPkgs = append(projectPkgs, path)
		}
	}
	return patterns, projectPkgs
}

// loader turns the types of the module package into the contract.
type loader struct {
	c      *contract
	pkg    *types.Package
	fset   *token.FileSet
	docs   map[token.Pos]string
	msgs   map[*types.TypeName]*message
	failed map[*types.TypeName]*unsupported
	names  map[string]*types.TypeName // protobuf message name → the Go type that took it
}

// unsupported says why a type cannot cross the wire. via lists the struct
// fields that lead to it from the parameter's type.
type unsupported struct {
	typ types.Type
	why string
	via []string
	pos token.Pos // the struct field at fault, when it is one
}

// at is the position of pos relative to the project root, as the prefix of
// an error: "internal/estoque/api.go:14:2: ".
func (l *loader) at(pos token.Pos) string {
	if !pos.IsValid() {
		return ""
	}
	p := l.fset.Position(pos)
	if rel, err := filepath.Rel(l.c.cfg.Root, p.Filename); err == nil && !strings.HasPrefix(rel, "..") {
		p.Filename = filepath.ToSlash(rel)
	}
	return p.String() + ": "
}

func (l *loader) qualifier(p *types.Package) string {
	if p == l.pkg {
		return ""
	}
	return p.Name()
}

func (l *loader) typeString(t types.Type) string { return types.TypeString(t, l.qualifier) }

// describe renders u after "has type ": the type, the path of fields to the
// offending one, and the reason.
func (l *loader) describe(top types.Type, u *unsupported) string {
	s := l.typeString(top)
	if len(u.via) > 0 {
		s += ", whose field " + strings.Join(u.via, ", whose field ") + " has type " + l.typeString(u.typ)
	}
	return s + ": " + u.why
}

func (l *loader) readAPI() error {
	obj := l.pkg.Scope().Lookup("API")
	tn, ok := obj.(*types.TypeName)
	if !ok {
		return fmt.Errorf("internal/%s declares no API interface; the module's contract is `type API interface { ... }` in internal/%s/api.go", l.c.pkgName, l.c.pkgName)
	}
	iface, ok := tn.Type().Underlying().(*types.Interface)
	if !ok {
		return fmt.Errorf("internal/%s: API is a %s, not an interface; declare `type API interface { ... }`", l.c.pkgName, l.typeString(tn.Type().Underlying()))
	}
	var fns []*types.Func
	for i := 0; i < iface.NumMethods(); i++ {
		fns = append(fns, iface.Method(i))
	}
	if len(fns) == 0 {
		return fmt.Errorf("internal/%s: API has no methods; there is nothing to extract", l.c.pkgName)
	}
	slices.SortStableFunc(fns, func(a, b *types.Func) int { return int(a.Pos() - b.Pos()) })
	var errs []error
	reqs := map[string]string{}
	for _, fn := range fns {
		m, err := l.readMethod(fn)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		l.c.methods = append(l.c.methods, m)
		reqs[m.name+"Request"], reqs[m.name+"Response"] = m.name, m.name
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// Struct names must not clash with the messages and the service the
	// proto declares for the methods.
	for _, msg := range l.c.messages {
		if m, ok := reqs[msg.name]; ok {
			errs = append(errs, fmt.Errorf("type %s has the name of the protobuf message generated for API.%s; rename the type", msg.goRef.name, m))
		}
		if msg.name == l.c.service {
			errs = append(errs, fmt.Errorf("type %s has the name of the protobuf service; rename the type", msg.goRef.name))
		}
		svc := l.c.service
		for _, stub := range []string{svc + "Client", svc + "Server", "Unimplemented" + svc + "Server", "Unsafe" + svc + "Server", "New" + svc + "Client", "Register" + svc + "Server"} {
			if msg.name == stub {
				errs = append(errs, fmt.Errorf("type %s has the name the gRPC code gives to %s; rename the type", msg.goRef.name, stub))
			}
		}
	}
	return errors.Join(errs...)
}

var errorType = types.Universe.Lookup("error").Type()

func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

func (l *loader) readMethod(fn *types.Func) (*method, error) {
	sig := fn.Type().(*types.Signature)
	where := l.at(fn.Pos()) + "API." + fn.Name()
	apiMethod := "API." + fn.Name()
	if !fn.Exported() {
		return nil, fmt.Errorf("%s is unexported: another process cannot call it; export it or move it off the API interface", where)
	}
	if !isPascalCase(fn.Name()) {
		return nil, fmt.Errorf("%s: an RPC name is PascalCase ASCII without underscores (buf RPC_PASCAL_CASE); rename the method", where)
	}
	if sig.Params().Len() == 0 || !isContext(sig.Params().At(0).Type()) {
		return nil, fmt.Errorf("%s: the first parameter must be ctx context.Context, which carries the deadline, cancellation and request id across the wire; add it", where)
	}
	if sig.Results().Len() == 0 || !types.Identical(sig.Results().At(sig.Results().Len()-1).Type(), errorType) {
		return nil, fmt.Errorf("%s: the last result must be error, a remote call can always fail; add it", where)
	}
	m := &method{name: fn.Name(), doc: l.docs[fn.Pos()], variadic: sig.Variadic()}
	var errs []error
	seen := map[string]string{}
	for i := 1; i < sig.Params().Len(); i++ {
		p := sig.Params().At(i)
		name := p.Name()
		if name == "" || name == "_" {
			errs = append(errs, fmt.Errorf("%s%s parameter %d (%s) has no name: the name becomes the protobuf field; name it", l.at(p.Pos()), apiMethod, i+1, l.typeString(p.Type())))
			continue
		}
		v, err := l.readValue(name, p.Type(), p.Pos(), fmt.Sprintf("%s parameter %q", apiMethod, name), seen)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m.params = append(m.params, v)
	}
	seen = map[string]string{}
	for i := 0; i < sig.Results().Len()-1; i++ {
		r := sig.Results().At(i)
		name := r.Name()
		if name == "" || name == "_" {
			name = resultName(r.Type(), seen)
		}
		v, err := l.readValue(name, r.Type(), r.Pos(), fmt.Sprintf("%s result %d", apiMethod, i+1), seen)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m.results = append(m.results, v)
	}
	return m, errors.Join(errs...)
}

// resultName names an unnamed result after its type: Estoque and
// *Estoque → estoque, []Item → item_list, string → result; a second result
// of the same name gets a number: result2.
func resultName(t types.Type, taken map[string]string) string {
	base := "result"
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		base = snakeCase(t.Obj().Name())
	case *types.Slice:
		if n, ok := types.Unalias(t.Elem()).(*types.Named); ok {
			base = snakeCase(n.Obj().Name()) + "_list"
		}
	}
	if s, ok := toASCII(base); ok {
		base = s
	} else {
		base = "result"
	}
	name := base
	for i := 2; taken[snakeCase(name)] != ""; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	return name
}

// readValue maps a parameter or result declared at pos. seen holds the
// protobuf names already used in the message, to catch two Go names that
// fold to one. Errors start with the position of the declaration at fault:
// the parameter, or the struct field that cannot cross the wire.
func (l *loader) readValue(name string, t types.Type, pos token.Pos, what string, seen map[string]string) (*value, error) {
	where := l.at(pos) + what
	ascii, ok := toASCII(name)
	if !ok {
		return nil, fmt.Errorf("%s: the name cannot become a protobuf field, which is ASCII letters, digits and underscores; rename it", where)
	}
	proto := snakeCase(ascii)
	if why := badFieldName(proto); why != "" {
		return nil, fmt.Errorf("%s: %s; rename it", where, why)
	}
	if other := seen[jsonName(proto)]; other != "" {
		return nil, fmt.Errorf("%s: its protobuf field name %q collides with that of %s; rename one of them", where, proto, other)
	}
	seen[jsonName(proto)] = name
	ty, u := l.typeOf(t)
	if u != nil {
		if u.pos.IsValid() {
			where = l.at(u.pos) + what
		}
		return nil, fmt.Errorf("%s has type %s", where, l.describe(t, u))
	}
	return &value{goName: name, protoName: proto, typ: ty}, nil
}

// jsonName is the JSON name protobuf derives from a field name; two fields
// of a message must not share it (item_2 and item2 do).
func jsonName(field string) string {
	var b strings.Builder
	upper := false
	for _, r := range field {
		if r == '_' {
			upper = true
			continue
		}
		if upper && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		upper = false
		b.WriteRune(r)
	}
	return b.String()
}

// badFieldName says why a protobuf field name breaks buf's STANDARD rules,
// or returns "".
func badFieldName(field string) string {
	if field == "" {
		return "its protobuf field name is empty"
	}
	if field == "descriptor" {
		return `buf's FIELD_NO_DESCRIPTOR rule forbids a protobuf field named "descriptor"`
	}
	if field[0] >= '0' && field[0] <= '9' {
		return fmt.Sprintf("its protobuf field name %q would start with a digit", field)
	}
	return ""
}

func (l *loader) inModule(p *types.Package) bool {
	return p != nil && (p.Path() == l.c.pkgPath || strings.HasPrefix(p.Path(), l.c.pkgPath+"/"))
}

// message maps a struct of the module to a protobuf message, once per type.
func (l *loader) message(t *types.Named, name goName) (*message, *unsupported) {
	obj := t.Obj()
	if bad := l.failed[obj]; bad != nil {
		return nil, bad
	}
	if m := l.msgs[obj]; m != nil {
		return m, nil
	}
	fail := func(u *unsupported) (*message, *unsupported) {
		l.failed[obj] = u
		return nil, u
	}
	protoName, ok := toASCII(name.name)
	if !ok || !isPascalCase(protoName) {
		return fail(&unsupported{typ: t, why: fmt.Sprintf("type %s cannot name a protobuf message, which is PascalCase ASCII without underscores (buf MESSAGE_PASCAL_CASE); rename it", name.name)})
	}
	if other := l.names[protoName]; other != nil && other != obj {
		return fail(&unsupported{typ: t, why: fmt.Sprintf("two types, %s.%s and %s.%s, would both become message %s; rename one", other.Pkg().Name(), other.Name(), obj.Pkg().Name(), obj.Name(), protoName)})
	}
	l.names[protoName] = obj
	m := &message{name: protoName, goRef: name, doc: l.docs[obj.Pos()]}
	l.msgs[obj] = m
	l.c.messages = append(l.c.messages, m)
	fail = func(u *unsupported) (*message, *unsupported) {
		delete(l.msgs, obj)
		l.c.messages = slices.DeleteFunc(l.c.messages, func(x *message) bool { return x == m })
		l.failed[obj] = u
		return nil, u
	}
	st := t.Underlying().(*types.Struct)
	seen := map[string]string{}
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if !f.Exported() {
			return fail(&unsupported{typ: t, pos: f.Pos(), why: fmt.Sprintf("field %s.%s is unexported: the generated code in another package cannot read or set it; export it", obj.Name(), f.Name())})
		}
		ascii, ok := toASCII(f.Name())
		if !ok {
			return fail(&unsupported{typ: t, pos: f.Pos(), why: fmt.Sprintf("field %s.%s cannot name a protobuf field, which is ASCII; rename it", obj.Name(), f.Name())})
		}
		proto := snakeCase(ascii)
		if why := badFieldName(proto); why != "" {
			return fail(&unsupported{typ: t, pos: f.Pos(), why: fmt.Sprintf("field %s.%s: %s; rename it", obj.Name(), f.Name(), why)})
		}
		if other := seen[jsonName(proto)]; other != "" {
			return fail(&unsupported{typ: t, pos: f.Pos(), why: fmt.Sprintf("fields %s.%s and %s.%s would both become protobuf field %q; rename one", obj.Name(), other, obj.Name(), f.Name(), proto)})
		}
		seen[jsonName(proto)] = f.Name()
		ft, bad := l.typeOf(f.Type())
		if bad != nil {
			delete(l.msgs, obj)
			u := &unsupported{typ: bad.typ, why: bad.why, via: append([]string{obj.Name() + "." + f.Name()}, bad.via...), pos: bad.pos}
			if !u.pos.IsValid() {
				u.pos = f.Pos()
			}
			return fail(u)
		}
		m.fields = append(m.fields, &value{goName: f.Name(), protoName: proto, doc: l.docs[f.Pos()], typ: ft})
	}
	return m, nil
}

// readErrors finds the module's sentinel errors and its ValidationError.
func (l *loader) readErrors() {
	scope := l.pkg.Scope()
	for _, name := range scope.Names() {
		v, ok := scope.Lookup(name).(*types.Var)
		if !ok || !v.Exported() || !strings.HasPrefix(name, "Err") || !types.Identical(v.Type(), errorType) {
			continue
		}
		l.c.sentinels = append(l.c.sentinels, sentinel{name: name})
	}
	tn, ok := scope.Lookup("ValidationError").(*types.TypeName)
	if !ok {
		return
	}
	named, ok := types.Unalias(tn.Type()).(*types.Named)
	if !ok {
		return
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok || !types.Implements(types.NewPointer(named), errorType.Underlying().(*types.Interface)) {
		return
	}
	fields := 0
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if (f.Name() == "Field" || f.Name() == "Problem") && types.Identical(f.Type(), types.Typ[types.String]) {
			fields++
		}
	}
	if fields == 2 {
		l.c.validation = &goName{pkgPath: l.pkg.Path(), name: "ValidationError"}
	}
}

// readModule checks for what cmd/<m> and the contract test build the local
// implementation with: New(Deps) *Module, (*Module).API() API, Migrations.
func (l *loader) readModule() {
	ms := &l.c.module
	scope := l.pkg.Scope()
	missing := func(what string) { ms.missing = what }
	newFn, ok := scope.Lookup("New").(*types.Func)
	if !ok {
		missing("func New(Deps) *Module")
		return
	}
	sig := newFn.Type().(*types.Signature)
	deps, ok := scope.Lookup("Deps").(*types.TypeName)
	if !ok || sig.Params().Len() != 1 || !types.Identical(sig.Params().At(0).Type(), deps.Type()) || sig.Results().Len() != 1 {
		missing("func New(Deps) *Module")
		return
	}
	ptr, ok := sig.Results().At(0).Type().(*types.Pointer)
	if !ok {
		missing("func New(Deps) *Module")
		return
	}
	apiObj := scope.Lookup("API")
	mset := types.NewMethodSet(ptr)
	sel := mset.Lookup(l.pkg, "API")
	if sel == nil {
		missing("method (*Module).API() API")
		return
	}
	apiSig := sel.Obj().Type().(*types.Signature)
	if apiSig.Params().Len() != 0 || apiSig.Results().Len() != 1 || !types.Identical(apiSig.Results().At(0).Type(), apiObj.Type()) {
		missing("method (*Module).API() API")
		return
	}
	if _, ok := scope.Lookup("Migrations").(*types.Var); !ok {
		missing("var Migrations (the module's database.Source)")
		return
	}
	st, ok := deps.Type().Underlying().(*types.Struct)
	if !ok {
		missing("type Deps struct")
		return
	}
	var hasDB, hasBus bool
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		ts := types.TypeString(f.Type(), nil)
		switch f.Name() {
		case "DB":
			hasDB = ts == "*database/sql.DB"
		case "Bus":
			hasBus = ts == "*"+l.c.cfg.ModulePath+"/pkg/outbox.Bus"
		case "Log":
			ms.hasLog = ts == "*log/slog.Logger"
		default:
			if l.injectable(f.Type()) {
				ms.deps = append(ms.deps, f.Name())
				if n, ok := f.Type().(*types.Named); ok && types.IsInterface(n) {
					ms.stubs = append(ms.stubs, stub{field: f.Name(), iface: n})
				}
			}
		}
	}
	if !hasDB || !hasBus {
		missing("Deps with fields DB *sql.DB and Bus *outbox.Bus")
		return
	}
	ms.ok = true
}

// injectable reports whether the service's command can hand the module a
// Deps field of type t: an interface or a pointer type of the module
// package, such as the interface deps.go declares for another module.
func (l *loader) injectable(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Interface, *types.Pointer:
	default:
		return false
	}
	ok := true
	types.TypeString(t, func(p *types.Package) string {
		if p != l.pkg {
			ok = false
		}
		return p.Name()
	})
	return ok
}

// projectFunc is a function of one of the project's packages that the
// generated code calls, with its number of parameters and results.
type projectFunc struct {
	pkg, name       string
	params, results int
}

// projectFuncs are the functions readProject looks for.
var projectFuncs = []projectFunc{
	{"pkg/server", "RequestID", 1, 1}, {"pkg/server", "WithRequestID", 2, 1},
	{"pkg/database", "Open", 2, 2}, {"pkg/database", "Migrate", 3, 1},
	{"pkg/outbox", "New", 2, 1},
}

// readProject checks the project's packages the generated code uses.
func readProject(byPath map[string]*types.Package, modulePath string) projectShape {
	has := map[string]bool{}
	for _, pf := range projectFuncs {
		p := byPath[modulePath+"/"+pf.pkg]
		if p == nil {
			continue
		}
		f, ok := p.Scope().Lookup(pf.name).(*types.Func)
		if !ok {
			continue
		}
		sig := f.Type().(*types.Signature)
		has[pf.pkg+"."+pf.name] = sig.Params().Len() == pf.params && sig.Results().Len() == pf.results
	}
	return projectShape{
		requestID: has["pkg/server.RequestID"] && has["pkg/server.WithRequestID"],
		database:  has["pkg/database.Open"] && has["pkg/database.Migrate"],
		outbox:    has["pkg/outbox.New"],
	}
}

// detectCRUD recognizes the scaffold's Create/Get/List/Update/Delete.
func detectCRUD(c *contract) *crudShape {
	byName := map[string]*method{}
	for _, m := range c.methods {
		byName[m.name] = m
	}
	isInt64 := func(v *value) bool { return v.typ.kind == kInt && v.typ.basic == types.Int64 && v.typ.named == nil }
	isMsg := func(v *value) bool { return v.typ.kind == kMessage }
	field := func(m *message, name string, k kind) *value {
		for _, f := range m.fields {
			if f.goName == name && f.typ.kind == k && f.typ.named == nil {
				return f
			}
		}
		return nil
	}
	get, create, list, update, del := byName["Get"], byName["Create"], byName["List"], byName["Update"], byName["Delete"]
	if get == nil || create == nil || list == nil || update == nil || del == nil {
		return nil
	}
	if len(get.params) != 1 || !isInt64(get.params[0]) || len(get.results) != 1 || !isMsg(get.results[0]) {
		return nil
	}
	entity := get.results[0].typ.msg
	label, fields := crudLabel(c.cfg.Fields)
	if id := field(entity, "ID", kInt); id == nil || id.typ.basic != types.Int64 || field(entity, label, kString) == nil {
		return nil
	}
	if len(create.params) != 1 || !isMsg(create.params[0]) || len(create.results) != 1 || create.results[0].typ.msg != entity {
		return nil
	}
	input := create.params[0].typ.msg
	if field(input, label, kString) == nil {
		return nil
	}
	if len(update.params) != 2 || !isInt64(update.params[0]) || !isMsg(update.params[1]) || update.params[1].typ.msg != input ||
		len(update.results) != 1 || update.results[0].typ.msg != entity {
		return nil
	}
	if len(del.params) != 1 || !isInt64(del.params[0]) || len(del.results) != 0 {
		return nil
	}
	if len(list.params) != 1 || !isMsg(list.params[0]) || len(list.results) != 1 || !isMsg(list.results[0]) {
		return nil
	}
	params, page := list.params[0].typ.msg, list.results[0].typ.msg
	if field(params, "Limit", kInt) == nil || field(params, "Cursor", kString) == nil || field(page, "NextCursor", kString) == nil {
		return nil
	}
	items := field(page, "Items", kSlice)
	if items == nil || items.typ.elem.kind != kMessage || items.typ.elem.msg != entity {
		return nil
	}
	for _, m := range []*message{entity, input, params, page} {
		if m.goRef.pkgPath != c.pkgPath {
			return nil
		}
	}
	return &crudShape{entity: entity.goRef.name, input: input.goRef.name, page: page.goRef.name, params: params.goRef.name,
		limit: field(params, "Limit", kInt).typ, label: label, fields: fields}
}

// crudLabel is the field the CRUD contract names entities by: Name for the
// default entity; for one with --fields (specs), the first required text
// field, with the fields. "" when there is none.
func crudLabel(specs []string) (string, []field.Field) {
	if len(specs) == 0 {
		return "Name", nil
	}
	fields, err := field.Parse(strings.Join(specs, ","))
	if err != nil {
		return "", nil
	}
	for _, f := range fields {
		if f.Type.Text && f.Required() {
			return f.GoName(), fields
		}
	}
	return "", nil
}

// collectDocs maps the position of every declared name (types, struct
// fields, interface methods) to its doc comment.
func collectDocs(files []*ast.File) map[token.Pos]string {
	docs := map[token.Pos]string{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GenDecl:
				for _, spec := range n.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok {
						continue
					}
					doc := ts.Doc
					if doc == nil && len(n.Specs) == 1 {
						doc = n.Doc
					}
					if doc != nil {
						docs[ts.Name.Pos()] = doc.Text()
					}
				}
			case *ast.Field:
				if n.Doc != nil {
					for _, name := range n.Names {
						docs[name.Pos()] = n.Doc.Text()
					}
					if len(n.Names) == 0 {
						docs[embeddedPos(n.Type)] = n.Doc.Text()
					}
				}
			}
			return true
		})
	}
	return docs
}

// embeddedPos is the position types.Var.Pos reports for an embedded field.
func embeddedPos(e ast.Expr) token.Pos {
	switch e := e.(type) {
	case *ast.StarExpr:
		return embeddedPos(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Pos()
	}
	return e.Pos()
}
