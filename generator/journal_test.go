package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"

	"github.com/modgen-dev/modgen/internal/testtree"
)

// faultFS is the real filesystem with one fault injected: the fail-th
// operation returns err. With crash set, that operation and every later one
// fail without touching the disk, as if the process had died there (a file
// being written is left half written), so nothing the command does after,
// rollback included, reaches the disk.
type faultFS struct {
	fail  int
	err   error
	crash bool
	// noLinks makes every hard link fail as on a file system without them
	// (EXDEV), so that backups are copies.
	noLinks bool
	ops     []string // every operation attempted, for reports
}

func (f *faultFS) step(op, name string) error {
	f.ops = append(f.ops, op+" "+name)
	n := len(f.ops)
	if f.fail > 0 && (n == f.fail || f.crash && n > f.fail) {
		return &fs.PathError{Op: op, Path: name, Err: f.err}
	}
	return nil
}

func (f *faultFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	if err := f.step("write", name); err != nil {
		if f.crash && len(f.ops) == f.fail {
			os.WriteFile(name, data[:len(data)/2], perm) // torn, never synced
		}
		return err
	}
	return tree.OS.WriteFile(name, data, perm)
}

func (f *faultFS) Mkdir(name string) error {
	if err := f.step("mkdir", name); err != nil {
		return err
	}
	return tree.OS.Mkdir(name)
}

func (f *faultFS) Rename(oldpath, newpath string) error {
	if err := f.step("rename", newpath); err != nil {
		return err
	}
	return tree.OS.Rename(oldpath, newpath)
}

func (f *faultFS) Link(oldname, newname string) error {
	if err := f.step("link", newname); err != nil {
		return err
	}
	if f.noLinks {
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: syscall.EXDEV}
	}
	return tree.OS.Link(oldname, newname)
}

func (f *faultFS) Remove(name string) error {
	if err := f.step("remove", name); err != nil {
		return err
	}
	return tree.OS.Remove(name)
}

func (f *faultFS) Sync(names []string) error {
	if err := f.step("sync", strings.Join(names, " ")); err != nil {
		return err
	}
	return tree.OS.Sync(names)
}

// copyTree copies the files and folders of src into a new folder.
func copyTree(t testing.TB, src string) string {
	t.Helper()
	dst := testtree.Root(t)
	testtree.Copy(t, src, dst)
	return dst
}

// seedProject makes a project with estoque and notificacoes.
func seedProject(t testing.TB) string {
	return makeProject(t, []AddModuleOptions{{Name: "estoque"}, {Name: "notificacoes"}})
}

