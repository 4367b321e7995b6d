package tree

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/internal/testtree"
	"go.yaml.in/yaml/v3"
)

func TestParseManifestProblems(t *testing.T) {
	h := Hash([]byte("x"))
	head := "module: example.com/loja\nname: loja\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"empty", "", "modgen.yaml: the file is empty"},
		{"not yaml", "module: [", "modgen.yaml:1: did not find expected node content"},
		{"unknown field", head + "bogus: 1\n", `modgen.yaml:3: unknown field "bogus"; remove it (this modgen knows database, files, modgen, module, modules, name, schema)`},
		{"unknown module field", head + "modules:\n  - name: a\n    entity: A\n    dependson: [b]\n", `modgen.yaml:6: unknown field "dependson"; remove it (this modgen knows depends_on, entity, extracted, fields, name, subscribes)`},
		{"wrong type", head + "modules: 3\n", "modgen.yaml:3: cannot unmarshal !!int `3`"},
		{"newer schema", "schema: 4\n" + head, "modgen.yaml:1: schema 4 is newer than this modgen reads (3); upgrade modgen"},
		{"bad subscription", head + "modules:\n  - name: a\n    entity: A\n    subscribes: [b]\n  - name: b\n    entity: B\n",
			`modgen.yaml:6: module "a" subscribes to "b": not <module>.<EventType>`},
		{"own event", head + "modules:\n  - name: a\n    entity: A\n    subscribes: [a.ACreated]\n",
			`modgen.yaml:6: module "a" subscribes to its own event "a.ACreated"`},
		{"unknown publisher", head + "modules:\n  - name: a\n    entity: A\n    subscribes: [b.BCreated]\n",
			`modgen.yaml:6: module "a" subscribes to "b.BCreated" of unknown module "b"`},
		{"duplicate subscription", head + "modules:\n  - name: a\n    entity: A\n    subscribes: [b.BCreated, b.BCreated]\n  - name: b\n    entity: B\n",
			`modgen.yaml:6: module "a" lists subscription "b.BCreated" twice`},
		{"no module path", "name: loja\n", "the module path is missing"},
		{"bad module path", "module: example.com//loja\n", `modgen.yaml:1: module path "example.com//loja" is invalid: double slash`},
		{"bad module name", head + "modules:\n  - name: Estoque\n    entity: Estoque\n", `modgen.yaml:4: module "Estoque": Go package names are lower case`},
		{"duplicate module", head + "modules:\n  - name: estoque\n    entity: Estoque\n  - name: estoque\n    entity: Estoque\n",
			`modgen.yaml:6: module "estoque" is listed twice (also at line 4)`},
		{"bad entity", head + "modules:\n  - name: estoque\n    entity: estoque\n", `modgen.yaml:5: module "estoque": entity "estoque"`},
		{"unknown dependency", head + "modules:\n  - name: pedidos\n    entity: Pedido\n    depends_on: [estoq]\n",
			`modgen.yaml:6: module "pedidos" depends on unknown module "estoq"`},
		{"self dependency", head + "modules:\n  - name: pedidos\n    entity: Pedido\n    depends_on: [pedidos]\n",
			`modgen.yaml:6: module "pedidos" depends on itself`},
		{"cycle", head + "modules:\n  - name: a\n    entity: A\n    depends_on: [b]\n  - name: b\n    entity: B\n    depends_on: [c]\n  - name: c\n    entity: C\n    depends_on: [a]\n",
			"modgen.yaml:6: dependency cycle: a → b → c → a"},
		{"bad field", head + "modules:\n  - name: a\n    entity: A\n    fields: [preco:money]\n",
			`modgen.yaml:6: module "a": field "preco": unknown type "money"`},
		{"reference outside depends_on", head + "modules:\n  - name: b\n    entity: B\n  - name: a\n    entity: A\n    fields: [b_id:ref(b)]\n",
			`modgen.yaml:8: module "a": a field refers to module "b", which is not in depends_on`},
		{"bad port", head + "modules:\n  - name: a\n    entity: A\n    extracted:\n      port: 70000\n", `modgen.yaml:6: module "a": port 70000 is not a TCP port`},
		{"duplicate port", head + "modules:\n  - name: a\n    entity: A\n    extracted: {port: 50051}\n  - name: b\n    entity: B\n    extracted: {port: 50051}\n",
			`modgen.yaml:9: module "b": port 50051 is also the port of module a`},
		{"escaping path", head + "files:\n  ../../x.go: " + h + "\n", `modgen.yaml:4: files: "../../x.go": the path leaves the project root`},
		{"absolute path", head + "files:\n  /etc/passwd: " + h + "\n", `modgen.yaml:4: files: "/etc/passwd": the path is absolute`},
		{"unclean path", head + "files:\n  a/./b.go: " + h + "\n", `files: "a/./b.go": the path is not clean`},
		{"backslash", head + "files:\n  'a\\b.go': " + h + "\n", `the path contains a backslash`},
		{"duplicate path", head + "files:\n  a.go: " + h + "\n  a.go: " + h + "\n", `modgen.yaml:5: files: "a.go" is listed twice`},
		{"bad hash", head + "files:\n  a.go: md5:00\n", `modgen.yaml:4: files: "a.go": "md5:00" is not a hash modgen writes`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tc.yaml))
			var me *ManifestError
			if !errors.As(err, &me) {
				t.Fatalf("ParseManifest = %v; want a *ManifestError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n  %v\nlacks\n  %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") || !strings.HasSuffix(err.Error(), "; fix modgen.yaml or restore it from version control") {
				t.Errorf("error %q is not one line naming the fix", err)
			}
		})
	}
}

