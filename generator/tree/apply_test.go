package tree

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modgen-dev/modgen/internal/testtree"
)

func TestCompareAndWrite(t *testing.T) {
	root := testtree.Root(t)
	gen := GeneratedHeader + "\n\npackage x\n"
	plan := &Plan{Files: []File{
		{Path: "a/new.go", Content: []byte("package a\n"), Owner: Scaffolded},
		{Path: "same.txt", Content: []byte("same\n"), Owner: Scaffolded},
		{Path: "gen.go", Content: []byte(gen + "// v2\n"), Owner: Generated},
		{Path: "pristine.txt", Content: []byte("template v2\n"), Owner: Scaffolded},
	}}
	testtree.Write(t, root, map[string]string{"same.txt": "same\n"})
	testtree.Write(t, root, map[string]string{"gen.go": gen})
	testtree.Write(t, root, map[string]string{"pristine.txt": "template v1\n"})
	old := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(root, "same.txt"), old, old)
	hashes := NewSums(map[string]string{"pristine.txt": Hash([]byte("template v1\n"))})

	changes, err := plan.Compare(root, hashes, false)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Action{}
	for _, c := range changes {
		got[c.Path] = c.Action
	}
	want := map[string]Action{"a/new.go": Create, "same.txt": Unchanged, "gen.go": Update, "pristine.txt": Update}
	for p, a := range want {
		if got[p] != a {
			t.Errorf("%s: %v; want %v", p, got[p], a)
		}
	}
	if err := (Writer{FS: OS, Root: root}).Write(changes); err != nil {
		t.Fatal(err)
	}
	for _, f := range plan.Files {
		b, err := os.ReadFile(filepath.Join(root, f.Path))
		if err != nil || string(b) != string(f.Content) {
			t.Errorf("%s = %q, %v; want %q", f.Path, b, err, f.Content)
		}
	}
	if info, _ := os.Stat(filepath.Join(root, "same.txt")); !info.ModTime().Equal(old) {
		t.Error("an unchanged file was rewritten (its mtime moved)")
	}
	if entries, _ := os.ReadDir(filepath.Join(root, StateDir)); len(entries) > 0 {
		t.Errorf("files left behind in %s: %v", StateDir, entries)
	}
}

func TestCompareRefusesEditedFiles(t *testing.T) {
	root := t.TempDir()
	testtree.Write(t, root, map[string]string{"service.go": "package x // edited by the user\n"})
	testtree.Write(t, root, map[string]string{"wire_gen.go": "package x // header removed by the user\n"})
	hashes := NewSums(map[string]string{"service.go": Hash([]byte("package x\n"))})
	plan := &Plan{Files: []File{
		{Path: "service.go", Content: []byte("package x // template\n"), Owner: Scaffolded},
		{Path: "wire_gen.go", Content: []byte(GeneratedHeader + "\npackage x\n"), Owner: Generated},
		{Path: "other.go", Content: []byte("package x\n"), Owner: Scaffolded},
	}}
	_, err := plan.Compare(root, hashes, false)
	var conflict *ConflictError
	if !errors.As(err, &conflict) || strings.Join(conflict.Paths, ",") != "service.go,wire_gen.go" {
		t.Fatalf("Compare = %v; want a conflict on service.go and wire_gen.go", err)
	}
	if !strings.Contains(err.Error(), "--force") {
		t.Errorf("error %q does not say how to proceed", err)
	}
	changes, err := plan.Compare(root, hashes, true)
	if err != nil || Count(changes, Update) != 2 || Count(changes, Create) != 1 {
		t.Fatalf("forced Compare = %v, %v; want 2 updates and 1 create", changes, err)
	}
}

func TestComparePlannedTwice(t *testing.T) {
	plan := &Plan{Files: []File{{Path: "x.go", Template: "a"}, {Path: "x.go", Template: "b"}}}
	if _, err := plan.Compare(t.TempDir(), nil, false); err == nil || !strings.Contains(err.Error(), "planned twice") {
		t.Fatalf("Compare = %v; want a planned-twice error", err)
	}
}

func TestFormatReportsTemplateAndNumberedLines(t *testing.T) {
	files := []File{{Path: "x.go", Template: "module/x.go.tmpl", Content: []byte("package x\n\nfunc f() {\n\treturn 1 +\n}\n")}}
	err := Format(files)
	if err == nil {
		t.Fatal("Format accepted invalid Go")
	}
	msg := err.Error()
	for _, want := range []string{"module/x.go.tmpl", ">    5 | }", "   4 | \treturn 1 +"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

func TestFormatSortsImportsAndDropsUnused(t *testing.T) {
	files := []File{{Path: "x.go", Content: []byte("package x\nimport (\n\"strings\"\n\"fmt\"\n)\nfunc F() string { return fmt.Sprint(1) }\n")}}
	if err := Format(files); err != nil {
		t.Fatal(err)
	}
	want := "package x\n\nimport (\n\t\"fmt\"\n)\n\nfunc F() string { return fmt.Sprint(1) }\n"
	if string(files[0].Content) != want {
		t.Errorf("formatted:\n%s\nwant:\n%s", files[0].Content, want)
	}
}

func TestManifestRoundTrip(t *testing.T) {
	root := t.TempDir()
	m := &Manifest{Modgen: "v1", Module: "example.com/x", Name: "x", Database: "sqlite",
		Modules: []Module{{Name: "b", Entity: "B", DependsOn: []string{"a"}}, {Name: "a", Entity: "A", Extracted: &Extraction{Port: 50051}}},
		Files:   NewSums(map[string]string{"x.go": Hash([]byte("x"))})}
	testtree.Write(t, root, map[string]string{ManifestFile: string(m.Marshal()), SumFile: string(m.MarshalSums())})
	got, err := LoadManifest(root)
	if err != nil {
		t.Fatal(err)
	}
	if got.Modules[0].Name != "a" || got.Modules[0].Extracted.Port != 50051 || got.Find("b").DependsOn[0] != "a" || recordedHash(got.Files, "x.go") != Hash([]byte("x")) {
		t.Errorf("round trip = %+v", got)
	}
	testtree.Write(t, root, map[string]string{ManifestFile: "module: x\nbogus: 1\n"})
	if _, err := LoadManifest(root); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown field accepted: %v", err)
	}
	if _, err := LoadManifest(t.TempDir()); !errors.Is(err, ErrNotProject) {
		t.Errorf("missing manifest: %v; want ErrNotProject", err)
	}
}

// TestCompareDisk: a file whose content on disk the command already read
// (File.Disk) is compared with that, not read again, and backed up from
// it.
func TestCompareDisk(t *testing.T) {
	root := testtree.Root(t)
	testtree.Write(t, root, map[string]string{"modgen.sum": "on disk\n", "other.sum": "on disk\n"})
	plan := &Plan{Files: []File{
		{Path: "modgen.sum", Content: []byte("as read\n"), Owner: Merged, Disk: []byte("as read\n")},
		{Path: "other.sum", Content: []byte("new\n"), Owner: Merged, Disk: []byte("as read\n")},
	}}
	changes, err := plan.Compare(root, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if changes[0].Action != Unchanged || changes[1].Action != Update || string(changes[1].Old) != "as read\n" {
		t.Fatalf("changes %v %v (old %q); want unchanged, then an update of the content as read", changes[0].Action, changes[1].Action, changes[1].Old)
	}
}
