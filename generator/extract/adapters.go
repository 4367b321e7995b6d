package extract

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// adapterPath and adapterName are the import path and name of the
// generated <m>grpc package; serverPkg is the project's pkg/server.
func (c *contract) adapterPath() string { return c.pkgPath + "/" + c.pkgName + "grpc" }
func (c *contract) adapterName() string { return c.pkgName + "grpc" }
func (c *contract) serverPkg() string   { return c.cfg.ModulePath + "/pkg/server" }

// grpcxPkg and contractPkg are the project's shared gRPC and contract test
// packages, written with every extraction.
func (c *contract) grpcxPkg() string { return c.cfg.ModulePath + "/pkg/grpcx" }

// scalarPkg is the project's package of field value types (Decimal, Date,
// UUID), written by `modgen add module --fields`.
func (c *contract) scalarPkg() string   { return c.cfg.ModulePath + "/pkg/scalar" }
func (c *contract) contractPkg() string { return c.cfg.ModulePath + "/pkg/contract" }

// generatedNames are the lower-case identifiers the generated code
// declares (at top level or as locals) in files that import the module
// package. A module with one of these names is imported under another
// name, so that no identifier shadows it.
var generatedNames = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`
		sentinels incoming checked integer spy recording serve implementations cases env
		api fake call succeed ctx same sameMatches logs prev wrapped sent failure ve created got
		updated names params pages page it name local remote observed impl tc errc saw cancel
		ln conn db in out req resp res st targets kept detail d v o i j t implied code details
		field problem fe state id ids key val k b r e l p s c f run log addr ok err cfg health
		srv stopped done getenv stdout lvl unwired mod probe contract grpcx crud limit cursor`) {
		generatedNames[n] = true
	}
}

// moduleImportName is the name the generated code imports the module
// package under: its own name, unless generated code uses that name.
func (c *contract) moduleImportName() string {
	if generatedNames[c.pkgName] {
		return c.pkgName + "mod"
	}
	return c.pkgName
}

// newAdapterFile starts a file of the <m>grpc package.
func newAdapterFile(c *contract) *jen.File {
	f := newGoFile(c.adapterPath(), c.adapterName())
	c.importNames(f)
	return f
}

// importNames tells f the names of the project's packages, so that they
// are imported without a redundant alias.
func (c *contract) importNames(f *jen.File) {
	if n := c.moduleImportName(); n != c.pkgName {
		f.ImportAlias(c.pkgPath, n)
	} else {
		f.ImportName(c.pkgPath, c.pkgName)
	}
	f.ImportName(c.pkgPath+"/"+c.pkgName+"pb", c.pkgName+"pb")
	f.ImportName(c.adapterPath(), c.adapterName())
	f.ImportName(c.serverPkg(), "server")
	f.ImportName(c.grpcxPkg(), "grpcx")
	f.ImportName(c.contractPkg(), "contract")
	f.ImportName(c.cfg.ModulePath+"/pkg/database", "database")
	f.ImportName(c.cfg.ModulePath+"/pkg/outbox", "outbox")
	f.ImportName(c.scalarPkg(), "scalar")
}

// sentinelCode is the gRPC code a sentinel error travels as, by its name.
func sentinelCode(name string) string {
	switch strings.TrimPrefix(name, "Err") {
	case "NotFound":
		return "NotFound"
	case "Invalid", "InvalidArgument", "InvalidInput":
		return "InvalidArgument"
	case "AlreadyExists", "Exists", "Duplicate", "Conflict":
		return "AlreadyExists"
	case "PermissionDenied", "Forbidden":
		return "PermissionDenied"
	case "Unauthenticated", "Unauthorized":
		return "Unauthenticated"
	}
	return "FailedPrecondition"
}

// firstSentinel names a sentinel of c for documentation.
func firstSentinel(c *contract) string {
	for _, s := range c.sentinels {
		if s.name == "ErrNotFound" {
			return s.name
		}
	}
	if len(c.sentinels) > 0 {
		return c.sentinels[0].name
	}
	return "ErrNotFound"
}

