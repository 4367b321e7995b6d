package extract

import (
	"regexp"
	"strings"
	"testing"
)

// TestSupportedTypes checks the wire form of every supported type.
func TestSupportedTypes(t *testing.T) {
	root := fixture(t, map[string]string{"internal/loja/api.go": apiFile("loja", everythingAPI, "encoding/json")})
	c, err := load(fixtureConfig(root, "loja"))
	if err != nil {
		t.Fatal(err)
	}
	var everything *message
	for _, m := range c.messages {
		if m.name == "Everything" {
			everything = m
		}
	}
	if everything == nil {
		t.Fatalf("no message Everything among %d messages", len(c.messages))
	}
	want := map[string]string{
		"flag": "bool", "text": "string",
		"i": "int64", "i8": "int32", "i16": "int32", "i32": "int32", "i64": "int64",
		"u": "uint64", "u8": "uint32", "u16": "uint32", "u32": "uint32", "u64": "uint64",
		"f32": "float", "f64": "double", "raw": "bytes",
		"at": "google.protobuf.Timestamp", "wait": "google.protobuf.Duration",
		"status": "string", "level": "int32", "tags": "repeated string", "scores": "map<string, float>",
		"blob": "bytes", "timeout": "int64",
		"child": "Node", "children": "repeated Node", "ptrs": "repeated Node",
		"by_id": "map<int64, Node>", "by_code": "map<uint32, string>", "small": "map<int32, bool>",
		"named": "map<string, int32>", "blobs": "repeated bytes", "times": "repeated google.protobuf.Timestamp",
		"durations": "map<string, google.protobuf.Duration>", "preco": "double", "embedded": "Embedded",
		"opt_int": "optional int64", "opt_text": "optional string", "opt_level": "optional int32",
		"opt_at": "google.protobuf.Timestamp", "opt_wait": "google.protobuf.Duration", "doc": "string",
	}
	got := map[string]string{}
	for _, f := range everything.fields {
		got[f.protoName] = protoType(f.typ)
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("field %s: protobuf type %q; want %q", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Everything has %d fields %v; want %d", len(got), got, len(want))
	}
	// Named types keep their Go name for the conversions.
	for _, f := range everything.fields {
		switch f.goName {
		case "Status", "Level", "Tags", "Scores", "Blob", "Timeout":
			if f.typ.named == nil || f.typ.named.name != f.goName {
				t.Errorf("field %s: named = %v; want the Go type %s", f.goName, f.typ.named, f.goName)
			}
		case "Text", "Raw", "I8", "Wait":
			if f.typ.named != nil {
				t.Errorf("field %s: named = %v; want none", f.goName, f.typ.named)
			}
		}
	}
	// Methods: params, results, names, variadic.
	byName := map[string]*method{}
	for _, m := range c.methods {
		byName[m.name] = m
	}
	if got := names(c.methods); got != "Echo Chain Ping Lookup" {
		t.Errorf("methods %s; want them in declaration order: Echo Chain Ping Lookup", got)
	}
	echo := byName["Echo"]
	if got := valueSummary(echo.params); got != "e:Everything opt:Everything list:repeated Everything by_name:map<string, Everything> s:string l:int32 tags:repeated string" {
		t.Errorf("Echo params: %s", got)
	}
	if got := valueSummary(echo.results); got != "everything:Everything node:Node" {
		t.Errorf("Echo results: %s", got)
	}
	if echo.params[1].typ.kind != kPointer {
		t.Errorf("Echo opt is kind %d; want a pointer", echo.params[1].typ.kind)
	}
	chain := byName["Chain"]
	if !chain.variadic || valueSummary(chain.params) != "prefix:string nodes:repeated Node" || valueSummary(chain.results) != "node_list:repeated Node" {
		t.Errorf("Chain: variadic %t, params %s, results %s", chain.variadic, valueSummary(chain.params), valueSummary(chain.results))
	}
	if p := byName["Ping"]; len(p.params) != 0 || len(p.results) != 0 {
		t.Errorf("Ping: %d params, %d results; want none", len(p.params), len(p.results))
	}
	if got := valueSummary(byName["Lookup"].results); got != "found:bool" {
		t.Errorf("Lookup results: %s; want the result's own name", got)
	}
	if doc := strings.TrimSpace(echo.doc); doc != "Echo sends everything and gets it back." {
		t.Errorf("Echo doc %q", doc)
	}
}

func names(ms []*method) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.name)
	}
	return strings.Join(s, " ")
}

func valueSummary(vs []*value) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.protoName+":"+protoType(v.typ))
	}
	return strings.Join(s, " ")
}

