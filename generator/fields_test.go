package generator

import (
	"regexp"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/generator/field"
)

// TestProtoColumn extracts a module with a required and an optional field
// of every type and checks the .proto against the Proto column of the
// field table: the table and generator/extract's mapping agree.
func TestProtoColumn(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a generated project")
	}
	var specs []string
	for _, typ := range field.Types {
		name := typ.Name
		if name == "ref" {
			name = "ref(estoque)"
		}
		specs = append(specs, "req_"+typ.Name+":"+name, "opt_"+typ.Name+":"+name+"?")
	}
	root := makeProject(t, []AddModuleOptions{{Name: "estoque"}, {Name: "produtos", Fields: strings.Join(specs, ",")}})
	p, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	// produtos calls estoque (its ref): estoque is extracted first.
	plan, err := p.Extract("estoque", 0)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, p, plan)
	p.Close()
	if p, err = Open(root); err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	plan, err = p.Extract("produtos", 0)
	if err != nil {
		t.Fatal(err)
	}
	var proto string
	for _, f := range plan.Files {
		if f.Path == "proto/produtos/v1/produtos.proto" {
			proto = string(f.Content)
		}
	}
	msg := regexp.MustCompile(`(?s)\nmessage Produto \{\n(.*?)\n\}`).FindStringSubmatch(proto)
	if msg == nil {
		t.Fatalf("no message Produto in\n%s", proto)
	}
	got := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^  (.+) (\w+) = \d+;$`).FindAllStringSubmatch(msg[1], -1) {
		got[m[2]] = m[1]
	}
	for _, typ := range field.Types {
		want := typ.Proto
		if g := got["req_"+typ.Name]; g != want {
			t.Errorf("required %s: proto type %q; want %q", typ.Name, g, want)
		}
		if typ.Name != "json" && !strings.Contains(want, ".") { // messages and raw JSON have their own absence
			want = "optional " + want
		}
		if g := got["opt_"+typ.Name]; g != want {
			t.Errorf("optional %s: proto type %q; want %q", typ.Name, g, want)
		}
	}
}
