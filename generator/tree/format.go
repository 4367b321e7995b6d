package tree

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/tools/go/ast/astutil"
)

// Format formats every Go file of the tree. It runs once the whole tree is
// rendered. Templates list every import they may need; Format drops the ones
// a rendering left unused, then sorts and groups imports and gofmts the file
// (goimports' formatting, done here: see groupImports; goimports' search
// for missing imports is slow and cannot see packages that exist only in
// the plan). A file that does not
// parse fails with its template name and the offending lines numbered, so a
// template bug points at its line.
//
// Formatting is most of the CPU time of a command, and each file is
// formatted on its own, so files are formatted in parallel, one worker per
// processor; the error returned is that of the first failing file of the
// list, as if they were formatted in order.
func Format(files []File) error {
	var todo []int
	for i, f := range files {
		if strings.HasSuffix(f.Path, ".go") && !f.Final {
			todo = append(todo, i)
		}
	}
	// Largest first: the big files start at once while the other workers
	// share the small ones.
	slices.SortStableFunc(todo, func(a, b int) int { return cmp.Compare(len(files[b].Content), len(files[a].Content)) })
	errs := make([]error, len(files))
	ForEach(len(todo), func(n int) error {
		f := &files[todo[n]]
		out, err := formatGo(f.Path, f.Content)
		if err != nil {
			errs[todo[n]] = fmt.Errorf("format %s (from %s): %v\n%s", f.Path, f.Template, err, numbered(f.Content, err))
			return nil
		}
		f.Content = out
		return nil
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// importName is the name a package is imported as by default: the last
// element of its path, or the one before a major-version suffix
// (github.com/jackc/pgx/v5 is pgx).
func importName(importPath string) string {
	base := path.Base(importPath)
	if v, ok := strings.CutPrefix(base, "v"); ok && v != "" && strings.Trim(v, "0123456789") == "" && path.Dir(importPath) != "." {
		return path.Base(path.Dir(importPath))
	}
	return base
}

func formatGo(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	used, oddNumbers := qualifiers(file)
	var unused []*ast.ImportSpec
	for _, imp := range file.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if imp.Name != nil && (imp.Name.Name == "_" || imp.Name.Name == ".") {
			continue
		}
		local := importName(p)
		if imp.Name != nil {
			local = imp.Name.Name
		}
		if !used[local] {
			unused = append(unused, imp)
		}
	}
	for _, imp := range unused {
		p, _ := strconv.Unquote(imp.Path.Value)
		astutil.DeleteNamedImport(fset, file, nameOf(imp), p)
	}
	// Sort each run of imports as gofmt does; templates need not list
	// modules in order.
	ast.SortImports(fset, file)
	var buf bytes.Buffer
	if oddNumbers {
		// gofmt also rewrites number literals such as 0X1F or 1E6 in a
		// canonical form, which only go/format can ask the printer for.
		if err := format.Node(&buf, fset, file); err != nil {
			return nil, err
		}
	} else if err := gofmtPrinter.Fprint(&buf, fset, file); err != nil {
		return nil, err
	}
	if importsGrouped(fset, file) {
		return buf.Bytes(), nil // what goimports would leave as it is
	}
	return groupImports(name, buf.Bytes())
}

// FormatSource formats one Go file as Format does.
func FormatSource(name string, src []byte) ([]byte, error) { return formatGo(name, src) }

// groupImports does to src, printed by gofmt with its imports sorted by
// ast.SortImports, what goimports does to imports: within each run of
// imports on successive lines, the standard library's come first, then
// the others (importGroup), each group sorted, with a blank line between
// groups. modgen does not link goimports for this: its package index
// costs every command 0.6 ms and 770 KB to load. Generated code has one
// import declaration and no comments between imports; anything else is an
// error (TestFormatImportLayouts and TestFormatImportsRandom compare it
// with goimports).
func groupImports(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return nil, err
	}
	var decl *ast.GenDecl
	for _, d := range file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			if decl != nil {
				return nil, errors.New("several import declarations; generated code has one")
			}
			decl = g
		}
	}
	if decl == nil || !decl.Lparen.IsValid() {
		return src, nil // one import or none: nothing to group
	}
	tf := fset.File(decl.Pos())
	for _, c := range file.Comments {
		if c.Pos() > decl.Lparen && c.End() < decl.Rparen {
			return nil, errors.New("a comment among the imports; generated code has none")
		}
	}
	type line struct {
		text  string
		group int
		num   int // line number in src
	}
	var run []line
	var b bytes.Buffer
	b.Write(src[:tf.Offset(decl.Lparen)+1])
	b.WriteByte('\n')
	flush := func() {
		slices.SortStableFunc(run, func(x, y line) int { return cmp.Compare(x.group, y.group) })
		for i, l := range run {
			if i > 0 && l.group != run[i-1].group {
				b.WriteByte('\n')
			}
			b.WriteString(l.text)
		}
		run = run[:0]
	}
	for i, spec := range decl.Specs {
		imp := spec.(*ast.ImportSpec)
		start := tf.LineStart(tf.Line(imp.Pos()))
		end := tf.Offset(imp.End())
		if nl := bytes.IndexByte(src[end:], '\n'); nl >= 0 {
			end += nl + 1
		}
		p, _ := strconv.Unquote(imp.Path.Value)
		l := line{text: string(src[tf.Offset(start):end]), group: importGroup(p), num: tf.Line(imp.Pos())}
		if i > 0 && l.num-run[len(run)-1].num > 1 {
			flush()
			b.WriteByte('\n') // between runs
		}
		run = append(run, l)
	}
	flush()
	b.Write(src[tf.Offset(decl.Rparen):])
	return b.Bytes(), nil
}