// makeProject makes project loja with mods, through the same calls the
// commands make, and returns its root.
func makeProject(t testing.TB, mods []AddModuleOptions) string {
	t.Helper()
	base := testtree.Root(t)
	p, plan, err := NewProject(base, NewProjectOptions{Name: "loja", Module: "github.com/acme/loja"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Init(); err != nil {
		t.Fatal(err)
	}
	mustApply(t, p, plan)
	p.Close()
	root := filepath.Join(base, "loja")
	for _, opts := range mods {
		p, err := Open(root)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := p.AddModule(opts)
		if err != nil {
			t.Fatal(err)
		}
		mustApply(t, p, plan)
		p.Close()
	}
	return root
}

func mustApply(t testing.TB, p *Project, plan *tree.Plan) {
	t.Helper()
	changes, err := p.Finish(plan, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Write(changes); err != nil {
		t.Fatal(err)
	}
}

// stateLeft lists what is in .modgen besides the lock.
func stateLeft(root string) []string {
	entries, _ := os.ReadDir(filepath.Join(root, tree.StateDir))
	var left []string
	for _, e := range entries {
		if e.Name() != tree.LockFile && e.Name() != tree.CacheFile {
			left = append(left, e.Name())
		}
	}
	return left
}

// diffTrees names the paths whose content differs between two trees.
func diffTrees(a, b map[string][]byte) []string {
	var diff []string
	for _, p := range slices.Sorted(maps.Keys(a)) {
		if bb, ok := b[p]; !ok || !bytes.Equal(a[p], bb) {
			diff = append(diff, p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			diff = append(diff, p+" (extra)")
		}
	}
	return diff
}

// faultTrials plans a command once on a copy of base, then applies it to a
// fresh copy of base for every step N of its write and every kind of fault
// at step N, and checks what is left: after an error returned, the tree as
// before, with nothing left in .modgen; after a crash and the recovery that
// the next command runs, the tree as before or as after, never a mix.
func faultTrials(t *testing.T, base string, noLinks bool, command func(p *Project) (*tree.Plan, error)) {
	before := testtree.Read(t, base)
	planned := copyTree(t, base)
	p, err := Open(planned)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := command(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Finish(plan, false); err != nil {
		t.Fatal(err)
	}
	p.Close()

	// The fault-free run: how many steps, which one commits, the tree after.
	run := func(root string, fsys tree.FS) error {
		prev, err := tree.LoadManifest(root)
		if err != nil {
			t.Fatal(err)
		}
		changes, err := plan.Compare(root, prev.Files, false)
		if err != nil {
			t.Fatal(err)
		}
		return tree.Writer{FS: fsys, Root: root, Command: "test"}.Write(changes)
	}
	clean := copyTree(t, base)
	counter := &faultFS{noLinks: noLinks}
	if err := run(clean, counter); err != nil {
		t.Fatal(err)
	}
	after := testtree.Read(t, clean)
	commit := slices.IndexFunc(counter.ops, func(op string) bool {
		return strings.HasSuffix(op, tree.JournalFile) && strings.HasPrefix(op, "remove")
	}) + 1
	if commit == 0 {
		t.Fatalf("no commit step among %d steps", len(counter.ops))
	}
	if len(diffTrees(before, after)) == 0 {
		t.Fatal("the command changes nothing; nothing to test")
	}

	outcomes := map[string]int{}
	for n := 1; n <= len(counter.ops); n++ {
		for _, fault := range []struct {
			name  string
			err   error
			crash bool
		}{
			{"ENOSPC", syscall.ENOSPC, false},
			{"EACCES", syscall.EACCES, false},
			{"crash", errors.New("process killed"), true},
		} {
			root := copyTree(t, base)
			ffs := &faultFS{fail: n, err: fault.err, crash: fault.crash, noLinks: noLinks}
			err := run(root, ffs)
			where := fmt.Sprintf("%s at step %d/%d (%s)", fault.name, n, len(counter.ops), ffs.ops[n-1])
			switch {
			case fault.crash:
				recovered, rerr := (tree.Writer{FS: tree.OS, Root: root}).Recover()
				if rerr != nil {
					t.Fatalf("%s: recovery: %v", where, rerr)
				}
				got := testtree.Read(t, root)
				switch {
				case len(diffTrees(before, got)) == 0:
					outcomes["crash → before"]++
					if n > commit {
						t.Errorf("%s: a crash after the commit undid the command", where)
					}
				case len(diffTrees(after, got)) == 0:
					outcomes["crash → after"]++
					if n <= commit {
						t.Errorf("%s: a crash before the commit kept the command: %s", where, recovered)
					}
				default:
					t.Fatalf("%s: after recovery the tree is a mix: differs from before in %v, from after in %v", where, diffTrees(before, got), diffTrees(after, got))
				}
			case err != nil:
				outcomes[fault.name+" → error, before"]++
				if n > commit {
					t.Errorf("%s: failed after the commit: %v", where, err)
				}
				if !strings.Contains(err.Error(), fault.err.Error()) || !strings.Contains(err.Error(), "; ") {
					t.Errorf("%s: error %q does not say what failed and what was done", where, err)
				}
				if d := diffTrees(before, testtree.Read(t, root)); len(d) > 0 {
					t.Fatalf("%s: error %v, yet the tree changed: %v", where, err, d)
				}
			default:
				outcomes[fault.name+" → success, after"]++
				if n <= commit {
					t.Errorf("%s: the fault went unnoticed", where)
				}
				// A failure after the commit may leave backups in staging,
				// which the next command's recovery removes.
				if _, err := (tree.Writer{FS: tree.OS, Root: root}).Recover(); err != nil {
					t.Fatal(err)
				}
				if d := diffTrees(after, testtree.Read(t, root)); len(d) > 0 {
					t.Fatalf("%s: success, yet the tree is not as after: %v", where, d)
				}
			}
			if left := stateLeft(root); len(left) > 0 {
				t.Fatalf("%s: left in %s: %v", where, tree.StateDir, left)
			}
		}
	}
	t.Logf("%d steps (commit at step %d), %d trials: %v", len(counter.ops), commit, 3*len(counter.ops), outcomes)
}

func TestWriteFaultsAddModule(t *testing.T) {
	faultTrials(t, seedProject(t), false, func(p *Project) (*tree.Plan, error) {
		return p.AddModule(AddModuleOptions{Name: "pedidos", DependsOn: []string{"estoque", "notificacoes"}})
	})
}

// TestWriteFaultsAddModuleCopies: the same on a file system without hard
// links, where the backups of replaced files are copies.
func TestWriteFaultsAddModuleCopies(t *testing.T) {
	faultTrials(t, seedProject(t), true, func(p *Project) (*tree.Plan, error) {
		return p.AddModule(AddModuleOptions{Name: "pedidos", DependsOn: []string{"estoque", "notificacoes"}})
	})
}

func TestWriteFaultsExtract(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the project's packages with the go command")
	}
	for k, v := range map[string]string{"GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOSUMDB": "off", "GOWORK": "off"} {
		t.Setenv(k, v)
	}
	faultTrials(t, seedProject(t), false, func(p *Project) (*tree.Plan, error) { return p.Extract("estoque", 0) })
}
