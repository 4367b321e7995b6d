// Package extract reads a module's API interface from its Go source and
// generates the code whose shape depends on it: the .proto (with stable
// field numbers), its Go code compiled in process (no protoc, no plugins),
// gRPC stubs, the server and client adapters with their conversions, the
// module's error table and its contract test. What is the same for every
// module lives in the project's pkg/grpcx and pkg/contract, and the
// service's command in cmd/<m>; both are rendered from templates/extract by
// the caller, with the Service that Extract describes.
//
// Generate does no I/O besides reading the project; the caller writes the
// files. Every generated file starts with the generated-code header and is
// rewritten on every extraction. The mapping between Go and the wire has
// one home, wiretypes.go.
//
// # Types on the wire
//
// bool, string, every int, uint and float kind, []byte, time.Time
// (google.protobuf.Timestamp), time.Duration (google.protobuf.Duration),
// structs of the module (messages), pointers to them (optional messages),
// slices (repeated fields) and maps with string or integer keys cross the
// wire, and so do named types over them. int8, int16, uint8 and uint16 travel
// as 32-bit integers and int and uint as 64-bit ones; a value that does not
// fit the Go type (from a client in another language) is rejected with
// codes.InvalidArgument naming the field, never wrapped around. What the
// wire cannot keep:
//   - times arrive in UTC, without their monotonic reading; a zero time
//     field is an absent timestamp (0001-01-01 in a repeated field or a map);
//   - nil and empty slices and maps both arrive as empty, non-nil ones;
//   - a nil element of a []*T arrives as a pointer to a zero T;
//   - strings must be valid UTF-8.
//
// # Field numbers
//
// When the .proto exists, it is parsed and every field keeps its number.
// New fields get numbers above every number used or reserved before (never
// 19000-19999). A field that disappears becomes `reserved N` and
// `reserved "name"`. A field whose protobuf type changes (int32 to int64,
// string to a message...) is a removed field plus a new one: the old number
// is reserved, the name stays in use with a new number. Messages of removed
// methods and structs are dropped.
package extract

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/modgen-dev/modgen/generator/tree"
)

// Config says which module of which project to extract.
type Config struct {
	Root       string // project root (holds go.mod)
	ModulePath string // the project's Go module path, e.g. github.com/acme/loja
	Module     string // module name, e.g. estoque (package internal/estoque)
	Port       int    // gRPC port of the standalone server, e.g. 50051 (checked; the command's template uses it)
	// Fields are the module's --fields as modgen.yaml records them, or
	// none: with them the CRUD contract can build valid inputs for an
	// entity without a Name.
	Fields []string
}

// generated is a file of the extraction: modgen's, and final as emitted
// (protoc-gen-go's output must stay byte for byte; the rest is formatted
// by its generator).
func generated(path string, content []byte) tree.File {
	return tree.File{Path: path, Content: content, Owner: tree.Generated, Template: "extract", Final: true}
}

// Service describes an extracted module's service, for what is rendered
// from templates around the generated files (the service's command).
type Service struct {
	Module   string // the module, e.g. estoque
	FullName string // the protobuf service, e.g. estoque.v1.EstoqueService
	Adapter  string // the generated adapter package, e.g. estoquegrpc
	HasLog   bool   // the module's Deps has a Log *slog.Logger
	// Deps are the fields of the module's Deps that the service's command
	// can set, such as Estoque: other modules, through the interfaces the
	// module declares.
	Deps []string
}

// Extraction is everything Extract produces for one module.
type Extraction struct {
	Files   []tree.File
	Service Service
	// Warnings say, one line each, how this extraction breaks clients of
	// the previous one (a field removed or retyped).
	Warnings []string
}

// Generate extracts cfg.Module. It returns every file or, on any error,
// none. Errors name the method, parameter, type and the fix.
func Generate(cfg Config) ([]tree.File, error) {
	x, err := Extract(cfg)
	if err != nil {
		return nil, err
	}
	return x.Files, nil
}

// Extract is Generate, with the description of the service.
func Extract(cfg Config) (*Extraction, error) {
	x, err := generate(cfg)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", cfg.Module, err)
	}
	return x, nil
}

func generate(cfg Config) (*Extraction, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	c, err := load(cfg)
	if err != nil {
		return nil, err
	}
	prev, err := readPrevious(c)
	if err != nil {
		return nil, err
	}
	pf, err := buildProto(c, prev)
	if err != nil {
		return nil, err
	}
	protoSrc := pf.render(c)
	files := []tree.File{
		generated(pf.path, protoSrc),
		{Path: recordPath(c.pkgName), Content: pf.record(), Owner: tree.Merged, Template: "extract field record"},
	}
	more, err := generateGo(c, pf, protoSrc)
	if err != nil {
		return nil, err
	}
	return &Extraction{
		Files:    append(files, more...),
		Warnings: pf.breaks(),
		Service: Service{
			Module:   c.pkgName,
			FullName: c.protoPkg + "." + c.service,
			Adapter:  c.adapterName(),
			HasLog:   c.module.hasLog,
			Deps:     c.module.deps,
		},
	}, nil
}

func (cfg Config) check() error {
	if cfg.Root == "" || cfg.ModulePath == "" {
		return errors.New("Config.Root and Config.ModulePath are required")
	}
	if cfg.Module == "" || !isLowerASCII(cfg.Module) {
		return fmt.Errorf("module %q: a module name is lower-case ASCII letters and digits, starting with a letter", cfg.Module)
	}
	if cfg.Port <= 0 || cfg.Port > 65535 {
		return fmt.Errorf("port %d: give a TCP port between 1 and 65535, such as 50051", cfg.Port)
	}
	return nil
}

func isLowerASCII(s string) bool {
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// readPrevious reads what earlier extractions left: the field record
// (recordPath) and the .proto, if any, merged (see mergePrevious). Either
// alone is enough to keep every number.
func readPrevious(c *contract) (previous, error) {
	recRel := recordPath(c.pkgName)
	record := previous{}
	src, err := os.ReadFile(filepath.Join(c.cfg.Root, filepath.FromSlash(recRel)))
	switch {
	case err == nil:
		if record, err = parseRecord(src); err != nil {
			return nil, fmt.Errorf("%s: %v; modgen writes this file: restore it from version control", recRel, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	rel := "proto/" + c.pkgName + "/v1/" + c.pkgName + ".proto"
	src, err = os.ReadFile(filepath.Join(c.cfg.Root, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return record, nil
	}
	if err != nil {
		return nil, err
	}
	prev, err := parsePrevious(rel, src, c.protoPkg)
	if err != nil {
		return nil, fmt.Errorf("%s: %v; its field numbers must be kept, so fix the file (or delete it: %s keeps the numbers)", rel, err, recRel)
	}
	return mergePrevious(record, prev), nil
}