func TestParseManifestListsEveryProblem(t *testing.T) {
	_, err := ParseManifest([]byte("module: example.com/loja\nmodules:\n  - name: a\n    entity: A\n    depends_on: [x]\n  - name: b\n    entity: B\n    depends_on: [y]\n"))
	var me *ManifestError
	if !errors.As(err, &me) || len(me.Problems) != 2 || me.Problems[0].Line != 5 || me.Problems[1].Line != 8 {
		t.Fatalf("ParseManifest = %#v; want two problems, at lines 5 and 8", err)
	}
	if !strings.Contains(err.Error(), "(and 1 more problem(s): modgen check lists them)") {
		t.Errorf("error %q does not say there are more problems", err)
	}
}

func TestParseManifestSchema1(t *testing.T) {
	h := Hash([]byte("x"))
	m, err := ParseManifest([]byte("module: example.com/loja\nfiles:\n  a.go: " + h + "\n"))
	if err != nil || m.Schema != ManifestSchema || recordedHash(m.Files, "a.go") != h {
		t.Fatalf("ParseManifest = %+v, %v; want schema %d and the files of schema 1", m, err, ManifestSchema)
	}
	if got := string(m.Marshal()); strings.Contains(got, "\nfiles:") || !strings.Contains(got, "schema: 3\n") {
		t.Errorf("Marshal kept the hashes in modgen.yaml or wrote no schema:\n%s", got)
	}
	if got, want := string(m.MarshalSums()), "a.go "+h+"\n"; got != want {
		t.Errorf("MarshalSums = %q; want %q", got, want)
	}
}

