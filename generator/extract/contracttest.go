package extract

import (
	"fmt"
	"go/types"

	"github.com/dave/jennifer/jen"
)

// testGen writes contract_test.go.
type testGen struct {
	c     *contract
	f     *jen.File
	local bool // the local implementation can be built: New(Deps{DB, Bus}), Migrations, pkg/database, pkg/eventbus
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
func (g *testGen) fatal(args ...jen.Code) *jen.Statement {
	return jen.Id("t").Dot("Fatal").Call(args...)
}

// contractTest writes the generated contract test of c.
func contractTest(c *contract) *jen.File {
	f := jen.NewFilePathName(c.adapterPath()+"_test", c.adapterName()+"_test")
	f.HeaderComment(generatedHeader[3:])
	f.ImportNames(packageNames)
	c.importNames(f)
	g := &testGen{c: c, f: f}
	g.local = c.module.ok && c.project.database && c.project.eventbus
	g.crud = g.local && c.crud != nil
	f.PackageComment(fmt.Sprintf("The contract of %s.API, run against the local implementation and against", c.pkgName))
	f.PackageComment("the remote client talking to a real gRPC server on 127.0.0.1: both must")
	f.PackageComment("pass and observe the same. A recording fake checks that every method's")
	f.PackageComment("arguments, results and errors cross the wire unchanged.")
	g.helpers()
	if g.crud {
		g.crudContract()
		g.benchmarks()
	}
	g.recording()
	g.roundTrip()
	g.errorIdentity()
	g.contextPropagation()
	g.dialFailure()
	return f
}

// dialFailure writes TestDialFailsWithoutAServer.
func (g *testGen) dialFailure() {
	c, f := g.c, g.f
	f.Commentf("TestDialFailsWithoutAServer checks that %s.Dial gives up, naming the", c.adapterName())
	f.Comment("address, when nothing listens there.")
	f.Func().Id("TestDialFailsWithoutAServer").Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
		jen.List(jen.Id("ln"), jen.Err()).Op(":=").Qual(pathNet, "Listen").Call(jen.Lit("tcp"), jen.Lit("127.0.0.1:0")),
		jen.If(jen.Err().Op("!=").Nil()).Block(g.fatal(jen.Err())),
		jen.Id("addr").Op(":=").Id("ln").Dot("Addr").Call().Dot("String").Call(),
		jen.Id("ln").Dot("Close").Call(),
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual(pathContext, "WithTimeout").Call(g.bg(), jen.Lit(300).Op("*").Qual(pathTime, "Millisecond")),
		jen.Defer().Id("cancel").Call(),
		jen.Id("start").Op(":=").Qual(pathTime, "Now").Call(),
		jen.List(jen.Id("conn"), jen.Err()).Op(":=").Qual(c.adapterPath(), "Dial").Call(jen.Id("ctx"), jen.Id("addr")),
		jen.If(jen.Err().Op("==").Nil()).Block(
			jen.Id("conn").Dot("Close").Call(),
			jen.Id("t").Dot("Fatalf").Call(jen.Lit("Dial(%s) succeeded with nothing listening"), jen.Id("addr")),
		),
		jen.If(jen.Op("!").Qual(pathStrings, "Contains").Call(jen.Err().Dot("Error").Call(), jen.Id("addr")).Op("||").Op("!").Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(pathContext, "DeadlineExceeded"))).Block(
			jen.Id("t").Dot("Errorf").Call(jen.Lit("Dial(%s) = %v; want an error naming the address and wrapping the context's"), jen.Id("addr"), jen.Err()),
		),
		jen.If(jen.Id("waited").Op(":=").Qual(pathTime, "Since").Call(jen.Id("start")), jen.Id("waited").Op(">").Qual(c.adapterPath(), "DialTimeout")).Block(
			jen.Id("t").Dot("Errorf").Call(jen.Lit("Dial waited %s; want at most %s"), jen.Id("waited"), jen.Qual(c.adapterPath(), "DialTimeout")),
		),
	)
	f.Line()
}

// helpers writes serve, and openLocal when the local implementation can be built.
func (g *testGen) helpers() {
	c, f := g.c, g.f
	if g.local {
		f.Commentf("openLocal returns the local %s implementation on a fresh SQLite database.", c.pkgName)
		f.Func().Id("openLocal").Params(jen.Id("t").Qual(pathTesting, "TB")).Add(g.api()).Block(
			jen.Id("t").Dot("Helper").Call(),
			jen.Id("ctx").Op(":=").Add(g.bg()),
			jen.List(jen.Id("db"), jen.Err()).Op(":=").Qual(c.cfg.ModulePath+"/pkg/database", "Open").Call(jen.Id("ctx"),
				jen.Lit("sqlite:").Op("+").Qual(pathFilepath, "Join").Call(jen.Id("t").Dot("TempDir").Call(), jen.Lit(c.pkgName+".db"))),
			jen.If(jen.Err().Op("!=").Nil()).Block(g.fatal(jen.Err())),
			jen.Id("t").Dot("Cleanup").Call(jen.Func().Params().Block(jen.Id("db").Dot("Close").Call())),
			jen.If(jen.Err().Op(":=").Qual(c.cfg.ModulePath+"/pkg/database", "Migrate").Call(jen.Id("ctx"), jen.Id("db"), g.mod("Migrations")), jen.Err().Op("!=").Nil()).Block(g.fatal(jen.Err())),
			jen.Return(g.mod("New").Call(g.mod("Deps").Values(jen.Dict{
				jen.Id("DB"):  jen.Id("db"),
				jen.Id("Bus"): jen.Qual(c.cfg.ModulePath+"/pkg/eventbus", "New").Call(),
			})).Dot("API").Call()),
		)
		f.Line()
	}
	f.Comment("serve serves api with a real gRPC server on 127.0.0.1 and returns a")
	f.Commentf("remote client of it, connected with %s.Dial.", c.adapterName())
	f.Func().Id("serve").Params(jen.Id("t").Qual(pathTesting, "TB"), jen.Id("api").Add(g.api())).Add(g.api()).Block(
		jen.Id("t").Dot("Helper").Call(),
		jen.List(jen.Id("ln"), jen.Err()).Op(":=").Qual(pathNet, "Listen").Call(jen.Lit("tcp"), jen.Lit("127.0.0.1:0")),
		jen.If(jen.Err().Op("!=").Nil()).Block(g.fatal(jen.Err())),
		jen.Id("s").Op(":=").Qual(pathGRPC, "NewServer").Call(),
		jen.Qual(c.adapterPath(), "Register").Call(jen.Id("s"), jen.Id("api")),
		jen.Go().Id("s").Dot("Serve").Call(jen.Id("ln")),
		jen.Id("t").Dot("Cleanup").Call(jen.Id("s").Dot("Stop")),
		jen.List(jen.Id("conn"), jen.Err()).Op(":=").Qual(c.adapterPath(), "Dial").Call(g.bg(), jen.Id("ln").Dot("Addr").Call().Dot("String").Call()),
		jen.If(jen.Err().Op("!=").Nil()).Block(g.fatal(jen.Err())),
		jen.Id("t").Dot("Cleanup").Call(jen.Func().Params().Block(jen.Id("conn").Dot("Close").Call())),
		jen.Return(jen.Qual(c.adapterPath(), "NewClient").Call(jen.Id("conn"))),
	)
	f.Line()
}

