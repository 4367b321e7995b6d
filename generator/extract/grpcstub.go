package extract

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/modgen-dev/modgen/generator/tree"
	"google.golang.org/protobuf/compiler/protogen"
)

// Import paths of the packages the generated Go code uses.
const (
	pathContext    = "context"
	pathErrors     = "errors"
	pathFmt        = "fmt"
	pathSlog       = "log/slog"
	pathNet        = "net"
	pathOS         = "os"
	pathSignal     = "os/signal"
	pathSyscall    = "syscall"
	pathTime       = "time"
	pathIO         = "io"
	pathMath       = "math"
	pathReflect    = "reflect"
	pathStrings    = "strings"
	pathSync       = "sync"
	pathTesting    = "testing"
	pathGRPC       = "google.golang.org/grpc"
	pathCodes      = "google.golang.org/grpc/codes"
	pathStatus     = "google.golang.org/grpc/status"
	pathMetadata   = "google.golang.org/grpc/metadata"
	pathInsecure   = "google.golang.org/grpc/credentials/insecure"
	pathKeepalive  = "google.golang.org/grpc/keepalive"
	pathConnect    = "google.golang.org/grpc/connectivity"
	pathHealth     = "google.golang.org/grpc/health"
	pathHealthPB   = "google.golang.org/grpc/health/grpc_health_v1"
	pathReflection = "google.golang.org/grpc/reflection"
	pathErrdetails = "google.golang.org/genproto/googleapis/rpc/errdetails"
	pathTimestamp  = "google.golang.org/protobuf/types/known/timestamppb"
	pathDurationPB = "google.golang.org/protobuf/types/known/durationpb"
	pathProto      = "google.golang.org/protobuf/proto"
	pathProtoadapt = "google.golang.org/protobuf/protoadapt"
)

// packageNames are the names of the imported packages whose name is not
// the last element of their path, or whose path jennifer would guess wrong.
var packageNames = map[string]string{
	pathGRPC: "grpc", pathCodes: "codes", pathStatus: "status", pathMetadata: "metadata",
	pathInsecure: "insecure", pathKeepalive: "keepalive", pathConnect: "connectivity",
	pathHealth: "health", pathHealthPB: "grpc_health_v1", pathReflection: "reflection",
	pathErrdetails: "errdetails", pathTimestamp: "timestamppb", pathDurationPB: "durationpb",
	pathProto: "proto", pathProtoadapt: "protoadapt",
}

// newGoFile starts a jennifer file carrying the generated header.
func newGoFile(path, name string, extraHeader ...string) *jen.File {
	f := jen.NewFilePathName(path, name)
	f.HeaderComment(strings.TrimPrefix(tree.GeneratedHeader, "// "))
	for _, h := range extraHeader {
		f.HeaderComment(h)
	}
	f.ImportNames(packageNames)
	return f
}

// render formats a jennifer file the way goimports would (standard library
// imports in their own group), so that formatting it again changes nothing.
// A failure is a bug of this generator.
func render(f *jen.File, path string) ([]byte, error) {
	var b bytes.Buffer
	if err := f.Render(&b); err != nil {
		return nil, fmt.Errorf("rendering %s (a modgen bug; please report it): %v", path, err)
	}
	out, err := tree.FormatSource(path, b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting %s (a modgen bug; please report it): %v", path, err)
	}
	return out, nil
}

