package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/modgen-dev/modgen/internal/testtree"
)

// buildModgen compiles modgen into a temporary folder, for tests that need
// it as a real process.
func buildModgen(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "modgen")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// seedProject runs new project, add module estoque and notificacoes in a
// new folder and returns the project root.
func seedProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, args := range seed[:3] {
		if code, _, stderr := modgen(t, dir, args...); code != 0 {
			t.Fatalf("modgen %v: %s", args, stderr)
		}
	}
	return filepath.Join(dir, "loja")
}

func copyProject(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "loja")
	testtree.Copy(t, src, dst)
	return dst
}

func sameTree(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for p, c := range a {
		if d, ok := b[p]; !ok || !bytes.Equal(c, d) {
			return false
		}
	}
	return true
}

// TestKill9AddModule kills `modgen add module` with SIGKILL at random
// moments, many times, then runs another modgen command, and checks that
// the project is exactly as before or exactly as after the killed command.
func TestKill9AddModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds modgen and runs it as a process many times")
	}
	bin := buildModgen(t)
	base := seedProject(t)
	before := testtree.Read(t, base)
	args := []string{"add", "module", "faturas", "--depends-on", "estoque,notificacoes"}

	done := copyProject(t, base)
	start := time.Now()
	if out, err := exec.Command(bin, append([]string{"-C", done}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("modgen %v: %v\n%s", args, err, out)
	}
	took := time.Since(start)
	after := testtree.Read(t, done)

	const trials = 150
	counts := map[string]int{}
	var rerun string // a killed project left as before, to run the command again
	for i := range trials {
		root := copyProject(t, base)
		cmd := exec.Command(bin, append([]string{"-C", root}, args...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// A third of the kills anywhere in the run (most of it is start-up
		// and planning), a third once staging has begun, a third once the
		// journal is written.
		switch i % 3 {
		case 0:
			time.Sleep(time.Duration(float64(took) * 1.2 * rand.Float64()))
		case 1:
			waitFor(filepath.Join(root, tree.StateDir, "staging"), 2*took)
			time.Sleep(time.Duration(rand.Int64N(int64(3 * time.Millisecond))))
		case 2:
			waitFor(filepath.Join(root, tree.StateDir, "journal.json"), 2*took)
			time.Sleep(time.Duration(rand.Int64N(int64(time.Millisecond))))
		}
		cmd.Process.Kill()
		cmd.Wait()
		switch {
		case exists(filepath.Join(root, tree.StateDir, "journal.json")):
			counts["killed while writing (journal)"]++
		case exists(filepath.Join(root, tree.StateDir, "staging")):
			counts["killed while staging or cleaning up"]++
		}
		out, err := exec.Command(bin, "-C", root, "graph").CombinedOutput()
		recovered := strings.Contains(string(out), "recovered from an interrupted `modgen -C "+root+" add module faturas")
		if err != nil && !strings.Contains(string(out), "not a modgen project") {
			t.Fatalf("trial %d: modgen graph after the kill: %v\n%s", i, err, out)
		}
		got := testtree.Read(t, root)
		switch {
		case sameTree(got, before):
			counts["before"]++
			if recovered {
				counts["before, after recovering a journal"]++
			}
			rerun = root
		case sameTree(got, after):
			counts["after"]++
		default:
			t.Fatalf("trial %d (killed after %v of %v): the tree is neither as before nor as after", i, cmd.ProcessState, took)
		}
		// The lock, and the cache of rendered files (a kill while it is
		// saved leaves cache.tmp, which the next command removes).
		for _, e := range readDirNames(filepath.Join(root, tree.StateDir)) {
			if e != tree.LockFile && e != tree.CacheFile {
				t.Fatalf("trial %d: %s holds %s; want the lock and the cache alone", i, tree.StateDir, e)
			}
		}
	}
	t.Logf("%d kills of a %v command: %v", trials, took.Round(time.Millisecond), counts)
	if n := counts["before, after recovering a journal"]; n < trials/10 || n != counts["killed while writing (journal)"] {
		t.Errorf("%d kills left a journal, %d recoveries reported; want at least %d of both, equal", counts["killed while writing (journal)"], n, trials/10)
	}
	if rerun != "" {
		if out, err := exec.Command(bin, append([]string{"-C", rerun}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("re-running the killed command: %v\n%s", err, out)
		}
		if !sameTree(testtree.Read(t, rerun), after) {
			t.Error("re-running the killed command did not give the same tree as an uninterrupted run")
		}
	}
}

// waitFor polls until path exists or d has passed.
func waitFor(path string, d time.Duration) {
	for deadline := time.Now().Add(d); time.Now().Before(deadline) && !exists(path); {
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// TestConcurrentCommands starts two add module commands in one project at
// the same moment: both modules must end up in the project, or one command
// must fail saying another modgen command is working; never a silent loss.
func TestConcurrentCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds modgen and runs it as a process")
	}
	bin := buildModgen(t)
	base := seedProject(t)
	for i := range 20 {
		root := copyProject(t, base)
		var wg sync.WaitGroup
		outs := make([][]byte, 2)
		errs := make([]error, 2)
		for j, name := range []string{"clientes", "faturas"} {
			wg.Go(func() {
				outs[j], errs[j] = exec.Command(bin, "-C", root, "add", "module", name, "--depends-on", "estoque").CombinedOutput()
			})
		}
		wg.Wait()
		m, err := tree.LoadManifest(root)
		if err != nil {
			t.Fatal(err)
		}
		wires, _ := os.ReadFile(filepath.Join(root, "cmd/api/wire_gen.go"))
		for j, name := range []string{"clientes", "faturas"} {
			wire, _ := os.ReadFile(filepath.Join(root, "cmd/api/wire_"+name+"_gen.go"))
			if errs[j] != nil {
				if !strings.Contains(string(outs[j]), "another modgen command is working in this project (pid ") {
					t.Fatalf("trial %d: add module %s failed without naming the lock: %v\n%s", i, name, errs[j], outs[j])
				}
				continue
			}
			if m.Find(name) == nil || !bytes.Contains(wire, []byte(name+".New(")) && bytes.Contains(wires, []byte("wire"+tree.Exported(name)+"(")) {
				t.Fatalf("trial %d: add module %s succeeded, yet the module is missing from modgen.yaml or the wiring", i, name)
			}
		}
	}
}

func TestLockNamesTheHolder(t *testing.T) {
	root := seedProject(t)
	real, _ := filepath.EvalSymlinks(root)
	lock, err := tree.LockProject(real)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	wait := tree.LockWait
	tree.LockWait = 100 * time.Millisecond
	defer func() { tree.LockWait = wait }()
	before := testtree.Read(t, root)
	code, _, stderr := modgen(t, root, "add", "module", "clientes")
	want := "modgen: another modgen command is working in this project (pid "
	if code != 1 || !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, "wait for it, then run this again") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q; want one line starting %q", code, stderr, want)
	}
	if !sameTree(before, testtree.Read(t, root)) {
		t.Error("the tree changed")
	}
}

// TestSymlinkConfinement: a symbolic link that leads outside the project
// makes a command fail before it writes anything, anywhere; links that stay
// inside, and a project reached through a link, work.
func TestSymlinkConfinement(t *testing.T) {
	base := seedProject(t)
	for _, tc := range []struct {
		dir  string // replaced by a link to a folder outside the project
		args []string
	}{
		{"cmd/api", []string{"add", "module", "clientes"}},
		{"internal", []string{"add", "module", "clientes"}},
		{"internal/architecture", []string{"add", "module", "clientes"}},
		{".modgen", []string{"add", "module", "clientes"}},
	} {
		t.Run(strings.ReplaceAll(tc.dir, "/", "_"), func(t *testing.T) {
			root := copyProject(t, base)
			outside := t.TempDir()
			testtree.Copy(t, filepath.Join(root, tc.dir), outside)
			os.RemoveAll(filepath.Join(root, tc.dir))
			if err := os.Symlink(outside, filepath.Join(root, tc.dir)); err != nil {
				t.Fatal(err)
			}
			beforeIn, beforeOut := testtree.Read(t, root), testtree.Read(t, outside)
			code, _, stderr := modgen(t, root, tc.args...)
			if code != 1 || !strings.Contains(stderr, "outside the project") && !strings.Contains(stderr, "not a folder (a symbolic link") {
				t.Fatalf("exit %d: %s; want a refusal naming the link", code, stderr)
			}
			if !sameTree(beforeIn, testtree.Read(t, root)) || !sameTree(beforeOut, testtree.Read(t, outside)) {
				t.Error("something was written")
			}
		})
	}

	t.Run("link inside the project", func(t *testing.T) {
		root := copyProject(t, base)
		os.MkdirAll(filepath.Join(root, "src"), 0o755)
		os.Rename(filepath.Join(root, "internal"), filepath.Join(root, "src/internal"))
		os.Symlink("src/internal", filepath.Join(root, "internal"))
		if code, _, stderr := modgen(t, root, "add", "module", "clientes"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(root, "src/internal/clientes/api.go")); err != nil {
			t.Error(err)
		}
		if info, err := os.Lstat(filepath.Join(root, "internal")); err != nil || info.Mode()&os.ModeSymlink == 0 {
			t.Error("the link was replaced")
		}
	})

	t.Run("project reached through a link", func(t *testing.T) {
		root := copyProject(t, base)
		link := filepath.Join(t.TempDir(), "link")
		os.Symlink(root, link)
		if code, _, stderr := modgen(t, link, "add", "module", "clientes"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(root, "internal/clientes/api.go")); err != nil {
			t.Error(err)
		}
	})

	t.Run("extract through a link", func(t *testing.T) {
		if testing.Short() {
			t.Skip("extract loads the project's packages")
		}
		t.Setenv("GOFLAGS", "-mod=mod")
		t.Setenv("GOPROXY", "off")
		t.Setenv("GOSUMDB", "off")
		for _, dir := range []string{"proto", "cmd/estoque", "internal/estoque/estoquegrpc"} {
			root := copyProject(t, base)
			outside := t.TempDir()
			os.MkdirAll(filepath.Dir(filepath.Join(root, dir)), 0o755)
			os.Symlink(outside, filepath.Join(root, dir))
			before := testtree.Read(t, root)
			code, _, stderr := modgen(t, root, "extract", "module", "estoque")
			if code != 1 || !strings.Contains(stderr, dir+" is a symbolic link to "+outside+", outside the project") {
				t.Fatalf("%s: exit %d: %s; want a refusal naming the link", dir, code, stderr)
			}
			if entries, _ := os.ReadDir(outside); len(entries) > 0 || !sameTree(before, testtree.Read(t, root)) {
				t.Errorf("%s: something was written", dir)
			}
		}
	})
}

// TestReadOnlyProject: check and graph work in a project modgen cannot
// write to (no lock can be taken there, and none is needed); a command that
// writes fails with one line and leaves the tree as it was. The project
// root is made immutable (chattr +i, which binds root too).
func TestReadOnlyProject(t *testing.T) {
	root := seedProject(t)
	os.RemoveAll(filepath.Join(root, tree.StateDir))
	if out, err := exec.Command("chattr", "+i", root).CombinedOutput(); err != nil {
		t.Skipf("chattr +i: %v: %s (needs root and a filesystem with attributes)", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", root).Run() })
	before := testtree.Read(t, root)
	if code, _, stderr := modgen(t, root, "graph"); code != 0 {
		t.Fatalf("graph: exit %d: %s", code, stderr)
	}
	code, _, stderr := modgen(t, root, "add", "module", "clientes")
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "operation not permitted") {
		t.Fatalf("add module: exit %d: %q; want one line naming the refused write", code, stderr)
	}
	if !sameTree(before, testtree.Read(t, root)) {
		t.Error("the tree changed")
	}
}

// readDirNames returns the names in folder dir.
func readDirNames(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
