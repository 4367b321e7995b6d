package extract

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fixtureModule is the Go module path of the fixture projects.
const fixtureModule = "example.com/shop"

// fixture writes a tiny Go module with files (slash paths → content) into
// a temporary directory and returns its root.
func fixture(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	files["go.mod"] = "module " + fixtureModule + "\n\ngo 1.26\n"
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// fixtureConfig is the Config extracting module m of the fixture at root.
func fixtureConfig(root, m string) Config {
	return Config{Root: root, ModulePath: fixtureModule, Module: m, Port: 50051}
}

// apiFile is a module package holding src after a package clause and
// imports of context, time and extra.
func apiFile(pkg, src string, extra ...string) string {
	var b strings.Builder
	b.WriteString("package " + pkg + "\n\nimport (\n\t\"context\"\n\t\"time\"\n")
	for _, imp := range extra {
		b.WriteString("\t\"" + imp + "\"\n")
	}
	b.WriteString(")\n\n")
	b.WriteString("var _ time.Time\nvar _ context.Context\n\n")
	b.WriteString(src)
	return b.String()
}

// everythingAPI uses every supported type: basic kinds, []byte,
// time.Time, time.Duration, json.RawMessage, named types over each,
// structs, pointers to them and to values, slices, maps with string and
// integer keys, recursion, embedding, a non-ASCII field name and a
// variadic parameter. Its file imports encoding/json.
const everythingAPI = `
// Status is a named string.
type Status string

// Level is a named narrow integer.
type Level int8

// Tags is a named slice.
type Tags []string

// Scores is a named map.
type Scores map[string]float32

// Blob is a named byte slice.
type Blob []byte

// Timeout is a named type over time.Duration: an integer on the wire.
type Timeout time.Duration

// Everything has a field of every supported type.
type Everything struct {
	Flag      bool
	Text      string
	I         int
	I8        int8
	I16       int16
	I32       int32
	I64       int64
	U         uint
	U8        uint8
	U16       uint16
	U32       uint32
	U64       uint64
	F32       float32
	F64       float64
	Raw       []byte
	At        time.Time
	Wait      time.Duration
	Status    Status
	Level     Level
	Tags      Tags
	Scores    Scores
	Blob      Blob
	Timeout   Timeout
	Child     *Node
	Children  []Node
	Ptrs      []*Node
	ByID      map[int64]Node
	ByCode    map[uint32]string
	Small     map[int8]bool
	Named     map[Status]Level
	Blobs     [][]byte
	Times     []time.Time
	Durations map[string]time.Duration
	// Preço has an accented name, folded to ASCII on the wire.
	Preço float64
	Embedded
	// Optional values: proto3 optional fields, or an absent message.
	OptInt   *int64
	OptText  *string
	OptLevel *Level
	OptAt    *time.Time
	OptWait  *time.Duration
	// Doc is raw JSON: its text on the wire.
	Doc json.RawMessage
}

// Node is recursive through a pointer and a slice.
type Node struct {
	Name string
	Next *Node
	Kids []Node
}

// Embedded is embedded in Everything.
type Embedded struct {
	Note string
}

// API uses them all.
type API interface {
	// Echo sends everything and gets it back.
	Echo(ctx context.Context, e Everything, opt *Everything, list []Everything, byName map[string]Everything, s Status, l Level, tags Tags) (Everything, *Node, error)
	// Chain takes a variadic list.
	Chain(ctx context.Context, prefix string, nodes ...Node) ([]Node, error)
	// Ping has no parameters and no results.
	Ping(ctx context.Context) error
	// Lookup has a named result.
	Lookup(ctx context.Context, id uint64) (found bool, err error)
}
`

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func itoa32(n int32) string { return strconv.Itoa(int(n)) }
