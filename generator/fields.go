package generator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/modgen-dev/modgen/generator/field"
	"github.com/modgen-dev/modgen/generator/tree"
)

// fieldData is one field of an entity as the module templates see it: the
// row of its type (field.Types) turned into the Go and SQL text of each
// layer.
type fieldData struct {
	field.Field
	GoName, GoType string
	JSONTag        string // the json struct tag's value
	SQLite         string // the column's definition in CREATE TABLE
	Postgres       string // the same for PostgreSQL
	Arg, Dest      string // query argument and Scan destination, for e.<GoName>
	Normalize      string // statement normalizing e.<GoName>, or ""
	MaxConst       string // name of the length limit constant, or ""
	Checks         []check
	// Required: a missing value is refused, with Missing as the problem.
	Required bool
	Zero     string // the Go zero value of GoType
	// Samples are two valid values (Go, for the field's type) and the same
	// values in JSON; Vary is a Go expression of a distinct valid value for
	// item i, for unique fields (from the type's Numbered JSON).
	Samples [2]string
	JSON    [2]string
	Vary    string
	// Wrong is a JSON value of the wrong JSON type, and the problem
	// pkg/httpx reports for it ("" when it reports no field).
	Wrong, WrongProblem string
	Dep                 *moduleDep // ref: the module referred to
	// Parse is, for a field a list can be filtered by, the Go expression
	// parsing the query parameter s into a value and an error; "" when s
	// is the value (a string).
	Parse string
	// QueryJSON are the samples as the text of a query parameter.
	QueryJSON [2]string
	// Legacy marks the fields of the default entity whose semantics
	// predate --fields: a description that may be empty (NOT NULL DEFAULT
	// ''), and references from --depends-on where 0 means none.
	Legacy bool
}

// check is one rule of Validate: when Cond holds, Problem (a Go
// expression of type string) is wrong with the field.
type check struct {
	Cond, Problem string
}

// defaultFields are the fields of the default entity: Name, Description,
// and a reference to an item of each dependency.
func defaultFields(deps []moduleDep) []fieldData {
	str := field.TypeNamed("string")
	fields := []fieldData{
		newFieldData(field.Field{Name: "name", Type: str, MaxLen: 200}, nil, false),
		newFieldData(field.Field{Name: "description", Type: str, MaxLen: 2000}, nil, true),
	}
	for i := range deps {
		fields = append(fields, newFieldData(field.Field{Name: deps[i].Name + "_id", Type: field.TypeNamed("ref"), Ref: deps[i].Name}, &deps[i], true))
	}
	return fields
}