// TestRejectedTypes checks that every unsupported type is an error naming
// the method, the parameter, the type and the reason, and that Generate
// then returns nothing.
func TestRejectedTypes(t *testing.T) {
	src := `
type secret struct{ X int }
type Hidden struct{ x int }
type Watcher struct{ Events chan int }
type Item struct{ Name string }
type Box[T any] struct{ V T }

type API interface {
	Watch(ctx context.Context, ch chan int) error
	Run(ctx context.Context, fn func()) error
	Any(ctx context.Context, v any) error
	Err(ctx context.Context, e error) error
	Read(ctx context.Context, r io.Reader) error
	Secret(ctx context.Context, s secret) error
	URL(ctx context.Context, u *url.URL) error
	Anon(ctx context.Context, p struct{ X int }) error
	Array(ctx context.Context, a [4]int) error
	Complex(ctx context.Context, c complex128) error
	Addr(ctx context.Context, p uintptr) error
	Unsafe(ctx context.Context, p unsafe.Pointer) error
	StrPtrs(ctx context.Context, p []*string) error
	Matrix(ctx context.Context, m [][]int) error
	BoolKey(ctx context.Context, m map[bool]string) error
	SliceValue(ctx context.Context, m map[string][]int) error
	PtrValue(ctx context.Context, m map[string]*Item) error
	Generic(ctx context.Context, b Box[int]) error
	Hide(ctx context.Context, h Hidden) error
	Nested(ctx context.Context, w Watcher) error
	Month(ctx context.Context, m time.Month) error
	Result(ctx context.Context) (chan int, error)
	Unnamed(context.Context, int64) error
	NoContext(id int64) error
	NoError(ctx context.Context) int
	Fold(ctx context.Context, userID string, user_id string) error
	Get_All(ctx context.Context) error
	Describe(ctx context.Context, descriptor string) error
}
`
	root := fixture(t, map[string]string{"internal/loja/api.go": apiFile("loja", src, "io", "net/url", "unsafe")})
	files, err := Generate(fixtureConfig(root, "loja"))
	if files != nil {
		t.Errorf("Generate returned %d files with an error; want none", len(files))
	}
	if err == nil {
		t.Fatal("Generate succeeded; want an error for every unsupported type")
	}
	msg := err.Error()
	for _, want := range []string{
		`extract loja: internal/loja/api.go:22:29: API.Watch parameter "ch" has type chan int: channels cannot cross a process boundary; pass a slice or add a streaming method by hand`,
		// A struct field at fault is where the error points.
		`internal/loja/api.go:16:21: API.Hide parameter "h" has type Hidden: field Hidden.x is unexported`,
		`API.Run parameter "fn" has type func(): functions cannot cross a process boundary`,
		`API.Any parameter "v" has type any: interface values have no wire form`,
		`API.Err parameter "e" has type error: interface values have no wire form`,
		`API.Read parameter "r" has type io.Reader: types of package io cannot cross the wire`,
		`API.Secret parameter "s" has type secret: unexported type secret cannot be named by the generated lojagrpc package; export it`,
		`API.URL parameter "u" has type *url.URL: types of package net/url cannot cross the wire`,
		`API.Anon parameter "p" has type struct{X int}: unnamed struct types cannot become protobuf messages; declare a named struct in package loja`,
		`API.Array parameter "a" has type [4]int: arrays have a fixed length that protobuf cannot express; use a slice`,
		`API.Complex parameter "c" has type complex128: complex numbers have no protobuf type`,
		`API.Addr parameter "p" has type uintptr: addresses mean nothing in another process`,
		`API.Unsafe parameter "p" has type unsafe.Pointer: addresses mean nothing in another process`,
		`API.StrPtrs parameter "p" has type []*string: a slice of pointers to values has no protobuf form`,
		`API.Matrix parameter "m" has type [][]int: a slice of slices or of maps has no protobuf form`,
		`API.BoolKey parameter "m" has type map[bool]string: protobuf map keys are strings or integers`,
		`API.SliceValue parameter "m" has type map[string][]int: a map of slices or of maps has no protobuf form`,
		`API.PtrValue parameter "m" has type map[string]*Item: map values cannot be nil on the wire`,
		`API.Generic parameter "b" has type Box[int]: generic types are not supported`,
		`API.Hide parameter "h" has type Hidden: field Hidden.x is unexported`,
		`API.Nested parameter "w" has type Watcher, whose field Watcher.Events has type chan int: channels cannot cross a process boundary`,
		`API.Month parameter "m" has type time.Month: types of package time cannot cross the wire`,
		`API.Result result 1 has type chan int: channels cannot cross a process boundary`,
		`API.Unnamed parameter 2 (int64) has no name: the name becomes the protobuf field; name it`,
		`API.NoContext: the first parameter must be ctx context.Context`,
		`API.NoError: the last result must be error`,
		`API.Fold parameter "user_id": its protobuf field name "user_id" collides with that of userID; rename one of them`,
		`API.Describe parameter "descriptor": buf's FIELD_NO_DESCRIPTOR rule forbids a protobuf field named "descriptor"; rename it`,
		`API.Get_All: an RPC name is PascalCase ASCII without underscores`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error lacks\n\t%s\nin\n%s", want, msg)
		}
	}
	for _, line := range strings.Split(strings.TrimPrefix(msg, "extract loja: "), "\n") {
		if !regexp.MustCompile(`^internal/loja/api\.go:\d+:\d+: API\.`).MatchString(line) {
			t.Errorf("this error does not start with the file:line:col of the declaration at fault: %s", line)
		}
	}
	if n := strings.Count(msg, "\n") + 1; n != 28 {
		t.Errorf("the error has %d lines; want one per bad method (28):\n%s", n, msg)
	}
}

