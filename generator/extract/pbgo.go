package extract

import (
	"context"
	"fmt"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/protoutil"
	gengo "google.golang.org/protobuf/cmd/protoc-gen-go/internal_gengo"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

// codeGeneratorRequest compiles the .proto named name (relative to the
// proto root) in process and returns the request protoc would hand a
// plugin: the file to generate and every file it imports, dependencies
// first, with source info so comments reach the Go code.
func codeGeneratorRequest(name string, src []byte) (*pluginpb.CodeGeneratorRequest, error) {
	comp := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(map[string]string{name: string(src)}),
		}),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	files, err := comp.Compile(context.Background(), name)
	if err != nil {
		return nil, fmt.Errorf("compiling the generated %s (a modgen bug; please report it): %v\n%s", name, err, numberLines(src))
	}
	var protos []*descriptorpb.FileDescriptorProto
	seen := map[string]bool{}
	var visit func(f protoreflect.FileDescriptor)
	visit = func(f protoreflect.FileDescriptor) {
		if seen[f.Path()] {
			return
		}
		seen[f.Path()] = true
		imps := f.Imports()
		for i := 0; i < imps.Len(); i++ {
			visit(imps.Get(i).FileDescriptor)
		}
		protos = append(protos, protoutil.ProtoFromFileDescriptor(f))
	}
	visit(files[0])
	return &pluginpb.CodeGeneratorRequest{FileToGenerate: []string{name}, ProtoFile: protos}, nil
}

// generatePB runs protoc-gen-go's generator (internal_gengo, the code the
// protoc-gen-go binary runs) on req. It returns the .pb.go and the protogen
// view of the file, whose Go names the other generators use.
func generatePB(req *pluginpb.CodeGeneratorRequest) ([]byte, *protogen.File, error) {
	gen, err := protogen.Options{}.New(req)
	if err != nil {
		return nil, nil, fmt.Errorf("protogen: %w", err)
	}
	var file *protogen.File
	for _, f := range gen.Files {
		if f.Generate {
			gengo.GenerateFile(gen, f)
			file = f
		}
	}
	resp := gen.Response()
	if resp.Error != nil {
		return nil, nil, fmt.Errorf("protoc-gen-go: %s", resp.GetError())
	}
	if len(resp.File) != 1 {
		return nil, nil, fmt.Errorf("protoc-gen-go produced %d files; want 1", len(resp.File))
	}
	return []byte(resp.File[0].GetContent()), file, nil
}

// numberLines returns src with numbered lines, for errors about generated
// source.
func numberLines(src []byte) string {
	var b strings.Builder
	for i, line := range strings.Split(string(src), "\n") {
		fmt.Fprintf(&b, "%4d | %s\n", i+1, line)
	}
	return b.String()
}
