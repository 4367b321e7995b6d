package extract

import (
	"fmt"
	"go/types"
	"strings"

	"github.com/dave/jennifer/jen"
	"google.golang.org/protobuf/compiler/protogen"
)

// pbIndex finds the Go names protoc-gen-go gave to the messages and fields
// of the .proto.
type pbIndex struct {
	path     string // import path of the <m>pb package
	messages map[string]*protogen.Message
	service  *protogen.Service
}

func newPBIndex(file *protogen.File) *pbIndex {
	idx := &pbIndex{path: string(file.GoImportPath), messages: map[string]*protogen.Message{}, service: file.Services[0]}
	for _, m := range file.Messages {
		idx.messages[string(m.Desc.Name())] = m
	}
	return idx
}

// msg is the Go type of a message.
func (p *pbIndex) msg(name string) *jen.Statement {
	m := p.messages[name]
	return jen.Qual(string(m.GoIdent.GoImportPath), m.GoIdent.GoName)
}

// field is the Go name of a field of a message.
func (p *pbIndex) field(msg, field string) string {
	for _, f := range p.messages[msg].Fields {
		if string(f.Desc.Name()) == field {
			return f.GoName
		}
	}
	panic(fmt.Sprintf("extract: message %s has no field %s", msg, field))
}

// converter writes convert.go: a function pair per message and per slice
// or map type, converting between the module's Go types and the pb types.
// Go to pb never fails; pb to Go fails when a value does not fit the Go
// type (an int8 field receiving 300, an invalid timestamp), naming the
// field path.
type converter struct {
	c     *contract
	pb    *pbIndex
	f     *jen.File
	funcs map[string]string // conversion key → function name
	taken map[string]bool   // function names in use
	todo  []func()          // function bodies still to write
}

func newConverter(c *contract, pb *pbIndex, f *jen.File) *converter {
	cv := &converter{c: c, pb: pb, f: f, funcs: map[string]string{}, taken: map[string]bool{}}
	cv.taken["wireErrors"] = true
	return cv
}

// name reserves a function name for key, unique in the package.
func (cv *converter) name(key, base string) (string, bool) {
	if n, ok := cv.funcs[key]; ok {
		return n, false
	}
	n := base
	for i := 2; cv.taken[n]; i++ {
		n = fmt.Sprintf("%s%d", base, i)
	}
	cv.taken[n] = true
	cv.funcs[key] = n
	return n, true
}

// goType is the Go type of t as the module declares it.
func goType(t *typ) *jen.Statement {
	if t.named != nil {
		return jen.Qual(t.named.pkgPath, t.named.name)
	}
	switch t.kind {
	case kBool:
		return jen.Bool()
	case kString:
		return jen.String()
	case kInt, kUint, kFloat:
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
	case kBool, kString, kInt, kUint, kFloat:
		return jen.Id(pbScalar(t))
	case kBytes:
		return jen.Index().Byte()
	case kTime:
		return jen.Op("*").Qual(pathTimestamp, "Timestamp")
	case kDuration:
		return jen.Op("*").Qual(pathDurationPB, "Duration")
	case kMessage:
		return jen.Op("*").Add(cv.pb.msg(t.msg.name))
	case kPointer:
		return jen.Op("*").Add(cv.pb.msg(t.elem.msg.name))
	case kSlice:
		return jen.Index().Add(cv.pbType(t.elem))
	case kMap:
		return jen.Map(cv.pbType(t.key)).Add(cv.pbType(t.elem))
	}
	panic(fmt.Sprintf("extract: no pb type for kind %d", t.kind))
}

// pbScalar is the Go name of the scalar protoc-gen-go uses for t.
func pbScalar(t *typ) string {
	switch protoType(t) {
	case "bool":
		return "bool"
	case "string":
		return "string"
	case "int32":
		return "int32"
	case "int64":
		return "int64"
	case "uint32":
		return "uint32"
	case "uint64":
		return "uint64"
	case "float":
		return "float32"
	}
	return "float64"
}

