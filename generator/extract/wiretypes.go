package extract

// This file is the one home of the mapping between Go and the wire: which
// Go types can cross it (typeOf, and why the others cannot), and for each
// supported leaf type one row of scalars: its protobuf type, the Go type
// protoc-gen-go gives the field, how a value converts each way, and the
// sample value the contract test sends. Messages, optional messages,
// repeated fields and maps are built from the rows.

import (
	"fmt"
	"go/types"

	"github.com/dave/jennifer/jen"
)

// kind is the shape of a supported type on the wire.
type kind int

const (
	kBool kind = iota
	kString
	kInt      // signed integers
	kUint     // unsigned integers
	kFloat    // float32, float64
	kBytes    // []byte
	kTime     // time.Time
	kDuration // time.Duration
	kDecimal  // scalar.Decimal of the project's pkg/scalar
	kDate     // scalar.Date
	kUUID     // scalar.UUID
	kJSON     // json.RawMessage
	kMessage  // a struct of the module
	kPointer  // pointer to a struct of the module (an optional message), or to a leaf (an optional field)
	kSlice    // repeated
	kMap      // map with string or integer keys
)

// typ is a supported Go type and how it maps to protobuf.
type typ struct {
	kind  kind
	goTyp types.Type
	// named is set when the Go type is a defined type (or an alias of one)
	// of the module: Go code must name it to convert to it.
	named *goName
	basic types.BasicKind // scalars: the underlying basic kind
	elem  *typ            // slice element, map value, pointer target
	key   *typ            // map key
	msg   *message        // kMessage
}

// scalar is one supported leaf type of the wire.
type scalar struct {
	kind  kind
	basic types.BasicKind // the Go basic kind; for kTime and kDuration, Invalid
	proto string          // the .proto type
	// pbName is the Go type protoc-gen-go gives a field of a basic type;
	// pbGo is that of the others.
	pbName string
	pbGo   func() *jen.Statement
	// narrow: the Go type may not hold every value of the wire type (int8
	// in an int32, int and uint on 32-bit platforms), so converting from
	// the wire is checked (grpcx.Checked) and can fail.
	narrow bool
	// toPB and fromPB convert, for the types that need a function; nil
	// means a Go conversion, or none when the types are identical.
	toPB   func(c *contract, v jen.Code) jen.Code
	fromPB func(c *contract, v jen.Code) jen.Code // always fallible
	// sample is a value of the Go type t (of this row) for the contract
	// test, distinct from call to call.
	sample func(s *sampler, t *typ) jen.Code
}