// newFieldData computes what the templates need of f.
func newFieldData(f field.Field, dep *moduleDep, legacy bool) fieldData {
	t := f.Type
	d := fieldData{Field: f, GoName: f.GoName(), GoType: f.GoType(), JSONTag: f.Name, Dep: dep, Legacy: legacy,
		Required: f.Required() && !legacy, Samples: t.Samples, JSON: t.JSON}
	e := "e." + d.GoName
	opt := f.Optional && t.Name != "json" // a pointer
	sqlType, pgType := t.SQLite, t.Postgres
	constraint := " NOT NULL"
	switch {
	case f.Optional:
		constraint = ""
	case legacy && t.Text:
		constraint = " NOT NULL DEFAULT ''"
	case legacy:
		constraint = " NOT NULL DEFAULT 0"
		d.JSONTag += ",omitempty"
	}
	if f.Unique {
		constraint += " UNIQUE"
	}
	// Aligned like the id, created_at and updated_at columns around them.
	d.SQLite = strings.TrimRight(fmt.Sprintf("%-11s %-7s%s", f.Name, sqlType, constraint), " ")
	d.Postgres = strings.TrimRight(fmt.Sprintf("%-11s %-7s%s", f.Name, pgType, constraint), " ")
	d.Arg, d.Dest = e, "&"+e
	switch {
	case opt && t.OptionalArg != "":
		d.Arg, d.Dest = fmt.Sprintf(t.OptionalArg, e), fmt.Sprintf(t.OptionalDest, e)
	case t.Arg != "":
		d.Arg, d.Dest = fmt.Sprintf(t.Arg, e), fmt.Sprintf(t.Dest, e)
	}
	val := e // the value, when set
	if opt {
		val = "*" + e
	}
	when := func(cond string) string {
		if opt {
			return e + " != nil && " + cond
		}
		return cond
	}
	switch {
	case t.Text:
		if opt {
			d.Normalize = fmt.Sprintf("if %[1]s != nil {\n\t\ts := strings.TrimSpace(*%[1]s)\n\t\t%[1]s = &s\n\t}", e)
		} else {
			d.Normalize = fmt.Sprintf("%[1]s = strings.TrimSpace(%[1]s)", e)
		}
	case t.Name == "time":
		if opt {
			d.Normalize = fmt.Sprintf("if %[1]s != nil {\n\t\tt := %[1]s.UTC().Truncate(time.Microsecond)\n\t\t%[1]s = &t\n\t}", e)
		} else {
			d.Normalize = fmt.Sprintf("%[1]s = %[1]s.UTC().Truncate(time.Microsecond)", e)
		}
	case t.Name == "json":
		d.Normalize = fmt.Sprintf("%[1]s = scalar.CompactJSON(%[1]s)", e)
	}
	if d.Required {
		missing := "must be set"
		if t.Text {
			missing = "must not be empty"
		}
		d.Checks = append(d.Checks, check{fmt.Sprintf(t.Zero, e), strconv.Quote(missing)})
	}
	if f.MaxLen > 0 {
		d.MaxConst = "Max" + d.GoName + "Len"
		d.Checks = append(d.Checks, check{when(fmt.Sprintf("utf8.RuneCountInString(%s) > %s", val, d.MaxConst)),
			fmt.Sprintf("fmt.Sprintf(%q, %s)", "must be at most %d characters", d.MaxConst)})
	}
	switch t.Name {
	case "float":
		d.Checks = append(d.Checks, check{when(fmt.Sprintf("(math.IsNaN(%[1]s) || math.IsInf(%[1]s, 0))", val)), strconv.Quote("must be a finite number")})
	case "json":
		d.Checks = append(d.Checks, check{fmt.Sprintf("len(%[1]s) > 0 && !scalar.IsJSONObject(%[1]s)", e), strconv.Quote("must be a JSON object")})
	case "ref":
		if opt {
			d.Checks = append(d.Checks, check{when(val + " <= 0"), strconv.Quote("must be a positive id")})
		} else {
			d.Checks = append(d.Checks, check{e + " < 0", strconv.Quote("must not be negative")})
		}
	}
	d.Zero = t.GoZero
	if opt {
		d.Zero = "nil"
	}
	for i := range d.Samples {
		d.Samples[i], d.JSON[i] = f.Sample(i)
	}
	if f.Unique {
		d.Vary = fmt.Sprintf("numbered[%s](`%s`, i)", d.GoType, t.Numbered)
	}
	if opt {
		for i := range d.Samples {
			d.Samples[i] = "ptr[" + t.Go + "](" + d.Samples[i] + ")"
		}
	}
	d.Wrong, d.WrongProblem = t.Wrong, t.WrongProblem
	if f.Filter() && t.Query != "%s" {
		d.Parse = fmt.Sprintf(t.Query, "s")
	}
	for i, j := range d.JSON {
		d.QueryJSON[i] = j
		if u, err := strconv.Unquote(j); err == nil && strings.HasPrefix(j, `"`) {
			d.QueryJSON[i] = u
		}
	}
	return d
}

// fieldsData turns parsed fields into template data; deps are the
// module's dependencies, which every reference is among.
func fieldsData(fields []field.Field, deps []moduleDep) []fieldData {
	out := make([]fieldData, len(fields))
	for i, f := range fields {
		var dep *moduleDep
		for j := range deps {
			if deps[j].Name == f.Ref {
				dep = &deps[j]
			}
		}
		out[i] = newFieldData(f, dep, false)
	}
	return out
}

// parseFields parses --fields for module name, checking that every
// reference names another module of the project.
func (p *Project) parseFields(name, spec string) ([]field.Field, error) {
	fields, err := field.Parse(spec)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		switch {
		case f.Ref == name:
			return nil, fmt.Errorf("--fields: field %q refers to module %s itself; a module cannot depend on itself", f.Name, name)
		case p.Manifest.Find(f.Ref) == nil && f.Ref != "":
			if err := tree.ValidateName("module", f.Ref); err != nil {
				return nil, fmt.Errorf("--fields: field %q: %v", f.Name, err)
			}
			return nil, fmt.Errorf("--fields: field %q refers to unknown module %q; add it first with `modgen add module %s`%s", f.Name, f.Ref, f.Ref, known(p.Manifest))
		}
	}
	return fields, nil
}

// usesScalar reports whether the code of f uses the project's pkg/scalar.
func (f fieldData) usesScalar() bool {
	code := []string{f.GoType, f.Arg, f.Dest, f.Normalize, f.Samples[0], f.Samples[1], f.Vary, f.Parse}
	for _, c := range f.Checks {
		code = append(code, c.Cond)
	}
	for _, c := range code {
		if strings.Contains(c, "scalar.") {
			return true
		}
	}
	return false
}