// crudContract writes the table of CRUD cases run against both
// implementations, the spy they run through, and TestContract.
func (g *testGen) crudContract() {
	c, f := g.c, g.f
	cr := c.crud
	entity, input, params := g.mod(cr.entity), g.mod(cr.input), g.mod(cr.params)
	_ = entity

	// The spy.
	f.Commentf("spy wraps an implementation of %s.API and records what reached it.", c.pkgName)
	f.Type().Id("spy").StructFunc(func(s *jen.Group) {
		s.Id("next").Add(g.api())
		s.Id("mu").Qual(pathSync, "Mutex")
		s.Id("requestIDs").Index().String().Comment("server.RequestID of each call's context")
	})
	f.Line()
	f.Func().Params(jen.Id("s").Op("*").Id("spy")).Id("record").Params(jen.Id("ctx").Qual(pathContext, "Context")).BlockFunc(func(b *jen.Group) {
		b.Id("s").Dot("mu").Dot("Lock").Call()
		b.Defer().Id("s").Dot("mu").Dot("Unlock").Call()
		if c.project.requestID {
			b.Id("s").Dot("requestIDs").Op("=").Append(jen.Id("s").Dot("requestIDs"), jen.Qual(c.serverPkg(), "RequestID").Call(jen.Id("ctx")))
		} else {
			b.Id("s").Dot("requestIDs").Op("=").Append(jen.Id("s").Dot("requestIDs"), jen.Lit(""))
		}
	})
	f.Line()
	f.Func().Params(jen.Id("s").Op("*").Id("spy")).Id("lastRequestID").Params().String().Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.If(jen.Len(jen.Id("s").Dot("requestIDs")).Op("==").Lit(0)).Block(jen.Return(jen.Lit(""))),
		jen.Return(jen.Id("s").Dot("requestIDs").Index(jen.Len(jen.Id("s").Dot("requestIDs")).Op("-").Lit(1))),
	)
	f.Line()
	for _, m := range c.methods {
		var params, args []jen.Code
		params = append(params, jen.Id("ctx").Qual(pathContext, "Context"))
		args = append(args, jen.Id("ctx"))
		for i, p := range m.params {
			name := fmt.Sprintf("p%d", i)
			t := goType(p.typ)
			arg := jen.Id(name)
			if m.variadic && i == len(m.params)-1 {
				t = jen.Op("...").Add(goType(p.typ.elem))
				arg = arg.Op("...")
			}
			params = append(params, jen.Id(name).Add(t))
			args = append(args, arg)
		}
		var results []jen.Code
		for _, r := range m.results {
			results = append(results, goType(r.typ))
		}
		results = append(results, jen.Error())
		f.Func().Params(jen.Id("s").Op("*").Id("spy")).Id(m.name).Params(params...).Params(results...).Block(
			jen.Id("s").Dot("record").Call(jen.Id("ctx")),
			jen.Return(jen.Id("s").Dot("next").Dot(m.name).Call(args...)),
		)
		f.Line()
	}

	// Environments.
	f.Comment("env is one implementation under test: api is what the cases call, spy")
	f.Comment("sees what reaches the implementation behind it.")
	f.Type().Id("env").Struct(
		jen.Id("api").Add(g.api()),
		jen.Id("spy").Op("*").Id("spy"),
	)
	f.Line()
	f.Comment("implementations are what the contract runs against: the local")
	f.Comment("implementation, and the remote client of a gRPC server serving another")
	f.Comment("local implementation. Each case gets a fresh database.")
	f.Var().Id("implementations").Op("=").Index().Struct(
		jen.Id("name").String(),
		jen.Id("open").Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Id("env"),
	).Values(
		jen.Values(jen.Lit("local"), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Id("env").Block(
			jen.Id("s").Op(":=").Op("&").Id("spy").Values(jen.Dict{jen.Id("next"): jen.Id("openLocal").Call(jen.Id("t"))}),
			jen.Return(jen.Id("env").Values(jen.Dict{jen.Id("api"): jen.Id("s"), jen.Id("spy"): jen.Id("s")})),
		)),
		jen.Values(jen.Lit("remote"), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Id("env").Block(
			jen.Id("s").Op(":=").Op("&").Id("spy").Values(jen.Dict{jen.Id("next"): jen.Id("openLocal").Call(jen.Id("t"))}),
			jen.Return(jen.Id("env").Values(jen.Dict{jen.Id("api"): jen.Id("serve").Call(jen.Id("t"), jen.Id("s")), jen.Id("spy"): jen.Id("s")})),
		)),
	)
	f.Line()

	ctx := jen.Id("ctx").Op(":=").Add(g.bg())
	create := func(name string, into string) jen.Code {
		return jen.List(jen.Id(into), jen.Err()).Op(":=").Id("e").Dot("api").Dot("Create").Call(jen.Id("ctx"), input.Clone().Values(jen.Dict{jen.Id("Name"): jen.Lit(name)}))
	}
	failIf := func(what string) jen.Code {
		return jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatalf").Call(jen.Lit(what+": %v"), jen.Err()))
	}
	type tcase struct {
		name string
		body []jen.Code
	}
	var cases []tcase
	cases = append(cases, tcase{"create and get", []jen.Code{
		ctx,
		create("first", "created"),
		failIf("Create"),
		jen.If(jen.Id("created").Dot("ID").Op("==").Lit(0).Op("||").Id("created").Dot("Name").Op("!=").Lit("first")).Block(
			jen.Id("t").Dot("Errorf").Call(jen.Lit("Create = %+v; want an id and the name \"first\""), jen.Id("created")),
		),
		jen.List(jen.Id("got"), jen.Err()).Op(":=").Id("e").Dot("api").Dot("Get").Call(jen.Id("ctx"), jen.Id("created").Dot("ID")),
		failIf("Get"),
		jen.If(jen.Op("!").Qual(pathReflect, "DeepEqual").Call(jen.Id("got"), jen.Id("created"))).Block(
			jen.Id("t").Dot("Errorf").Call(jen.Lit("Get = %+v; want what Create returned, %+v"), jen.Id("got"), jen.Id("created")),
		),
		jen.Return(jen.Qual(pathFmt, "Sprintf").Call(jen.Lit("id %d, name %q"), jen.Id("got").Dot("ID"), jen.Id("got").Dot("Name"))),
	}})
	cases = append(cases, tcase{"list pages with a cursor", []jen.Code{
		ctx,
		jen.For(jen.List(jen.Id("_"), jen.Id("name")).Op(":=").Range().Index().String().Values(jen.Lit("a"), jen.Lit("b"), jen.Lit("c"), jen.Lit("d"), jen.Lit("e"))).Block(
			jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("e").Dot("api").Dot("Create").Call(jen.Id("ctx"), input.Clone().Values(jen.Dict{jen.Id("Name"): jen.Id("name")})), jen.Err().Op("!=").Nil()).Block(
				jen.Id("t").Dot("Fatalf").Call(jen.Lit("Create(%s): %v"), jen.Id("name"), jen.Err()),
			),
		),
		jen.Var().Id("names").Index().String(),
		jen.Id("params").Op(":=").Add(params.Clone()).Values(jen.Dict{jen.Id("Limit"): jen.Lit(2)}),
		jen.Id("pages").Op(":=").Lit(0),
		jen.For().Block(
			jen.List(jen.Id("page"), jen.Err()).Op(":=").Id("e").Dot("api").Dot("List").Call(jen.Id("ctx"), jen.Id("params")),
			failIf("List"),
			jen.Id("pages").Op("++"),
			jen.For(jen.List(jen.Id("_"), jen.Id("it")).Op(":=").Range().Id("page").Dot("Items")).Block(
				jen.Id("names").Op("=").Append(jen.Id("names"), jen.Id("it").Dot("Name")),
			),
			jen.If(jen.Id("page").Dot("NextCursor").Op("==").Lit("")).Block(jen.Break()),
			jen.If(jen.Id("pages").Op(">").Lit(10)).Block(jen.Id("t").Dot("Fatal").Call(jen.Lit("List keeps returning a next cursor"))),
			jen.Id("params").Dot("Cursor").Op("=").Id("page").Dot("NextCursor"),
		),
		jen.If(jen.Id("got").Op(":=").Qual(pathStrings, "Join").Call(jen.Id("names"), jen.Lit(",")), jen.Id("pages").Op("!=").Lit(3).Op("||").Id("got").Op("!=").Lit("a,b,c,d,e")).Block(
			jen.Id("t").Dot("Errorf").Call(jen.Lit("paged through %d pages: %s; want 3 pages: a,b,c,d,e"), jen.Id("pages"), jen.Id("got")),
		),
		jen.Return(jen.Qual(pathFmt, "Sprintf").Call(jen.Lit("%d pages: %v"), jen.Id("pages"), jen.Id("names"))),
	}})
	cases = append(cases, tcase{"update", []jen.Code{
		ctx,
		create("before", "created"),
		failIf("Create"),
		jen.List(jen.Id("updated"), jen.Err()).Op(":=").Id("e").Dot("api").Dot("Update").Call(jen.Id("ctx"), jen.Id("created").Dot("ID"), input.Clone().Values(jen.Dict{jen.Id("Name"): jen.Lit("after")})),
		failIf("Update"),
		jen.List(jen.Id("got"), jen.Err()).Op(":=").Id("e").Dot("api").Dot("Get").Call(jen.Id("ctx"), jen.Id("created").Dot("ID")),
		failIf("Get"),
		jen.If(jen.Id("updated").Dot("Name").Op("!=").Lit("after").Op("||").Op("!").Qual(pathReflect, "DeepEqual").Call(jen.Id("got"), jen.Id("updated"))).Block(
			jen.Id("t").Dot("Errorf").Call(jen.Lit("Update = %+v, then Get = %+v; want the name \"after\" in both"), jen.Id("updated"), jen.Id("got")),
		),
		jen.Return(jen.Id("got").Dot("Name")),
	}})
	if c.hasSentinel("ErrNotFound") {
		isNotFound := func(call jen.Code, what string) jen.Code {
			return jen.If(jen.Err().Op(":=").Add(call), jen.Op("!").Qual(pathErrors, "Is").Call(jen.Err(), g.mod("ErrNotFound"))).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit(what+" = %v; want ErrNotFound"), jen.Err()),
			)
		}
		_ = isNotFound
		cases = append(cases, tcase{"delete", []jen.Code{
			ctx,
			create("doomed", "created"),
			failIf("Create"),
			jen.If(jen.Err().Op(":=").Id("e").Dot("api").Dot("Delete").Call(jen.Id("ctx"), jen.Id("created").Dot("ID")), jen.Err().Op("!=").Nil()).Block(
				jen.Id("t").Dot("Fatalf").Call(jen.Lit("Delete: %v"), jen.Err()),
			),
			jen.List(jen.Id("_"), jen.Err()).Op("=").Id("e").Dot("api").Dot("Get").Call(jen.Id("ctx"), jen.Id("created").Dot("ID")),
			jen.If(jen.Op("!").Qual(pathErrors, "Is").Call(jen.Err(), g.mod("ErrNotFound"))).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("Get after Delete = %v; want ErrNotFound"), jen.Err()),
			),
			jen.Return(jen.Err().Dot("Error").Call()),
		}})
		cases = append(cases, tcase{"not found", []jen.Code{
			ctx,
			jen.List(jen.Id("_"), jen.Id("getErr")).Op(":=").Id("e").Dot("api").Dot("Get").Call(jen.Id("ctx"), jen.Lit(404)),
			jen.List(jen.Id("_"), jen.Id("updateErr")).Op(":=").Id("e").Dot("api").Dot("Update").Call(jen.Id("ctx"), jen.Lit(404), input.Clone().Values(jen.Dict{jen.Id("Name"): jen.Lit("x")})),
			jen.Id("deleteErr").Op(":=").Id("e").Dot("api").Dot("Delete").Call(jen.Id("ctx"), jen.Lit(404)),
			jen.For(jen.List(jen.Id("i"), jen.Err()).Op(":=").Range().Index().Error().Values(jen.Id("getErr"), jen.Id("updateErr"), jen.Id("deleteErr"))).Block(
				jen.If(jen.Op("!").Qual(pathErrors, "Is").Call(jen.Err(), g.mod("ErrNotFound"))).Block(
					jen.Id("t").Dot("Errorf").Call(jen.Lit("%s(404) = %v; want ErrNotFound"), jen.Index().String().Values(jen.Lit("Get"), jen.Lit("Update"), jen.Lit("Delete")).Index(jen.Id("i")), jen.Err()),
				),
			),
			jen.Return(jen.Qual(pathFmt, "Sprint").Call(jen.Id("getErr"), jen.Lit("; "), jen.Id("updateErr"), jen.Lit("; "), jen.Id("deleteErr"))),
		}})
	}
	if c.hasSentinel("ErrInvalid") || c.validation != nil {
		body := []jen.Code{
			ctx,
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("e").Dot("api").Dot("Create").Call(jen.Id("ctx"), input.Clone().Values()),
			jen.If(jen.Err().Op("==").Nil()).Block(jen.Id("t").Dot("Fatal").Call(jen.Lit("Create with no name succeeded; want an invalid-input error"))),
		}
		if c.hasSentinel("ErrInvalid") {
			body = append(body, jen.If(jen.Op("!").Qual(pathErrors, "Is").Call(jen.Err(), g.mod("ErrInvalid"))).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("Create with no name = %v; want ErrInvalid"), jen.Err()),
			))
		}
		ret := jen.Return(jen.Err().Dot("Error").Call())
		if c.validation != nil {
			body = append(body,
				jen.Var().Id("ve").Op("*").Qual(c.validation.pkgPath, c.validation.name),
				jen.If(jen.Op("!").Qual(pathErrors, "As").Call(jen.Err(), jen.Op("&").Id("ve")).Op("||").Id("ve").Dot("Field").Op("==").Lit("")).Block(
					jen.Id("t").Dot("Fatalf").Call(jen.Lit("Create with no name = %v; want a *ValidationError naming the field"), jen.Err()),
				),
			)
			ret = jen.Return(jen.Qual(pathFmt, "Sprintf").Call(jen.Lit("%v (field %q, problem %q)"), jen.Err(), jen.Id("ve").Dot("Field"), jen.Id("ve").Dot("Problem")))
		}
		body = append(body, ret)
		cases = append(cases, tcase{"invalid input", body})
	}
	cases = append(cases, tcase{"deadline exceeded", []jen.Code{
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual(pathContext, "WithDeadline").Call(g.bg(), jen.Qual(pathTime, "Now").Call().Dot("Add").Call(jen.Op("-").Qual(pathTime, "Second"))),
		jen.Defer().Id("cancel").Call(),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("e").Dot("api").Dot("Get").Call(jen.Id("ctx"), jen.Lit(1)),
		jen.If(jen.Op("!").Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(pathContext, "DeadlineExceeded"))).Block(
			jen.Id("t").Dot("Errorf").Call(jen.Lit("Get with an expired deadline = %v; want context.DeadlineExceeded"), jen.Err()),
		),
		jen.Return(jen.Qual(pathFmt, "Sprint").Call(jen.Err())),
	}})
	cases = append(cases, tcase{"canceled", []jen.Code{
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual(pathContext, "WithCancel").Call(g.bg()),
		jen.Id("cancel").Call(),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("e").Dot("api").Dot("Get").Call(jen.Id("ctx"), jen.Lit(1)),
		jen.If(jen.Op("!").Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(pathContext, "Canceled"))).Block(
			jen.Id("t").Dot("Errorf").Call(jen.Lit("Get with a canceled context = %v; want context.Canceled"), jen.Err()),
		),
		jen.Return(jen.Qual(pathFmt, "Sprint").Call(jen.Err())),
	}})
	if c.project.requestID {
		cases = append(cases, tcase{"request id", []jen.Code{
			ctx,
			create("traced", "created"),
			failIf("Create"),
			jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("e").Dot("api").Dot("Get").Call(
				jen.Qual(c.serverPkg(), "WithRequestID").Call(jen.Id("ctx"), jen.Lit("req-contract-42")), jen.Id("created").Dot("ID")), jen.Err().Op("!=").Nil()).Block(
				jen.Id("t").Dot("Fatalf").Call(jen.Lit("Get: %v"), jen.Err()),
			),
			jen.If(jen.Id("got").Op(":=").Id("e").Dot("spy").Dot("lastRequestID").Call(), jen.Id("got").Op("!=").Lit("req-contract-42")).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("the implementation saw request id %q; want %q"), jen.Id("got"), jen.Lit("req-contract-42")),
			),
			jen.Return(jen.Id("e").Dot("spy").Dot("lastRequestID").Call()),
		}})
	}

	f.Commentf("cases are the contract of %s.API. Each case returns what it observed;", c.pkgName)
	f.Comment("the local and the remote implementation must observe the same.")
	f.Var().Id("cases").Op("=").Index().Struct(
		jen.Id("name").String(),
		jen.Id("run").Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T"), jen.Id("e").Id("env")).String(),
	).ValuesFunc(func(vg *jen.Group) {
		for _, tc := range cases {
			vg.Line().Values(jen.Lit(tc.name), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T"), jen.Id("e").Id("env")).String().Block(tc.body...))
		}
		vg.Line()
	})
	f.Line()

	f.Commentf("TestContract runs every case against every implementation of %s.API,", c.pkgName)
	f.Comment("then checks that they observed the same.")
	f.Func().Id("TestContract").Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
		jen.Id("observed").Op(":=").Map(jen.String()).Map(jen.String()).String().Values(),
		jen.For(jen.List(jen.Id("_"), jen.Id("impl")).Op(":=").Range().Id("implementations")).Block(
			jen.Id("observed").Index(jen.Id("impl").Dot("name")).Op("=").Map(jen.String()).String().Values(),
			jen.Id("t").Dot("Run").Call(jen.Id("impl").Dot("name"), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
				jen.For(jen.List(jen.Id("_"), jen.Id("tc")).Op(":=").Range().Id("cases")).Block(
					jen.Id("t").Dot("Run").Call(jen.Id("tc").Dot("name"), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
						jen.Id("observed").Index(jen.Id("impl").Dot("name")).Index(jen.Id("tc").Dot("name")).Op("=").Id("tc").Dot("run").Call(jen.Id("t"), jen.Id("impl").Dot("open").Call(jen.Id("t"))),
					)),
				),
			)),
		),
		jen.For(jen.List(jen.Id("_"), jen.Id("tc")).Op(":=").Range().Id("cases")).Block(
			jen.List(jen.Id("local"), jen.Id("ok1")).Op(":=").Id("observed").Index(jen.Lit("local")).Index(jen.Id("tc").Dot("name")),
			jen.List(jen.Id("remote"), jen.Id("ok2")).Op(":=").Id("observed").Index(jen.Lit("remote")).Index(jen.Id("tc").Dot("name")),
			jen.If(jen.Id("ok1").Op("&&").Id("ok2").Op("&&").Id("local").Op("!=").Id("remote")).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("%s: local and remote differ:\n\tlocal:  %s\n\tremote: %s"), jen.Id("tc").Dot("name"), jen.Id("local"), jen.Id("remote")),
			),
		),
	)
	f.Line()
}