// scalars are every supported leaf type.
var scalars = []scalar{
	{kind: kBool, basic: types.Bool, proto: "bool", pbName: "bool", sample: func(s *sampler, t *typ) jen.Code { return convLit(t, jen.True()) }},
	{kind: kString, basic: types.String, proto: "string", pbName: "string", sample: sampleString},
	{kind: kInt, basic: types.Int, proto: "int64", pbName: "int64", narrow: true, sample: sampleInt},
	{kind: kInt, basic: types.Int8, proto: "int32", pbName: "int32", narrow: true, sample: sampleInt},
	{kind: kInt, basic: types.Int16, proto: "int32", pbName: "int32", narrow: true, sample: sampleInt},
	{kind: kInt, basic: types.Int32, proto: "int32", pbName: "int32", sample: sampleInt},
	{kind: kInt, basic: types.Int64, proto: "int64", pbName: "int64", sample: sampleInt},
	{kind: kUint, basic: types.Uint, proto: "uint64", pbName: "uint64", narrow: true, sample: sampleUint},
	{kind: kUint, basic: types.Uint8, proto: "uint32", pbName: "uint32", narrow: true, sample: sampleUint},
	{kind: kUint, basic: types.Uint16, proto: "uint32", pbName: "uint32", narrow: true, sample: sampleUint},
	{kind: kUint, basic: types.Uint32, proto: "uint32", pbName: "uint32", sample: sampleUint},
	{kind: kUint, basic: types.Uint64, proto: "uint64", pbName: "uint64", sample: sampleUint},
	{kind: kFloat, basic: types.Float32, proto: "float", pbName: "float32", sample: sampleFloat},
	{kind: kFloat, basic: types.Float64, proto: "double", pbName: "float64", sample: sampleFloat},
	{kind: kBytes, proto: "bytes", pbGo: func() *jen.Statement { return jen.Index().Byte() },
		sample: func(s *sampler, t *typ) jen.Code { return goType(t).Call(jen.Lit(fmt.Sprintf("bytes %d", s.next()))) }},
	{kind: kTime, proto: "google.protobuf.Timestamp",
		pbGo:   func() *jen.Statement { return jen.Op("*").Qual(pathTimestamp, "Timestamp") },
		toPB:   func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.grpcxPkg(), "TimeToPB").Call(v) },
		fromPB: func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.grpcxPkg(), "TimeFromPB").Call(v) },
		sample: func(s *sampler, t *typ) jen.Code {
			return jen.Qual(pathTime, "Date").Call(jen.Lit(2026), jen.Qual(pathTime, "March"), jen.Lit(1+s.next()%27), jen.Lit(12), jen.Lit(30), jen.Lit(s.next()%60), jen.Lit(123456789), jen.Qual(pathTime, "UTC"))
		}},
	// The project's pkg/scalar types travel as their canonical text,
	// converted by pkg/scalar's wire functions ("" is the zero value).
	{kind: kDecimal, proto: "string", pbName: "string",
		toPB:   func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.scalarPkg(), "DecimalToWire").Call(v) },
		fromPB: func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.scalarPkg(), "DecimalFromWire").Call(v) },
		sample: func(s *sampler, t *typ) jen.Code {
			return jen.Qual(t.named.pkgPath, "MustDecimal").Call(jen.Lit(fmt.Sprintf("-%d.000000000000000000001", s.next())))
		}},
	{kind: kDate, proto: "string", pbName: "string",
		toPB:   func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.scalarPkg(), "DateToWire").Call(v) },
		fromPB: func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.scalarPkg(), "DateFromWire").Call(v) },
		sample: func(s *sampler, t *typ) jen.Code {
			return jen.Qual(t.named.pkgPath, "MustDate").Call(jen.Lit(fmt.Sprintf("2026-02-%02d", 1+s.next()%28)))
		}},
	{kind: kUUID, proto: "string", pbName: "string",
		toPB:   func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.scalarPkg(), "UUIDToWire").Call(v) },
		fromPB: func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.scalarPkg(), "UUIDFromWire").Call(v) },
		sample: func(s *sampler, t *typ) jen.Code {
			return jen.Qual(t.named.pkgPath, "MustUUID").Call(jen.Lit(fmt.Sprintf("0190f5a4-7b2c-7d3e-8f40-%012d", s.next())))
		}},
	// Raw JSON travels as its text ("" for nil), checked to be JSON.
	{kind: kJSON, proto: "string", pbName: "string",
		toPB:   func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.grpcxPkg(), "JSONToPB").Call(v) },
		fromPB: func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.grpcxPkg(), "JSONFromPB").Call(v) },
		sample: func(s *sampler, t *typ) jen.Code {
			return goType(t).Call(jen.Lit(fmt.Sprintf(`{"n":%d,"s":"água"}`, s.next())))
		}},
	{kind: kDuration, proto: "google.protobuf.Duration",
		pbGo:   func() *jen.Statement { return jen.Op("*").Qual(pathDurationPB, "Duration") },
		toPB:   func(c *contract, v jen.Code) jen.Code { return jen.Qual(pathDurationPB, "New").Call(v) },
		fromPB: func(c *contract, v jen.Code) jen.Code { return jen.Qual(c.grpcxPkg(), "DurationFromPB").Call(v) },
		sample: func(s *sampler, t *typ) jen.Code {
			return jen.Lit(s.next()).Op("*").Qual(pathTime, "Second").Op("+").Lit(250).Op("*").Qual(pathTime, "Millisecond")
		}},
}

// scalarOf returns the row of a leaf type, or nil for a composite one. A
// kind with a single row (bool, string, bytes, times, durations) needs no
// basic kind.
func scalarOf(t *typ) *scalar {
	var only *scalar
	n := 0
	for i := range scalars {
		s := &scalars[i]
		if s.kind != t.kind {
			continue
		}
		if s.basic == t.basic {
			return s
		}
		only, n = s, n+1
	}
	if n == 1 {
		return only
	}
	return nil
}

