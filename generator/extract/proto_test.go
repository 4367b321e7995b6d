package extract

import (
	"bytes"
	"flag"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// estoqueDomain and estoqueAPI mirror the module scaffold of `modgen add
// module estoque`, plus two methods a user added.
const estoqueDomain = `package domain

import (
	"errors"
	"fmt"
)

var ErrInvalid = errors.New("estoque: invalid input")

type ValidationError struct {
	Field   string
	Problem string
}

func (e *ValidationError) Error() string { return fmt.Sprintf("estoque: invalid %s: %s", e.Field, e.Problem) }

func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }
`

const estoqueAPI = `package estoque

import (
	"context"
	"errors"
	"time"

	"example.com/shop/internal/estoque/domain"
)

// Estoque is the estoque module's entity.
type Estoque struct {
	ID          int64
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// EstoqueInput holds what a client sets.
type EstoqueInput struct {
	Name        string
	Description string
}

// ListParams selects a page.
type ListParams struct {
	Limit  int
	Cursor string
}

// EstoquePage is one page.
type EstoquePage struct {
	Items      []Estoque
	NextCursor string
}

// Item is one line of a reservation.
type Item struct {
	SKU        string
	Quantidade int32
	ValidoAte  time.Time
	Atributos  map[string]string
}

// API is the estoque module's contract.
type API interface {
	Create(ctx context.Context, in EstoqueInput) (Estoque, error)
	Get(ctx context.Context, id int64) (Estoque, error)
	List(ctx context.Context, params ListParams) (EstoquePage, error)
	Update(ctx context.Context, id int64, in EstoqueInput) (Estoque, error)
	Delete(ctx context.Context, id int64) error
	// ReservarItens reserves the items and returns the reservation id.
	ReservarItens(ctx context.Context, itens []Item) (string, error)
	// LiberarReserva releases a reservation.
	LiberarReserva(ctx context.Context, reservaID string) error
}

var (
	ErrNotFound = errors.New("estoque: not found")
	ErrInvalid  = domain.ErrInvalid
)

type ValidationError = domain.ValidationError
`

func estoqueFixture(t *testing.T) string {
	return fixture(t, map[string]string{
		"internal/estoque/api.go":           estoqueAPI,
		"internal/estoque/domain/entity.go": estoqueDomain,
	})
}

// protoFor extracts the .proto of cfg, numbering fields after the one on
// disk, as Generate does.
func protoFor(t *testing.T, cfg Config) []byte {
	t.Helper()
	c, pf := layoutFor(t, cfg)
	return pf.render(c)
}

// layoutFor loads cfg's module and lays out its .proto over what earlier
// extractions left.
func layoutFor(t *testing.T, cfg Config) (*contract, *protoFile) {
	t.Helper()
	c, err := load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := readPrevious(c)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := buildProto(c, prev)
	if err != nil {
		t.Fatal(err)
	}
	return c, pf
}

// checkGolden compares got with testdata/golden/name, or rewrites it
// with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go test -run %s -update to create it", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; review the diff and run go test -run %s -update if it is right.\n--- got:\n%s", path, t.Name(), got)
	}
}

// compile compiles a generated .proto and returns its descriptor.
func compile(t *testing.T, name string, src []byte) (*pluginpb.CodeGeneratorRequest, *descriptorpb.FileDescriptorProto) {
	t.Helper()
	req, err := codeGeneratorRequest(name, src)
	if err != nil {
		t.Fatal(err)
	}
	return req, req.ProtoFile[len(req.ProtoFile)-1]
}