// benchmarks writes BenchmarkLocalGet and BenchmarkRemoteGet.
func (g *testGen) benchmarks() {
	c, f := g.c, g.f
	f.Commentf("BenchmarkLocalGet measures %s.API.Get called in process.", c.pkgName)
	f.Func().Id("BenchmarkLocalGet").Params(jen.Id("b").Op("*").Qual(pathTesting, "B")).Block(
		jen.Id("benchmarkGet").Call(jen.Id("b"), jen.Id("openLocal").Call(jen.Id("b"))),
	)
	f.Line()
	f.Commentf("BenchmarkRemoteGet measures %s.API.Get called over gRPC on 127.0.0.1.", c.pkgName)
	f.Func().Id("BenchmarkRemoteGet").Params(jen.Id("b").Op("*").Qual(pathTesting, "B")).Block(
		jen.Id("benchmarkGet").Call(jen.Id("b"), jen.Id("serve").Call(jen.Id("b"), jen.Id("openLocal").Call(jen.Id("b")))),
	)
	f.Line()
	f.Func().Id("benchmarkGet").Params(jen.Id("b").Op("*").Qual(pathTesting, "B"), jen.Id("api").Add(g.api())).Block(
		jen.Id("ctx").Op(":=").Add(g.bg()),
		jen.List(jen.Id("created"), jen.Err()).Op(":=").Id("api").Dot("Create").Call(jen.Id("ctx"), g.mod(c.crud.input).Values(jen.Dict{jen.Id("Name"): jen.Lit("bench")})),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("b").Dot("Fatal").Call(jen.Err())),
		jen.For(jen.Id("b").Dot("Loop").Call()).Block(
			jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("api").Dot("Get").Call(jen.Id("ctx"), jen.Id("created").Dot("ID")), jen.Err().Op("!=").Nil()).Block(
				jen.Id("b").Dot("Fatal").Call(jen.Err()),
			),
		),
	)
	f.Line()
}