// sentinelReason is the google.rpc.ErrorInfo reason naming a sentinel:
// ErrNotFound → NOT_FOUND.
func sentinelReason(name string) string {
	return strings.ToUpper(snakeCase(strings.TrimPrefix(name, "Err")))
}

// errorsFile writes errors.go: the module's errors as they travel over
// gRPC, for grpcx.Errors to map both ways.
func errorsFile(c *contract) *jen.File {
	f := newAdapterFile(c)
	f.Commentf("wireErrors are the %s module's errors on the wire: each sentinel as a", c.pkgName)
	if c.validation != nil {
		f.Commentf("google.rpc.ErrorInfo of domain %s, %s as a", c.protoPkg, c.validation.name)
		f.Comment("google.rpc.BadRequest field violation.")
	} else {
		f.Commentf("google.rpc.ErrorInfo of domain %s.", c.protoPkg)
	}
	f.Var().Id("wireErrors").Op("=").Op("&").Qual(c.grpcxPkg(), "Errors").Values(jen.DictFunc(func(d jen.Dict) {
		d[jen.Id("Module")] = jen.Lit(c.pkgName)
		d[jen.Id("Domain")] = jen.Lit(c.protoPkg)
		d[jen.Id("Sentinels")] = jen.Index().Qual(c.grpcxPkg(), "Sentinel").ValuesFunc(func(g *jen.Group) {
			for _, s := range c.sentinels {
				g.Values(jen.Dict{
					jen.Id("Err"):    jen.Qual(c.pkgPath, s.name),
					jen.Id("Code"):   jen.Qual(pathCodes, sentinelCode(s.name)),
					jen.Id("Reason"): jen.Lit(sentinelReason(s.name)),
				})
			}
		})
		if c.validation != nil {
			vt := jen.Qual(c.validation.pkgPath, c.validation.name)
			d[jen.Id("Violation")] = jen.Func().Params(jen.Err().Error()).Params(jen.String(), jen.String(), jen.Bool()).Block(
				jen.Var().Id("ve").Op("*").Add(vt.Clone()),
				jen.If(jen.Qual(pathErrors, "As").Call(jen.Err(), jen.Op("&").Id("ve"))).Block(
					jen.Return(jen.Id("ve").Dot("Field"), jen.Id("ve").Dot("Problem"), jen.True()),
				),
				jen.Return(jen.Lit(""), jen.Lit(""), jen.False()),
			)
			d[jen.Id("FromViolation")] = jen.Func().Params(jen.List(jen.Id("field"), jen.Id("problem")).String()).Error().Block(
				jen.Return(jen.Op("&").Add(vt.Clone()).Values(jen.Dict{jen.Id("Field"): jen.Id("field"), jen.Id("Problem"): jen.Id("problem")})),
			)
		}
	}))
	return f
}

