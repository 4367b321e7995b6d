package extract

import (
	"fmt"
	"go/types"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/modgen-dev/modgen/generator/tree"
)

// testGen writes contract_test.go.
type testGen struct {
	c     *contract
	f     *jen.File
	local bool // the local implementation can be built: New(Deps{DB, Bus}), Migrations, pkg/database, pkg/outbox
	crud  bool // the CRUD contract applies
}

// hasSentinel reports whether the module declares the sentinel name.
func (c *contract) hasSentinel(name string) bool {
	for _, s := range c.sentinels {
		if s.name == name {
			return true
		}
	}
	return false
}

func (g *testGen) mod(name string) *jen.Statement { return jen.Qual(g.c.pkgPath, name) }
func (g *testGen) api() *jen.Statement            { return jen.Qual(g.c.pkgPath, "API") }
func (g *testGen) bg() *jen.Statement             { return jen.Qual(pathContext, "Background").Call() }

// contractTest writes the generated contract test of c.
func contractTest(c *contract) *jen.File {
	f := jen.NewFilePathName(c.adapterPath()+"_test", c.adapterName()+"_test")
	f.HeaderComment(tree.GeneratedHeader[3:])
	f.ImportNames(packageNames)
	c.importNames(f)
	g := &testGen{c: c, f: f}
	g.local = c.module.ok && c.project.database && c.project.outbox
	g.crud = g.local && c.crud != nil
	f.PackageComment(fmt.Sprintf("The contract of %s.API, run against the local implementation and against", c.pkgName))
	f.PackageComment("the remote client talking to a real gRPC server on 127.0.0.1: both must")
	f.PackageComment("pass and observe the same. A recording fake checks that every method's")
	f.PackageComment("arguments, results and errors cross the wire unchanged.")
	g.helpers()
	if g.withStubs() {
		g.stubs()
	}
	if g.crud {
		g.crudContract()
	}
	g.recording()
	g.roundTrip()
	g.wireTests()
	return f
}

// withStubs reports whether the local implementation gets stubs of its
// dependencies: when the CRUD contract's inputs (of a module with
// --fields) may refer to their items.
func (g *testGen) withStubs() bool {
	return g.crud && g.c.crud.fields != nil && len(g.c.module.stubs) > 0
}

// helpers writes serve, and openLocal when the local implementation can be built.
func (g *testGen) helpers() {
	c, f := g.c, g.f
	if g.local {
		f.Commentf("openLocal returns the local %s implementation on a fresh database", c.pkgName)
		f.Comment("(SQLite, or PostgreSQL with TEST_DATABASE_URL: see databasetest).")
		f.Func().Id("openLocal").Params(jen.Id("t").Qual(pathTesting, "TB")).Add(g.api()).Block(
			jen.Id("t").Dot("Helper").Call(),
			jen.Id("db").Op(":=").Qual(c.cfg.ModulePath+"/pkg/database/databasetest", "Open").Call(jen.Id("t"), g.mod("Migrations")),
			jen.Return(g.mod("New").Call(g.mod("Deps").Values(jen.DictFunc(func(d jen.Dict) {
				d[jen.Id("DB")] = jen.Id("db")
				d[jen.Id("Bus")] = jen.Qual(c.cfg.ModulePath+"/pkg/outbox", "New").Call(jen.Id("db"), jen.Nil())
				if g.withStubs() {
					for _, st := range c.module.stubs {
						d[jen.Id(st.field)] = jen.Id(unexported(st.field) + "Stub").Values()
					}
				}
			}))).Dot("API").Call()),
		)
		f.Line()
	}
	f.Comment("serve serves api with a real gRPC server on 127.0.0.1 and returns a")
	f.Comment("remote client of it.")
	f.Func().Id("serve").Params(jen.Id("t").Qual(pathTesting, "TB"), jen.Id("api").Add(g.api())).Add(g.api()).Block(
		jen.Return(jen.Qual(c.contractPkg(), "Serve").Call(jen.Id("t"), jen.Id("api"), jen.Qual(c.adapterPath(), "Register"), jen.Qual(c.adapterPath(), "NewClient"))),
	)
	f.Line()
}