// recording writes the recording fake API.
func (g *testGen) recording() {
	c, f := g.c, g.f
	f.Commentf("recording is a fake %s.API: it records the arguments of each call and", c.pkgName)
	f.Comment("answers with preset results or error. When block is set, a call waits")
	f.Comment("for its context to end and reports ctx.Err() on ended.")
	f.Type().Id("recording").Struct(
		jen.Id("mu").Qual(pathSync, "Mutex"),
		jen.Id("method").String(),
		jen.Id("args").Index().Any(),
		jen.Id("results").Index().Any(),
		jen.Id("err").Error(),
		jen.Id("requestID").String(),
		jen.Id("deadline").Bool(),
		jen.Id("block").Bool(),
		jen.Id("started").Chan().Struct(),
		jen.Id("ended").Chan().Error(),
	)
	f.Line()
	f.Comment("answer sets the results (or the error) the next calls return.")
	f.Func().Params(jen.Id("r").Op("*").Id("recording")).Id("answer").Params(jen.Err().Error(), jen.Id("results").Op("...").Any()).Block(
		jen.Id("r").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("r").Dot("mu").Dot("Unlock").Call(),
		jen.List(jen.Id("r").Dot("err"), jen.Id("r").Dot("results"), jen.Id("r").Dot("block")).Op("=").List(jen.Err(), jen.Id("results"), jen.False()),
	)
	f.Line()
	f.Comment("blockCalls makes the next calls wait for their context to end.")
	f.Func().Params(jen.Id("r").Op("*").Id("recording")).Id("blockCalls").Params().Block(
		jen.Id("r").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("r").Dot("mu").Dot("Unlock").Call(),
		jen.Id("r").Dot("block").Op("=").True(),
		jen.Id("r").Dot("started").Op("=").Make(jen.Chan().Struct(), jen.Lit(1)),
		jen.Id("r").Dot("ended").Op("=").Make(jen.Chan().Error(), jen.Lit(1)),
	)
	f.Line()
	f.Func().Params(jen.Id("r").Op("*").Id("recording")).Id("call").Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("method").String(), jen.Id("args").Op("...").Any()).Params(jen.Index().Any(), jen.Error()).BlockFunc(func(b *jen.Group) {
		b.Id("r").Dot("mu").Dot("Lock").Call()
		b.List(jen.Id("r").Dot("method"), jen.Id("r").Dot("args")).Op("=").List(jen.Id("method"), jen.Id("args"))
		if c.project.requestID {
			b.Id("r").Dot("requestID").Op("=").Qual(c.serverPkg(), "RequestID").Call(jen.Id("ctx"))
		}
		b.List(jen.Id("_"), jen.Id("r").Dot("deadline")).Op("=").Id("ctx").Dot("Deadline").Call()
		b.List(jen.Id("block"), jen.Id("started"), jen.Id("ended"), jen.Id("results"), jen.Err()).Op(":=").List(
			jen.Id("r").Dot("block"), jen.Id("r").Dot("started"), jen.Id("r").Dot("ended"), jen.Id("r").Dot("results"), jen.Id("r").Dot("err"))
		b.Id("r").Dot("mu").Dot("Unlock").Call()
		b.If(jen.Id("block")).Block(
			jen.Id("started").Op("<-").Struct().Values(),
			jen.Op("<-").Id("ctx").Dot("Done").Call(),
			jen.Id("ended").Op("<-").Id("ctx").Dot("Err").Call(),
			jen.Return(jen.Nil(), jen.Id("ctx").Dot("Err").Call()),
		)
		b.Return(jen.Id("results"), jen.Err())
	})
	f.Line()
	f.Comment("check fails t unless the last call was method with args.")
	f.Func().Params(jen.Id("r").Op("*").Id("recording")).Id("check").Params(jen.Id("t").Op("*").Qual(pathTesting, "T"), jen.Id("method").String(), jen.Id("args").Op("...").Any()).Block(
		jen.Id("t").Dot("Helper").Call(),
		jen.Id("r").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("r").Dot("mu").Dot("Unlock").Call(),
		jen.If(jen.Id("r").Dot("method").Op("!=").Id("method")).Block(
			jen.Id("t").Dot("Fatalf").Call(jen.Lit("the implementation received a call of %q; want %q"), jen.Id("r").Dot("method"), jen.Id("method")),
		),
		jen.If(jen.Len(jen.Id("r").Dot("args")).Op("!=").Len(jen.Id("args"))).Block(
			jen.Id("t").Dot("Fatalf").Call(jen.Lit("%s received %d arguments; want %d"), jen.Id("method"), jen.Len(jen.Id("r").Dot("args")), jen.Len(jen.Id("args"))),
		),
		jen.For(jen.Id("i").Op(":=").Range().Id("args")).Block(
			jen.If(jen.Op("!").Qual(pathReflect, "DeepEqual").Call(jen.Id("r").Dot("args").Index(jen.Id("i")), jen.Id("args").Index(jen.Id("i")))).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("%s argument %d arrived as\n\t%#v\nwant\n\t%#v"), jen.Id("method"), jen.Id("i").Op("+").Lit(1), jen.Id("r").Dot("args").Index(jen.Id("i")), jen.Id("args").Index(jen.Id("i"))),
			),
		),
	)
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
			jen.List(resVar, jen.Err()).Op(op).Id("r").Dot("call").Call(recorded...),
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