func TestParseSums(t *testing.T) {
	h := Hash([]byte("x"))
	files := map[string]string{}
	if p := ParseSums("a.go "+h+"\r\n\nb/c d.go "+h+"\n", files); len(p) != 0 || files["a.go"] != h || files["b/c d.go"] != h {
		t.Fatalf("ParseSums = %v, %v", p, files)
	}
	bad := "a.go " + h + "\na.go " + h + "\n../x " + h + "\nnohash\nd.go sha256:xyz\n"
	var got []string
	for _, p := range ParseSums(bad, map[string]string{}) {
		got = append(got, p.String())
	}
	want := []string{
		`modgen.sum:2: "a.go" is listed twice`,
		`modgen.sum:3: "../x": the path leaves the project root`,
		`modgen.sum:4: "nohash": expected a path and a hash`,
		`modgen.sum:5: "d.go": "sha256:xyz" is not a hash modgen writes (sha256: and 64 hex digits)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// bigProject writes the manifest of a project recording n scaffolded files,
// with 200 modules, and returns its root.
func bigProject(t testing.TB, n int) string {
	m := &Manifest{Module: "example.com/loja", Name: "loja", Files: &Sums{}}
	for i := range 200 {
		m.Modules = append(m.Modules, Module{Name: fmt.Sprintf("m%d", i), Entity: "Item"})
		if i > 0 {
			m.Modules[i].DependsOn = []string{fmt.Sprintf("m%d", i-1)}
		}
	}
	for i := range n {
		m.Files.Set(fmt.Sprintf("internal/m%d/file%d.go", i%200, i), Hash([]byte{byte(i)}))
	}
	root := t.TempDir()
	testtree.Write(t, root, map[string]string{ManifestFile: string(m.Marshal()), SumFile: string(m.MarshalSums())})
	return root
}

func TestLoadManifestLarge(t *testing.T) {
	m, err := LoadManifest(bigProject(t, 20000))
	if err != nil || m.Files.Len() != 20000 || len(m.Modules) != 200 {
		t.Fatalf("LoadManifest = %d files, %v", m.Files.Len(), err)
	}
}

// BenchmarkLoadManifest100k loads the manifest of a project with 200
// modules recording 100,000 files.
func BenchmarkLoadManifest100k(b *testing.B) {
	root := bigProject(b, 100000)
	for b.Loop() {
		if _, err := LoadManifest(root); err != nil {
			b.Fatal(err)
		}
	}
}

// yamlMarshal is what Marshal writes without marshalPlain: the encoder's
// YAML, after the same header.
func yamlMarshal(t testing.TB, m *Manifest) []byte {
	t.Helper()
	var buf bytes.Buffer
	header := m.Marshal()
	buf.Write(header[:bytes.Index(header, []byte("schema:"))])
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	c := *m
	c.Schema = ManifestSchema
	c.Modules = slices.Clone(m.Modules)
	slices.SortFunc(c.Modules, func(a, b Module) int { return strings.Compare(a.Name, b.Name) })
	if err := enc.Encode(&c); err != nil {
		t.Fatal(err)
	}
	enc.Close()
	return buf.Bytes()
}

// plainManifest is a manifest with every kind of entry, and s in every
// place a string goes.
func plainManifest(s string) *Manifest {
	return &Manifest{
		Modgen: "v0.1.0-dev", Module: "github.com/acme/loja", Name: "loja", Database: "sqlite",
		Modules: []Module{
			{Name: "estoque", Entity: "Estoque", Extracted: &Extraction{Port: 50051}},
			{Name: "produtos", Entity: "Produto", DependsOn: []string{"estoque", s},
				Fields:     []string{"sku:string(40):unique", "preco:decimal(10,2)?:index", "estoque_id:ref(estoque)", s},
				Subscribes: []string{"estoque.EstoqueCreated", s}, Extracted: &Extraction{Port: 50052}},
			{Name: s, Entity: s},
		},
	}
}

// TestMarshalPlain: the manifest written by hand is the encoder's, for
// strings written plain and for those that must be quoted (then Marshal
// uses the encoder), and the goldens' manifests read back the same.
func TestMarshalPlain(t *testing.T) {
	for _, s := range []string{
		"pedidos", "Pedido", "m200", "a:b", "x:", "y", "N", "yes", "Off", "TRUE", "null", "Null", "~", "1", "1.5", "0x1F",
		"2001-12-14", ".inf", "-a", "a b", "a: b", "a #b", "#a", "'a'", `"a"`, "a\nb", "", "ação", "e3", "a,b", "a?", "?a",
		"a-b_c.d/e(f)+g", "inf", "nan", "NaN", "v1.2.3",
	} {
		m := plainManifest(s)
		got, want := m.Marshal(), yamlMarshal(t, m)
		if !bytes.Equal(got, want) {
			t.Errorf("%q: Marshal:\n%s\nencoder:\n%s", s, got, want)
		}
	}
	// No modules, and an empty string: the encoder's.
	for _, m := range []*Manifest{{Module: "x.com/a", Name: "a", Database: "sqlite", Modgen: "v1"}, {Module: "x.com/a", Name: "a", Database: "sqlite", Modules: []Module{{Name: "a", Entity: "A"}}}} {
		if got, want := m.Marshal(), yamlMarshal(t, m); !bytes.Equal(got, want) {
			t.Errorf("Marshal:\n%s\nencoder:\n%s", got, want)
		}
	}
}

// FuzzMarshalPlain: whatever the string, Marshal writes what the encoder
// writes.
func FuzzMarshalPlain(f *testing.F) {
	for _, s := range []string{"pedidos", "a:b", "y", "sku:string(40):unique", "ref(x)", "1e3", "a,b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := plainManifest(s)
		if got, want := m.Marshal(), yamlMarshal(t, m); !bytes.Equal(got, want) {
			t.Fatalf("%q: Marshal:\n%s\nencoder:\n%s", s, got, want)
		}
	})
}

// TestMarshalPlainRandom: Marshal writes what the encoder writes for
// thousands of short strings over the characters that matter to YAML's
// plain scalars (a seeded generator: the same strings every run).
func TestMarshalPlainRandom(t *testing.T) {
	const alphabet = "aynoYNOTtrufelsAZ019_./()?,:+-#'\" ~!&*@`%|>[]{}\t"
	r := rand.New(rand.NewPCG(15, 3))
	n := 5000
	if testing.Short() {
		n = 500
	}
	for range n {
		b := make([]byte, 1+r.IntN(6))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		m := plainManifest(string(b))
		if got, want := m.Marshal(), yamlMarshal(t, m); !bytes.Equal(got, want) {
			t.Fatalf("%q: Marshal:\n%s\nencoder:\n%s", b, got, want)
		}
	}
}