// crudContract writes TestContract, the CRUD contract run against the
// local and the remote implementation, and the benchmarks of Get.
func (g *testGen) crudContract() {
	c, f := g.c, g.f
	cr := c.crud
	entity, input, page, params := g.mod(cr.entity), g.mod(cr.input), g.mod(cr.page), g.mod(cr.params)
	t := func() *jen.Statement { return jen.Id("t").Op("*").Qual(pathTesting, "T") }
	limit := jen.Id("limit")
	if cr.limit.kind != kInt || cr.limit.basic != types.Int || cr.limit.named != nil {
		limit = goType(cr.limit).Call(jen.Id("limit"))
	}
	orNil := func(code jen.Code, ok bool) jen.Code {
		if ok {
			return code
		}
		return jen.Nil()
	}
	var inputFunc jen.Code = jen.Func().Params(jen.Id("name").String()).Add(input.Clone()).Block(
		jen.Return(input.Clone().Values(jen.Dict{jen.Id("Name"): jen.Id("name")})))
	if cr.fields != nil {
		g.inputFunc()
		inputFunc = jen.Id("input")
	}
	f.Commentf("crud tells the CRUD contract about the %s module's types.", c.pkgName)
	f.Var().Id("crud").Op("=").Qual(c.contractPkg(), "CRUD").Types(entity.Clone(), input.Clone(), page.Clone(), params.Clone()).Values(jen.Dict{
		jen.Id("Input"): inputFunc,
		jen.Id("Entity"): jen.Func().Params(jen.Id("e").Add(entity.Clone())).Params(jen.Int64(), jen.String()).Block(
			jen.Return(jen.Id("e").Dot("ID"), jen.Id("e").Dot(cr.label))),
		jen.Id("Page"): jen.Func().Params(jen.Id("p").Add(page.Clone())).Params(jen.Index().Add(entity.Clone()), jen.String()).Block(
			jen.Return(jen.Id("p").Dot("Items"), jen.Id("p").Dot("NextCursor"))),
		jen.Id("Params"): jen.Func().Params(jen.Id("limit").Int(), jen.Id("cursor").String()).Add(params.Clone()).Block(
			jen.Return(params.Clone().Values(jen.Dict{jen.Id("Limit"): limit, jen.Id("Cursor"): jen.Id("cursor")}))),
		jen.Id("NotFound"):   orNil(g.mod("ErrNotFound"), c.hasSentinel("ErrNotFound")),
		jen.Id("Invalid"):    orNil(g.mod("ErrInvalid"), c.hasSentinel("ErrInvalid")),
		jen.Id("Validation"): orNil(jen.Op("&").Add(g.validationType()).Values(), c.validation != nil),
	})
	f.Line()
	f.Commentf("TestContract runs the CRUD contract against the local %s implementation", c.pkgName)
	f.Comment("and against the remote client of a gRPC server serving another one: both")
	f.Comment("must pass and observe the same. Each case gets a fresh database.")
	f.Func().Id("TestContract").Params(t()).Block(
		jen.Qual(c.contractPkg(), "Run").Call(jen.Id("t"), jen.Index().Qual(c.contractPkg(), "Implementation").Types(g.api()).Values(
			jen.Line().Values(jen.Dict{jen.Id("Name"): jen.Lit("local"), jen.Id("Open"): jen.Func().Params(t()).Add(g.api()).Block(
				jen.Return(jen.Id("openLocal").Call(jen.Id("t"))))}),
			jen.Line().Values(jen.Dict{jen.Id("Name"): jen.Lit("remote"), jen.Id("Open"): jen.Func().Params(t()).Add(g.api()).Block(
				jen.Return(jen.Id("serve").Call(jen.Id("t"), jen.Id("openLocal").Call(jen.Id("t")))))}),
			jen.Line(),
		), jen.Qual(c.contractPkg(), "CRUDCases").Types(g.api()).Call(jen.Id("crud"))),
	)
	f.Line()
	b := func() *jen.Statement { return jen.Id("b").Op("*").Qual(pathTesting, "B") }
	f.Commentf("BenchmarkLocalGet measures %s.API.Get called in process.", c.pkgName)
	f.Func().Id("BenchmarkLocalGet").Params(b()).Block(
		jen.Qual(c.contractPkg(), "BenchmarkGet").Call(jen.Id("b"), jen.Id("openLocal").Call(jen.Id("b")), jen.Id("crud")),
	)
	f.Line()
	f.Commentf("BenchmarkRemoteGet measures %s.API.Get called over gRPC on 127.0.0.1.", c.pkgName)
	f.Func().Id("BenchmarkRemoteGet").Params(b()).Block(
		jen.Qual(c.contractPkg(), "BenchmarkGet").Call(jen.Id("b"), jen.Id("serve").Call(jen.Id("b"), jen.Id("openLocal").Call(jen.Id("b"))), jen.Id("crud")),
	)
	f.Line()
}