// typeOf maps a Go type to its wire shape, or says why it cannot cross.
func (l *loader) typeOf(t types.Type) (*typ, *unsupported) {
	no := func(why string) (*typ, *unsupported) { return nil, &unsupported{typ: t, why: why} }
	var aliasName *goName
	if a, ok := t.(*types.Alias); ok {
		if a.Obj().Pkg() != nil && a.Obj().Pkg() == l.pkg && a.Obj().Exported() {
			aliasName = &goName{pkgPath: l.pkg.Path(), name: a.Obj().Name()}
		}
		t = types.Unalias(t)
	}
	switch t := t.(type) {
	case *types.Basic:
		return basicType(t, t)
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() == nil {
			return no("interface values have no wire form; use a concrete struct of the module")
		}
		if obj.Pkg().Path() == "time" && obj.Name() == "Time" {
			return &typ{kind: kTime, goTyp: t}, nil
		}
		if obj.Pkg().Path() == "time" && obj.Name() == "Duration" {
			return &typ{kind: kDuration, goTyp: t}, nil
		}
		if obj.Pkg().Path() == "encoding/json" && obj.Name() == "RawMessage" {
			return &typ{kind: kJSON, goTyp: t, named: &goName{pkgPath: "encoding/json", name: "RawMessage"}}, nil
		}
		if obj.Pkg().Path() == l.c.scalarPkg() {
			if k, ok := map[string]kind{"Decimal": kDecimal, "Date": kDate, "UUID": kUUID}[obj.Name()]; ok {
				return &typ{kind: k, goTyp: t, named: &goName{pkgPath: obj.Pkg().Path(), name: obj.Name()}}, nil
			}
		}
		if t.TypeArgs().Len() > 0 {
			return no("generic types are not supported; declare a concrete struct instead")
		}
		if !l.inModule(obj.Pkg()) {
			return no(fmt.Sprintf("types of package %s cannot cross the wire: only the module's own types, time.Time and time.Duration can; declare a struct in package %s", obj.Pkg().Path(), l.c.pkgName))
		}
		if !obj.Exported() && aliasName == nil {
			return no(fmt.Sprintf("unexported type %s cannot be named by the generated %sgrpc package; export it", obj.Name(), l.c.pkgName))
		}
		name := goName{pkgPath: obj.Pkg().Path(), name: obj.Name()}
		if aliasName != nil {
			name = *aliasName
		}
		switch u := t.Underlying().(type) {
		case *types.Struct:
			msg, bad := l.message(t, name)
			if bad != nil {
				return nil, bad
			}
			return &typ{kind: kMessage, goTyp: t, named: &name, msg: msg}, nil
		case *types.Basic, *types.Slice, *types.Map:
			inner, bad := l.typeOf(u)
			if bad != nil {
				return nil, bad
			}
			inner.named, inner.goTyp = &name, t
			return inner, nil
		case *types.Pointer:
			return no("named pointer types are not supported; use a pointer to the struct")
		default:
			inner, bad := l.typeOf(u)
			if bad != nil {
				bad.typ = t
				return nil, bad
			}
			return inner, nil
		}
	case *types.Pointer:
		elem, bad := l.typeOf(t.Elem())
		if bad != nil {
			return nil, bad
		}
		switch elem.kind {
		case kSlice, kMap, kBytes, kJSON, kPointer:
			return no("pointers cross the wire only to structs of the module (as optional messages) and to single values (as optional fields); use a value")
		}
		return &typ{kind: kPointer, goTyp: t, elem: elem}, nil
	case *types.Slice:
		if types.Identical(t.Elem(), types.Typ[types.Uint8]) {
			return &typ{kind: kBytes, goTyp: t}, nil
		}
		elem, bad := l.typeOf(t.Elem())
		if bad != nil {
			return nil, bad
		}
		if elem.kind == kSlice || elem.kind == kMap {
			return no("a slice of slices or of maps has no protobuf form (repeated fields cannot nest); wrap the inner value in a struct")
		}
		if elem.kind == kPointer && elem.elem.kind != kMessage {
			return no("a slice of pointers to values has no protobuf form (repeated fields have no absent elements); use a slice of values")
		}
		return &typ{kind: kSlice, goTyp: t, elem: elem}, nil
	case *types.Map:
		key, bad := l.typeOf(t.Key())
		if bad != nil {
			return nil, bad
		}
		if key.kind != kString && key.kind != kInt && key.kind != kUint {
			return no("protobuf map keys are strings or integers; use a string or integer key")
		}
		val, bad := l.typeOf(t.Elem())
		if bad != nil {
			return nil, bad
		}
		switch val.kind {
		case kSlice, kMap:
			return no("a map of slices or of maps has no protobuf form; wrap the value in a struct")
		case kPointer:
			return no("map values cannot be nil on the wire; use map[K]T instead of map[K]*T")
		}
		return &typ{kind: kMap, goTyp: t, key: key, elem: val}, nil
	case *types.Struct:
		return no(fmt.Sprintf("unnamed struct types cannot become protobuf messages; declare a named struct in package %s", l.c.pkgName))
	case *types.Chan:
		return no("channels cannot cross a process boundary; pass a slice or add a streaming method by hand")
	case *types.Signature:
		return no("functions cannot cross a process boundary; pass the data the function would use")
	case *types.Interface:
		return no("interface values have no wire form; use a concrete struct of the module")
	case *types.Array:
		return no("arrays have a fixed length that protobuf cannot express; use a slice")
	case *types.TypeParam:
		return no("type parameters are not supported; use a concrete type")
	}
	return no("this kind of type is not supported")
}