// serverFile writes server.go: the pb service implemented by calling API.
func serverFile(c *contract, pb *pbIndex, cv *converter) *jen.File {
	f := newAdapterFile(c)
	svc := pb.service.GoName
	pbPath := pb.path
	f.PackageComment(fmt.Sprintf("Package %s runs the %s module over gRPC: Register serves an", c.adapterName(), c.pkgName))
	f.PackageComment(fmt.Sprintf("implementation of %s.API, NewClient is an implementation of %s.API that", c.pkgName, c.pkgName))
	f.PackageComment("calls a remote one. Errors keep their identity across the wire, deadlines")
	f.PackageComment("and cancellation propagate, and so does the request id.")
	f.Comment("apiServer implements " + c.pkgName + "pb." + svc + "Server by calling the local API.")
	f.Type().Id("apiServer").Struct(
		jen.Qual(pbPath, "Unimplemented"+svc+"Server"),
		jen.Id("api").Qual(c.pkgPath, "API"),
	)
	f.Line()
	f.Comment("NewServer serves api over gRPC. Errors keep their identity on the client")
	f.Comment("(see grpcx.Errors.ToStatus); unexpected errors are logged with slog's")
	f.Comment("default logger.")
	f.Func().Id("NewServer").Params(jen.Id("api").Qual(c.pkgPath, "API")).Qual(pbPath, svc+"Server").Block(
		jen.Return(jen.Op("&").Id("apiServer").Values(jen.Dict{jen.Id("api"): jen.Id("api")})),
	)
	f.Line()
	f.Commentf("Register registers the %s service, served by api, on s. Serve it", c.protoPkg+"."+svc)
	f.Comment("with grpcx.NewServer, whose interceptors carry the request id and log calls.")
	f.Func().Id("Register").Params(jen.Id("s").Qual(pathGRPC, "ServiceRegistrar"), jen.Id("api").Qual(c.pkgPath, "API")).Block(
		jen.Qual(pbPath, "Register"+svc+"Server").Call(jen.Id("s"), jen.Id("NewServer").Call(jen.Id("api"))),
	)
	f.Line()
	for _, m := range c.methods {
		req, resp := m.name+"Request", m.name+"Response"
		var body []jen.Code
		var args []jen.Code
		args = append(args, jen.Id("ctx"))
		locals := map[string]bool{}
		for i, p := range m.params {
			local := safeLocal(c, p.goName)
			locals[local] = true
			getter := jen.Id("req").Dot("Get" + pb.field(req, p.protoName)).Call()
			expr, fallible := cv.fromPB(p.typ, getter)
			if fallible {
				body = append(body,
					jen.List(jen.Id(local), jen.Err()).Op(":=").Add(expr),
					jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("wireErrors").Dot("InvalidRequest").Call(jen.Qual(c.grpcxPkg(), "InField").Call(jen.Lit(p.protoName), jen.Err())))),
				)
			} else {
				body = append(body, jen.Id(local).Op(":=").Add(expr))
			}
			arg := jen.Id(local)
			if m.variadic && i == len(m.params)-1 {
				arg = arg.Op("...")
			}
			args = append(args, arg)
		}
		var results []jen.Code
		for i := range m.results {
			results = append(results, jen.Id(fmt.Sprintf("r%d", i)))
		}
		results = append(results, jen.Err())
		op := ":="
		if len(m.results) == 0 && hasFallible(cv, m.params) {
			op = "="
		}
		body = append(body,
			jen.List(results...).Op(op).Id("s").Dot("api").Dot(m.name).Call(args...),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("wireErrors").Dot("ToStatus").Call(jen.Id("ctx"), jen.Lit(c.service+"."+m.name), jen.Err()))),
			jen.Return(jen.Op("&").Add(pb.msg(resp)).Values(jen.DictFunc(func(d jen.Dict) {
				for i, r := range m.results {
					d[jen.Id(pb.field(resp, r.protoName))] = cv.toPB(r.typ, jen.Id(fmt.Sprintf("r%d", i)))
				}
			})), jen.Nil()),
		)
		f.Func().Params(jen.Id("s").Op("*").Id("apiServer")).Id(m.name).
			Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("req").Op("*").Add(pb.msg(req))).
			Params(jen.Op("*").Add(pb.msg(resp)), jen.Error()).Block(body...)
		f.Line()
	}
	return f
}

func hasFallible(cv *converter, vs []*value) bool {
	for _, v := range vs {
		if cv.fallible(v.typ) {
			return true
		}
	}
	return false
}

