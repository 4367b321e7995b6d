package main

import (
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/internal/testtree"
)

// TestExitCodes checks the exit code and the single error line of bad
// invocations, and that none of them writes anything.
func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"new", "project", "type"}, 1},
		{[]string{"new", "project", "../x"}, 1},
		{[]string{"new", "project", "notificações"}, 1},
		{[]string{"new", "project", "loja", "--module", "Not Valid"}, 1},
		{[]string{"add", "module", "estoque"}, 1}, // outside a project
		{[]string{"new", "project"}, 2},
		{[]string{"new", "project", "a", "b"}, 2},
		{[]string{"new", "project", "loja", "--bogus"}, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"new"}, 2},
		{[]string{"-C", "does-not-exist", "version"}, 2},
	} {
		dir := t.TempDir()
		code, stdout, stderr := modgen(t, dir, tc.args...)
		if code != tc.code {
			t.Errorf("modgen %s: exit %d; want %d (stderr %q)", strings.Join(tc.args, " "), code, tc.code, stderr)
		}
		if !strings.HasPrefix(stderr, "modgen: ") || (tc.code == 1 && strings.Count(stderr, "\n") != 1) {
			t.Errorf("modgen %s: stderr %q; want one line starting with \"modgen: \"", strings.Join(tc.args, " "), stderr)
		}
		if stdout != "" {
			t.Errorf("modgen %s: wrote to stdout: %q", strings.Join(tc.args, " "), stdout)
		}
		if files := testtree.Read(t, dir); len(files) != 0 {
			t.Errorf("modgen %s: wrote %d files", strings.Join(tc.args, " "), len(files))
		}
	}
}