// basicType maps a basic Go type through the rows of scalars.
func basicType(b *types.Basic, orig types.Type) (*typ, *unsupported) {
	for _, s := range scalars {
		if s.basic == b.Kind() {
			return &typ{kind: s.kind, goTyp: orig, basic: s.basic}, nil
		}
	}
	why := "this basic type is not supported"
	switch b.Kind() {
	case types.Uintptr, types.UnsafePointer:
		why = "addresses mean nothing in another process; pass the data itself"
	case types.Complex64, types.Complex128:
		why = "complex numbers have no protobuf type; use two float64 fields"
	}
	return nil, &unsupported{typ: orig, why: why}
}

// protoType is how t is written in a .proto field declaration.
func protoType(t *typ) string {
	switch t.kind {
	case kMessage:
		return t.msg.name
	case kPointer:
		if t.elem.kind == kMessage {
			return t.elem.msg.name
		}
		if t.elem.kind == kTime || t.elem.kind == kDuration {
			return protoType(t.elem) // a message: absent is already nil
		}
		return "optional " + protoType(t.elem)
	case kSlice:
		return "repeated " + protoType(t.elem)
	case kMap:
		return "map<" + protoType(t.key) + ", " + protoType(t.elem) + ">"
	}
	return scalarOf(t).proto
}

// goType is the Go type of t as the module declares it.
func goType(t *typ) *jen.Statement {
	if t.named != nil {
		return jen.Qual(t.named.pkgPath, t.named.name)
	}
	switch t.kind {
	case kBool, kString, kInt, kUint, kFloat:
		return jen.Id(types.Typ[t.basic].Name())
	case kBytes:
		return jen.Index().Byte()
	case kTime:
		return jen.Qual(pathTime, "Time")
	case kDuration:
		return jen.Qual(pathTime, "Duration")
	case kPointer:
		return jen.Op("*").Add(goType(t.elem))
	case kSlice:
		return jen.Index().Add(goType(t.elem))
	case kMap:
		return jen.Map(goType(t.key)).Add(goType(t.elem))
	}
	panic(fmt.Sprintf("extract: no Go type for kind %d", t.kind))
}

// pbType is the Go type protoc-gen-go uses for a field of type t.
func (cv *converter) pbType(t *typ) *jen.Statement {
	switch t.kind {
	case kMessage:
		return jen.Op("*").Add(cv.pb.msg(t.msg.name))
	case kPointer:
		if t.elem.kind == kMessage {
			return jen.Op("*").Add(cv.pb.msg(t.elem.msg.name))
		}
		if t.elem.kind == kTime || t.elem.kind == kDuration {
			return cv.pbType(t.elem)
		}
		return jen.Op("*").Add(cv.pbType(t.elem))
	case kSlice:
		return jen.Index().Add(cv.pbType(t.elem))
	case kMap:
		return jen.Map(cv.pbType(t.key)).Add(cv.pbType(t.elem))
	}
	return scalarOf(t).goOnTheWire()
}

// goOnTheWire is the Go type protoc-gen-go gives a field of the row's type.
func (s *scalar) goOnTheWire() *jen.Statement {
	if s.pbName != "" {
		return jen.Id(s.pbName)
	}
	return s.pbGo()
}

// sameOnTheWire reports whether a value of the leaf type t needs no Go
// conversion to or from its pb form.
func sameOnTheWire(t *typ) bool {
	if t.named != nil {
		return false
	}
	if t.kind == kBytes {
		return true
	}
	return types.Typ[t.basic].Name() == scalarOf(t).pbName
}

// word names t inside a function name: []Item → itemSlice.
func word(t *typ) string {
	if t.named != nil {
		return exported(t.named.name)
	}
	switch t.kind {
	case kBytes:
		return "Bytes"
	case kTime:
		return "Time"
	case kDuration:
		return "Duration"
	case kMessage:
		return t.msg.name
	case kPointer:
		return word(t.elem) + "Ptr"
	case kSlice:
		return word(t.elem) + "Slice"
	case kMap:
		return word(t.key) + word(t.elem) + "Map"
	}
	return exported(types.Typ[t.basic].Name())
}

