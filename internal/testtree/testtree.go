// Package testtree writes and reads trees of files for tests.
package testtree

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"testing"
)

// Write creates every file of files (slash paths relative to root, with their
// content) and the folders they need.
func Write(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// IsState reports whether rel is a file modgen keeps in .modgen between
// commands: the project lock (empty) and the cache of rendered files
// (tree.CacheFile, whose keys name the binary that wrote it). Read leaves
// them out so that trees compare by what the project holds.
func IsState(rel string) bool {
	base := path.Base(rel)
	return (base == "lock" || base == "cache") && path.Base(path.Dir(rel)) == ".modgen"
}

// Read returns every file below root, by slash path relative to root, except
// modgen's state files (IsState). A symbolic link is not followed: its content is
// "symlink to TARGET".
func Read(t testing.TB, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if IsState(rel) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			files[rel] = []byte("symlink to " + target)
			return err
		}
		b, err := os.ReadFile(p)
		files[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Copy copies every file and folder below src into dst, keeping modes.
func Copy(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Root returns a new empty folder for a test, as modgen sees a project
// root: absolute and free of symbolic links.
func Root(t testing.TB) string {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return root
}
