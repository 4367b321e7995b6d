package extract

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

const pathReflectionPB = "google.golang.org/grpc/reflection/grpc_reflection_v1"

// cmdMain writes cmd/<m>/main.go: the module as a standalone gRPC server.
func cmdMain(c *contract) *jen.File {
	f := jen.NewFilePathName(c.cfg.ModulePath+"/cmd/"+c.pkgName, "main")
	f.HeaderComment(generatedHeader[3:])
	f.ImportNames(packageNames)
	c.importNames(f)
	db := c.cfg.ModulePath + "/pkg/database"
	bus := c.cfg.ModulePath + "/pkg/eventbus"
	pbPath := c.pkgPath + "/" + c.pkgName + "pb"
	mod := func(name string) *jen.Statement { return jen.Qual(c.pkgPath, name) }
	fullService := c.protoPkg + "." + c.service

	f.PackageComment(fmt.Sprintf("Command %s runs the %s module as its own gRPC service, with its own", c.pkgName, c.pkgName))
	f.PackageComment("database. Configuration comes from the environment:")
	f.PackageComment("")
	f.PackageComment(fmt.Sprintf("\tADDR          listen address (default :%d)", c.cfg.Port))
	f.PackageComment(fmt.Sprintf("\tDATABASE_URL  database (default sqlite:data/%s.db)", c.pkgName))
	f.PackageComment("\tLOG_LEVEL     debug, info, warn or error (default info)")
	f.PackageComment("")
	f.PackageComment(fmt.Sprintf("It serves %s, the grpc.health.v1 health service and server", fullService))
	f.PackageComment("reflection, logs JSON to stdout, and on SIGINT or SIGTERM stops accepting")
	f.PackageComment("calls and waits at most shutdownTimeout for the running ones.")
	if len(c.module.unwired) > 0 {
		f.PackageComment("")
		f.PackageComment(fmt.Sprintf("%s.Deps fields %s are other modules, which this process does", c.pkgName, strings.Join(c.module.unwired, ", ")))
		f.PackageComment("not run: they are left nil, a warning is logged at startup, and a call that")
		f.PackageComment("needs one fails with codes.Internal (the panic is recovered and logged).")
		f.PackageComment("To run it with them, write a command of your own from this one: modgen")
		f.PackageComment("rewrites this file.")
	}

	f.Comment("shutdownTimeout bounds how long a stop waits for running calls.")
	f.Const().Id("shutdownTimeout").Op("=").Lit(15).Op("*").Qual(pathTime, "Second")
	f.Line()

	f.Func().Id("main").Params().Block(
		jen.List(jen.Id("ctx"), jen.Id("stop")).Op(":=").Qual(pathSignal, "NotifyContext").Call(jen.Qual(pathContext, "Background").Call(), jen.Qual(pathOS, "Interrupt"), jen.Qual(pathSyscall, "SIGTERM")),
		jen.Defer().Id("stop").Call(),
		jen.If(jen.Err().Op(":=").Id("run").Call(jen.Id("ctx"), jen.Qual(pathOS, "Getenv"), jen.Qual(pathOS, "Stdout")), jen.Err().Op("!=").Nil()).Block(
			jen.Qual(pathFmt, "Fprintln").Call(jen.Qual(pathOS, "Stderr"), jen.Lit(c.pkgName+":"), jen.Err()),
			jen.Qual(pathOS, "Exit").Call(jen.Lit(1)),
		),
	)
	f.Line()

	f.Comment("run listens on ADDR and serves until ctx is done.")
	f.Func().Id("run").Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("getenv").Func().Params(jen.String()).String(), jen.Id("stdout").Qual(pathIO, "Writer")).Error().Block(
		jen.Id("addr").Op(":=").Id("getenv").Call(jen.Lit("ADDR")),
		jen.If(jen.Id("addr").Op("==").Lit("")).Block(jen.Id("addr").Op("=").Lit(fmt.Sprintf(":%d", c.cfg.Port))),
		jen.List(jen.Id("ln"), jen.Err()).Op(":=").Qual(pathNet, "Listen").Call(jen.Lit("tcp"), jen.Id("addr")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(jen.Id("serve").Call(jen.Id("ctx"), jen.Id("ln"), jen.Id("getenv"), jen.Id("stdout"))),
	)
	f.Line()

	deps := jen.Dict{jen.Id("DB"): jen.Id("db"), jen.Id("Bus"): jen.Qual(bus, "New").Call()}
	if c.module.hasLog {
		deps[jen.Id("Log")] = jen.Id("log")
	}
	f.Comment("serve runs the service on ln until ctx is done, then stops gracefully.")
	f.Comment("It closes ln.")
	f.Func().Id("serve").Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("ln").Qual(pathNet, "Listener"), jen.Id("getenv").Func().Params(jen.String()).String(), jen.Id("stdout").Qual(pathIO, "Writer")).Error().BlockFunc(func(g *jen.Group) {
		g.Defer().Id("ln").Dot("Close").Call()
		g.Var().Id("level").Qual(pathSlog, "Level")
		g.If(jen.Id("lvl").Op(":=").Id("getenv").Call(jen.Lit("LOG_LEVEL")), jen.Id("lvl").Op("!=").Lit("")).Block(
			jen.If(jen.Err().Op(":=").Id("level").Dot("UnmarshalText").Call(jen.Index().Byte().Call(jen.Id("lvl"))), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual(pathFmt, "Errorf").Call(jen.Lit("LOG_LEVEL: %w"), jen.Err())),
			),
		)
		g.Id("log").Op(":=").Qual(pathSlog, "New").Call(jen.Qual(pathSlog, "NewJSONHandler").Call(jen.Id("stdout"), jen.Op("&").Qual(pathSlog, "HandlerOptions").Values(jen.Dict{jen.Id("Level"): jen.Id("level")}))).Dot("With").Call(jen.Lit("module"), jen.Lit(c.pkgName))
		g.Qual(pathSlog, "SetDefault").Call(jen.Id("log"))
		g.Line()
		g.Id("dbURL").Op(":=").Id("getenv").Call(jen.Lit("DATABASE_URL"))
		g.If(jen.Id("dbURL").Op("==").Lit("")).Block(jen.Id("dbURL").Op("=").Lit("sqlite:data/" + c.pkgName + ".db"))
		g.List(jen.Id("db"), jen.Err()).Op(":=").Qual(db, "Open").Call(jen.Id("ctx"), jen.Id("dbURL"))
		g.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
		g.Defer().Id("db").Dot("Close").Call()
		g.If(jen.Err().Op(":=").Qual(db, "Migrate").Call(jen.Id("ctx"), jen.Id("db"), mod("Migrations")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
		if len(c.module.unwired) > 0 {
			g.Id("log").Dot("Warn").Call(jen.Lit("other modules are not wired in this process; calls that need them fail"), jen.Lit("deps"), jen.Lit(strings.Join(c.module.unwired, ",")))
		}
		g.Id("m").Op(":=").Add(mod("New")).Call(mod("Deps").Values(deps))
		g.Line()
		g.Id("srv").Op(":=").Qual(pathGRPC, "NewServer").Call(
			jen.Qual(pathGRPC, "KeepaliveEnforcementPolicy").Call(jen.Qual(pathKeepalive, "EnforcementPolicy").Values(jen.Dict{
				jen.Id("MinTime"):             jen.Lit(15).Op("*").Qual(pathTime, "Second"),
				jen.Id("PermitWithoutStream"): jen.True(),
			})),
			jen.Qual(pathGRPC, "ChainUnaryInterceptor").Call(jen.Id("logCalls").Call(jen.Id("log")), jen.Id("recoverPanics").Call(jen.Id("log"))),
		)
		g.Qual(c.adapterPath(), "Register").Call(jen.Id("srv"), jen.Id("m").Dot("API").Call())
		g.Id("healthSrv").Op(":=").Qual(pathHealth, "NewServer").Call()
		g.Id("healthSrv").Dot("SetServingStatus").Call(jen.Lit(""), jen.Qual(pathHealthPB, "HealthCheckResponse_SERVING"))
		g.Id("healthSrv").Dot("SetServingStatus").Call(jen.Qual(pbPath, c.service+"_ServiceDesc").Dot("ServiceName"), jen.Qual(pathHealthPB, "HealthCheckResponse_SERVING"))
		g.Qual(pathHealthPB, "RegisterHealthServer").Call(jen.Id("srv"), jen.Id("healthSrv"))
		g.Qual(pathReflection, "Register").Call(jen.Id("srv"))
		g.Line()
		g.Id("errc").Op(":=").Make(jen.Chan().Error(), jen.Lit(1))
		g.Go().Func().Params().Block(jen.Id("errc").Op("<-").Id("srv").Dot("Serve").Call(jen.Id("ln"))).Call()
		g.Id("log").Dot("Info").Call(jen.Lit("grpc server listening"), jen.Lit("addr"), jen.Id("ln").Dot("Addr").Call().Dot("String").Call(), jen.Lit("service"), jen.Lit(fullService))
		g.Select().Block(
			jen.Case(jen.Err().Op(":=").Op("<-").Id("errc")).Block(jen.Return(jen.Err())),
			jen.Case(jen.Op("<-").Id("ctx").Dot("Done").Call()).Block(),
		)
		g.Id("log").Dot("Info").Call(jen.Lit("shutting down: draining running calls"))
		g.Id("healthSrv").Dot("Shutdown").Call()
		g.Id("stopped").Op(":=").Make(jen.Chan().Struct())
		g.Go().Func().Params().Block(
			jen.Id("srv").Dot("GracefulStop").Call(),
			jen.Close(jen.Id("stopped")),
		).Call()
		g.Select().Block(
			jen.Case(jen.Op("<-").Id("stopped")).Block(),
			jen.Case(jen.Op("<-").Qual(pathTime, "After").Call(jen.Id("shutdownTimeout"))).Block(
				jen.Id("log").Dot("Warn").Call(jen.Lit("calls still running after the shutdown timeout; canceling them"), jen.Lit("timeout"), jen.Id("shutdownTimeout")),
				jen.Id("srv").Dot("Stop").Call(),
				jen.Op("<-").Id("stopped"),
			),
		)
		g.Id("log").Dot("Info").Call(jen.Lit("grpc server stopped"))
		g.Return(jen.Nil())
	})
	f.Line()

	f.Comment("logCalls logs every call: method, status code, duration and request id.")
	f.Func().Id("logCalls").Params(jen.Id("log").Op("*").Qual(pathSlog, "Logger")).Qual(pathGRPC, "UnaryServerInterceptor").Block(
		jen.Return(jen.Func().Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("req").Any(), jen.Id("info").Op("*").Qual(pathGRPC, "UnaryServerInfo"), jen.Id("handler").Qual(pathGRPC, "UnaryHandler")).Params(jen.Any(), jen.Error()).Block(
			jen.Id("start").Op(":=").Qual(pathTime, "Now").Call(),
			jen.List(jen.Id("resp"), jen.Err()).Op(":=").Id("handler").Call(jen.Id("ctx"), jen.Id("req")),
			jen.Var().Id("requestID").String(),
			jen.If(jen.Id("ids").Op(":=").Qual(pathMetadata, "ValueFromIncomingContext").Call(jen.Id("ctx"), jen.Lit("x-request-id")), jen.Len(jen.Id("ids")).Op(">").Lit(0)).Block(
				jen.Id("requestID").Op("=").Id("ids").Index(jen.Lit(0)),
			),
			jen.Id("log").Dot("LogAttrs").Call(jen.Id("ctx"), jen.Qual(pathSlog, "LevelInfo"), jen.Lit("call"),
				jen.Qual(pathSlog, "String").Call(jen.Lit("method"), jen.Id("info").Dot("FullMethod")),
				jen.Qual(pathSlog, "String").Call(jen.Lit("code"), jen.Qual(pathStatus, "Code").Call(jen.Err()).Dot("String").Call()),
				jen.Qual(pathSlog, "Duration").Call(jen.Lit("duration"), jen.Qual(pathTime, "Since").Call(jen.Id("start"))),
				jen.Qual(pathSlog, "String").Call(jen.Lit("request_id"), jen.Id("requestID")),
			),
			jen.Return(jen.Id("resp"), jen.Err()),
		)),
	)
	f.Line()

	f.Comment("recoverPanics answers a call whose handler panicked with codes.Internal")
	f.Comment("and logs the panic, instead of letting it crash the server.")
	f.Func().Id("recoverPanics").Params(jen.Id("log").Op("*").Qual(pathSlog, "Logger")).Qual(pathGRPC, "UnaryServerInterceptor").Block(
		jen.Return(jen.Func().Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("req").Any(), jen.Id("info").Op("*").Qual(pathGRPC, "UnaryServerInfo"), jen.Id("handler").Qual(pathGRPC, "UnaryHandler")).Params(jen.Id("resp").Any(), jen.Err().Error()).Block(
			jen.Defer().Func().Params().Block(
				jen.If(jen.Id("v").Op(":=").Recover(), jen.Id("v").Op("!=").Nil()).Block(
					jen.Id("log").Dot("ErrorContext").Call(jen.Id("ctx"), jen.Lit("panic serving call"), jen.Lit("method"), jen.Id("info").Dot("FullMethod"), jen.Lit("panic"), jen.Id("v")),
					jen.List(jen.Id("resp"), jen.Err()).Op("=").List(jen.Nil(), jen.Qual(pathStatus, "Error").Call(jen.Qual(pathCodes, "Internal"), jen.Lit("internal error"))),
				),
			).Call(),
			jen.Return(jen.Id("handler").Call(jen.Id("ctx"), jen.Id("req"))),
		)),
	)
	return f
}