func TestProtoGolden(t *testing.T) {
	for _, tc := range []struct {
		name, module string
		root         func(t *testing.T) string
	}{
		{"everything", "loja", func(t *testing.T) string {
			return fixture(t, map[string]string{"internal/loja/api.go": apiFile("loja", everythingAPI, "encoding/json")})
		}},
		{"estoque", "estoque", estoqueFixture},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := protoFor(t, fixtureConfig(tc.root(t), tc.module))
			checkGolden(t, tc.name+".proto", src)
			_, fd := compile(t, tc.module+"/v1/"+tc.module+".proto", src)
			for _, problem := range lintStandard(fd) {
				t.Error(problem)
			}
			if !bytes.HasPrefix(src, []byte(tree.GeneratedHeader+"\n")) {
				t.Errorf("the .proto does not start with %q", tree.GeneratedHeader)
			}
		})
	}
}

var (
	lowerSnake = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	pascal     = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
)

// lintStandard checks a file against buf's STANDARD lint rules that apply
// to what extraction emits (it emits no enums, oneofs or extensions).
func lintStandard(fd *descriptorpb.FileDescriptorProto) []string {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, "buf lint: "+sprintf(format, args...))
	}
	pkg := fd.GetPackage()
	if !regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.v[0-9]+$`).MatchString(pkg) {
		bad("PACKAGE_LOWER_SNAKE_CASE/PACKAGE_VERSION_SUFFIX: package %q", pkg)
	}
	if dir := filepath.ToSlash(filepath.Dir(fd.GetName())); dir != strings.ReplaceAll(pkg, ".", "/") {
		bad("PACKAGE_DIRECTORY_MATCH: %s is in %s, package %s", fd.GetName(), dir, pkg)
	}
	if base := strings.TrimSuffix(filepath.Base(fd.GetName()), ".proto"); !lowerSnake.MatchString(base) {
		bad("FILE_LOWER_SNAKE_CASE: %s", fd.GetName())
	}
	if fd.GetSyntax() != "proto3" {
		bad("SYNTAX_SPECIFIED: syntax %q", fd.GetSyntax())
	}
	if fd.GetOptions().GetGoPackage() == "" {
		bad("go_package is not set")
	}
	used := map[string]bool{}
	uses := map[string]int{}
	var walk func(prefix string, m *descriptorpb.DescriptorProto)
	walk = func(prefix string, m *descriptorpb.DescriptorProto) {
		if !m.GetOptions().GetMapEntry() && !pascal.MatchString(m.GetName()) {
			bad("MESSAGE_PASCAL_CASE: %s", m.GetName())
		}
		for _, f := range m.GetField() {
			if !m.GetOptions().GetMapEntry() && !lowerSnake.MatchString(f.GetName()) {
				bad("FIELD_LOWER_SNAKE_CASE: %s.%s", m.GetName(), f.GetName())
			}
			if strings.ToLower(strings.Trim(f.GetName(), "_")) == "descriptor" {
				bad("FIELD_NO_DESCRIPTOR: %s.%s", m.GetName(), f.GetName())
			}
			if f.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REQUIRED {
				bad("FIELD_NOT_REQUIRED: %s.%s", m.GetName(), f.GetName())
			}
			if tn := f.GetTypeName(); tn != "" {
				uses[tn]++
				switch {
				case strings.HasPrefix(tn, ".google.protobuf.Timestamp"):
					used["google/protobuf/timestamp.proto"] = true
				case strings.HasPrefix(tn, ".google.protobuf.Duration"):
					used["google/protobuf/duration.proto"] = true
				}
			}
		}
		for _, n := range m.GetNestedType() {
			walk(prefix+m.GetName()+".", n)
		}
	}
	for _, m := range fd.GetMessageType() {
		walk("", m)
	}
	for _, dep := range fd.GetDependency() {
		if !used[dep] {
			bad("IMPORT_USED: %s is not used", dep)
		}
	}
	if len(fd.GetPublicDependency()) > 0 || len(fd.GetWeakDependency()) > 0 {
		bad("IMPORT_NO_PUBLIC/IMPORT_NO_WEAK")
	}
	for _, s := range fd.GetService() {
		if !pascal.MatchString(s.GetName()) || !strings.HasSuffix(s.GetName(), "Service") {
			bad("SERVICE_PASCAL_CASE/SERVICE_SUFFIX: %s", s.GetName())
		}
		for _, m := range s.GetMethod() {
			if !pascal.MatchString(m.GetName()) {
				bad("RPC_PASCAL_CASE: %s", m.GetName())
			}
			in, out := strings.TrimPrefix(m.GetInputType(), "."+pkg+"."), strings.TrimPrefix(m.GetOutputType(), "."+pkg+".")
			if in != m.GetName()+"Request" && in != s.GetName()+m.GetName()+"Request" {
				bad("RPC_REQUEST_STANDARD_NAME: %s takes %s", m.GetName(), in)
			}
			if out != m.GetName()+"Response" && out != s.GetName()+m.GetName()+"Response" {
				bad("RPC_RESPONSE_STANDARD_NAME: %s returns %s", m.GetName(), out)
			}
			uses[m.GetInputType()]++
			uses[m.GetOutputType()]++
			if m.GetClientStreaming() || m.GetServerStreaming() {
				bad("unary only: %s streams", m.GetName())
			}
		}
	}
	for _, s := range fd.GetService() {
		for _, m := range s.GetMethod() {
			for _, tn := range []string{m.GetInputType(), m.GetOutputType()} {
				if uses[tn] != 1 {
					bad("RPC_REQUEST_RESPONSE_UNIQUE: %s is used %d times", tn, uses[tn])
				}
			}
		}
	}
	return problems
}

// numbers returns, per message, each field's number, and the reserved
// numbers and names, from a compiled descriptor.
func numbers(fd *descriptorpb.FileDescriptorProto) map[string]map[string]int32 {
	out := map[string]map[string]int32{}
	for _, m := range fd.GetMessageType() {
		fields := map[string]int32{}
		for _, f := range m.GetField() {
			fields[f.GetName()] = f.GetNumber()
		}
		for _, r := range m.GetReservedRange() {
			for n := r.GetStart(); n < r.GetEnd(); n++ {
				fields["reserved "+itoa32(n)] = n
			}
		}
		for _, n := range m.GetReservedName() {
			fields["reserved "+n] = -1
		}
		out[m.GetName()] = fields
	}
	return out
}

// TestFieldNumbersAreStable extracts, changes the API (removes a field,
// adds one, changes a field's type, removes and adds methods), extracts
// again, and checks that kept fields keep their numbers, new ones are
// numbered above everything used before and removed ones are reserved.
func TestFieldNumbersAreStable(t *testing.T) {
	root := estoqueFixture(t)
	cfg := fixtureConfig(root, "estoque")
	protoPath := filepath.Join(root, "proto", "estoque", "v1", "estoque.proto")
	apiPath := filepath.Join(root, "internal", "estoque", "api.go")
	extract := func() map[string]map[string]int32 {
		t.Helper()
		src := protoFor(t, cfg)
		if err := os.MkdirAll(filepath.Dir(protoPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(protoPath, src, 0o644); err != nil {
			t.Fatal(err)
		}
		_, fd := compile(t, "estoque/v1/estoque.proto", src)
		for _, p := range lintStandard(fd) {
			t.Error(p)
		}
		return numbers(fd)
	}
	edit := func(pairs ...string) {
		t.Helper()
		b, err := os.ReadFile(apiPath)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for i := 0; i < len(pairs); i += 2 {
			if !strings.Contains(s, pairs[i]) {
				t.Fatalf("api.go lacks %q", pairs[i])
			}
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		if err := os.WriteFile(apiPath, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	expect := func(got map[string]map[string]int32, msg string, want map[string]int32) {
		t.Helper()
		if !mapsEqual(got[msg], want) {
			t.Errorf("message %s: %v; want %v", msg, got[msg], want)
		}
	}

	first := extract()
	expect(first, "Estoque", map[string]int32{"id": 1, "name": 2, "description": 3, "created_at": 4, "updated_at": 5})
	expect(first, "Item", map[string]int32{"sku": 1, "quantidade": 2, "valido_ate": 3, "atributos": 4})
	expect(first, "EstoqueInput", map[string]int32{"name": 1, "description": 2})

	if again := extract(); !reflectDeepEqual(again, first) {
		t.Errorf("extracting an unchanged API renumbered fields: %v, then %v", first, again)
	}

	// Remove EstoqueInput.Description, add Quantity; change Item.Quantidade
	// to int64 (a new field on the wire) and drop Atributos; drop
	// LiberarReserva and add Contar.
	edit(
		"type EstoqueInput struct {\n\tName        string\n\tDescription string\n}", "type EstoqueInput struct {\n\tName     string\n\tQuantity int32\n}",
		"Quantidade int32", "Quantidade int64",
		"\tAtributos  map[string]string\n", "\tCor string\n",
		"LiberarReserva(ctx context.Context, reservaID string) error", "Contar(ctx context.Context) (total int64, err error)",
	)
	second := extract()
	expect(second, "Estoque", first["Estoque"])
	expect(second, "EstoqueInput", map[string]int32{"name": 1, "quantity": 3, "reserved 2": 2, "reserved description": -1})
	expect(second, "Item", map[string]int32{"sku": 1, "valido_ate": 3, "quantidade": 5, "cor": 6,
		"reserved 2": 2, "reserved 4": 4, "reserved atributos": -1})
	if _, ok := second["LiberarReservaRequest"]; ok {
		t.Error("the messages of the removed method LiberarReserva are still there")
	}
	expect(second, "ContarResponse", map[string]int32{"total": 1})

	// Remove Quantity, bring Description back: its old number stays
	// reserved, it gets a new one, and its name is no longer reserved.
	edit("type EstoqueInput struct {\n\tName     string\n\tQuantity int32\n}", "type EstoqueInput struct {\n\tName        string\n\tDescription string\n}")
	third := extract()
	expect(third, "EstoqueInput", map[string]int32{"name": 1, "description": 4, "reserved 2": 2, "reserved 3": 3, "reserved quantity": -1})
	expect(third, "Item", second["Item"])

	src, err := os.ReadFile(protoPath)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "renumbered.proto", src)
}

// TestFieldNumbersSkipImplementationRange checks that new numbers skip
// 19000-19999 and that a previous file that cannot be parsed is an error
// naming the file.
func TestFieldNumbersSkipImplementationRange(t *testing.T) {
	msg, err := layout("M", "", []*value{{protoName: "a", typ: &typ{kind: kString}}, {protoName: "b", typ: &typ{kind: kString}}},
		&previousMessage{fields: map[string]previousField{"a": {18999, "string"}}})
	if err != nil {
		t.Fatal(err)
	}
	if msg.fields[0].number != 18999 || msg.fields[1].number != 20000 {
		t.Errorf("numbers %d, %d; want 18999 kept and 20000 for the new field", msg.fields[0].number, msg.fields[1].number)
	}
	_, err = layout("M", "", []*value{{protoName: "b", typ: &typ{kind: kString}}},
		&previousMessage{reserved: []numRange{{1, maxFieldNumber}}})
	if err == nil || !strings.Contains(err.Error(), "no field numbers left") {
		t.Errorf("layout with every number reserved = %v; want an error", err)
	}

	root := estoqueFixture(t)
	bad := filepath.Join(root, "proto", "estoque", "v1", "estoque.proto")
	if err := os.MkdirAll(filepath.Dir(bad), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("syntax = \"proto3\";\nmessage {"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := Generate(fixtureConfig(root, "estoque"))
	if files != nil || err == nil || !strings.Contains(err.Error(), "proto/estoque/v1/estoque.proto:") || !strings.Contains(err.Error(), "fix the file") {
		t.Errorf("Generate over a broken .proto = %d files, %v; want an error naming the file", len(files), err)
	}
}

var (
	protocGenGoOnce sync.Once
	protocGenGo     string
	protocGenGoErr  error
)

// buildProtocGenGo builds the real protoc-gen-go of the version in go.mod.
func buildProtocGenGo(t *testing.T) string {
	protocGenGoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "protoc-gen-go")
		if err != nil {
			protocGenGoErr = err
			return
		}
		protocGenGo = filepath.Join(dir, "protoc-gen-go")
		out, err := exec.Command("go", "build", "-o", protocGenGo, "google.golang.org/protobuf/cmd/protoc-gen-go").CombinedOutput()
		if err != nil {
			protocGenGoErr = err
			protocGenGo = string(out)
		}
	})
	if protocGenGoErr != nil {
		t.Fatalf("building protoc-gen-go: %v\n%s", protocGenGoErr, protocGenGo)
	}
	return protocGenGo
}

// TestPBGoMatchesProtocGenGo feeds the same CodeGeneratorRequest to the
// in-process generator and to the real protoc-gen-go binary of the same
// version, and requires byte-identical .pb.go files. The generated header
// is part of both: it is a comment of the .proto that protoc-gen-go copies.
func TestPBGoMatchesProtocGenGo(t *testing.T) {
	bin := buildProtocGenGo(t)
	for _, golden := range []string{"everything.proto", "estoque.proto", "renumbered.proto"} {
		t.Run(golden, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "golden", golden))
			if err != nil {
				t.Fatal(err)
			}
			module := "loja"
			if golden != "everything.proto" {
				module = "estoque"
			}
			req, _ := compile(t, module+"/v1/"+module+".proto", src)
			ours, _, err := generatePB(req)
			if err != nil {
				t.Fatal(err)
			}
			in, err := proto.Marshal(req)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin)
			cmd.Stdin = bytes.NewReader(in)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("protoc-gen-go: %v", err)
			}
			var resp pluginpb.CodeGeneratorResponse
			if err := proto.Unmarshal(out, &resp); err != nil {
				t.Fatal(err)
			}
			if resp.Error != nil || len(resp.File) != 1 {
				t.Fatalf("protoc-gen-go answered error %q with %d files", resp.GetError(), len(resp.File))
			}
			theirs := []byte(resp.File[0].GetContent())
			if !bytes.Equal(ours, theirs) {
				t.Errorf("the in-process .pb.go differs from protoc-gen-go's:\n%s", firstDiff(ours, theirs))
			}
			if want := fixtureModule + "/internal/" + module + "/" + module + "pb/" + module + ".pb.go"; resp.File[0].GetName() != want {
				t.Errorf("protoc-gen-go names the file %s; want %s", resp.File[0].GetName(), want)
			}
			if !bytes.HasPrefix(ours, []byte(tree.GeneratedHeader+"\n")) {
				t.Errorf("the .pb.go does not start with %q:\n%s", tree.GeneratedHeader, ours[:min(len(ours), 300)])
			}
			if !bytes.Contains(ours, []byte("// Code generated by protoc-gen-go. DO NOT EDIT.\n// versions:\n// \tprotoc-gen-go v1.36.12\n")) {
				t.Error("the .pb.go does not name protoc-gen-go v1.36.12, the version pinned in go.mod")
			}
		})
	}
}

// firstDiff shows the first differing line of a and b.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return sprintf("line %d:\n\tin process: %q\n\tprotoc-gen-go: %q", i+1, x, y)
		}
	}
	return "(no line differs)"
}

func mapsEqual(a, b map[string]int32) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func reflectDeepEqual(a, b map[string]map[string]int32) bool {
	if len(a) != len(b) {
		return false
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !mapsEqual(a[k], b[k]) {
			return false
		}
	}
	return true
}

// TestFieldRecordKeepsNumbers: the field record written beside the .proto
// keeps every number and reservation when the .proto is deleted and the
// module extracted again; without either, numbers would start over.
func TestFieldRecordKeepsNumbers(t *testing.T) {
	root := estoqueFixture(t)
	cfg := fixtureConfig(root, "estoque")
	protoPath := filepath.Join(root, "proto", "estoque", "v1", "estoque.proto")
	recordFile := filepath.Join(root, filepath.FromSlash(recordPath("estoque")))
	apiPath := filepath.Join(root, "internal", "estoque", "api.go")
	// extractAll writes what an extraction writes of the contract: the
	// .proto and the field record.
	extractAll := func() {
		t.Helper()
		c, pf := layoutFor(t, cfg)
		os.MkdirAll(filepath.Dir(protoPath), 0o755)
		if err := os.WriteFile(protoPath, pf.render(c), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(recordFile, pf.record(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	extractAll()
	api, err := os.ReadFile(apiPath)
	if err != nil {
		t.Fatal(err)
	}
	old := "type EstoqueInput struct {\n\tName        string\n\tDescription string\n}"
	if !strings.Contains(string(api), old) {
		t.Fatal("the fixture's EstoqueInput changed")
	}
	edited := strings.Replace(string(api), old, "type EstoqueInput struct {\n\tName     string\n\tQuantity int32\n}", 1)
	if err := os.WriteFile(apiPath, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	extractAll() // description: 2 reserved, quantity: 3
	want, err := os.ReadFile(protoPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(want, []byte("reserved 2;")) || !bytes.Contains(want, []byte(`reserved "description";`)) {
		t.Fatalf("the removed field is not reserved:\n%s", want)
	}

	os.Remove(protoPath)
	extractAll()
	if got, _ := os.ReadFile(protoPath); !bytes.Equal(got, want) {
		t.Errorf("after deleting the .proto, extraction wrote:\n%s\nwant, as before:\n%s", got, want)
	}

	// The record alone carries the history: without it and the .proto,
	// numbering starts over (quantity would take description's 2).
	os.Remove(protoPath)
	os.Remove(recordFile)
	extractAll()
	if got, _ := os.ReadFile(protoPath); bytes.Equal(got, want) {
		t.Error("with no record and no .proto the numbers stayed: the test does not test the record")
	}
}

// TestLayoutSaysWhatBreaksClients: a retyped field and a removed one are
// each named, with what they break.
func TestLayoutSaysWhatBreaksClients(t *testing.T) {
	msg, err := layout("M", "", []*value{
		{protoName: "a", typ: &typ{kind: kInt, basic: types.Int64}},
		{protoName: "c", typ: &typ{kind: kString}},
	}, &previousMessage{fields: map[string]previousField{"a": {1, "string"}, "b": {2, "string"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`message M: field a changed type from string to int64, so it moves from number 1 to 3: binary clients keep working, JSON clients that send or read "a" break`,
		"message M: field b (number 2) is gone and reserved: clients that still send it lose the value, and JSON clients sending it are refused",
	}
	if !slices.Equal(msg.breaks, want) {
		t.Errorf("breaks:\n%s\nwant:\n%s", strings.Join(msg.breaks, "\n"), strings.Join(want, "\n"))
	}
	unchanged, err := layout("M", "", []*value{{protoName: "c", typ: &typ{kind: kString}}},
		&previousMessage{fields: map[string]previousField{"c": {4, "string"}}})
	if err != nil || len(unchanged.breaks) != 0 {
		t.Errorf("an unchanged message: %v, %v; want no breaks", unchanged.breaks, err)
	}
}

func TestParseRecordErrors(t *testing.T) {
	for _, bad := range []string{"M field a x string", "M reserved 5-2", "M frobnicate a", "M"} {
		if _, err := parseRecord([]byte(bad + "\n")); err == nil || !strings.Contains(err.Error(), "line 1:") {
			t.Errorf("parseRecord(%q) = %v; want an error at line 1", bad, err)
		}
	}
}