// sampler builds non-zero sample values of every supported type, distinct
// from call to call, that survive a round trip unchanged: times in UTC
// without a monotonic reading, no nil slices or maps below the depth limit.
type sampler struct{ n int }

func (s *sampler) next() int { s.n++; return s.n }

func (s *sampler) value(t *typ, depth int) jen.Code {
	conv := func(lit jen.Code) jen.Code {
		if t.named != nil {
			return goType(t).Call(lit)
		}
		return lit
	}
	switch t.kind {
	case kBool:
		return conv(jen.True())
	case kString:
		return conv(jen.Lit(fmt.Sprintf("água %d", s.next())))
	case kInt:
		v := -(s.next()%100 + 1)
		if t.named == nil && t.basic == types.Int {
			return jen.Lit(v)
		}
		return goType(t).Call(jen.Lit(v))
	case kUint:
		return goType(t).Call(jen.Lit(s.next()%100 + 1))
	case kFloat:
		v := float64(s.next()) + 0.5
		if t.named == nil && t.basic == types.Float64 {
			return jen.Lit(v)
		}
		return goType(t).Call(jen.Lit(v))
	case kBytes:
		return goType(t).Call(jen.Lit(fmt.Sprintf("bytes %d", s.next())))
	case kTime:
		return jen.Qual(pathTime, "Date").Call(jen.Lit(2026), jen.Qual(pathTime, "March"), jen.Lit(1+s.next()%27), jen.Lit(12), jen.Lit(30), jen.Lit(s.next()%60), jen.Lit(123456789), jen.Qual(pathTime, "UTC"))
	case kDuration:
		return jen.Lit(s.next()).Op("*").Qual(pathTime, "Second").Op("+").Lit(250).Op("*").Qual(pathTime, "Millisecond")
	case kMessage:
		return goType(t).Values(jen.DictFunc(func(d jen.Dict) {
			for _, f := range t.msg.fields {
				d[jen.Id(f.goName)] = s.value(f.typ, depth)
			}
		}))
	case kPointer:
		if depth >= 2 {
			return jen.Nil()
		}
		return jen.Op("&").Add(s.value(t.elem, depth+1))
	case kSlice:
		if depth >= 2 {
			return goType(t).Values()
		}
		elem := t.elem
		if elem.kind == kPointer {
			// Nil elements do not survive the wire; a sample has none.
			return goType(t).Values(jen.Op("&").Add(s.value(elem.elem, depth+1)))
		}
		return goType(t).Values(s.value(elem, depth+1))
	case kMap:
		if depth >= 2 {
			return goType(t).Values()
		}
		return goType(t).Values(jen.Dict{s.value(t.key, depth+1): s.value(t.elem, depth+1)})
	}
	panic("unreachable")
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
			body = append(body, jen.Id("fake").Dot("answer").Call(append([]jen.Code{jen.Nil()}, wants...)...))
			body = append(body,
				jen.List(append(gots, jen.Err())...).Op(":=").Id("api").Dot(m.name).Call(args...),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Id("t").Dot("Fatal").Call(jen.Err())),
				jen.Id("fake").Dot("check").Call(checked...),
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

// probe writes, into b, a closure `call(ctx) error` calling the first
// method of the API with sample arguments, the fake answering with sample
// results unless told to fail.
func (g *testGen) probe(b *jen.Group) {
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
	var results []jen.Code
	for _, r := range m.results {
		results = append(results, s.value(r.typ, 0))
	}
	b.Comment(fmt.Sprintf("call calls %s, the first method of the API, through the remote client.", m.name))
	b.Id("call").Op(":=").Func().Params(jen.Id("ctx").Qual(pathContext, "Context")).Error().BlockFunc(func(cb *jen.Group) {
		blanks := []jen.Code{}
		for range m.results {
			blanks = append(blanks, jen.Id("_"))
		}
		cb.List(append(blanks, jen.Err())...).Op(":=").Id("api").Dot(m.name).Call(args...)
		cb.Return(jen.Err())
	})
	b.Id("succeed").Op(":=").Func().Params().Block(jen.Id("fake").Dot("answer").Call(append([]jen.Code{jen.Nil()}, results...)...))
}

// errorIdentity writes TestErrorsKeepTheirIdentity.
func (g *testGen) errorIdentity() {
	c, f := g.c, g.f
	f.Comment("logBuffer collects log output written from the server's goroutines.")
	f.Type().Id("logBuffer").Struct(
		jen.Id("mu").Qual(pathSync, "Mutex"),
		jen.Id("b").Qual(pathStrings, "Builder"),
	)
	f.Line()
	f.Func().Params(jen.Id("l").Op("*").Id("logBuffer")).Id("Write").Params(jen.Id("p").Index().Byte()).Params(jen.Int(), jen.Error()).Block(
		jen.Id("l").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("l").Dot("mu").Dot("Unlock").Call(),
		jen.Return(jen.Id("l").Dot("b").Dot("Write").Call(jen.Id("p"))),
	)
	f.Line()
	f.Func().Params(jen.Id("l").Op("*").Id("logBuffer")).Id("String").Params().String().Block(
		jen.Id("l").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("l").Dot("mu").Dot("Unlock").Call(),
		jen.Return(jen.Id("l").Dot("b").Dot("String").Call()),
	)
	f.Line()
	f.Comment("TestErrorsKeepTheirIdentity makes the implementation fail and checks the")
	f.Comment("remote client returns an error that matches what the local error matches:")
	f.Comment("sentinels (even by ==), validation errors, and nothing for unexpected")
	f.Comment("errors, whose text must not leak.")
	f.Func().Id("TestErrorsKeepTheirIdentity").Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).BlockFunc(func(b *jen.Group) {
		b.Id("fake").Op(":=").Op("&").Id("recording").Values()
		b.Id("api").Op(":=").Id("serve").Call(jen.Id("t"), jen.Id("fake"))
		g.probe(b)
		b.Id("ctx").Op(":=").Add(g.bg())
		b.Id("sentinels").Op(":=").Index().Error().ValuesFunc(func(vg *jen.Group) {
			for _, s := range c.sentinels {
				vg.Add(g.mod(s.name))
			}
		})
		b.Comment("sameMatches fails t unless got matches the same sentinels as sent.")
		b.Id("sameMatches").Op(":=").Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T"), jen.List(jen.Id("got"), jen.Id("sent")).Error()).Block(
			jen.Id("t").Dot("Helper").Call(),
			jen.For(jen.List(jen.Id("_"), jen.Id("s")).Op(":=").Range().Id("sentinels")).Block(
				jen.If(jen.Qual(pathErrors, "Is").Call(jen.Id("got"), jen.Id("s")).Op("!=").Qual(pathErrors, "Is").Call(jen.Id("sent"), jen.Id("s"))).Block(
					jen.Id("t").Dot("Errorf").Call(jen.Lit("errors.Is(%v, %v) = %t remotely, %t in process"), jen.Id("got"), jen.Id("s"), jen.Qual(pathErrors, "Is").Call(jen.Id("got"), jen.Id("s")), jen.Qual(pathErrors, "Is").Call(jen.Id("sent"), jen.Id("s"))),
				),
			),
		)
		b.For(jen.List(jen.Id("_"), jen.Id("sentinel")).Op(":=").Range().Id("sentinels")).Block(
			jen.Id("t").Dot("Run").Call(jen.Id("sentinel").Dot("Error").Call(), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
				jen.Id("fake").Dot("answer").Call(jen.Id("sentinel")),
				jen.If(jen.Err().Op(":=").Id("call").Call(jen.Id("ctx")), jen.Err().Op("!=").Id("sentinel")).Block(
					jen.Id("t").Dot("Errorf").Call(jen.Lit("the implementation returned %v; the client got %#v, not the sentinel itself"), jen.Id("sentinel"), jen.Err()),
				),
				jen.Id("wrapped").Op(":=").Qual(pathFmt, "Errorf").Call(jen.Lit("while doing something: %w"), jen.Id("sentinel")),
				jen.Id("fake").Dot("answer").Call(jen.Id("wrapped")),
				jen.Err().Op(":=").Id("call").Call(jen.Id("ctx")),
				jen.If(jen.Err().Op("==").Nil().Op("||").Err().Dot("Error").Call().Op("!=").Id("wrapped").Dot("Error").Call()).Block(
					jen.Id("t").Dot("Errorf").Call(jen.Lit("the client got %v; want the text %q"), jen.Err(), jen.Id("wrapped").Dot("Error").Call()),
				),
				jen.Id("sameMatches").Call(jen.Id("t"), jen.Err(), jen.Id("wrapped")),
			)),
		)
		if c.validation != nil {
			vt := jen.Qual(c.validation.pkgPath, c.validation.name)
			b.Id("t").Dot("Run").Call(jen.Lit("validation error"), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
				jen.Id("sent").Op(":=").Op("&").Add(vt.Clone()).Values(jen.Dict{jen.Id("Field"): jen.Lit("quantidade"), jen.Id("Problem"): jen.Lit("must be positive")}),
				jen.For(jen.List(jen.Id("_"), jen.Id("failure")).Op(":=").Range().Index().Error().Values(jen.Id("sent"), jen.Qual(pathFmt, "Errorf").Call(jen.Lit("reserving: %w"), jen.Id("sent")))).Block(
					jen.Id("fake").Dot("answer").Call(jen.Id("failure")),
					jen.Err().Op(":=").Id("call").Call(jen.Id("ctx")),
					jen.Var().Id("ve").Op("*").Add(vt.Clone()),
					jen.If(jen.Op("!").Qual(pathErrors, "As").Call(jen.Err(), jen.Op("&").Id("ve")).Op("||").Id("ve").Dot("Field").Op("!=").Id("sent").Dot("Field").Op("||").Id("ve").Dot("Problem").Op("!=").Id("sent").Dot("Problem")).Block(
						jen.Id("t").Dot("Errorf").Call(jen.Lit("the implementation returned %v; the client got %#v, want a *ValidationError with the same field and problem"), jen.Id("failure"), jen.Err()),
					),
					jen.If(jen.Err().Op("==").Nil().Op("||").Err().Dot("Error").Call().Op("!=").Id("failure").Dot("Error").Call()).Block(
						jen.Id("t").Dot("Errorf").Call(jen.Lit("the client got %v; want the text %q"), jen.Err(), jen.Id("failure").Dot("Error").Call()),
					),
					jen.Id("sameMatches").Call(jen.Id("t"), jen.Err(), jen.Id("failure")),
				),
			))
		}
		b.Id("t").Dot("Run").Call(jen.Lit("unexpected error"), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
			jen.Id("logs").Op(":=").Op("&").Id("logBuffer").Values(),
			jen.Id("prev").Op(":=").Qual(pathSlog, "Default").Call(),
			jen.Qual(pathSlog, "SetDefault").Call(jen.Qual(pathSlog, "New").Call(jen.Qual(pathSlog, "NewTextHandler").Call(jen.Id("logs"), jen.Nil()))),
			jen.Defer().Qual(pathSlog, "SetDefault").Call(jen.Id("prev")),
			jen.Id("fake").Dot("answer").Call(jen.Qual(pathErrors, "New").Call(jen.Lit("db: password=hunter2 rejected"))),
			jen.Err().Op(":=").Id("call").Call(jen.Id("ctx")),
			jen.If(jen.Qual(pathStatus, "Code").Call(jen.Err()).Op("!=").Qual(pathCodes, "Internal").Op("||").Qual(pathStrings, "Contains").Call(jen.Qual(pathFmt, "Sprint").Call(jen.Err()), jen.Lit("hunter2"))).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("the client got %v; want codes.Internal without the implementation's message"), jen.Err()),
			),
			jen.Id("sameMatches").Call(jen.Id("t"), jen.Err(), jen.Qual(pathErrors, "New").Call(jen.Lit("unrelated"))),
			jen.If(jen.Op("!").Qual(pathStrings, "Contains").Call(jen.Id("logs").Dot("String").Call(), jen.Lit("hunter2"))).Block(
				jen.Id("t").Dot("Errorf").Call(jen.Lit("the server did not log the real error; logged: %s"), jen.Id("logs").Dot("String").Call()),
			),
		))
		b.Id("succeed").Call()
		b.If(jen.Err().Op(":=").Id("call").Call(jen.Id("ctx")), jen.Err().Op("!=").Nil()).Block(
			jen.Id("t").Dot("Errorf").Call(jen.Lit("after the failures, a successful call returned %v"), jen.Err()),
		)
	})
	f.Line()
}