// narrows reports whether an integer of t may not hold every value of its
// wire type: int8, int16, uint8, uint16 always; int and uint on 32-bit
// platforms.
func narrows(t *typ) bool {
	switch t.basic {
	case types.Int8, types.Int16, types.Uint8, types.Uint16, types.Int, types.Uint:
		return t.kind == kInt || t.kind == kUint
	}
	return false
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

// key identifies a Go type among the conversion functions.
func key(t *typ) string { return types.TypeString(t.goTyp, nil) }

// toPB is the expression converting the Go value v of type t to its pb
// form.
func (cv *converter) toPB(t *typ, v jen.Code) jen.Code {
	switch t.kind {
	case kBool, kString, kInt, kUint, kFloat:
		if t.named == nil && types.Typ[t.basic].Name() == pbScalar(t) {
			return v
		}
		return jen.Id(pbScalar(t)).Call(v)
	case kBytes:
		if t.named == nil {
			return v
		}
		return jen.Index().Byte().Call(v)
	case kTime:
		return jen.Qual(cv.c.grpcxPkg(), "TimeToPB").Call(v)
	case kDuration:
		return jen.Qual(pathDurationPB, "New").Call(v)
	case kMessage:
		return jen.Id(cv.messageToPB(t.msg)).Call(v)
	case kPointer:
		return jen.Id(cv.pointerToPB(t)).Call(v)
	case kSlice:
		return jen.Id(cv.sliceToPB(t)).Call(v)
	case kMap:
		return jen.Id(cv.mapToPB(t)).Call(v)
	}
	panic("unreachable")
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
	case kBool, kString, kFloat:
		if t.named == nil && types.Typ[t.basic].Name() == pbScalar(t) {
			return v, false
		}
		return goType(t).Call(v), false
	case kInt, kUint:
		if narrows(t) {
			return jen.Qual(cv.c.grpcxPkg(), "Checked").Types(goType(t)).Call(v), true
		}
		if t.named == nil && types.Typ[t.basic].Name() == pbScalar(t) {
			return v, false
		}
		return goType(t).Call(v), false
	case kBytes:
		if t.named == nil {
			return v, false
		}
		return goType(t).Call(v), false
	case kTime:
		return jen.Qual(cv.c.grpcxPkg(), "TimeFromPB").Call(v), true
	case kDuration:
		return jen.Qual(cv.c.grpcxPkg(), "DurationFromPB").Call(v), true
	case kMessage:
		return jen.Id(cv.messageFromPB(t.msg)).Call(v), true
	case kPointer:
		return jen.Id(cv.pointerFromPB(t)).Call(v), true
	case kSlice:
		return jen.Id(cv.sliceFromPB(t)).Call(v), true
	case kMap:
		return jen.Id(cv.mapFromPB(t)).Call(v), true
	}
	panic("unreachable")
}

// fallible reports whether converting a pb value to t can fail.
func (cv *converter) fallible(t *typ) bool {
	_, f := cv.fromPB(t, jen.Null())
	return f
}

// assignFromPB converts v into dst: `dst = conv(v)`, or, when the
// conversion can fail, `if dst, err = conv(v); err != nil { onErr }`.
func (cv *converter) assignFromPB(t *typ, dst *jen.Statement, v jen.Code, onErr ...jen.Code) jen.Code {
	expr, fallible := cv.fromPB(t, v)
	if !fallible {
		return dst.Op("=").Add(expr)
	}
	return jen.If(jen.List(dst, jen.Err()).Op("=").Add(expr), jen.Err().Op("!=").Nil()).Block(onErr...)
}

func (cv *converter) messageToPB(m *message) string {
	name, isNew := cv.name("msg "+m.goRef.pkgPath+"."+m.goRef.name+" to", unexported(m.name)+"ToPB")
	if !isNew {
		return name
	}
	cv.todo = append(cv.todo, func() {
		goT := jen.Qual(m.goRef.pkgPath, m.goRef.name)
		cv.f.Commentf("%s converts %s.%s to its message.", name, cv.c.moduleImportName(), m.goRef.name)
		cv.f.Func().Id(name).Params(jen.Id("in").Add(goT)).Op("*").Add(cv.pb.msg(m.name)).Block(
			jen.Return(jen.Op("&").Add(cv.pb.msg(m.name)).Values(jen.DictFunc(func(d jen.Dict) {
				for _, f := range m.fields {
					d[jen.Id(cv.pb.field(m.name, f.protoName))] = cv.toPB(f.typ, jen.Id("in").Dot(f.goName))
				}
			}))),
		)
		cv.f.Line()
	})
	return name
}

func (cv *converter) messageFromPB(m *message) string {
	name, isNew := cv.name("msg "+m.goRef.pkgPath+"."+m.goRef.name+" from", unexported(m.name)+"FromPB")
	if !isNew {
		return name
	}
	cv.todo = append(cv.todo, func() {
		goT := jen.Qual(m.goRef.pkgPath, m.goRef.name)
		body := []jen.Code{
			jen.Var().Id("out").Add(goT),
			jen.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(jen.Id("out"), jen.Nil())),
		}
		needErr := false
		var assigns []jen.Code
		for _, f := range m.fields {
			getter := jen.Id("in").Dot("Get" + cv.pb.field(m.name, f.protoName)).Call()
			if cv.fallible(f.typ) {
				needErr = true
			}
			assigns = append(assigns, cv.assignFromPB(f.typ, jen.Id("out").Dot(f.goName), getter,
				jen.Return(jen.Id("out"), jen.Qual(cv.c.grpcxPkg(), "InField").Call(jen.Lit(f.protoName), jen.Err()))))
		}
		if needErr {
			body = append(body, jen.Var().Err().Error())
		}
		body = append(body, assigns...)
		body = append(body, jen.Return(jen.Id("out"), jen.Nil()))
		cv.f.Commentf("%s converts a message to %s.%s; a nil message is the zero value.", name, cv.c.moduleImportName(), m.goRef.name)
		cv.f.Func().Id(name).Params(jen.Id("in").Op("*").Add(cv.pb.msg(m.name))).Params(goT, jen.Error()).Block(body...)
		cv.f.Line()
	})
	return name
}