// toPB is the expression converting the Go value v of type t to its pb
// form.
func (cv *converter) toPB(t *typ, v jen.Code) jen.Code {
	switch t.kind {
	case kMessage:
		return jen.Id(cv.messageToPB(t.msg)).Call(v)
	case kPointer:
		return jen.Id(cv.pointerToPB(t)).Call(v)
	case kSlice:
		return jen.Id(cv.sliceToPB(t)).Call(v)
	case kMap:
		return jen.Id(cv.mapToPB(t)).Call(v)
	}
	s := scalarOf(t)
	switch {
	case s.toPB != nil:
		return s.toPB(cv.c, v)
	case sameOnTheWire(t):
		return v
	}
	return s.goOnTheWire().Call(v)
}

// elemToPB is toPB for an element of a repeated field or a map value,
// which cannot be nil on the wire: a zero time is sent as a timestamp of
// 0001-01-01, which converts back to the zero time.
func (cv *converter) elemToPB(t *typ, v jen.Code) jen.Code {
	if t.kind == kTime {
		return jen.Qual(pathTimestamp, "New").Call(v)
	}
	return cv.toPB(t, v)
}

// fromPB is the expression converting the pb value v to the Go type t, and
// whether it returns (value, error) rather than a value.
func (cv *converter) fromPB(t *typ, v jen.Code) (jen.Code, bool) {
	switch t.kind {
	case kMessage:
		return jen.Id(cv.messageFromPB(t.msg)).Call(v), true
	case kPointer:
		return jen.Id(cv.pointerFromPB(t)).Call(v), true
	case kSlice:
		return jen.Id(cv.sliceFromPB(t)).Call(v), true
	case kMap:
		return jen.Id(cv.mapFromPB(t)).Call(v), true
	}
	s := scalarOf(t)
	switch {
	case s.fromPB != nil:
		return s.fromPB(cv.c, v), true
	case s.narrow:
		return jen.Qual(cv.c.grpcxPkg(), "Checked").Types(goType(t)).Call(v), true
	case sameOnTheWire(t):
		return v, false
	}
	return goType(t).Call(v), false
}

// sampler builds non-zero sample values of every supported type, distinct
// from call to call, that survive a round trip unchanged: times in UTC
// without a monotonic reading, no nil slices or maps below the depth limit.
type sampler struct{ n int }

func (s *sampler) next() int { s.n++; return s.n }

// value is a sample value of t.
func (s *sampler) value(t *typ, depth int) jen.Code {
	switch t.kind {
	case kMessage:
		return goType(t).Values(jen.DictFunc(func(d jen.Dict) {
			for _, f := range t.msg.fields {
				d[jen.Id(f.goName)] = s.value(f.typ, depth)
			}
		}))
	case kPointer:
		if depth >= 2 {
			return jen.Nil()
		}
		if t.elem.kind != kMessage {
			// &"x" is not Go: take the address of a variable.
			return jen.Func().Params().Add(goType(t)).Block(
				jen.Id("v").Op(":=").Add(s.value(t.elem, depth+1)),
				jen.Return(jen.Op("&").Id("v")),
			).Call()
		}
		return jen.Op("&").Add(s.value(t.elem, depth+1))
	case kSlice:
		if depth >= 2 {
			return goType(t).Values()
		}
		elem := t.elem
		if elem.kind == kPointer {
			// Nil elements do not survive the wire; a sample has none.
			return goType(t).Values(jen.Op("&").Add(s.value(elem.elem, depth+1)))
		}
		return goType(t).Values(s.value(elem, depth+1))
	case kMap:
		if depth >= 2 {
			return goType(t).Values()
		}
		return goType(t).Values(jen.Dict{s.value(t.key, depth+1): s.value(t.elem, depth+1)})
	}
	return scalarOf(t).sample(s, t)
}

// convLit is lit as a value of t: converted when t is a named type.
func convLit(t *typ, lit jen.Code) jen.Code {
	if t.named != nil {
		return goType(t).Call(lit)
	}
	return lit
}

func sampleString(s *sampler, t *typ) jen.Code {
	return convLit(t, jen.Lit(fmt.Sprintf("água %d", s.next())))
}

func sampleInt(s *sampler, t *typ) jen.Code {
	v := -(s.next()%100 + 1)
	if t.named == nil && t.basic == types.Int {
		return jen.Lit(v)
	}
	return goType(t).Call(jen.Lit(v))
}

func sampleUint(s *sampler, t *typ) jen.Code {
	return goType(t).Call(jen.Lit(s.next()%100 + 1))
}

func sampleFloat(s *sampler, t *typ) jen.Code {
	v := float64(s.next()) + 0.5
	if t.named == nil && t.basic == types.Float64 {
		return jen.Lit(v)
	}
	return goType(t).Call(jen.Lit(v))
}
