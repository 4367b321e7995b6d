package tree

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// yamlDecode is what the YAML decoder makes of a manifest, unvalidated,
// with Files empty as parsePlain leaves it.
func yamlDecode(t testing.TB, data []byte) (*Manifest, bool) {
	t.Helper()
	var doc manifestDoc
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, false
	}
	m := doc.Manifest
	m.Files = &Sums{}
	return &m, true
}

// checkParsePlain fails t if parsePlain takes data and the YAML decoder
// reads something else from it. It reports whether parsePlain took it.
func checkParsePlain(t *testing.T, data []byte) bool {
	t.Helper()
	got, ok := parsePlain(data)
	if !ok {
		return false
	}
	want, decoded := yamlDecode(t, data)
	if !decoded {
		t.Fatalf("parsePlain took a manifest the YAML decoder rejects:\n%s", data)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parsePlain read\n%#v\nthe YAML decoder\n%#v\nfrom:\n%s", got, want, data)
	}
	return true
}

// plainWritten reports whether Marshal writes m by marshalPlain.
func plainWritten(m *Manifest) bool {
	c := *m
	c.Modules = slices.Clone(m.Modules)
	slices.SortFunc(c.Modules, func(a, b Module) int { return strings.Compare(a.Name, b.Name) })
	return marshalPlain(new(bytes.Buffer), &c)
}

// TestParsePlain: every manifest marshalPlain writes, parsePlain reads as
// the YAML decoder does; others it leaves to the decoder.
func TestParsePlain(t *testing.T) {
	const alphabet = "aynoYNOTtrufelsAZ019_./()?,:+-#'\" ~!&*@`%|>[]{}\t"
	strs := []string{"pedidos", "Pedido", "m200", "a:b", "x:", "y", "N", "yes", "null", "~", "1", "1.5", "a b", "a #b", "", "ação", "e3", "a,b", "a?", "v1.2.3"}
	r := rand.New(rand.NewPCG(28, 11))
	for range 2000 {
		b := make([]byte, 1+r.IntN(6))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		strs = append(strs, string(b))
	}
	took := 0
	for _, s := range strs {
		m := plainManifest(s)
		data := m.Marshal()
		ok := checkParsePlain(t, data)
		// It may also take what the encoder wrote the same way.
		if plainWritten(m) && !ok {
			t.Fatalf("%q: written by marshalPlain, not read by parsePlain:\n%s", s, data)
		}
		if ok {
			took++
		}
	}
	if took < 100 {
		t.Fatalf("parsePlain took %d manifests of %d", took, len(strs))
	}
}

// TestParsePlainEdits: a manifest in the written form, edited so that its
// YAML means the same or something else, is read as the decoder reads it,
// or left to the decoder.
func TestParsePlainEdits(t *testing.T) {
	data := string(plainManifest("notificacoes").Marshal())
	if !checkParsePlain(t, []byte(data)) {
		t.Fatalf("parsePlain did not take what Marshal wrote:\n%s", data)
	}
	lines := strings.SplitAfter(data, "\n")
	var edits []string
	for i := range lines {
		// Each line removed, doubled, indented, commented or quoted.
		without := slices.Delete(slices.Clone(lines), i, i+1)
		doubled := slices.Insert(slices.Clone(lines), i, lines[i])
		indented := slices.Clone(lines)
		indented[i] = " " + lines[i]
		commented := slices.Clone(lines)
		commented[i] = strings.TrimSuffix(lines[i], "\n") + " # note\n"
		quoted := slices.Clone(lines)
		if k, v, ok := strings.Cut(strings.TrimSuffix(lines[i], "\n"), ": "); ok {
			quoted[i] = k + ": \"" + v + "\"\n"
		}
		for _, e := range [][]string{without, doubled, indented, commented, quoted} {
			edits = append(edits, strings.Join(e, ""))
		}
	}
	edits = append(edits,
		strings.Replace(data, "schema: 3", "schema: 2", 1),
		strings.Replace(data, "schema: 3", "schema: 03", 1),
		strings.Replace(data, "port: 50051", "port: 0x50", 1),
		strings.Replace(data, "modules:\n", "modules:\n  # first\n", 1),
		strings.Replace(data, "\n", "\r\n", -1),
		data+"files:\n  a: sha256:00\n",
		data+"\n",
		strings.TrimSuffix(data, "\n"),
	)
	for _, e := range edits {
		checkParsePlain(t, []byte(e))
	}
}

// TestParseManifestPlainProblems: a manifest in the written form that
// fails validation is reported with its lines, by the YAML path.
func TestParseManifestPlainProblems(t *testing.T) {
	m := &Manifest{Modgen: "v1", Module: "github.com/acme/loja", Name: "loja", Database: "sqlite", Modules: []Module{
		{Name: "estoque", Entity: "Estoque"},
		{Name: "pedidos", Entity: "Pedido", DependsOn: []string{"estoque", "notificacoes"}},
	}}
	data := m.Marshal()
	if _, ok := parsePlain(data); !ok {
		t.Fatalf("parsePlain did not take what Marshal wrote:\n%s", data)
	}
	_, err := ParseManifest(data)
	want := `modgen.yaml:13: module "pedidos" depends on unknown module "notificacoes"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v, want %s", err, want)
	}
}

// FuzzParsePlain: whatever the bytes, parsePlain reads what the YAML
// decoder reads, or leaves them to it.
func FuzzParsePlain(f *testing.F) {
	for _, s := range []string{"pedidos", "a:b", "sku:string(40):unique"} {
		f.Add(plainManifest(s).Marshal())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParsePlain(t, data)
	})
}