// cmdMainTest writes cmd/<m>/main_test.go: serve on 127.0.0.1, check the
// health and reflection services and a call, then stop it.
func cmdMainTest(c *contract) *jen.File {
	f := jen.NewFilePathName(c.cfg.ModulePath+"/cmd/"+c.pkgName, "main")
	f.HeaderComment(generatedHeader[3:])
	f.ImportNames(packageNames)
	f.ImportName(pathReflectionPB, "grpc_reflection_v1")
	c.importNames(f)
	fullService := c.protoPkg + "." + c.service
	t := func() *jen.Statement { return jen.Id("t") }

	f.Comment("syncBuffer collects the server's log output from its goroutines.")
	f.Type().Id("syncBuffer").Struct(jen.Id("mu").Qual(pathSync, "Mutex"), jen.Id("b").Qual(pathStrings, "Builder"))
	f.Line()
	f.Func().Params(jen.Id("s").Op("*").Id("syncBuffer")).Id("Write").Params(jen.Id("p").Index().Byte()).Params(jen.Int(), jen.Error()).Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Return(jen.Id("s").Dot("b").Dot("Write").Call(jen.Id("p"))),
	)
	f.Line()
	f.Func().Params(jen.Id("s").Op("*").Id("syncBuffer")).Id("String").Params().String().Block(
		jen.Id("s").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("s").Dot("mu").Dot("Unlock").Call(),
		jen.Return(jen.Id("s").Dot("b").Dot("String").Call()),
	)
	f.Line()

	f.Commentf("TestServe runs the %s service on 127.0.0.1, checks it answers the health", c.pkgName)
	f.Comment("check and lists its service through reflection, calls it, and stops it.")
	f.Func().Id("TestServe").Params(jen.Id("t").Op("*").Qual(pathTesting, "T")).BlockFunc(func(g *jen.Group) {
		g.List(jen.Id("ln"), jen.Err()).Op(":=").Qual(pathNet, "Listen").Call(jen.Lit("tcp"), jen.Lit("127.0.0.1:0"))
		g.If(jen.Err().Op("!=").Nil()).Block(t().Dot("Fatal").Call(jen.Err()))
		g.Id("env").Op(":=").Map(jen.String()).String().Values(jen.Dict{
			jen.Lit("DATABASE_URL"): jen.Lit("sqlite:").Op("+").Qual(pathFilepath, "Join").Call(t().Dot("TempDir").Call(), jen.Lit(c.pkgName+".db")),
		})
		g.List(jen.Id("ctx"), jen.Id("stop")).Op(":=").Qual(pathContext, "WithCancel").Call(jen.Qual(pathContext, "Background").Call())
		g.Defer().Id("stop").Call()
		g.Id("logs").Op(":=").Op("&").Id("syncBuffer").Values()
		g.Id("done").Op(":=").Make(jen.Chan().Error(), jen.Lit(1))
		g.Go().Func().Params().Block(
			jen.Id("done").Op("<-").Id("serve").Call(jen.Id("ctx"), jen.Id("ln"), jen.Func().Params(jen.Id("k").String()).String().Block(jen.Return(jen.Id("env").Index(jen.Id("k")))), jen.Id("logs")),
		).Call()

		g.List(jen.Id("conn"), jen.Err()).Op(":=").Qual(c.adapterPath(), "Dial").Call(jen.Id("ctx"), jen.Id("ln").Dot("Addr").Call().Dot("String").Call())
		g.If(jen.Err().Op("!=").Nil()).Block(t().Dot("Fatal").Call(jen.Err()))
		g.Defer().Id("conn").Dot("Close").Call()

		g.List(jen.Id("health"), jen.Err()).Op(":=").Qual(pathHealthPB, "NewHealthClient").Call(jen.Id("conn")).Dot("Check").Call(jen.Id("ctx"),
			jen.Op("&").Qual(pathHealthPB, "HealthCheckRequest").Values(jen.Dict{jen.Id("Service"): jen.Lit(fullService)}))
		g.If(jen.Err().Op("!=").Nil().Op("||").Id("health").Dot("GetStatus").Call().Op("!=").Qual(pathHealthPB, "HealthCheckResponse_SERVING")).Block(
			t().Dot("Errorf").Call(jen.Lit("health check of "+fullService+" = %v, %v; want SERVING"), jen.Id("health").Dot("GetStatus").Call(), jen.Err()),
		)

		g.List(jen.Id("stream"), jen.Err()).Op(":=").Qual(pathReflectionPB, "NewServerReflectionClient").Call(jen.Id("conn")).Dot("ServerReflectionInfo").Call(jen.Id("ctx"))
		g.If(jen.Err().Op("!=").Nil()).Block(t().Dot("Fatal").Call(jen.Err()))
		g.If(jen.Err().Op(":=").Id("stream").Dot("Send").Call(jen.Op("&").Qual(pathReflectionPB, "ServerReflectionRequest").Values(jen.Dict{
			jen.Id("MessageRequest"): jen.Op("&").Qual(pathReflectionPB, "ServerReflectionRequest_ListServices").Values(),
		})), jen.Err().Op("!=").Nil()).Block(t().Dot("Fatal").Call(jen.Err()))
		g.List(jen.Id("listed"), jen.Err()).Op(":=").Id("stream").Dot("Recv").Call()
		g.If(jen.Err().Op("!=").Nil()).Block(t().Dot("Fatal").Call(jen.Err()))
		g.Id("stream").Dot("CloseSend").Call()
		g.Var().Id("services").Index().String()
		g.For(jen.List(jen.Id("_"), jen.Id("s")).Op(":=").Range().Id("listed").Dot("GetListServicesResponse").Call().Dot("GetService").Call()).Block(
			jen.Id("services").Op("=").Append(jen.Id("services"), jen.Id("s").Dot("GetName").Call()),
		)
		g.If(jen.Op("!").Qual("slices", "Contains").Call(jen.Id("services"), jen.Lit(fullService))).Block(
			t().Dot("Errorf").Call(jen.Lit("reflection lists %v; want "+fullService+" among them"), jen.Id("services")),
		)

		if c.crud != nil && c.hasSentinel("ErrNotFound") {
			g.Id("api").Op(":=").Qual(c.adapterPath(), "NewClient").Call(jen.Id("conn"))
			g.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("api").Dot("Get").Call(jen.Id("ctx"), jen.Lit(404)), jen.Op("!").Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(c.pkgPath, "ErrNotFound"))).Block(
				t().Dot("Errorf").Call(jen.Lit("Get(404) = %v; want ErrNotFound"), jen.Err()),
			)
			g.List(jen.Id("created"), jen.Err()).Op(":=").Id("api").Dot("Create").Call(jen.Id("ctx"), jen.Qual(c.pkgPath, c.crud.input).Values(jen.Dict{jen.Id("Name"): jen.Lit("served")}))
			g.If(jen.Err().Op("!=").Nil()).Block(t().Dot("Fatal").Call(jen.Err()))
			g.If(jen.List(jen.Id("got"), jen.Err()).Op(":=").Id("api").Dot("Get").Call(jen.Id("ctx"), jen.Id("created").Dot("ID")), jen.Err().Op("!=").Nil().Op("||").Id("got").Dot("Name").Op("!=").Lit("served")).Block(
				t().Dot("Errorf").Call(jen.Lit("Get(%d) = %+v, %v; want the created item"), jen.Id("created").Dot("ID"), jen.Id("got"), jen.Err()),
			)
		}

		g.Id("stop").Call()
		g.Select().Block(
			jen.Case(jen.Err().Op(":=").Op("<-").Id("done")).Block(
				jen.If(jen.Err().Op("!=").Nil()).Block(t().Dot("Errorf").Call(jen.Lit("serve returned %v after the stop; want nil"), jen.Err())),
			),
			jen.Case(jen.Op("<-").Qual(pathTime, "After").Call(jen.Lit(20).Op("*").Qual(pathTime, "Second"))).Block(
				t().Dot("Fatal").Call(jen.Lit("serve did not return after the stop")),
			),
		)
		for _, want := range []string{"grpc server listening", "grpc server stopped"} {
			g.If(jen.Op("!").Qual(pathStrings, "Contains").Call(jen.Id("logs").Dot("String").Call(), jen.Lit(want))).Block(
				t().Dot("Errorf").Call(jen.Lit("the logs lack %q:\n%s"), jen.Lit(want), jen.Id("logs").Dot("String").Call()),
			)
		}
	})
	return f
}
