package archrules

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// literal is a string literal as go/scanner returns it, and its line.
type literal struct {
	lit  string
	line int
}

// scannerStrings is the reference for goStrings: the STRING tokens of
// go/scanner (scanStrings).
func scannerStrings(src []byte) []literal {
	var out []literal
	scanStrings(src, func(lit []byte, line int) { out = append(out, literal{string(lit), line}) })
	return out
}

// fastStrings is goStrings with the carriage returns of raw strings dropped,
// as go/scanner drops them.
func fastStrings(src []byte) []literal {
	var out []literal
	goStrings(src, func(lit []byte, line int) {
		s := string(lit)
		if s[0] == '`' {
			s = strings.ReplaceAll(s, "\r", "")
		}
		out = append(out, literal{s, line})
	})
	return out
}

// word is a word of a literal found by the code that goStrings, literalText
// and tableSet.find replaced: go/scanner, strconv.Unquote and a split.
type word struct {
	s    string
	line int
}

func scannerWords(src []byte) []word {
	var out []word
	for _, l := range scannerStrings(src) {
		text := l.lit
		if v, err := strconv.Unquote(text); err == nil {
			if text[0] == '"' {
				v = strings.ReplaceAll(v, "\n", " ")
			}
			text = v
		}
		line, start := 0, -1
		for i := 0; i <= len(text); i++ {
			c := byte(0)
			if i < len(text) {
				c = text[i]
			}
			if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 {
				out = append(out, word{text[start:i], l.line + line})
				start = -1
			}
			if c == '\n' {
				line++
			}
		}
	}
	return out
}

// fastWords finds the words of scannerWords (and a few more names) as
// inGo does.
func fastWords(src []byte, want []word) []word {
	t := &tableSet{module: map[string]string{}}
	for _, name := range []string{"a", "x1", "estoque_items", strings.Repeat("n", 70)} {
		t.module[name] = "m"
	}
	for _, w := range want {
		t.module[strings.ToLower(w.s)] = "m"
	}
	for name := range t.module {
		t.lengths[name[0]] |= 1 << min(len(name), 63)
	}
	var out []word
	goStrings(src, func(lit []byte, line int) {
		t.find(literalText(lit), func(w []byte, n int, _ string) {
			out = append(out, word{string(w), line + n})
		})
	})
	return out
}

// tricky are inputs that a scanner of string literals gets wrong easily.
var tricky = []string{
	"package p\n\nconst q = `SELECT id\nFROM estoque_items`\n",
	"package p\nvar s = \"a \\\"quoted\\\" estoque_items\"\n",
	"package p\nvar r, s = '\"', \"after the rune\"\n",
	"package p\nvar r, s = '`', `after the rune`\n",
	"package p\nvar r, s = '\\'', \"after an escaped quote\"\n",
	"package p\nvar r = '\\\\'\nvar s = \"x\"\n",
	"package p\n// a comment \"not a string\" and `not raw`\nvar s = \"yes\"\n",
	"package p\n/* a comment\n\"spanning\" `lines`\n*/ var s = \"yes\"\n",
	"package p\n/*/ not closed by /*/ var s = \"yes\" */\n",
	"package p\nvar s = \"unterminated\nvar t = \"next line\"\n",
	"package p\nvar s = `unterminated raw\n\"inside\"\n",
	"package p\nvar s = \"escape at the end\\",
	"package p\nvar s = \"escaped newline\\\nvar t = \"x\"\n",
	"package p\nvar r = 'unterminated rune\nvar s = \"x\"\n",
	"package p\nvar r = 'long rune \" with a quote'\nvar s = \"x\"\n",
	"\xef\xbb\xbfpackage p\nvar s = \"after a BOM\"\n",
	"package p\nvar s = \"\xef\xbb\xbf a BOM inside\"\n",
	"\xff\xfep\x00a\x00c\x00\"\x00s\x00\"\x00",
	"package p\nvar s = \"bad \xff utf-8 \xe2\" + \"x\"\n",
	"package p\nvar s = \"\\xe2\\x80\" + `\xe2\x80`\n",
	"package p\nvar s = `raw with \r\ncarriage\r returns`\n",
	"package p\nvar s = \"interpreted with \r a carriage return\"\n",
	"package p\nvar s = \"\\x41\\u0042\\103 estoque\\x5fitems\\n\\tx\"\n",
	"package p\nvar s = \"\\q invalid escape estoque_items\"\n",
	"package p\nvar s = \"\\x\" + \"\\u12\" + \"\\0\"\n",
	"package p\n//line other.go:100\nvar s = \"moved\"\n",
	"package p\nvar s = /*line other.go:7:1*/ \"moved\"\n",
	"package p\nvar s = \"//line x.go:5\"\nvar t = \"not moved\"\n",
	"package p\nvar a = 1 / 2 // \"c\"\nvar b = 1 /* \"c\" */ / 2\nvar s = \"x\"\n",
	"package p\nvar s = a/\"b\"/c\n",
	"package p\nvar s = \"NUL \x00 inside\"\x00\"x\"\n",
	"package p\nvar s = \"a\" + \"\" + ``\n",
	"\"", "`", "'", "/", "/*", "//", "\"\\", "'\\", "``", "\"\"", "''", "a\"b\nc\"d",
	"",
}

func TestGoStringsTricky(t *testing.T) {
	for i, src := range tricky {
		t.Run(strconv.Itoa(i), func(t *testing.T) { compareScanners(t, []byte(src)) })
	}
}

// TestGoStringsSources compares the scanners on every Go file of modgen and
// of the generated projects in the golden files, and on every template.
func TestGoStringsSources(t *testing.T) {
	root := filepath.Join("..", "..")
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		name := d.Name()
		switch {
		case strings.HasSuffix(name, ".go"), strings.HasSuffix(name, ".go.tmpl"):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			compareScanners(t, src, path)
		case strings.HasSuffix(name, ".txtar"):
			a, err := txtar.ParseFile(path)
			if err != nil {
				return err
			}
			for _, f := range a.Files {
				if strings.HasSuffix(f.Name, ".go") {
					files++
					compareScanners(t, f.Data, path+":"+f.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 500 {
		t.Errorf("compared %d files, want the sources of modgen and the golden projects", files)
	}
}

func FuzzGoStrings(f *testing.F) {
	for _, src := range tricky {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) { compareScanners(t, src) })
}

func compareScanners(t *testing.T, src []byte, name ...any) {
	t.Helper()
	want, got := scannerStrings(src), fastStrings(src)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s%q:\ngoStrings  %+v\ngo/scanner %+v", fmt.Sprint(name...), clip(src), got, want)
	}
	wantWords := scannerWords(src)
	if gotWords := fastWords(src, wantWords); !reflect.DeepEqual(gotWords, wantWords) {
		t.Fatalf("%s%q:\nwords %+v\nwant  %+v", fmt.Sprint(name...), clip(src), gotWords, wantWords)
	}
}

func clip(src []byte) []byte {
	if len(src) > 300 {
		return append(bytes.Clone(src[:300]), "..."...)
	}
	return src
}

// TestContainsFold: containsFold finds "create" wherever strings.ToLower
// would.
func TestContainsFold(t *testing.T) {
	for _, s := range []string{"create", "CREATE", "CrEaTe table", "  \tcreate", "xcreatey", "creat", "crea te", "c\u0130reate", "\u212aCREATE", "", "cre\xffate"} {
		want := strings.Contains(strings.ToLower(s), "create")
		if got := containsFold([]byte(s), "create"); got != want {
			t.Errorf("containsFold(%q) = %v, want %v", s, got, want)
		}
	}
}