// importsGrouped reports whether file's imports, sorted by
// ast.SortImports, are already as goimports leaves them, so that its
// formatting (which parses and prints the file twice more) would change
// nothing: one import declaration, and within each run of imports on
// successive lines one group only (goimports sorts each run by group and
// puts a blank line between groups; it leaves runs apart as they are).
// Templates write their imports so; jennifer's single block is not.
func importsGrouped(fset *token.FileSet, file *ast.File) bool {
	var decls int
	for _, d := range file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			decls++
		}
	}
	if decls > 1 {
		return false
	}
	for i := 1; i < len(file.Imports); i++ {
		prev, cur := file.Imports[i-1], file.Imports[i]
		pp, _ := strconv.Unquote(prev.Path.Value)
		cp, _ := strconv.Unquote(cur.Path.Value)
		if fset.Position(cur.Pos()).Line-fset.Position(prev.End()).Line == 1 && importGroup(pp) != importGroup(cp) {
			return false
		}
	}
	return true
}

// importGroup numbers the groups of goimports (without a local prefix):
// 0 for the standard library (no dot in the first path element), 1 for
// the rest, 2 for App Engine's packages.
func importGroup(path string) int {
	if strings.HasPrefix(path, "appengine") {
		return 2
	}
	first, _, _ := strings.Cut(path, "/")
	if strings.Contains(first, ".") {
		return 1
	}
	return 0
}

// gofmtPrinter prints as gofmt does, but for number literals (see
// oddNumber). go/format.Node would print a file whose imports are in a
// block twice and parse it once more in between, to sort a copy of its
// imports; formatGo has sorted them already, so it prints once.
var gofmtPrinter = printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}

// qualifiers returns the names file uses as package qualifiers (x in x.Y),
// and whether it has a number literal that gofmt would rewrite, in one
// walk of the syntax tree.
func qualifiers(file *ast.File) (used map[string]bool, oddNumbers bool) {
	used = map[string]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		case *ast.BasicLit:
			oddNumbers = oddNumbers || oddNumber(n)
		}
		return true
	})
	return used, oddNumbers
}

// oddNumber reports whether gofmt might write lit differently: a number
// with an upper-case prefix or exponent (0X, 0B, 0O, E, P), or an
// imaginary one with a leading zero. It errs on the side of yes (an
// upper-case hexadecimal digit counts), which only costs time.
func oddNumber(lit *ast.BasicLit) bool {
	if lit.Kind != token.INT && lit.Kind != token.FLOAT && lit.Kind != token.IMAG || len(lit.Value) < 2 {
		return false
	}
	v := lit.Value
	return strings.ContainsAny(v, "XBOEP") || v[len(v)-1] == 'i' && v[0] == '0'
}

func nameOf(imp *ast.ImportSpec) string {
	if imp.Name == nil {
		return ""
	}
	return imp.Name.Name
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

// ForEach calls f(0) ... f(n-1) on one worker per processor and returns
// the error of the smallest i that failed, as a loop would.
func ForEach(n int, f func(i int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				errs[i] = f(i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
