package generator

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/imports"
)

// Format formats every Go file of the tree. It runs once the whole tree is
// rendered. Templates list every import they may need; Format drops the ones
// a rendering left unused, then sorts and groups imports and gofmts the file
// (goimports' formatting without its module-cache scan, which is slow and
// cannot see packages that exist only in the plan). A file that does not
// parse fails with its template name and the offending lines numbered, so a
// template bug points at its line.
func Format(files []File) error {
	for i := range files {
		f := &files[i]
		if !strings.HasSuffix(f.Path, ".go") || f.Final {
			continue
		}
		out, err := formatGo(f.Path, f.Content)
		if err != nil {
			return fmt.Errorf("format %s (from %s): %v\n%s", f.Path, f.Template, err, numbered(f.Content, err))
		}
		f.Content = out
	}
	return nil
}

func formatGo(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var unused []*ast.ImportSpec
	for _, imp := range file.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if imp.Name != nil && (imp.Name.Name == "_" || imp.Name.Name == ".") {
			continue
		}
		local := path.Base(p)
		if imp.Name != nil {
			local = imp.Name.Name
		}
		if !usesName(file, local) {
			unused = append(unused, imp)
		}
	}
	for _, imp := range unused {
		p, _ := strconv.Unquote(imp.Path.Value)
		astutil.DeleteNamedImport(fset, file, nameOf(imp), p)
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, file); err != nil {
		return nil, err
	}
	return imports.Process(name, buf.Bytes(), &imports.Options{Comments: true, TabIndent: true, TabWidth: 8, FormatOnly: true})
}

func nameOf(imp *ast.ImportSpec) string {
	if imp.Name == nil {
		return ""
	}
	return imp.Name.Name
}

// usesName reports whether file refers to name as a package qualifier.
func usesName(file *ast.File, name string) bool {
	used := false
	ast.Inspect(file, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == name {
				used = true
			}
		}
		return !used
	})
	return used
}

// numbered returns the source lines around the first error position, numbered.
func numbered(src []byte, err error) string {
	line := 0
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		line = list[0].Pos.Line
	} else {
		var l, c int
		s := err.Error()
		if i := strings.Index(s, ".go:"); i >= 0 {
			fmt.Sscanf(s[i+4:], "%d:%d", &l, &c)
		}
		line = l
	}
	lines := bytes.Split(src, []byte("\n"))
	from, to := 1, len(lines)
	if line > 0 {
		from, to = max(1, line-5), min(len(lines), line+5)
	}
	var b strings.Builder
	for n := from; n <= to; n++ {
		mark := "  "
		if n == line {
			mark = "> "
		}
		fmt.Fprintf(&b, "%s%4d | %s\n", mark, n, lines[n-1])
	}
	return b.String()
}
