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

// key identifies a Go type among the conversion functions.
func key(t *typ) string { return types.TypeString(t.goTyp, nil) }

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
			if f.typ.kind == kPointer && optionalField(f.typ) {
				getter = jen.Id("in").Dot(cv.pb.field(m.name, f.protoName)) // the getter would drop the absence
			}
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
		var body []jen.Code
		switch t.elem.kind {
		case kMessage, kTime, kDuration: // converted to a pointer
			body = []jen.Code{jen.Return(cv.elemToPB(t.elem, jen.Op("*").Id("in")))}
		default: // an optional field: a pointer to the converted value
			body = []jen.Code{
				jen.Id("out").Op(":=").Add(cv.toPB(t.elem, jen.Op("*").Id("in"))),
				jen.Return(jen.Op("&").Id("out")),
			}
		}
		cv.f.Func().Id(name).Params(jen.Id("in").Add(goType(t))).Add(cv.pbType(t)).Block(
			append([]jen.Code{jen.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(jen.Nil()))}, body...)...,
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
		in := jen.Id("in")
		switch t.elem.kind {
		case kMessage, kTime, kDuration: // the wire value is a pointer already
		default:
			in = jen.Op("*").Id("in")
		}
		expr, fallible := cv.fromPB(t.elem, in)
		convert := []jen.Code{
			jen.List(jen.Id("out"), jen.Err()).Op(":=").Add(expr),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		}
		if !fallible {
			convert = []jen.Code{jen.Id("out").Op(":=").Add(expr)}
		}
		cv.f.Commentf("%s converts to %s; nil stays nil.", name, types.TypeString(t.goTyp, cv.qualifier))
		cv.f.Func().Id(name).Params(jen.Id("in").Add(cv.pbType(t))).Params(goType(t), jen.Error()).Block(
			append(append([]jen.Code{jen.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Nil()))}, convert...),
				jen.Return(jen.Op("&").Id("out"), jen.Nil()))...,
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

// optionalField reports whether the pointer type t is a proto3 optional
// field (a pointer to a value that is not a message on the wire).
func optionalField(t *typ) bool {
	switch t.elem.kind {
	case kMessage, kTime, kDuration:
		return false
	}
	return true
}