// inputFunc writes input, which builds a valid input of a module with
// --fields from the samples of its fields' types.
func (g *testGen) inputFunc() {
	c, f, cr := g.c, g.f, g.c.crud
	var sample, numbered []string
	for _, fl := range cr.fields {
		_, j := fl.Sample(0)
		sample = append(sample, fmt.Sprintf("%q:%s", fl.Name, j))
		if fl.Unique && fl.GoName() != cr.label {
			numbered = append(numbered, fmt.Sprintf("%q:%s", fl.Name, fl.Type.Numbered))
		}
	}
	unmarshal := func(data jen.Code) jen.Code {
		return jen.If(jen.Err().Op(":=").Qual("encoding/json", "Unmarshal").Call(data, jen.Op("&").Id("in")), jen.Err().Op("!=").Nil()).Block(
			jen.Panic(jen.Err()))
	}
	body := []jen.Code{
		jen.Var().Id("in").Add(g.mod(cr.input)),
		unmarshal(jen.Index().Byte().Call(jen.Id("sampleInput"))),
	}
	if len(numbered) > 0 {
		body = append(body, unmarshal(jen.Index().Byte().Call(jen.Qual("fmt", "Sprintf").Call(rawLit("{"+strings.Join(numbered, ",")+"}"), jen.Id("inputs").Dot("Add").Call(jen.Lit(1))))))
	}
	body = append(body, jen.Id("in").Dot(cr.label).Op("=").Id("name"), jen.Return(jen.Id("in")))
	f.Comment("sampleInput has a valid value in every field.")
	f.Const().Id("sampleInput").Op("=").Add(rawLit("{" + strings.Join(sample, ",") + "}"))
	f.Line()
	if len(numbered) > 0 {
		f.Comment("inputs numbers the inputs: their unique fields must differ.")
		f.Var().Id("inputs").Qual("sync/atomic", "Int64")
		f.Line()
	}
	f.Commentf("input is a valid %s.%s whose %s is name: sampleInput, with", c.pkgName, cr.input, cr.label)
	f.Comment("numbered values in the unique fields.")
	f.Func().Id("input").Params(jen.Id("name").String()).Add(g.mod(cr.input)).Block(body...)
	f.Line()
}

// rawLit is s as a raw string literal, readable JSON, when s has no
// backquote.
func rawLit(s string) jen.Code {
	if strings.Contains(s, "`") {
		return jen.Lit(s)
	}
	return jen.Op("`" + s + "`")
}

// stubs writes, for each dependency of the module that the local
// implementation needs, a stub for which every item exists.
func (g *testGen) stubs() {
	c, f := g.c, g.f
	for _, st := range c.module.stubs {
		iface := st.iface.Underlying().(*types.Interface)
		name := unexported(st.field) + "Stub"
		for i := 0; i < iface.NumMethods(); i++ {
			sig := iface.Method(i).Type().(*types.Signature)
			for _, tuple := range []*types.Tuple{sig.Params(), sig.Results()} {
				for j := 0; j < tuple.Len(); j++ {
					if n, ok := tuple.At(j).Type().(*types.Named); ok && n.Obj().Pkg() != nil {
						f.ImportName(n.Obj().Pkg().Path(), n.Obj().Pkg().Name())
					}
				}
			}
		}
		f.Commentf("%s stands in for %s: every item exists, every call succeeds.", name, types.TypeString(st.iface, func(p *types.Package) string { return p.Name() }))
		f.Type().Id(name).Struct()
		f.Line()
		for i := 0; i < iface.NumMethods(); i++ {
			m := iface.Method(i)
			sig := m.Type().(*types.Signature)
			var params, results, zeros []jen.Code
			for j := 0; j < sig.Params().Len(); j++ {
				params = append(params, jen.Id("_").Add(jenType(sig.Params().At(j).Type())))
			}
			for j := 0; j < sig.Results().Len(); j++ {
				t := sig.Results().At(j).Type()
				results = append(results, jenType(t))
				zeros = append(zeros, jenZero(t))
			}
			f.Func().Params(jen.Id(name)).Id(m.Name()).Params(params...).Params(results...).Block(jen.Return(zeros...))
			f.Line()
		}
	}
}

// jenType is the Go type t, qualified.
func jenType(t types.Type) jen.Code {
	switch t := t.(type) {
	case *types.Named:
		if t.Obj().Pkg() == nil {
			return jen.Id(t.Obj().Name()) // error
		}
		return jen.Qual(t.Obj().Pkg().Path(), t.Obj().Name())
	case *types.Alias:
		return jenType(types.Unalias(t))
	case *types.Pointer:
		return jen.Op("*").Add(jenType(t.Elem()))
	case *types.Slice:
		return jen.Index().Add(jenType(t.Elem()))
	case *types.Map:
		return jen.Map(jenType(t.Key())).Add(jenType(t.Elem()))
	}
	return jen.Id(t.String())
}