// TestRejectedAPIs checks the errors about the API as a whole.
func TestRejectedAPIs(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"no API", "type Other interface{}\n", `internal/loja declares no API interface`},
		{"API not an interface", "type API struct{}\n", `API is a struct{}, not an interface`},
		{"no methods", "type API interface{}\n", `API has no methods; there is nothing to extract`},
		{"struct named like a request", "type GetRequest struct{ ID int64 }\ntype API interface{ Get(ctx context.Context, r GetRequest) error }\n",
			`type GetRequest has the name of the protobuf message generated for API.Get; rename the type`},
		{"struct named like the service", "type LojaService struct{ ID int64 }\ntype API interface{ Get(ctx context.Context, r LojaService) error }\n",
			`type LojaService has the name of the protobuf service; rename the type`},
		{"fields folding together", "type Dup struct{ URL string; Url string }\ntype API interface{ Get(ctx context.Context, d Dup) error }\n",
			`fields Dup.URL and Dup.Url would both become protobuf field "url"; rename one`},
		{"fields with one JSON name", "type Dup struct{ Item_2 string; Item2 string }\ntype API interface{ Get(ctx context.Context, d Dup) error }\n",
			`fields Dup.Item_2 and Dup.Item2 would both become protobuf field "item2"; rename one`},
		{"struct name with underscore", "type Old_Item struct{ ID int64 }\ntype API interface{ Get(ctx context.Context, d Old_Item) error }\n",
			`type Old_Item cannot name a protobuf message, which is PascalCase ASCII without underscores`},
		{"struct named like a stub", "type LojaServiceClient struct{ ID int64 }\ntype API interface{ Get(ctx context.Context, r LojaServiceClient) error }\n",
			`type LojaServiceClient has the name the gRPC code gives to LojaServiceClient; rename the type`},
		{"not a module scaffold", "type API interface{ Get(ctx context.Context, id int64) error }\n",
			`cmd/loja needs func New(Deps) *Module in internal/loja to build the service`},
		{"does not compile", "type API interface{ Get(ctx context.Context, d Missing) error }\n", `internal/loja does not compile; fix it first`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := fixture(t, map[string]string{"internal/loja/api.go": apiFile("loja", tc.src)})
			files, err := Generate(fixtureConfig(root, "loja"))
			if err == nil || files != nil {
				t.Fatalf("Generate = %d files, %v; want no files and an error", len(files), err)
			}
			if !strings.HasPrefix(err.Error(), "extract loja: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q; want it to start with \"extract loja: \" and contain %q", err, tc.want)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{ModulePath: "x", Module: "a", Port: 1}, "Config.Root and Config.ModulePath are required"},
		{Config{Root: ".", ModulePath: "x", Module: "Estoque", Port: 1}, `module "Estoque": a module name is lower-case ASCII`},
		{Config{Root: ".", ModulePath: "x", Module: "a", Port: 0}, "port 0: give a TCP port between 1 and 65535"},
		{Config{Root: t.TempDir(), ModulePath: "example.com/none", Module: "a", Port: 1}, "package example.com/none/internal/a not found"},
	} {
		files, err := Generate(tc.cfg)
		if err == nil || files != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Generate(%+v) = %d files, %v; want an error containing %q", tc.cfg, len(files), err, tc.want)
		}
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"ID": "id", "CreatedAt": "created_at", "EstoqueID": "estoque_id", "URLPath": "url_path",
		"Line2": "line2", "reservaID": "reserva_id", "user_id": "user_id", "HTTPServer": "http_server",
		"Item2Count": "item2_count", "A": "a",
	} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q; want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"Estoque": "estoque", "URLPath": "urlPath", "ID": "id", "listParams": "listParams"} {
		if got := unexported(in); got != want {
			t.Errorf("unexported(%q) = %q; want %q", in, got, want)
		}
	}
	if s, ok := toASCII("Preço"); !ok || s != "Preco" {
		t.Errorf("toASCII(Preço) = %q, %t", s, ok)
	}
	if _, ok := toASCII("数量"); ok {
		t.Error("toASCII folded Chinese to ASCII")
	}
	for in, want := range map[string]bool{"GetURL": true, "Get_All": false, "get": false, "": false, "Get2": true} {
		if isPascalCase(in) != want {
			t.Errorf("isPascalCase(%q) = %t", in, !want)
		}
	}
}
