// Package field parses the --fields of `modgen add module` and holds the
// one table of field types: for each, its Go type, SQL column types (SQLite
// and PostgreSQL), protobuf type once extracted, and the sample values the
// generated tests use. The module templates render from these rows and
// know nothing else about types.
//
// The grammar of a spec is
//
//	fields   = field { "," field }
//	field    = name ":" type [ "(" length ")" ] [ "?" ] { ":" modifier }
//	type     = string | text | int | float | decimal | bool | time | date | uuid | json | ref "(" module ")"
//	modifier = unique | index
//
// name is lower_snake_case ASCII (the JSON name and the column); "?" makes
// the field optional (nullable, a pointer in Go, null in JSON); a length
// bounds a string or text field in characters; unique adds a UNIQUE
// constraint, index an index; the list of a module can be filtered by the
// value of a unique or indexed field (?sku=X). Spaces around the
// separators are ignored.
package field

import (
	"encoding/json"
	"fmt"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// Type is one field type: a row of the table.
type Type struct {
	Name string // as written in --fields
	// Go is the Go type of a required field; an optional field is a
	// pointer to it, except for json, whose nil is already "absent".
	Go string
	// Import is the package the Go type needs: "time", "encoding/json", or
	// "scalar" for the project's pkg/scalar.
	Import string
	// SQLite and Postgres are the column types. Decimal is TEXT on SQLite,
	// whose NUMERIC affinity would round it through a float; JSON is json,
	// not jsonb, on PostgreSQL, which keeps the (compacted) text as sent
	// where jsonb reorders keys; times are kept to the microsecond, the
	// precision of PostgreSQL's timestamptz, on both.
	SQLite, Postgres string
	// Proto is the type of the field once the module is extracted;
	// generator/extract maps the Go type to it (TestProtoColumn).
	Proto string
	// Arg and Dest convert a value of the Go type (the format's argument,
	// such as e.Price) to a query argument and to a Scan destination;
	// OptionalArg and OptionalDest do for the optional field, when it
	// differs. "" is the value itself and its address: database/sql
	// handles the type, and pointers to it as NULL.
	Arg, Dest, OptionalArg, OptionalDest string
	// Text: trimmed of surrounding spaces, and bounded in length.
	Text bool
	// Zero is how Go tests a required value for absence ("" when any value,
	// zero included, is valid): a format of the field expression.
	Zero string
	// Samples are two distinct valid values: Go expressions (with the
	// packages of Import) and the same values in JSON.
	Samples [2]string
	JSON    [2]string
	// Numbered is, for the types a unique field can have, a JSON value
	// distinct for every positive integer: a format of %[1]d.
	Numbered string
	// Query parses the text s of a query parameter into a value of Go,
	// returning it and an error: a format of s; "%s" for a string, which
	// needs no parsing; "" for the types a list is not filtered by.
	Query string
	// GoZero is the zero value of Go.
	GoZero string
	// Wrong is a JSON value of another JSON type, and the problem pkg/httpx
	// reports for it ("" when it names no field: time.Time reports its
	// own error).
	Wrong, WrongProblem string
	// Bad is a JSON value of the right JSON type that the Go type refuses,
	// and the problem it reports ("" when there is none).
	Bad, BadProblem string
}

// Types is the table of field types, in the order the help lists them.
var Types = []*Type{
	{Name: "string", Query: `%s`, GoZero: `""`, Wrong: `1`, WrongProblem: `must be a string`, Numbered: `"u%[1]d"`, Go: "string", SQLite: "TEXT", Postgres: "TEXT", Proto: "string", Text: true, Zero: `%s == ""`,
		Samples: [2]string{`"água ☕ 1"`, `"Ünïcødé 2"`}, JSON: [2]string{`"água ☕ 1"`, `"Ünïcødé 2"`}},
	{Name: "text", Query: `%s`, GoZero: `""`, Wrong: `1`, WrongProblem: `must be a string`, Numbered: `"u%[1]d"`, Go: "string", SQLite: "TEXT", Postgres: "TEXT", Proto: "string", Text: true, Zero: `%s == ""`,
		Samples: [2]string{`"linha 1\nlinha 2 ✓"`, `"outro texto"`}, JSON: [2]string{`"linha 1\nlinha 2 ✓"`, `"outro texto"`}},
	{Name: "int", Query: `strconv.ParseInt(%s, 10, 64)`, GoZero: `0`, Wrong: `"7"`, WrongProblem: `must be an integer`, Numbered: `%[1]d`, Go: "int64", SQLite: "INTEGER", Postgres: "BIGINT", Proto: "int64",
		Samples: [2]string{`-9007199254740993`, `42`}, JSON: [2]string{`-9007199254740993`, `42`}},
	{Name: "float", GoZero: `0`, Wrong: `"x"`, WrongProblem: `must be a number`, Go: "float64", SQLite: "REAL", Postgres: "DOUBLE PRECISION", Proto: "double",
		Samples: [2]string{`0.1`, `-2.5e10`}, JSON: [2]string{`0.1`, `-25000000000`}},
	{Name: "decimal", Query: `scalar.ParseDecimal(%s)`, GoZero: `scalar.Decimal{}`, Wrong: `true`, WrongProblem: `must be a decimal number such as "12.50"`, Numbered: `"%[1]d.5"`, Go: "scalar.Decimal", Import: "scalar", SQLite: "TEXT", Postgres: "NUMERIC", Proto: "string",
		Samples: [2]string{`scalar.MustDecimal("12345678901234567890.123456789")`, `scalar.MustDecimal("-0.3")`},
		JSON:    [2]string{`"12345678901234567890.123456789"`, `"-0.3"`}, Bad: `"1,5"`, BadProblem: `must be a decimal number such as "12.50"`},
	{Name: "bool", Query: `strconv.ParseBool(%s)`, GoZero: `false`, Wrong: `"yes"`, WrongProblem: `must be true or false`, Go: "bool", SQLite: "INTEGER", Postgres: "BOOLEAN", Proto: "bool",
		Samples: [2]string{`true`, `false`}, JSON: [2]string{`true`, `false`}},
	{Name: "time", GoZero: `time.Time{}`, Wrong: `1`, WrongProblem: ``, Numbered: `"2026-01-01T00:00:00.%06[1]dZ"`, Go: "time.Time", Import: "time", SQLite: "TEXT", Postgres: "TIMESTAMPTZ", Proto: "google.protobuf.Timestamp", Zero: `%s.IsZero()`,
		Arg: "database.FormatTime(%s)", Dest: "database.ScanTime(&%s)", OptionalArg: "scalar.FormatOptionalTime(%s)", OptionalDest: "scalar.ScanOptionalTime(&%s)",
		Samples: [2]string{`time.Date(2026, 3, 1, 12, 30, 45, 123456000, time.UTC)`, `time.Date(1999, 12, 31, 23, 59, 59, 1000, time.UTC)`},
		JSON:    [2]string{`"2026-03-01T12:30:45.123456Z"`, `"1999-12-31T23:59:59.000001Z"`}},
	{Name: "date", Query: `scalar.ParseDate(%s)`, GoZero: `scalar.Date{}`, Wrong: `1`, WrongProblem: `must be a date such as "2026-03-01"`, Numbered: `"2%03[1]d-01-01"`, Go: "scalar.Date", Import: "scalar", SQLite: "TEXT", Postgres: "DATE", Proto: "string", Zero: `%s.IsZero()`,
		Samples: [2]string{`scalar.MustDate("2026-02-28")`, `scalar.MustDate("2000-01-01")`},
		JSON:    [2]string{`"2026-02-28"`, `"2000-01-01"`}, Bad: `"2026-02-30"`, BadProblem: `must be a date such as "2026-03-01"`},
	{Name: "uuid", Query: `scalar.ParseUUID(%s)`, GoZero: `scalar.UUID{}`, Wrong: `1`, WrongProblem: `must be a UUID such as "0190f5a4-7b2c-7d3e-8f40-123456789abc"`, Numbered: `"00000000-0000-4000-8000-%012[1]d"`, Go: "scalar.UUID", Import: "scalar", SQLite: "TEXT", Postgres: "UUID", Proto: "string", Zero: `%s.IsZero()`,
		Samples: [2]string{`scalar.MustUUID("0190f5a4-7b2c-7d3e-8f40-123456789abc")`, `scalar.MustUUID("c0ffee00-0000-4000-8000-00000000beef")`},
		JSON:    [2]string{`"0190f5a4-7b2c-7d3e-8f40-123456789abc"`, `"c0ffee00-0000-4000-8000-00000000beef"`}, Bad: `"not-a-uuid"`, BadProblem: `must be a UUID such as "0190f5a4-7b2c-7d3e-8f40-123456789abc"`},
	{Name: "json", GoZero: `nil`, Wrong: `[1]`, WrongProblem: `must be a JSON object`, Go: "json.RawMessage", Import: "encoding/json", SQLite: "TEXT", Postgres: "JSON", Proto: "string", Zero: `len(%s) == 0`,
		Arg: "scalar.JSONArg(%s)", Dest: "scalar.ScanJSON(&%s)",
		Samples: [2]string{"json.RawMessage(`{\"cor\":\"azul\",\"tamanhos\":[1,2.5],\"ok\":true}`)", "json.RawMessage(`{\"vazio\":{}}`)"},
		JSON:    [2]string{`{"cor":"azul","tamanhos":[1,2.5],"ok":true}`, `{"vazio":{}}`}},
	{Name: "ref", Query: `strconv.ParseInt(%s, 10, 64)`, GoZero: `0`, Wrong: `"7"`, WrongProblem: `must be an integer`, Go: "int64", SQLite: "INTEGER", Postgres: "BIGINT", Proto: "int64", Zero: `%s == 0`,
		Samples: [2]string{`7`, `8`}, JSON: [2]string{`7`, `8`}}, // items of the tests' fakes
}

// TypeNamed returns the row of a type name, or nil.
func TypeNamed(name string) *Type {
	for _, t := range Types {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Field is one field of an entity.
type Field struct {
	Name     string // lower_snake_case: the JSON name and the column
	Type     *Type
	Optional bool   // nullable: a pointer in Go (json: a nil RawMessage), null in JSON
	Unique   bool   // UNIQUE in the database: a second item with the value is a conflict
	Index    bool   // indexed, without UNIQUE
	MaxLen   int    // text types: the maximum length in characters, 0 for none
	Ref      string // ref: the module whose entity the field refers to
}

// DefaultStringLen bounds a string field without a length.
const DefaultStringLen = 200

// maxLen bounds what a length can be.
const maxLen = 1 << 20

// Parse parses a --fields spec. An empty spec is no fields.
func Parse(spec string) ([]Field, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, nil
	}
	var fields []Field
	seen := map[string]string{} // Go name → field name
	for item := range strings.SplitSeq(spec, ",") {
		f, err := parseField(strings.TrimSpace(item))
		if err != nil {
			return nil, err
		}
		gn := f.GoName()
		if prev, dup := seen[gn]; dup {
			if prev == f.Name {
				return nil, fmt.Errorf("--fields: field %q is listed twice; keep one", f.Name)
			}
			return nil, fmt.Errorf("--fields: fields %q and %q would both be %s in Go; rename one", prev, f.Name, gn)
		}
		seen[gn] = f.Name
		fields = append(fields, f)
	}
	return fields, nil
}

func parseField(item string) (Field, error) {
	var f Field
	if item == "" {
		return f, fmt.Errorf("--fields: an empty field (two commas, or a trailing one); write name:type pairs such as %q", "sku:string,preco:decimal")
	}
	parts := strings.Split(item, ":")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) < 2 || parts[1] == "" {
		return f, fmt.Errorf("--fields: %q has no type; write name:type such as %q", item, parts[0]+":string")
	}
	f.Name = parts[0]
	if err := checkName(f.Name); err != nil {
		return f, err
	}
	typ := parts[1]
	if rest, ok := strings.CutSuffix(typ, "?"); ok {
		f.Optional, typ = true, strings.TrimSpace(rest)
	}
	name, arg, hasArg := typ, "", false
	if i := strings.IndexByte(typ, '('); i >= 0 {
		if !strings.HasSuffix(typ, ")") {
			return f, fmt.Errorf("--fields: field %q: type %q has an unclosed parenthesis; write %q or %q", f.Name, typ, "string(40)", "ref(estoque)")
		}
		name, arg, hasArg = strings.TrimSpace(typ[:i]), strings.TrimSpace(typ[i+1:len(typ)-1]), true
	}
	f.Type = TypeNamed(name)
	switch {
	case f.Type == nil:
		return f, fmt.Errorf("--fields: field %q: unknown type %q; use one of %s", f.Name, name, typeList())
	case f.Type.Name == "ref":
		if !hasArg || arg == "" {
			return f, fmt.Errorf("--fields: field %q: ref needs the module it refers to, such as %q", f.Name, f.Name+":ref(estoque)")
		}
		if !moduleName(arg) {
			return f, fmt.Errorf("--fields: field %q: %q is not a module name; write ref(MODULE) with the name given to `modgen add module`", f.Name, arg)
		}
		f.Ref = arg
	case f.Type.Text:
		if hasArg {
			n, err := strconv.Atoi(arg)
			if err != nil || n < 1 || n > maxLen {
				return f, fmt.Errorf("--fields: field %q: length %q is not a number of characters from 1 to %d; write %q", f.Name, arg, maxLen, f.Type.Name+"(40)")
			}
			f.MaxLen = n
		} else if f.Type.Name == "string" {
			f.MaxLen = DefaultStringLen
		}
	case hasArg:
		return f, fmt.Errorf("--fields: field %q: type %s takes no argument; only string(N), text(N) and ref(MODULE) do", f.Name, f.Type.Name)
	}
	for _, m := range parts[2:] {
		switch m {
		case "unique":
			switch {
			case f.Unique:
				return f, fmt.Errorf("--fields: field %q: unique is given twice; keep one", f.Name)
			case f.Index:
				return f, fmt.Errorf("--fields: field %q: a unique field is indexed already; drop :index", f.Name)
			case f.Type.Numbered == "":
				return f, fmt.Errorf("--fields: field %q: a %s field cannot be unique; drop :unique", f.Name, f.Type.Name)
			}
			f.Unique = true
		case "index":
			switch {
			case f.Index:
				return f, fmt.Errorf("--fields: field %q: index is given twice; keep one", f.Name)
			case f.Unique:
				return f, fmt.Errorf("--fields: field %q: a unique field is indexed already; drop :index", f.Name)
			case f.Type.Query == "":
				return f, fmt.Errorf("--fields: field %q: a %s field cannot be indexed for filtering; drop :index", f.Name, f.Type.Name)
			}
			f.Index = true
		case "":
			return f, fmt.Errorf("--fields: field %q: an empty modifier; write %q", f.Name, f.Name+":"+parts[1]+":unique")
		default:
			return f, fmt.Errorf("--fields: field %q: unknown modifier %q; use unique or index (optional is a ? after the type: %q)", f.Name, m, f.Name+":"+f.Type.Name+"?")
		}
	}
	return f, nil
}

func typeList() string {
	names := make([]string, len(Types))
	for i, t := range Types {
		names[i] = t.Name
		if t.Name == "ref" {
			names[i] = "ref(MODULE)"
		}
	}
	return strings.Join(names, ", ")
}

// moduleName reports whether s looks like a module name (lower-case
// letters and digits, a letter first); the generator checks the module
// exists.
func moduleName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// columns are what every entity has besides its fields; methods are the
// entity's Go methods.
var (
	columns = []string{"id", "created_at", "updated_at"}
	methods = []string{"Normalize", "Validate", "ID", "CreatedAt", "UpdatedAt"}
)

// checkName checks a field name: lower_snake_case ASCII, a letter first,
// at most 63 characters (PostgreSQL's limit), and not a column every entity
// has, a Go keyword or an SQL keyword.
func checkName(name string) error {
	if name == "" {
		return fmt.Errorf("--fields: a field has no name; write name:type such as %q", "sku:string")
	}
	if len(name) > 63 {
		return fmt.Errorf("--fields: field %q: a name is at most 63 characters (PostgreSQL's limit); shorten it", name)
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && i > 0 || r == '_' && i > 0
		if !ok {
			return fmt.Errorf("--fields: field %q: a name is lower_snake_case (lower-case ASCII letters, digits and single underscores, a letter first); try %q", name, suggest(name))
		}
	}
	if strings.Contains(name, "__") || strings.HasSuffix(name, "_") {
		return fmt.Errorf("--fields: field %q: words are joined by single underscores; try %q", name, suggest(name))
	}
	if slices.Contains(columns, name) {
		return fmt.Errorf("--fields: field %q: every entity already has id, created_at and updated_at; choose another name", name)
	}
	if token.IsKeyword(name) {
		return fmt.Errorf("--fields: field %q: a Go keyword; try %q", name, name+"_value")
	}
	if sqlKeywords[strings.ToUpper(name)] {
		return fmt.Errorf("--fields: field %q: a reserved SQL keyword; try %q", name, name+"_value")
	}
	if gn := goName(name); slices.Contains(methods, gn) {
		return fmt.Errorf("--fields: field %q: the entity already has %s in Go; choose another name", name, gn)
	}
	return nil
}

// suggest derives a field name from an invalid one.
func suggest(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	s := strings.TrimSuffix(b.String(), "_")
	if s == "" || checkName(s) != nil {
		return "field"
	}
	return s
}

// initialisms are written in capitals in Go names (Go's own style).
var initialisms = map[string]bool{"id": true, "uuid": true, "url": true, "uri": true, "json": true, "http": true,
	"api": true, "ip": true, "html": true, "sql": true, "xml": true, "cpf": true, "cnpj": true, "sku": true}

// goName is the Go name of a field name: estoque_id → EstoqueID.
func goName(name string) string {
	var b strings.Builder
	for w := range strings.SplitSeq(name, "_") {
		switch {
		case w == "":
		case initialisms[w]:
			b.WriteString(strings.ToUpper(w))
		default:
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// GoName is the field's Go name.
func (f Field) GoName() string { return goName(f.Name) }

// GoType is the field's Go type in the API and the domain.
func (f Field) GoType() string {
	if f.Optional && f.Type.Name != "json" {
		return "*" + f.Type.Go
	}
	return f.Type.Go
}

// Filter reports whether a list can be filtered by the field: it is
// indexed (unique or index) and its type can be a query parameter.
func (f Field) Filter() bool { return (f.Unique || f.Index) && f.Type.Query != "" }

// Required reports whether the field must be given: a required field whose
// type has a zero that means "absent".
func (f Field) Required() bool { return !f.Optional && f.Type.Zero != "" }

// String is the field as written in --fields, in canonical form: the
// manifest records it, so that a re-run compares specs, not spellings.
func (f Field) String() string {
	s := f.Name + ":" + f.Type.Name
	switch {
	case f.Ref != "":
		s += "(" + f.Ref + ")"
	case f.Type.Name == "string" && f.MaxLen != DefaultStringLen, f.Type.Name == "text" && f.MaxLen != 0:
		s += "(" + strconv.Itoa(f.MaxLen) + ")"
	}
	if f.Optional {
		s += "?"
	}
	if f.Unique {
		s += ":unique"
	}
	if f.Index {
		s += ":index"
	}
	return s
}

// Format is the canonical spec of fields.
func Format(fields []Field) string {
	specs := make([]string, len(fields))
	for i, f := range fields {
		specs[i] = f.String()
	}
	return strings.Join(specs, ",")
}

// Refs are the modules fields refer to, sorted, without repetition.
func Refs(fields []Field) []string {
	var refs []string
	for _, f := range fields {
		if f.Ref != "" {
			refs = append(refs, f.Ref)
		}
	}
	slices.Sort(refs)
	return slices.Compact(refs)
}

// sqlKeywords are the keywords of SQLite and the reserved words of
// PostgreSQL: a column named so needs quoting in every query.
var sqlKeywords = func() map[string]bool {
	m := map[string]bool{}
	for w := range strings.FieldsSeq(`ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT
	BEFORE BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT
	CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DO
	DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM
	FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD
	INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL
	NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE
	RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT
	SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM
	VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT
	ANALYSE ANY ARRAY ASYMMETRIC AUTHORIZATION BINARY BOTH COLLATION CONCURRENTLY CURRENT_CATALOG CURRENT_ROLE
	CURRENT_SCHEMA CURRENT_USER FALSE FETCH FREEZE GRANT ILIKE LATERAL LEADING LOCALTIME LOCALTIMESTAMP ONLY
	OVERLAPS PLACING SESSION_USER SIMILAR SOME SYMMETRIC TABLESAMPLE TRAILING TRUE USER VARIADIC VERBOSE`) {
		m[w] = true
	}
	return m
}()

// Sample is the i-th sample (0 or 1) of the field as Go code and as JSON,
// cut to the field's length limit.
func (f Field) Sample(i int) (goCode, jsonText string) {
	goCode, jsonText = f.Type.Samples[i], f.Type.JSON[i]
	if f.Type.Text && f.MaxLen > 0 {
		if s, err := strconv.Unquote(goCode); err == nil && len([]rune(s)) > f.MaxLen {
			s = string([]rune(s)[:f.MaxLen])
			goCode = strconv.Quote(s)
			b, _ := json.Marshal(s)
			jsonText = string(b)
		}
	}
	return goCode, jsonText
}