// grpcStubs writes the gRPC client and server code for the service of
// file: the *_grpc.pb.go. Unary methods only; every method of an API is
// one request and one response.
func grpcStubs(file *protogen.File, outPath string) ([]byte, error) {
	if len(file.Services) != 1 {
		return nil, fmt.Errorf("%s declares %d services; want 1", file.Desc.Path(), len(file.Services))
	}
	svc := file.Services[0]
	pb := string(file.GoImportPath)
	f := newGoFile(pb, string(file.GoPackageName), "source: "+file.Desc.Path())
	name := svc.GoName
	clientIface := name + "Client"
	clientImpl := unexported(name) + "Client"
	serverIface := name + "Server"
	unimpl := "Unimplemented" + serverIface
	unsafeIface := "Unsafe" + serverIface
	mustEmbed := "mustEmbed" + unimpl
	descName := name + "_ServiceDesc"
	fullName := func(m *protogen.Method) string { return name + "_" + m.GoName + "_FullMethodName" }
	ctx := jen.Qual(pathContext, "Context")
	msg := func(id protogen.GoIdent) *jen.Statement { return jen.Qual(string(id.GoImportPath), id.GoName) }

	f.Line()
	f.Comment("The code below needs google.golang.org/grpc v1.64.0 or newer.")
	f.Const().Id("_").Op("=").Qual(pathGRPC, "SupportPackageIsVersion9")

	f.Line()
	f.Comment("Full names of the methods of " + string(svc.Desc.FullName()) + ", as they travel on the wire.")
	f.Const().DefsFunc(func(g *jen.Group) {
		for _, m := range svc.Methods {
			g.Id(fullName(m)).Op("=").Lit("/" + string(svc.Desc.FullName()) + "/" + m.GoName)
		}
	})

	// Client.
	f.Line()
	f.Commentf("%s calls %s. It is safe for concurrent use.", clientIface, svc.Desc.FullName())
	f.Type().Id(clientIface).InterfaceFunc(func(g *jen.Group) {
		for _, m := range svc.Methods {
			comment(g, m.Comments.Leading)
			g.Id(m.GoName).Params(jen.Id("ctx").Add(ctx), jen.Id("in").Op("*").Add(msg(m.Input.GoIdent)), jen.Id("opts").Op("...").Qual(pathGRPC, "CallOption")).
				Params(jen.Op("*").Add(msg(m.Output.GoIdent)), jen.Error())
		}
	})
	f.Line()
	f.Type().Id(clientImpl).Struct(jen.Id("cc").Qual(pathGRPC, "ClientConnInterface"))
	f.Line()
	f.Commentf("New%s returns a client of %s that calls through cc.", clientIface, svc.Desc.FullName())
	f.Func().Id("New" + clientIface).Params(jen.Id("cc").Qual(pathGRPC, "ClientConnInterface")).Id(clientIface).Block(
		jen.Return(jen.Op("&").Id(clientImpl).Values(jen.Dict{jen.Id("cc"): jen.Id("cc")})),
	)
	for _, m := range svc.Methods {
		f.Line()
		f.Func().Params(jen.Id("c").Op("*").Id(clientImpl)).Id(m.GoName).
			Params(jen.Id("ctx").Add(ctx), jen.Id("in").Op("*").Add(msg(m.Input.GoIdent)), jen.Id("opts").Op("...").Qual(pathGRPC, "CallOption")).
			Params(jen.Op("*").Add(msg(m.Output.GoIdent)), jen.Error()).
			Block(jen.Return(jen.Id("invoke").Types(msg(m.Output.GoIdent)).Call(jen.Id("ctx"), jen.Id("c").Dot("cc"), jen.Id(fullName(m)), jen.Id("in"), jen.Id("opts"))))
	}
	f.Line()
	f.Comment("invoke calls method through cc and returns its response.")
	f.Func().Id("invoke").Types(jen.Id("Resp").Any()).Params(
		jen.Id("ctx").Add(ctx), jen.Id("cc").Qual(pathGRPC, "ClientConnInterface"), jen.Id("method").String(), jen.Id("in").Any(), jen.Id("opts").Index().Qual(pathGRPC, "CallOption"),
	).Params(jen.Op("*").Id("Resp"), jen.Error()).Block(
		jen.Id("out").Op(":=").New(jen.Id("Resp")),
		jen.Id("opts").Op("=").Append(jen.Index().Qual(pathGRPC, "CallOption").Values(jen.Qual(pathGRPC, "StaticMethod").Call()), jen.Id("opts").Op("...")),
		jen.If(
			jen.Err().Op(":=").Id("cc").Dot("Invoke").Call(jen.Id("ctx"), jen.Id("method"), jen.Id("in"), jen.Id("out"), jen.Id("opts").Op("...")),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("out"), jen.Nil()),
	)

	// Server.
	f.Line()
	f.Commentf("%s is the server side of %s.", serverIface, svc.Desc.FullName())
	f.Commentf("Implementations embed %s by value, so that methods", unimpl)
	f.Comment("added to the service later answer Unimplemented instead of breaking the build.")
	f.Type().Id(serverIface).InterfaceFunc(func(g *jen.Group) {
		for _, m := range svc.Methods {
			comment(g, m.Comments.Leading)
			g.Id(m.GoName).Params(ctx, jen.Op("*").Add(msg(m.Input.GoIdent))).Params(jen.Op("*").Add(msg(m.Output.GoIdent)), jen.Error())
		}
		g.Id(mustEmbed).Params()
	})
	f.Line()
	f.Commentf("%s answers every method with codes.Unimplemented.", unimpl)
	f.Comment("Embed it by value: a nil pointer embedded instead would panic when a method is called.")
	f.Type().Id(unimpl).Struct()
	for _, m := range svc.Methods {
		f.Line()
		f.Func().Params(jen.Id(unimpl)).Id(m.GoName).Params(ctx, jen.Op("*").Add(msg(m.Input.GoIdent))).Params(jen.Op("*").Add(msg(m.Output.GoIdent)), jen.Error()).Block(
			jen.Return(jen.Nil(), jen.Qual(pathStatus, "Error").Call(jen.Qual(pathCodes, "Unimplemented"), jen.Lit(string(svc.Desc.FullName())+"."+m.GoName+" is not implemented by this server"))),
		)
	}
	f.Line()
	f.Func().Params(jen.Id(unimpl)).Id(mustEmbed).Params().Block()
	f.Line()
	f.Func().Params(jen.Id(unimpl)).Id("testEmbeddedByValue").Params().Block()

	f.Line()
	f.Commentf("%s opts out of forward compatibility: an implementation", unsafeIface)
	f.Commentf("that embeds it instead of %s stops compiling when a method is added.", unimpl)
	f.Type().Id(unsafeIface).Interface(jen.Id(mustEmbed).Params())

	f.Line()
	f.Commentf("Register%s registers srv on s. It panics if srv embeds a nil", serverIface)
	f.Commentf("*%s, which would panic later, on the first call of a missing method.", unimpl)
	f.Func().Id("Register"+serverIface).Params(jen.Id("s").Qual(pathGRPC, "ServiceRegistrar"), jen.Id("srv").Id(serverIface)).Block(
		jen.If(
			jen.List(jen.Id("t"), jen.Id("ok")).Op(":=").Id("srv").Assert(jen.Interface(jen.Id("testEmbeddedByValue").Params())),
			jen.Id("ok"),
		).Block(jen.Id("t").Dot("testEmbeddedByValue").Call()),
		jen.Id("s").Dot("RegisterService").Call(jen.Op("&").Id(descName), jen.Id("srv")),
	)

	call := func(req jen.Code) *jen.Statement {
		return jen.Id("call").Call(jen.Id("srv").Assert(jen.Id(serverIface)), jen.Id("ctx"), req)
	}
	f.Line()
	f.Commentf("unaryHandler serves method with call, a method of %s, through the", serverIface)
	f.Comment("server's interceptors.")
	f.Func().Id("unaryHandler").Types(jen.List(jen.Id("Req"), jen.Id("Resp")).Any()).Params(
		jen.Id("method").String(),
		jen.Id("call").Func().Params(jen.Id(serverIface), ctx, jen.Op("*").Id("Req")).Params(jen.Op("*").Id("Resp"), jen.Error()),
	).Qual(pathGRPC, "MethodHandler").Block(
		jen.Return(jen.Func().Params(
			jen.Id("srv").Any(),
			jen.Id("ctx").Add(ctx),
			jen.Id("decode").Func().Params(jen.Any()).Error(),
			jen.Id("interceptor").Qual(pathGRPC, "UnaryServerInterceptor"),
		).Params(jen.Any(), jen.Error()).Block(
			jen.Id("req").Op(":=").New(jen.Id("Req")),
			jen.If(jen.Err().Op(":=").Id("decode").Call(jen.Id("req")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.If(jen.Id("interceptor").Op("==").Nil()).Block(jen.Return(call(jen.Id("req")))),
			jen.Id("info").Op(":=").Op("&").Qual(pathGRPC, "UnaryServerInfo").Values(jen.Dict{
				jen.Id("Server"):     jen.Id("srv"),
				jen.Id("FullMethod"): jen.Id("method"),
			}),
			jen.Id("next").Op(":=").Func().Params(jen.Id("ctx").Add(ctx), jen.Id("req").Any()).Params(jen.Any(), jen.Error()).Block(
				jen.Return(call(jen.Id("req").Assert(jen.Op("*").Id("Req")))),
			),
			jen.Return(jen.Id("interceptor").Call(jen.Id("ctx"), jen.Id("req"), jen.Id("info"), jen.Id("next"))),
		)),
	)

	f.Line()
	f.Commentf("%s describes %s to grpc.Server.RegisterService.", descName, svc.Desc.FullName())
	f.Var().Id(descName).Op("=").Qual(pathGRPC, "ServiceDesc").Values(jen.Dict{
		jen.Id("ServiceName"): jen.Lit(string(svc.Desc.FullName())),
		jen.Id("HandlerType"): jen.Parens(jen.Op("*").Id(serverIface)).Parens(jen.Nil()),
		jen.Id("Methods"): jen.Index().Qual(pathGRPC, "MethodDesc").ValuesFunc(func(g *jen.Group) {
			for _, m := range svc.Methods {
				g.Values(jen.Dict{jen.Id("MethodName"): jen.Lit(m.GoName), jen.Id("Handler"): jen.Id("unaryHandler").Call(jen.Id(fullName(m)), jen.Id(serverIface).Dot(m.GoName))})
			}
		}),
		jen.Id("Streams"):  jen.Index().Qual(pathGRPC, "StreamDesc").Values(),
		jen.Id("Metadata"): jen.Lit(file.Desc.Path()),
	})
	return render(f, outPath)
}

// comment adds a protobuf leading comment to a jennifer group.
func comment(g *jen.Group, c protogen.Comments) {
	s := strings.TrimSpace(string(c))
	if s == "" {
		return
	}
	for _, line := range strings.Split(s, "\n") {
		g.Comment(strings.TrimPrefix(line, " "))
	}
}
