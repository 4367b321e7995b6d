package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"
)

// oldProject makes a project as an older modgen wrote it: without the
// shared packages that newer module templates use (pkg/httpx, the row
// helpers of pkg/database), and without their records in modgen.sum.
func oldProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if code, _, stderr := modgen(t, dir, seed[0]...); code != 0 {
		t.Fatal(stderr)
	}
	root := filepath.Join(dir, "loja")
	gone := []string{"pkg/httpx/", "pkg/database/rows.go", "pkg/database/rows_test.go"}
	for _, g := range gone {
		if err := os.RemoveAll(filepath.Join(root, g)); err != nil {
			t.Fatal(err)
		}
	}
	sums, err := os.ReadFile(filepath.Join(root, tree.SumFile))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.SplitAfter(string(sums), "\n") {
		if !strings.HasPrefix(line, "pkg/httpx/") && !strings.HasPrefix(line, "pkg/database/rows") {
			kept = append(kept, line)
		}
	}
	if err := os.WriteFile(filepath.Join(root, tree.SumFile), []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestAddModuleWritesMissingSharedPackages: add module in a project made by
// an older modgen writes the shared packages its code imports, and the
// project builds, vets and passes its tests.
func TestAddModuleWritesMissingSharedPackages(t *testing.T) {
	root := oldProject(t)
	code, stdout, stderr := modgen(t, root, "add", "module", "estoque")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"pkg/httpx/decode.go", "pkg/httpx/problem.go", "pkg/httpx/httpxtest/httpxtest.go", "pkg/database/rows.go"} {
		if !strings.Contains(stdout, "create    "+f+"\n") {
			t.Errorf("output does not create %s:\n%s", f, stdout)
		}
	}
	if code, stdout, _ := modgen(t, root, "add", "module", "estoque"); code != 0 || !strings.Contains(stdout, "nothing changed") {
		t.Errorf("second run: exit %d:\n%s", code, stdout)
	}
	if testing.Short() {
		return
	}
	goCheck(t, root)
}

// TestDeletedSharedPackageIsReported: a shared file the user deleted after
// modgen wrote it is not written again by add module; a warning names it.
func TestDeletedSharedPackageIsReported(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := modgen(t, dir, seed[0]...); code != 0 {
		t.Fatal(stderr)
	}
	root := filepath.Join(dir, "loja")
	os.Remove(filepath.Join(root, "pkg/database/rows.go"))
	code, _, stderr := modgen(t, root, "add", "module", "estoque")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "modgen: warning: pkg/database/rows.go is missing (you deleted it after modgen wrote it) and the code this command writes uses package pkg/database; restore it from version control\n"
	if stderr != want {
		t.Errorf("stderr %q; want %q", stderr, want)
	}
	if _, err := os.Stat(filepath.Join(root, "pkg/database/rows.go")); err == nil {
		t.Error("a file the user deleted was written again")
	}
}

// TestAddModuleWarnsOfAnOldMigrator: in a project whose pkg/database reads
// migrations from the root of a module's folder (before migrations per
// dialect), add module says the new module's tables would not be created.
func TestAddModuleWarnsOfAnOldMigrator(t *testing.T) {
	root := oldProject(t)
	path := filepath.Join(root, "pkg/database/migrate.go")
	if err := os.WriteFile(path, []byte("package database\n\n// Migrate applies every *.sql file of a source.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := modgen(t, root, "add", "module", "estoque")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "modgen: warning: pkg/database/migrate.go predates migrations per dialect") {
		t.Errorf("stderr %q; want the warning about pkg/database/migrate.go", stderr)
	}
	if code, _, stderr := modgen(t, root, "add", "module", "notificacoes"); code != 0 || !strings.Contains(stderr, "predates") {
		t.Errorf("second module: exit %d, stderr %q; want the warning again", code, stderr)
	}
}