// contextPropagation writes TestContextCrossesTheWire.
func (g *testGen) contextPropagation() {
	c, f := g.c, g.f
	f.Comment("TestContextCrossesTheWire checks what the remote implementation sees of")
	f.Comment("the caller's context: the deadline (or the client's default one), the")
	f.Comment("request id, and the caller canceling or running out of time.")
	f.Func().Id("TestContextCrossesTheWire").Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).BlockFunc(func(b *jen.Group) {
		b.Id("fake").Op(":=").Op("&").Id("recording").Values()
		b.Id("api").Op(":=").Id("serve").Call(jen.Id("t"), jen.Id("fake"))
		g.probe(b)
		hasDeadline := func() jen.Code {
			return jen.Id("fake").Dot("mu").Dot("Lock").Call().Line().Id("saw").Op(":=").Id("fake").Dot("deadline").Line().Id("fake").Dot("mu").Dot("Unlock").Call()
		}
		b.Id("t").Dot("Run").Call(jen.Lit("deadline"), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
			jen.Id("succeed").Call(),
			jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual(pathContext, "WithTimeout").Call(g.bg(), jen.Qual(pathTime, "Minute")),
			jen.Defer().Id("cancel").Call(),
			jen.If(jen.Err().Op(":=").Id("call").Call(jen.Id("ctx")), jen.Err().Op("!=").Nil()).Block(g.fatal(jen.Err())),
			hasDeadline(),
			jen.If(jen.Op("!").Id("saw")).Block(jen.Id("t").Dot("Error").Call(jen.Lit("the implementation's context has no deadline; the caller's should cross the wire"))),
		))
		b.Id("t").Dot("Run").Call(jen.Lit("default deadline"), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
			jen.Id("succeed").Call(),
			jen.If(jen.Err().Op(":=").Id("call").Call(g.bg()), jen.Err().Op("!=").Nil()).Block(g.fatal(jen.Err())),
			hasDeadline(),
			jen.If(jen.Op("!").Id("saw")).Block(jen.Id("t").Dot("Errorf").Call(jen.Lit("a call without a deadline reached the implementation without one; want %s.CallTimeout"), jen.Lit(c.adapterName()))),
		))
		if c.project.requestID {
			b.Id("t").Dot("Run").Call(jen.Lit("request id"), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(
				jen.Id("succeed").Call(),
				jen.If(jen.Err().Op(":=").Id("call").Call(jen.Qual(c.serverPkg(), "WithRequestID").Call(g.bg(), jen.Lit("req-7"))), jen.Err().Op("!=").Nil()).Block(g.fatal(jen.Err())),
				jen.Id("fake").Dot("mu").Dot("Lock").Call(),
				jen.Id("got").Op(":=").Id("fake").Dot("requestID"),
				jen.Id("fake").Dot("mu").Dot("Unlock").Call(),
				jen.If(jen.Id("got").Op("!=").Lit("req-7")).Block(jen.Id("t").Dot("Errorf").Call(jen.Lit("the implementation saw request id %q; want %q"), jen.Id("got"), jen.Lit("req-7"))),
			))
		}
		// When the caller's deadline passes, the server may learn it from its
		// own timer (DeadlineExceeded) or from the client resetting the stream
		// (Canceled): either ends the implementation's context.
		for _, tc := range []struct {
			name, want string
			ctx        []jen.Code
			after      jen.Code
			serverOK   jen.Code
		}{
			{"cancellation", "Canceled",
				[]jen.Code{jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual(pathContext, "WithCancel").Call(g.bg())},
				jen.Id("cancel").Call(),
				jen.Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(pathContext, "Canceled"))},
			{"deadline exceeded", "DeadlineExceeded",
				[]jen.Code{jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual(pathContext, "WithTimeout").Call(g.bg(), jen.Lit(200).Op("*").Qual(pathTime, "Millisecond"))},
				jen.Null(),
				jen.Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(pathContext, "DeadlineExceeded")).Op("||").Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(pathContext, "Canceled"))},
		} {
			body := []jen.Code{jen.Id("fake").Dot("blockCalls").Call()}
			body = append(body, tc.ctx...)
			body = append(body,
				jen.Defer().Id("cancel").Call(),
				jen.Id("errc").Op(":=").Make(jen.Chan().Error(), jen.Lit(1)),
				jen.Go().Func().Params().Block(jen.Id("errc").Op("<-").Id("call").Call(jen.Id("ctx"))).Call(),
				jen.Select().Block(
					jen.Case(jen.Op("<-").Id("fake").Dot("started")).Block(),
					jen.Case(jen.Op("<-").Qual(pathTime, "After").Call(jen.Lit(5).Op("*").Qual(pathTime, "Second"))).Block(jen.Id("t").Dot("Fatal").Call(jen.Lit("the call never reached the implementation"))),
				),
				tc.after,
				jen.If(jen.Err().Op(":=").Op("<-").Id("errc"), jen.Op("!").Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(pathContext, tc.want))).Block(
					jen.Id("t").Dot("Errorf").Call(jen.Lit("the caller got %v; want context."+tc.want), jen.Err()),
				),
				jen.Select().Block(
					jen.Case(jen.Err().Op(":=").Op("<-").Id("fake").Dot("ended")).Block(
						jen.If(jen.Op("!").Parens(tc.serverOK)).Block(
							jen.Id("t").Dot("Errorf").Call(jen.Lit("the implementation's context ended with %v; want context."+tc.want), jen.Err()),
						),
					),
					jen.Case(jen.Op("<-").Qual(pathTime, "After").Call(jen.Lit(5).Op("*").Qual(pathTime, "Second"))).Block(
						jen.Id("t").Dot("Fatal").Call(jen.Lit("the implementation's context did not end: the caller's "+tc.name+" did not cross the wire")),
					),
				),
			)
			b.Id("t").Dot("Run").Call(jen.Lit(tc.name), jen.Func().Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).Block(body...))
		}
	})
	f.Line()
}