// clientFile writes client.go: API implemented by calling the pb client,
// plus Dial.
func clientFile(c *contract, pb *pbIndex, cv *converter) *jen.File {
	f := newAdapterFile(c)
	svc := pb.service.GoName
	f.Commentf("apiClient implements %s.API by calling the remote %s.", c.pkgName, c.service)
	f.Type().Id("apiClient").Struct(jen.Id("pb").Qual(pb.path, svc+"Client"))
	f.Line()
	f.Commentf("NewClient returns the %s API served at the other end of conn. Errors keep", c.pkgName)
	f.Commentf("their identity: errors.Is(err, %s.%s) holds as it does in process.", c.pkgName, firstSentinel(c))
	f.Func().Id("NewClient").Params(jen.Id("conn").Qual(pathGRPC, "ClientConnInterface")).Qual(c.pkgPath, "API").Block(
		jen.Return(jen.Op("&").Id("apiClient").Values(jen.Dict{jen.Id("pb"): jen.Qual(pb.path, "New"+svc+"Client").Call(jen.Id("conn"))})),
	)
	f.Line()
	// Reads are retried when the server cannot be reached; writes are not:
	// one may have been applied before the connection failed.
	dialArgs := []jen.Code{jen.Id("ctx"), jen.Id("addr")}
	var reads []jen.Code
	for _, m := range c.methods {
		if strings.HasPrefix(m.name, "Get") || strings.HasPrefix(m.name, "List") {
			reads = append(reads, jen.Lit(m.name))
		}
	}
	f.Commentf("Dial connects to the %s service at addr (host:port) with grpcx.Dial.", c.pkgName)
	if len(reads) > 0 {
		dialArgs = append(dialArgs, jen.Qual(c.grpcxPkg(), "RetryIdempotent").Call(append([]jen.Code{jen.Lit(c.protoPkg + "." + c.service)}, reads...)...))
		f.Comment("Its reads (Get and List methods) are retried when the server cannot be")
		f.Comment("reached; writes are not, since one may have been applied before the")
		f.Comment("connection failed.")
	}
	f.Func().Id("Dial").Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("addr").String()).Params(jen.Op("*").Qual(pathGRPC, "ClientConn"), jen.Error()).Block(
		jen.List(jen.Id("conn"), jen.Err()).Op(":=").Qual(c.grpcxPkg(), "Dial").Call(dialArgs...),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual(pathFmt, "Errorf").Call(jen.Lit(c.adapterName()+": %w (start it with `go run ./cmd/"+c.pkgName+"`)"), jen.Err())),
		),
		jen.Return(jen.Id("conn"), jen.Nil()),
	)
	f.Line()

	for _, m := range c.methods {
		req, resp := m.name+"Request", m.name+"Response"
		var params []jen.Code
		params = append(params, jen.Id("ctx").Qual(pathContext, "Context"))
		locals := make([]string, len(m.params))
		for i, p := range m.params {
			locals[i] = safeLocal(c, p.goName)
			t := goType(p.typ)
			if m.variadic && i == len(m.params)-1 {
				t = jen.Op("...").Add(goType(p.typ.elem))
			}
			params = append(params, jen.Id(locals[i]).Add(t))
		}
		var results []jen.Code
		for i, r := range m.results {
			results = append(results, jen.Id(fmt.Sprintf("r%d", i)).Add(goType(r.typ)))
		}
		results = append(results, jen.Err().Error())
		var returns []jen.Code
		for i := range m.results {
			returns = append(returns, jen.Id(fmt.Sprintf("r%d", i)))
		}
		respVar, op := jen.Id("resp"), ":="
		if len(m.results) == 0 {
			respVar, op = jen.Id("_"), "="
		}
		body := []jen.Code{
			jen.List(respVar, jen.Err()).Op(op).Id("c").Dot("pb").Dot(m.name).Call(jen.Id("ctx"), jen.Op("&").Add(pb.msg(req)).Values(jen.DictFunc(func(d jen.Dict) {
				for i, p := range m.params {
					d[jen.Id(pb.field(req, p.protoName))] = cv.toPB(p.typ, jen.Id(locals[i]))
				}
			}))),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(append(returns, jen.Id("wireErrors").Dot("FromStatus").Call(jen.Err()))...)),
		}
		for i, r := range m.results {
			getter := jen.Id("resp").Dot("Get" + pb.field(resp, r.protoName)).Call()
			body = append(body, cv.assignFromPB(r.typ, jen.Id(fmt.Sprintf("r%d", i)), getter,
				jen.Return(append(returns, jen.Id("wireErrors").Dot("BadResponse").Call(jen.Lit(m.name), jen.Qual(c.grpcxPkg(), "InField").Call(jen.Lit(r.protoName), jen.Err())))...)))
		}
		body = append(body, jen.Return(append(returns, jen.Nil())...))
		f.Func().Params(jen.Id("c").Op("*").Id("apiClient")).Id(m.name).Params(params...).Params(results...).Block(body...)
		f.Line()
	}
	return f
}