// jenZero is the zero value of t.
func jenZero(t types.Type) jen.Code {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return jen.False()
		case u.Info()&types.IsString != 0:
			return jen.Lit("")
		case u.Info()&types.IsNumeric != 0:
			return jen.Lit(0)
		}
	case *types.Struct:
		return jenType(t).(*jen.Statement).Values()
	}
	return jen.Nil()
}

// validationType is the module's validation error type.
func (g *testGen) validationType() *jen.Statement {
	return jen.Qual(g.c.validation.pkgPath, g.c.validation.name)
}

// recording writes the recording fake API.
func (g *testGen) recording() {
	c, f := g.c, g.f
	f.Commentf("recording is a fake %s.API: its methods record their arguments and", c.pkgName)
	f.Comment("answer what the contract.Recorder was told to.")
	f.Type().Id("recording").Struct(jen.Qual(c.contractPkg(), "Recorder"))
	f.Line()
	for _, m := range c.methods {
		var params, recorded []jen.Code
		params = append(params, jen.Id("ctx").Qual(pathContext, "Context"))
		recorded = append(recorded, jen.Id("ctx"), jen.Lit(m.name))
		for i, p := range m.params {
			name := fmt.Sprintf("p%d", i)
			t := goType(p.typ)
			if m.variadic && i == len(m.params)-1 {
				t = jen.Op("...").Add(goType(p.typ.elem))
			}
			params = append(params, jen.Id(name).Add(t))
			recorded = append(recorded, jen.Id(name))
		}
		var results, returns []jen.Code
		for i, r := range m.results {
			results = append(results, jen.Id(fmt.Sprintf("r%d", i)).Add(goType(r.typ)))
			returns = append(returns, jen.Id(fmt.Sprintf("r%d", i)))
		}
		results = append(results, jen.Err().Error())
		resVar, op := jen.Id("res"), ":="
		if len(m.results) == 0 {
			resVar, op = jen.Id("_"), "="
		}
		body := []jen.Code{
			jen.List(resVar, jen.Err()).Op(op).Id("r").Dot("Call").Call(recorded...),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(append(returns, jen.Err())...)),
		}
		for i := range m.results {
			body = append(body, jen.List(jen.Id(fmt.Sprintf("r%d", i)), jen.Id("_")).Op("=").Id("res").Index(jen.Lit(i)).Assert(goType(m.results[i].typ)))
		}
		body = append(body, jen.Return(append(returns, jen.Nil())...))
		f.Func().Params(jen.Id("r").Op("*").Id("recording")).Id(m.name).Params(params...).Params(results...).Block(body...)
		f.Line()
	}
}

// roundTrip writes TestRoundTrip: every method through the remote client
// to the fake, arguments and results compared deeply.
func (g *testGen) roundTrip() {
	c, f := g.c, g.f
	s := &sampler{}
	f.Comment("TestRoundTrip calls every method through the remote client and checks")
	f.Comment("that the arguments reach the implementation, and its results come back,")
	f.Comment("deeply equal: every conversion of every type in the API, both ways.")
	f.Func().Id("TestRoundTrip").Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).BlockFunc(func(b *jen.Group) {
		b.Id("fake").Op(":=").Op("&").Id("recording").Values()
		b.Id("api").Op(":=").Id("serve").Call(jen.Id("t"), jen.Id("fake"))
		for _, m := range c.methods {
			var body []jen.Code
			var args, checked []jen.Code
			args = append(args, g.bg())
			checked = append(checked, jen.Id("t"), jen.Lit(m.name))
			for i, p := range m.params {
				name := fmt.Sprintf("a%d", i)
				body = append(body, jen.Id(name).Op(":=").Add(s.value(p.typ, 0)))
				arg := jen.Id(name)
				if m.variadic && i == len(m.params)-1 {
					arg = arg.Op("...")
				}
				args = append(args, arg)
				checked = append(checked, jen.Id(name))
			}
			var wants, gots []jen.Code
			for i, r := range m.results {
				body = append(body, jen.Var().Id(fmt.Sprintf("want%d", i)).Add(goType(r.typ)).Op("=").Add(s.value(r.typ, 0)))
				wants = append(wants, jen.Id(fmt.Sprintf("want%d", i)))
				gots = append(gots, jen.Id(fmt.Sprintf("got%d", i)))
			}
			body = append(body, jen.Id("fake").Dot("Answer").Call(append([]jen.Code{jen.Nil()}, wants...)...))
			body = append(body,
				jen.List(append(gots, jen.Err())...).Op(":=").Id("api").Dot(m.name).Call(args...),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatal").Call(jen.Err())),
				jen.Id("fake").Dot("Check").Call(checked...),
			)
			for i := range m.results {
				body = append(body, jen.If(jen.Op("!").Qual(pathReflect, "DeepEqual").Call(jen.Id(fmt.Sprintf("got%d", i)), jen.Id(fmt.Sprintf("want%d", i)))).Block(
					jen.Id("t").Dot("Errorf").Call(jen.Lit(fmt.Sprintf("result %d came back as %%#v; want %%#v", i+1)), jen.Id(fmt.Sprintf("got%d", i)), jen.Id(fmt.Sprintf("want%d", i))),
				))
			}
			b.Id("t").Dot("Run").Call(jen.Lit(m.name), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(body...))
		}
	})
	f.Line()
}

