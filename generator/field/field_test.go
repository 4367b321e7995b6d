package field

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	fields, err := Parse(" sku:string(40):unique , nota:text?, preco:decimal, estoque_id:ref(estoque)?:index, meta:json?, nome:string")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, goName, goType string
		optional, unique     bool
		maxLen               int
		ref                  string
	}{
		{"sku", "SKU", "string", false, true, 40, ""},
		{"nota", "Nota", "*string", true, false, 0, ""},
		{"preco", "Preco", "scalar.Decimal", false, false, 0, ""},
		{"estoque_id", "EstoqueID", "*int64", true, false, 0, "estoque"},
		{"meta", "Meta", "json.RawMessage", true, false, 0, ""},
		{"nome", "Nome", "string", false, false, DefaultStringLen, ""},
	}
	if len(fields) != len(want) {
		t.Fatalf("Parse = %d fields; want %d", len(fields), len(want))
	}
	for i, w := range want {
		f := fields[i]
		if f.Name != w.name || f.GoName() != w.goName || f.GoType() != w.goType || f.Optional != w.optional ||
			f.Unique != w.unique || f.MaxLen != w.maxLen || f.Ref != w.ref {
			t.Errorf("field %d = %+v (%s %s); want %+v", i, f, f.GoName(), f.GoType(), w)
		}
	}
	if got := Format(fields); got != "sku:string(40):unique,nota:text?,preco:decimal,estoque_id:ref(estoque)?:index,meta:json?,nome:string" {
		t.Errorf("Format = %s", got)
	}
	if !fields[0].Filter() || !fields[3].Filter() || fields[2].Filter() {
		t.Error("Filter: want the unique and the indexed fields")
	}
	if refs := Refs(fields); len(refs) != 1 || refs[0] != "estoque" {
		t.Errorf("Refs = %v", refs)
	}
	if f, err := Parse("  "); f != nil || err != nil {
		t.Errorf("Parse(blank) = %v, %v; want no fields", f, err)
	}
}

func TestParseErrors(t *testing.T) {
	for spec, want := range map[string]string{
		"a:money":                        `unknown type "money"`,
		"a:int,a:text":                   `"a" is listed twice`,
		"type:int":                       "a Go keyword",
		"order:int":                      "a reserved SQL keyword",
		"updated_at:time":                "already has id, created_at and updated_at",
		"normalize:string":               "already has Normalize",
		"_a:int":                         "lower_snake_case",
		"a_:int":                         "single underscores",
		"1a:int":                         "lower_snake_case",
		"a:ref()":                        "ref needs the module",
		"a:ref(x y)":                     "not a module name",
		"a:text(-1)":                     "not a number of characters",
		"a:date(3)":                      "takes no argument",
		"a:int:unique:unique":            "unique is given twice",
		"a:json:unique":                  "cannot be unique",
		"a:time:index":                   "cannot be indexed",
		"a:int:index:index":              "index is given twice",
		"a:int:index:unique":             "indexed already",
		"a:ref(b):unique":                "cannot be unique",
		"a:int:":                         "an empty modifier",
		"a":                              "has no type",
		",":                              "an empty field",
		strings.Repeat("a", 64) + ":int": "at most 63 characters",
	} {
		_, err := Parse(spec)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) = %v; want one line with %q", spec, err, want)
		}
	}
}

// TestTypesAreComplete checks every row of the table has what the
// templates and the extraction use.
func TestTypesAreComplete(t *testing.T) {
	for _, typ := range Types {
		if typ.Go == "" || typ.GoZero == "" || typ.SQLite == "" || typ.Postgres == "" || typ.Proto == "" || typ.Samples[0] == "" || typ.JSON[1] == "" || typ.Wrong == "" {
			t.Errorf("type %s lacks a column: %+v", typ.Name, typ)
		}
		if (typ.Arg == "") != (typ.Dest == "") || (typ.OptionalArg == "") != (typ.OptionalDest == "") {
			t.Errorf("type %s converts one way only", typ.Name)
		}
		if (typ.Bad == "") != (typ.BadProblem == "") {
			t.Errorf("type %s has a bad value without its problem", typ.Name)
		}
		spec := "a:" + typ.Name + ":unique"
		if typ.Name == "ref" {
			spec = "a:ref(b):unique"
		}
		if _, err := Parse(spec); (err == nil) != (typ.Numbered != "") {
			t.Errorf("type %s: unique allowed %v, but Numbered values %q", typ.Name, err == nil, typ.Numbered)
		}
		if TypeNamed(typ.Name) != typ {
			t.Errorf("TypeNamed(%s) is another row", typ.Name)
		}
	}
}

// FuzzParse checks that Parse never panics, and that whatever it accepts
// formats to a spec that parses to the same fields, names included.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"sku:string(40):unique,preco:decimal,validade:date?,estoque_id:ref(estoque)",
		"a:text?:unique", "a:int(", "a:ref(b)?", ":", ",,", "a:string(99999999999999999999)", "é:int", "a b:int",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		fields, err := Parse(spec)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("Parse(%q): a multi-line error: %v", spec, err)
			}
			return
		}
		again, err := Parse(Format(fields))
		if err != nil {
			t.Fatalf("Parse(Format(Parse(%q))) = %v", spec, err)
		}
		if Format(again) != Format(fields) || len(again) != len(fields) {
			t.Fatalf("Format is not stable: %q → %q", Format(fields), Format(again))
		}
		for i, f := range fields {
			if again[i] != f {
				t.Errorf("field %d: %+v → %+v", i, f, again[i])
			}
			if checkName(f.Name) != nil || f.GoName() == "" || f.Type == nil {
				t.Errorf("accepted a bad field %+v", f)
			}
		}
	})
}