func (cv *converter) pointerToPB(t *typ) string {
	name, isNew := cv.name(key(t)+" to", unexported(word(t))+"ToPB")
	if !isNew {
		return name
	}
	cv.todo = append(cv.todo, func() {
		cv.f.Commentf("%s converts %s; nil stays nil.", name, types.TypeString(t.goTyp, cv.qualifier))
		cv.f.Func().Id(name).Params(jen.Id("in").Add(goType(t))).Add(cv.pbType(t)).Block(
			jen.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(jen.Nil())),
			jen.Return(cv.toPB(t.elem, jen.Op("*").Id("in"))),
		)
		cv.f.Line()
	})
	return name
}

func (cv *converter) pointerFromPB(t *typ) string {
	name, isNew := cv.name(key(t)+" from", unexported(word(t))+"FromPB")
	if !isNew {
		return name
	}
	cv.todo = append(cv.todo, func() {
		expr, _ := cv.fromPB(t.elem, jen.Id("in"))
		cv.f.Commentf("%s converts to %s; nil stays nil.", name, types.TypeString(t.goTyp, cv.qualifier))
		cv.f.Func().Id(name).Params(jen.Id("in").Add(cv.pbType(t))).Params(goType(t), jen.Error()).Block(
			jen.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Nil())),
			jen.List(jen.Id("out"), jen.Err()).Op(":=").Add(expr),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Return(jen.Op("&").Id("out"), jen.Nil()),
		)
		cv.f.Line()
	})
	return name
}

func (cv *converter) qualifier(p *types.Package) string {
	if p.Path() == cv.c.pkgPath {
		return cv.c.moduleImportName()
	}
	return p.Name()
}

func (cv *converter) sliceToPB(t *typ) string {
	name, isNew := cv.name(key(t)+" to", unexported(word(t))+"ToPB")
	if !isNew {
		return name
	}
	cv.todo = append(cv.todo, func() {
		var loop []jen.Code
		doc := fmt.Sprintf("%s converts %s.", name, types.TypeString(t.goTyp, cv.qualifier))
		if t.elem.kind == kPointer {
			doc = fmt.Sprintf("%s converts %s. Repeated messages cannot be nil on the wire: a nil element arrives as a zero value.", name, types.TypeString(t.goTyp, cv.qualifier))
			loop = append(loop,
				jen.If(jen.Id("v").Op("==").Nil()).Block(
					jen.Id("out").Index(jen.Id("i")).Op("=").New(cv.pb.msg(t.elem.elem.msg.name)),
					jen.Continue(),
				),
				jen.Id("out").Index(jen.Id("i")).Op("=").Add(cv.toPB(t.elem.elem, jen.Op("*").Id("v"))),
			)
		} else {
			loop = append(loop, jen.Id("out").Index(jen.Id("i")).Op("=").Add(cv.elemToPB(t.elem, jen.Id("v"))))
		}
		cv.f.Comment(doc)
		cv.f.Func().Id(name).Params(jen.Id("in").Add(goType(t))).Add(cv.pbType(t)).Block(
			jen.Id("out").Op(":=").Make(cv.pbType(t), jen.Len(jen.Id("in"))),
			jen.For(jen.List(jen.Id("i"), jen.Id("v")).Op(":=").Range().Id("in")).Block(loop...),
			jen.Return(jen.Id("out")),
		)
		cv.f.Line()
	})
	return name
}