// probe is a contract.Probe calling the first method of the API with
// sample arguments, the fake answering with sample results when told to
// succeed.
func (g *testGen) probe() jen.Code {
	m := g.c.methods[0]
	s := &sampler{n: 500}
	var args []jen.Code
	args = append(args, jen.Id("ctx"))
	for i, p := range m.params {
		arg := jen.Add(s.value(p.typ, 0))
		if m.variadic && i == len(m.params)-1 {
			arg = arg.Op("...")
		}
		args = append(args, arg)
	}
	var results, blanks []jen.Code
	for _, r := range m.results {
		results = append(results, s.value(r.typ, 0))
		blanks = append(blanks, jen.Id("_"))
	}
	return jen.Qual(g.c.contractPkg(), "Probe").Values(jen.Dict{
		jen.Id("Fake"): jen.Op("&").Id("fake").Dot("Recorder"),
		jen.Id("Call"): jen.Func().Params(jen.Id("ctx").Qual(pathContext, "Context")).Error().Block(
			jen.List(append(blanks, jen.Err())...).Op(":=").Id("api").Dot(m.name).Call(args...),
			jen.Return(jen.Err()),
		),
		jen.Id("Succeed"): jen.Func().Params().Block(jen.Id("fake").Dot("Answer").Call(append([]jen.Code{jen.Nil()}, results...)...)),
	})
}

// wireTests writes the probe of the API and the tests that errors and
// contexts cross the wire.
func (g *testGen) wireTests() {
	c, f := g.c, g.f
	f.Commentf("probe serves a fake %s.API and calls %s, its first method, through the", c.pkgName, c.methods[0].name)
	f.Comment("remote client.")
	f.Func().Id("probe").Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Qual(c.contractPkg(), "Probe").Block(
		jen.Id("fake").Op(":=").Op("&").Id("recording").Values(),
		jen.Id("api").Op(":=").Id("serve").Call(jen.Id("t"), jen.Id("fake")),
		jen.Return(g.probe()),
	)
	f.Line()
	validation := jen.Nil()
	if c.validation != nil {
		validation = jen.Op("&").Qual(c.validation.pkgPath, c.validation.name).Values(jen.Dict{jen.Id("Field"): jen.Lit("quantidade"), jen.Id("Problem"): jen.Lit("must be positive")})
	}
	f.Comment("TestErrorsKeepTheirIdentity checks that the remote client returns errors")
	f.Comment("matching what the implementation's errors match: the module's sentinels")
	f.Comment("(even by ==), its validation error, and nothing for unexpected errors,")
	f.Comment("whose text must not leak.")
	f.Func().Id("TestErrorsKeepTheirIdentity").Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
		jen.Qual(c.contractPkg(), "CheckErrors").Call(jen.Id("t"), jen.Id("probe").Call(jen.Id("t")), jen.Index().Error().ValuesFunc(func(vg *jen.Group) {
			for _, s := range c.sentinels {
				vg.Add(g.mod(s.name))
			}
		}), validation),
	)
	f.Line()
	f.Comment("TestContextCrossesTheWire checks that the implementation sees the caller's")
	f.Comment("deadline (or the client's default one) and request id, and that the")
	f.Comment("caller canceling or running out of time ends the implementation's context.")
	f.Func().Id("TestContextCrossesTheWire").Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
		jen.Qual(c.contractPkg(), "CheckContext").Call(jen.Id("t"), jen.Id("probe").Call(jen.Id("t"))),
	)
	f.Line()
}
