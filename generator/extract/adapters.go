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
		srv stopped done getenv stdout lvl unwired mod`) {
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
	f.ImportName(c.cfg.ModulePath+"/pkg/database", "database")
	f.ImportName(c.cfg.ModulePath+"/pkg/eventbus", "eventbus")
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

// errorsFile writes errors.go: API errors to gRPC statuses and back.
func errorsFile(c *contract, needs map[string]bool) *jen.File {
	f := newAdapterFile(c)
	mod := func(name string) *jen.Statement { return jen.Qual(c.pkgPath, name) }
	status := func(name string) *jen.Statement { return jen.Qual(pathStatus, name) }
	codes := func(name string) *jen.Statement { return jen.Qual(pathCodes, name) }

	f.Comment("errorDomain is the google.rpc.ErrorInfo domain of the module's sentinel errors.")
	f.Const().Id("errorDomain").Op("=").Lit(c.protoPkg)
	f.Line()

	f.Comment("sentinels are the module's sentinel errors, the gRPC code each travels")
	f.Comment("as, and the google.rpc.ErrorInfo reason naming it on the wire.")
	f.Var().Id("sentinels").Op("=").Index().Struct(
		jen.Id("reason").String(),
		jen.Id("err").Error(),
		jen.Id("code").Qual(pathCodes, "Code"),
	).ValuesFunc(func(g *jen.Group) {
		for _, s := range c.sentinels {
			g.Values(jen.Dict{jen.Id("reason"): jen.Lit(sentinelReason(s.name)), jen.Id("err"): mod(s.name), jen.Id("code"): codes(sentinelCode(s.name))})
		}
	})
	f.Line()

	// Server side.
	f.Comment("toStatus turns an error of the API into the status the client receives.")
	f.Comment("Every sentinel error it matches travels as an ErrorInfo naming it, and a")
	f.Comment("validation error as a BadRequest field violation, so the client rebuilds")
	f.Comment("an error that matches the same errors; context errors keep their code.")
	f.Comment("Any other error is logged here and answered with codes.Internal and")
	f.Comment(`"internal error": internals do not leak.`)
	f.Func().Id("toStatus").Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("method").String(), jen.Err().Error()).Error().BlockFunc(func(g *jen.Group) {
		g.Id("code").Op(":=").Add(codes("OK"))
		g.Var().Id("details").Index().Qual(pathProtoadapt, "MessageV1")
		if c.validation != nil {
			g.Var().Id("ve").Op("*").Qual(c.validation.pkgPath, c.validation.name)
			g.If(jen.Qual(pathErrors, "As").Call(jen.Err(), jen.Op("&").Id("ve"))).Block(
				jen.Id("code").Op("=").Add(codes("InvalidArgument")),
				jen.Id("details").Op("=").Append(jen.Id("details"), jen.Op("&").Qual(pathErrdetails, "BadRequest").Values(jen.Dict{
					jen.Id("FieldViolations"): jen.Index().Op("*").Qual(pathErrdetails, "BadRequest_FieldViolation").Values(jen.Values(jen.Dict{
						jen.Id("Field"):       jen.Id("ve").Dot("Field"),
						jen.Id("Description"): jen.Id("ve").Dot("Problem"),
					})),
				})),
			)
		}
		g.For(jen.List(jen.Id("_"), jen.Id("s")).Op(":=").Range().Id("sentinels")).Block(
			jen.If(jen.Op("!").Qual(pathErrors, "Is").Call(jen.Err(), jen.Id("s").Dot("err"))).Block(jen.Continue()),
			jen.If(jen.Id("code").Op("==").Add(codes("OK"))).Block(jen.Id("code").Op("=").Id("s").Dot("code")),
			jen.Id("details").Op("=").Append(jen.Id("details"), jen.Op("&").Qual(pathErrdetails, "ErrorInfo").Values(jen.Dict{
				jen.Id("Reason"): jen.Id("s").Dot("reason"),
				jen.Id("Domain"): jen.Id("errorDomain"),
			})),
		)
		g.Switch().Block(
			jen.Case(jen.Id("code").Op("!=").Add(codes("OK"))).Block(
				jen.Return(jen.Id("withDetails").Call(jen.Qual(pathStatus, "New").Call(jen.Id("code"), jen.Err().Dot("Error").Call()), jen.Id("details").Op("..."))),
			),
			jen.Case(jen.Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(pathContext, "Canceled"))).Block(
				jen.Return(status("Error").Call(codes("Canceled"), jen.Err().Dot("Error").Call())),
			),
			jen.Case(jen.Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(pathContext, "DeadlineExceeded"))).Block(
				jen.Return(status("Error").Call(codes("DeadlineExceeded"), jen.Err().Dot("Error").Call())),
			),
		)
		logArgs := []jen.Code{jen.Id("ctx"), jen.Lit(c.pkgName + " grpc: internal error"), jen.Lit("method"), jen.Id("method"), jen.Lit("error"), jen.Err()}
		if c.project.requestID {
			logArgs = append(logArgs, jen.Lit("request_id"), jen.Qual(c.serverPkg(), "RequestID").Call(jen.Id("ctx")))
		}
		g.Qual(pathSlog, "ErrorContext").Call(logArgs...)
		g.Return(status("Error").Call(codes("Internal"), jen.Lit("internal error")))
	})
	f.Line()

	if needs["invalidRequest"] {
		f.Comment("invalidRequest answers a request whose fields do not fit the API's Go types.")
		f.Func().Id("invalidRequest").Params(jen.Err().Error()).Error().Block(
			jen.List(jen.Id("field"), jen.Id("problem")).Op(":=").List(jen.Lit(""), jen.Err().Dot("Error").Call()),
			jen.Var().Id("fe").Op("*").Id("fieldError"),
			jen.If(jen.Qual(pathErrors, "As").Call(jen.Err(), jen.Op("&").Id("fe"))).Block(
				jen.List(jen.Id("field"), jen.Id("problem")).Op("=").List(jen.Id("fe").Dot("path"), jen.Id("fe").Dot("err").Dot("Error").Call()),
			),
			jen.Return(jen.Id("withDetails").Call(
				status("New").Call(codes("InvalidArgument"), jen.Lit(c.pkgName+": invalid request: ").Op("+").Err().Dot("Error").Call()),
				jen.Op("&").Qual(pathErrdetails, "BadRequest").Values(jen.Dict{
					jen.Id("FieldViolations"): jen.Index().Op("*").Qual(pathErrdetails, "BadRequest_FieldViolation").Values(jen.Values(jen.Dict{
						jen.Id("Field"):       jen.Id("field"),
						jen.Id("Description"): jen.Id("problem"),
					})),
				}),
			)),
		)
		f.Line()
	}

	f.Comment("withDetails attaches details to st; if it cannot, st travels without them.")
	f.Func().Id("withDetails").Params(jen.Id("st").Op("*").Qual(pathStatus, "Status"), jen.Id("details").Op("...").Qual(pathProtoadapt, "MessageV1")).Error().Block(
		jen.If(jen.List(jen.Id("d"), jen.Err()).Op(":=").Id("st").Dot("WithDetails").Call(jen.Id("details").Op("...")), jen.Err().Op("==").Nil()).Block(
			jen.Return(jen.Id("d").Dot("Err").Call()),
		),
		jen.Return(jen.Id("st").Dot("Err").Call()),
	)
	f.Line()

	// Client side.
	f.Comment("remoteError is an error the remote service answered with. It unwraps to")
	f.Comment("the module's errors it stands for (sentinels, a validation error, a")
	f.Comment("context error), so errors.Is and errors.As work as they do in process,")
	f.Comment("and it carries the gRPC status for status.FromError and status.Code.")
	f.Type().Id("remoteError").Struct(
		jen.Id("status").Op("*").Qual(pathStatus, "Status"),
		jen.Id("targets").Index().Error(),
	)
	f.Line()
	f.Func().Params(jen.Id("e").Op("*").Id("remoteError")).Id("Error").Params().String().Block(
		jen.If(jen.Len(jen.Id("e").Dot("targets")).Op(">").Lit(0)).Block(jen.Return(jen.Id("e").Dot("status").Dot("Message").Call())),
		jen.Return(jen.Lit(c.pkgName+": remote call failed: ").Op("+").Id("e").Dot("status").Dot("Code").Call().Dot("String").Call().Op("+").Lit(": ").Op("+").Id("e").Dot("status").Dot("Message").Call()),
	)
	f.Line()
	f.Func().Params(jen.Id("e").Op("*").Id("remoteError")).Id("Unwrap").Params().Index().Error().Block(jen.Return(jen.Id("e").Dot("targets")))
	f.Line()
	f.Func().Params(jen.Id("e").Op("*").Id("remoteError")).Id("GRPCStatus").Params().Op("*").Qual(pathStatus, "Status").Block(jen.Return(jen.Id("e").Dot("status")))
	f.Line()

	f.Comment("fromStatus turns the error of a call into the error the API would have")
	f.Comment("returned in process. When a single error stands for the answer and the")
	f.Comment("remote message is its own text, that error itself is returned, so even")
	f.Commentf("err == %s.%s holds.", c.pkgName, firstSentinel(c))
	f.Func().Id("fromStatus").Params(jen.Err().Error()).Error().BlockFunc(func(g *jen.Group) {
		g.List(jen.Id("st"), jen.Id("ok")).Op(":=").Qual(pathStatus, "FromError").Call(jen.Err())
		g.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Err()))
		g.Var().Id("targets").Index().Error()
		g.Switch(jen.Id("st").Dot("Code").Call()).Block(
			jen.Case(codes("Canceled")).Block(jen.Id("targets").Op("=").Append(jen.Id("targets"), jen.Qual(pathContext, "Canceled"))),
			jen.Case(codes("DeadlineExceeded")).Block(jen.Id("targets").Op("=").Append(jen.Id("targets"), jen.Qual(pathContext, "DeadlineExceeded"))),
		)
		var cases []jen.Code
		if c.validation != nil {
			cases = append(cases, jen.Case(jen.Op("*").Qual(pathErrdetails, "BadRequest")).Block(
				jen.If(jen.Id("st").Dot("Code").Call().Op("==").Add(codes("InvalidArgument")).Op("&&").Len(jen.Id("d").Dot("GetFieldViolations").Call()).Op(">").Lit(0)).Block(
					jen.Id("v").Op(":=").Id("d").Dot("GetFieldViolations").Call().Index(jen.Lit(0)),
					jen.Id("targets").Op("=").Append(jen.Id("targets"), jen.Op("&").Qual(c.validation.pkgPath, c.validation.name).Values(jen.Dict{
						jen.Id("Field"):   jen.Id("v").Dot("GetField").Call(),
						jen.Id("Problem"): jen.Id("v").Dot("GetDescription").Call(),
					})),
				),
			))
		}
		cases = append(cases, jen.Case(jen.Op("*").Qual(pathErrdetails, "ErrorInfo")).Block(
			jen.For(jen.List(jen.Id("_"), jen.Id("s")).Op(":=").Range().Id("sentinels")).Block(
				jen.If(jen.Id("d").Dot("GetDomain").Call().Op("==").Id("errorDomain").Op("&&").Id("d").Dot("GetReason").Call().Op("==").Id("s").Dot("reason").Op("&&").Op("!").Qual("slices", "Contains").Call(jen.Id("targets"), jen.Id("s").Dot("err"))).Block(
					jen.Id("targets").Op("=").Append(jen.Id("targets"), jen.Id("s").Dot("err")),
				),
			),
		))
		g.For(jen.List(jen.Id("_"), jen.Id("detail")).Op(":=").Range().Id("st").Dot("Details").Call()).Block(
			jen.Switch(jen.Id("d").Op(":=").Id("detail").Assert(jen.Type())).Block(cases...),
		)
		g.Comment("Keep the most specific errors: drop one that another already matches.")
		g.Var().Id("kept").Index().Error()
		g.For(jen.List(jen.Id("i"), jen.Id("t")).Op(":=").Range().Id("targets")).Block(
			jen.Id("implied").Op(":=").False(),
			jen.For(jen.List(jen.Id("j"), jen.Id("o")).Op(":=").Range().Id("targets")).Block(
				jen.If(jen.Id("i").Op("!=").Id("j").Op("&&").Qual(pathErrors, "Is").Call(jen.Id("o"), jen.Id("t")).Op("&&").Op("!").Qual(pathErrors, "Is").Call(jen.Id("t"), jen.Id("o"))).Block(
					jen.Id("implied").Op("=").True(),
					jen.Break(),
				),
			),
			jen.If(jen.Op("!").Id("implied")).Block(jen.Id("kept").Op("=").Append(jen.Id("kept"), jen.Id("t"))),
		)
		g.If(jen.Len(jen.Id("kept")).Op("==").Lit(1).Op("&&").Id("kept").Index(jen.Lit(0)).Dot("Error").Call().Op("==").Id("st").Dot("Message").Call()).Block(
			jen.Return(jen.Id("kept").Index(jen.Lit(0))),
		)
		g.Return(jen.Op("&").Id("remoteError").Values(jen.Dict{jen.Id("status"): jen.Id("st"), jen.Id("targets"): jen.Id("kept")}))
	})
	f.Line()

	if needs["badResponse"] {
		f.Line()
		f.Comment("badResponse reports a response whose fields do not fit the API's Go types.")
		f.Func().Id("badResponse").Params(jen.Id("method").String(), jen.Err().Error()).Error().Block(
			jen.Return(jen.Qual(pathFmt, "Errorf").Call(jen.Lit(c.pkgName+": bad response from the remote %s: %w"), jen.Id("method"), jen.Err())),
		)
	}
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
	f.Commentf("NewServer serves api over gRPC. Errors keep their identity on the client")
	f.Commentf("(see toStatus); unexpected errors are logged with slog's default logger.")
	f.Func().Id("NewServer").Params(jen.Id("api").Qual(c.pkgPath, "API")).Qual(pbPath, svc+"Server").Block(
		jen.Return(jen.Op("&").Id("apiServer").Values(jen.Dict{jen.Id("api"): jen.Id("api")})),
	)
	f.Line()
	f.Commentf("Register registers the %s service, served by api, on s.", c.protoPkg+"."+svc)
	f.Func().Id("Register").Params(jen.Id("s").Op("*").Qual(pathGRPC, "Server"), jen.Id("api").Qual(c.pkgPath, "API")).Block(
		jen.Qual(pbPath, "Register"+svc+"Server").Call(jen.Id("s"), jen.Id("NewServer").Call(jen.Id("api"))),
	)
	f.Line()
	if c.project.requestID {
		f.Comment("requestIDHeader is the metadata key carrying the request id.")
		f.Const().Id("requestIDHeader").Op("=").Lit("x-request-id")
		f.Line()
		f.Comment("incoming puts the request id the client sent, if any, back into ctx.")
		f.Func().Id("incoming").Params(jen.Id("ctx").Qual(pathContext, "Context")).Qual(pathContext, "Context").Block(
			jen.If(jen.Id("ids").Op(":=").Qual(pathMetadata, "ValueFromIncomingContext").Call(jen.Id("ctx"), jen.Id("requestIDHeader")),
				jen.Len(jen.Id("ids")).Op(">").Lit(0).Op("&&").Id("ids").Index(jen.Lit(0)).Op("!=").Lit("").Op("&&").Len(jen.Id("ids").Index(jen.Lit(0))).Op("<=").Lit(128)).Block(
				jen.Return(jen.Qual(c.serverPkg(), "WithRequestID").Call(jen.Id("ctx"), jen.Id("ids").Index(jen.Lit(0)))),
			),
			jen.Return(jen.Id("ctx")),
		)
		f.Line()
	}
	for _, m := range c.methods {
		req, resp := m.name+"Request", m.name+"Response"
		var body []jen.Code
		if c.project.requestID {
			body = append(body, jen.Id("ctx").Op("=").Id("incoming").Call(jen.Id("ctx")))
		}
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
					jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("invalidRequest").Call(jen.Id("inField").Call(jen.Lit(p.protoName), jen.Err())))),
				)
				cv.uses["inField"] = true
				cv.uses["invalidRequest"] = true
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
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Id("toStatus").Call(jen.Id("ctx"), jen.Lit(c.service+"."+m.name), jen.Err()))),
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
	f.Comment("Timeouts of the remote client.")
	f.Const().Defs(
		jen.Comment("DialTimeout bounds how long Dial waits for the connection to be ready."),
		jen.Id("DialTimeout").Op("=").Lit(5).Op("*").Qual(pathTime, "Second"),
		jen.Comment("CallTimeout is the deadline of a call whose context has none."),
		jen.Id("CallTimeout").Op("=").Lit(10).Op("*").Qual(pathTime, "Second"),
	)
	f.Line()
	f.Commentf("apiClient implements %s.API by calling the remote %s.", c.pkgName, c.service)
	f.Type().Id("apiClient").Struct(jen.Id("pb").Qual(pb.path, svc+"Client"))
	f.Line()
	f.Commentf("NewClient returns the %s API served at the other end of conn. Errors keep", c.pkgName)
	f.Commentf("their identity: errors.Is(err, %s.ErrNotFound) holds as it does in process.", c.pkgName)
	f.Func().Id("NewClient").Params(jen.Id("conn").Qual(pathGRPC, "ClientConnInterface")).Qual(c.pkgPath, "API").Block(
		jen.Return(jen.Op("&").Id("apiClient").Values(jen.Dict{jen.Id("pb"): jen.Qual(pb.path, "New"+svc+"Client").Call(jen.Id("conn"))})),
	)
	f.Line()

	f.Commentf("Dial connects to the %s service at addr (host:port) without TLS, and", c.pkgName)
	f.Comment("waits at most DialTimeout for the connection to be ready. Every call made")
	f.Comment("through the connection gets CallTimeout as its deadline when its context")
	if c.project.requestID {
		f.Comment("has none, and carries the request id of its context. Close the connection")
	} else {
		f.Comment("has none. Close the connection")
	}
	f.Comment("when done.")
	f.Func().Id("Dial").Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("addr").String()).Params(jen.Op("*").Qual(pathGRPC, "ClientConn"), jen.Error()).Block(
		jen.List(jen.Id("conn"), jen.Err()).Op(":=").Qual(pathGRPC, "NewClient").Call(
			jen.Id("addr"),
			jen.Qual(pathGRPC, "WithTransportCredentials").Call(jen.Qual(pathInsecure, "NewCredentials").Call()),
			jen.Qual(pathGRPC, "WithKeepaliveParams").Call(jen.Qual(pathKeepalive, "ClientParameters").Values(jen.Dict{
				jen.Id("Time"):    jen.Lit(30).Op("*").Qual(pathTime, "Second"),
				jen.Id("Timeout"): jen.Lit(10).Op("*").Qual(pathTime, "Second"),
			})),
			jen.Qual(pathGRPC, "WithChainUnaryInterceptor").Call(jen.Id("UnaryClientInterceptor").Call()),
		),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual(pathFmt, "Errorf").Call(jen.Lit(c.adapterName()+": dial %s: %w"), jen.Id("addr"), jen.Err())),
		),
		jen.List(jen.Id("waitCtx"), jen.Id("cancel")).Op(":=").Qual(pathContext, "WithTimeout").Call(jen.Id("ctx"), jen.Id("DialTimeout")),
		jen.Defer().Id("cancel").Call(),
		jen.Id("conn").Dot("Connect").Call(),
		jen.For(
			jen.Id("state").Op(":=").Id("conn").Dot("GetState").Call(),
			jen.Id("state").Op("!=").Qual(pathConnect, "Ready"),
			jen.Id("state").Op("=").Id("conn").Dot("GetState").Call(),
		).Block(
			jen.If(jen.Op("!").Id("conn").Dot("WaitForStateChange").Call(jen.Id("waitCtx"), jen.Id("state"))).Block(
				jen.Id("conn").Dot("Close").Call(),
				jen.If(jen.Id("ctx").Dot("Err").Call().Op("!=").Nil()).Block(
					jen.Return(jen.Nil(), jen.Qual(pathFmt, "Errorf").Call(jen.Lit(c.adapterName()+": dial %s: %w"), jen.Id("addr"), jen.Id("ctx").Dot("Err").Call())),
				),
				jen.Return(jen.Nil(), jen.Qual(pathFmt, "Errorf").Call(
					jen.Lit(c.adapterName()+": %s is not ready after %s (connection %s): is the "+c.pkgName+" service running there? start it with `go run ./cmd/"+c.pkgName+"`"),
					jen.Id("addr"), jen.Id("DialTimeout"), jen.Qual(pathStrings, "ToLower").Call(jen.Id("state").Dot("String").Call()))),
			),
		),
		jen.Return(jen.Id("conn"), jen.Nil()),
	)
	f.Line()

	f.Comment("UnaryClientInterceptor gives a call whose context has no deadline one of")
	if c.project.requestID {
		f.Comment("CallTimeout, and sends the request id of the context (server.RequestID) as")
		f.Comment("x-request-id metadata. Dial installs it; add it to connections you make")
	} else {
		f.Comment("CallTimeout. Dial installs it; add it to connections you make")
	}
	f.Comment("yourself.")
	f.Func().Id("UnaryClientInterceptor").Params().Qual(pathGRPC, "UnaryClientInterceptor").Block(
		jen.Return(jen.Func().Params(
			jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("method").String(), jen.List(jen.Id("req"), jen.Id("reply")).Any(),
			jen.Id("cc").Op("*").Qual(pathGRPC, "ClientConn"), jen.Id("invoker").Qual(pathGRPC, "UnaryInvoker"), jen.Id("opts").Op("...").Qual(pathGRPC, "CallOption"),
		).Error().BlockFunc(func(g *jen.Group) {
			g.If(jen.List(jen.Id("_"), jen.Id("ok")).Op(":=").Id("ctx").Dot("Deadline").Call(), jen.Op("!").Id("ok")).Block(
				jen.Var().Id("cancel").Qual(pathContext, "CancelFunc"),
				jen.List(jen.Id("ctx"), jen.Id("cancel")).Op("=").Qual(pathContext, "WithTimeout").Call(jen.Id("ctx"), jen.Id("CallTimeout")),
				jen.Defer().Id("cancel").Call(),
			)
			if c.project.requestID {
				g.If(jen.Id("id").Op(":=").Qual(c.serverPkg(), "RequestID").Call(jen.Id("ctx")), jen.Id("id").Op("!=").Lit("")).Block(
					jen.Id("ctx").Op("=").Qual(pathMetadata, "AppendToOutgoingContext").Call(jen.Id("ctx"), jen.Id("requestIDHeader"), jen.Id("id")),
				)
			}
			g.Return(jen.Id("invoker").Call(jen.Id("ctx"), jen.Id("method"), jen.Id("req"), jen.Id("reply"), jen.Id("cc"), jen.Id("opts").Op("...")))
		})),
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
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(append(returns, jen.Id("fromStatus").Call(jen.Err()))...)),
		}
		for i, r := range m.results {
			getter := jen.Id("resp").Dot("Get" + pb.field(resp, r.protoName)).Call()
			body = append(body, cv.assignFromPB(r.typ, jen.Id(fmt.Sprintf("r%d", i)), getter,
				jen.Return(append(returns, jen.Id("badResponse").Call(jen.Lit(m.name), jen.Id("inField").Call(jen.Lit(r.protoName), jen.Err())))...)))
			if cv.fallible(r.typ) {
				cv.uses["inField"] = true
				cv.uses["badResponse"] = true
			}
		}
		body = append(body, jen.Return(append(returns, jen.Nil())...))
		f.Func().Params(jen.Id("c").Op("*").Id("apiClient")).Id(m.name).Params(params...).Params(results...).Block(body...)
		f.Line()
	}
	return f
}
