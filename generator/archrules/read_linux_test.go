package archrules

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestReadLinux: listDirLinux and readFileLinux return what the portable
// osListDir and osReadFile do, entries and contents and errors, for every
// folder and file of modgen's tree.
func TestReadLinux(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 16)
	dirs, files := 0, 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs++
			compareDirs(t, path)
			return nil
		}
		files++
		want, werr := osReadFile(path, nil)
		got, gerr := readFileLinux(path, buf)
		if !bytes.Equal(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%s: readFileLinux = %d bytes, %v; osReadFile = %d bytes, %v", path, len(got), gerr, len(want), werr)
		}
		buf = got[:0]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if dirs < 20 || files < 200 {
		t.Errorf("compared %d folders and %d files; want modgen's tree", dirs, files)
	}
}

// TestReadLinuxErrors: the errors are those of package os.
func TestReadLinuxErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.go")
	if err := os.WriteFile(file, []byte("package f\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("f.go", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	compareDirs(t, dir)
	for _, path := range []string{filepath.Join(dir, "missing"), file, filepath.Join(dir, "sub")} {
		compareDirs(t, path)
		_, werr := osReadFile(path, nil)
		_, gerr := readFileLinux(path, nil)
		if fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%s: readFileLinux error %v; osReadFile error %v", path, gerr, werr)
		}
	}
}

func compareDirs(t *testing.T, dir string) {
	t.Helper()
	want, werr := osListDir(dir)
	got, gerr := listDirLinux(dir)
	if !slices.Equal(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
		t.Errorf("%s: listDirLinux = %v, %v; osListDir = %v, %v", dir, got, gerr, want, werr)
	}
}