func (cv *converter) sliceFromPB(t *typ) string {
	name, isNew := cv.name(key(t)+" from", unexported(word(t))+"FromPB")
	if !isNew {
		return name
	}
	cv.todo = append(cv.todo, func() {
		cv.f.Commentf("%s converts to %s; an empty list is an empty, non-nil slice.", name, types.TypeString(t.goTyp, cv.qualifier))
		cv.f.Func().Id(name).Params(jen.Id("in").Add(cv.pbType(t))).Params(goType(t), jen.Error()).Block(
			jen.Id("out").Op(":=").Make(goType(t), jen.Len(jen.Id("in"))),
			jen.For(jen.List(jen.Id("i"), jen.Id("v")).Op(":=").Range().Id("in")).BlockFunc(func(g *jen.Group) {
				if cv.fallible(t.elem) {
					g.Var().Err().Error()
				}
				g.Add(cv.assignFromPB(t.elem, jen.Id("out").Index(jen.Id("i")), jen.Id("v"),
					jen.Return(jen.Nil(), jen.Qual(cv.c.grpcxPkg(), "InField").Call(jen.Qual(pathFmt, "Sprintf").Call(jen.Lit("[%d]"), jen.Id("i")), jen.Err()))))
			}),
			jen.Return(jen.Id("out"), jen.Nil()),
		)
		cv.f.Line()
	})
	return name
}

func (cv *converter) mapToPB(t *typ) string {
	name, isNew := cv.name(key(t)+" to", unexported(word(t))+"ToPB")
	if !isNew {
		return name
	}
	cv.todo = append(cv.todo, func() {
		cv.f.Commentf("%s converts %s.", name, types.TypeString(t.goTyp, cv.qualifier))
		cv.f.Func().Id(name).Params(jen.Id("in").Add(goType(t))).Add(cv.pbType(t)).Block(
			jen.Id("out").Op(":=").Make(cv.pbType(t), jen.Len(jen.Id("in"))),
			jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("in")).Block(
				jen.Id("out").Index(cv.toPB(t.key, jen.Id("k"))).Op("=").Add(cv.elemToPB(t.elem, jen.Id("v"))),
			),
			jen.Return(jen.Id("out")),
		)
		cv.f.Line()
	})
	return name
}

func (cv *converter) mapFromPB(t *typ) string {
	name, isNew := cv.name(key(t)+" from", unexported(word(t))+"FromPB")
	if !isNew {
		return name
	}
	cv.todo = append(cv.todo, func() {
		where := jen.Qual(pathFmt, "Sprintf").Call(jen.Lit("[%v]"), jen.Id("k"))
		fail := jen.Return(jen.Nil(), jen.Qual(cv.c.grpcxPkg(), "InField").Call(where, jen.Err()))
		cv.f.Commentf("%s converts to %s; an empty map is an empty, non-nil map.", name, types.TypeString(t.goTyp, cv.qualifier))
		cv.f.Func().Id(name).Params(jen.Id("in").Add(cv.pbType(t))).Params(goType(t), jen.Error()).Block(
			jen.Id("out").Op(":=").Make(goType(t), jen.Len(jen.Id("in"))),
			jen.For(jen.List(jen.Id("k"), jen.Id("v")).Op(":=").Range().Id("in")).BlockFunc(func(g *jen.Group) {
				g.Var().Id("key").Add(goType(t.key))
				g.Var().Id("val").Add(goType(t.elem))
				if cv.fallible(t.key) || cv.fallible(t.elem) {
					g.Var().Err().Error()
				}
				g.Add(cv.assignFromPB(t.key, jen.Id("key"), jen.Id("k"), fail))
				g.Add(cv.assignFromPB(t.elem, jen.Id("val"), jen.Id("v"), fail))
				g.Id("out").Index(jen.Id("key")).Op("=").Id("val")
			}),
			jen.Return(jen.Id("out"), jen.Nil()),
		)
		cv.f.Line()
	})
	return name
}

// flush writes the pending functions, which may queue more.
func (cv *converter) flush() {
	for len(cv.todo) > 0 {
		next := cv.todo[0]
		cv.todo = cv.todo[1:]
		next()
	}
}

// safeLocal returns name unless it would shadow something the generated
// code uses, in which case it returns name with an Arg suffix.
func safeLocal(c *contract, name string, extra ...string) string {
	bad := map[string]bool{
		"ctx": true, "req": true, "resp": true, "err": true, "s": true, "c": true, "out": true, "opts": true,
		c.pkgName: true, c.pkgName + "pb": true, "server": true, "fmt": true, "errors": true, "context": true,
		"time": true, "slog": true, "strings": true, "grpcx": true, "contract": true,
	}
	for _, n := range packageNames {
		bad[n] = true
	}
	for _, e := range extra {
		bad[e] = true
	}
	bad["wireErrors"] = true
	bad[c.moduleImportName()] = true
	if bad[name] || generatedNames[name] || strings.HasSuffix(name, "ToPB") || strings.HasSuffix(name, "FromPB") || strings.HasPrefix(name, "r") && len(name) == 2 && name[1] >= '0' && name[1] <= '9' || types.Universe.Lookup(name) != nil {
		return name + "Arg"
	}
	return name
}
