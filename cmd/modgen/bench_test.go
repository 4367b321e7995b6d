package main

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modgen-dev/modgen/internal/testtree"
)

// The benchmarks of this file measure each command as the user runs it, in
// projects of 3 and of 200 modules (module m<i> depending on m<i-1>), two
// ways:
//
//   - BenchmarkCommands calls the command in this process, as the tests do:
//     rendering, formatting, comparing and the journaled, synced write,
//     without starting a process;
//   - BenchmarkProcesses runs the built binary, as a shell does, and reports
//     besides the wall time the CPU time of the process (user-ms/op,
//     sys-ms/op) and its peak resident memory (maxrss-MB).
//
// A command that changes the project runs on a fresh copy of the project
// each time (extract module: a copy of one where the binary measured ran
// once, for the render cache is keyed by the binary), or in one copy put
// back as it was after each run (add module: there the files of the other
// modules keep the stamps of .modgen/cache, as in a project in daily use,
// where a fresh copy has none and is read whole); the copy is made or put
// back, and synced to disk, outside the timed part, so that the command's
// own syncs do not flush it.
// BENCHMARKS.md has the figures and how to compare two versions with
// benchstat. Extraction loads packages with the go command, offline: the
// dependencies of a generated project must be in the module cache (the
// non-short tests put them there).

// benchCommand is one command line to measure. prepare returns the folder
// it runs in (-C), made outside the timed part. A command with inPlace set
// runs in one copy of the project instead, made once, where modgen has
// stamped every file (see tree.CacheFile) as in a project in daily use;
// what each run changes is put back before the next (benchRestore).
type benchCommand struct {
	name    string
	prepare func(b *testing.B) (dir string)
	args    func(i int) []string
	inPlace bool
	// warm is a command that changes nothing but the render cache and
	// its stamps, run once before the timed runs: in the in-place copy,
	// or in the copy that each run then copies.
	warm []string
}

// benchCommands are the commands at both sizes; fixtures are the projects.
func benchCommands(b *testing.B) []benchCommand {
	base := b.TempDir()
	projects := map[int]string{}
	for _, n := range []int{3, 200} {
		projects[n] = benchProject(b, filepath.Join(base, "p"+strconv.Itoa(n)), n)
	}
	scratch := filepath.Join(base, "scratch")
	if err := os.Mkdir(scratch, 0o755); err != nil {
		b.Fatal(err)
	}
	cmds := []benchCommand{{
		name: "new-project",
		prepare: func(b *testing.B) string {
			dir, err := os.MkdirTemp(scratch, "")
			if err != nil {
				b.Fatal(err)
			}
			return dir
		},
		args: func(int) []string { return []string{"new", "project", "loja"} },
	}}
	for _, n := range []int{3, 200} {
		size := "/" + strconv.Itoa(n) + "modules"
		copyOf := func(b *testing.B) string { return benchCopy(b, scratch, projects[n]) }
		cmds = append(cmds,
			benchCommand{
				name:    "add-module" + size,
				prepare: copyOf,
				args:    func(int) []string { return []string{"add", "module", "zz", "--depends-on", "m0,m1"} },
				inPlace: true,
				warm:    []string{"add", "module", "m0"},
			},
			benchCommand{
				name:    "check" + size,
				prepare: func(*testing.B) string { return projects[n] },
				args:    func(int) []string { return []string{"check"} },
			},
			benchCommand{
				name:    "extract-module" + size,
				prepare: copyOf,
				args:    func(int) []string { return []string{"extract", "module", "m0"} },
				warm:    []string{"add", "module", "m0"},
			},
		)
	}
	return cmds
}

// benchProject makes project loja with n modules in dir and returns its root.
func benchProject(b *testing.B, dir string, n int) string {
	b.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	must := func(args ...string) {
		if code, _, stderr := modgen(b, dir, args...); code != 0 {
			b.Fatalf("modgen %s: %s", strings.Join(args, " "), stderr)
		}
	}
	must("new", "project", "loja", "--module", "github.com/acme/loja")
	for i := range n {
		args := []string{"-C", "loja", "add", "module", "m" + strconv.Itoa(i)}
		if i > 0 {
			args = append(args, "--depends-on", "m"+strconv.Itoa(i-1))
		}
		must(args...)
	}
	return filepath.Join(dir, "loja")
}

// offlineBench makes the go command that extraction runs work offline.
func offlineBench(b *testing.B) {
	for _, kv := range offlineEnv()[len(os.Environ()):] {
		k, v, _ := strings.Cut(kv, "=")
		b.Setenv(k, v)
	}
}

// benchDir returns the folder c runs in each time: for an in-place
// command, one copy of the project, stamped by c.warm (run by modgen), and
// put back as it was before each run; for another command with c.warm, a
// fresh copy of a project where c.warm ran; otherwise a folder c.prepare
// makes for each run.
func benchDir(b *testing.B, c benchCommand, modgen func(dir string, args ...string)) func() string {
	if !c.inPlace && c.warm == nil {
		return func() string { return c.prepare(b) }
	}
	if !c.inPlace {
		// A fresh copy each time of a project where this modgen has run
		// once: the render cache is keyed by the binary, and a project
		// made by another build (the test binary) renders and formats
		// every module's files again.
		warmed := c.prepare(b)
		modgen(warmed, c.warm...)
		return func() string { return benchCopy(b, filepath.Dir(filepath.Dir(warmed)), warmed) }
	}
	dir := c.prepare(b)
	// Files changed in the last two seconds are not stamped. c.warm runs
	// twice: in a project made by another build (the test binary) the
	// first run renders every module's files again and records them too
	// recent to stamp, and the second stamps them, as in a project this
	// modgen has run in before.
	for range 2 {
		time.Sleep(2100 * time.Millisecond)
		modgen(dir, c.warm...)
	}
	snapshot := testtree.Read(b, dir)
	cache := filepath.Join(dir, ".modgen", "cache")
	stamped, err := os.ReadFile(cache)
	if err != nil {
		b.Fatal(err)
	}
	return func() string {
		benchRestore(b, dir, snapshot)
		if err := os.WriteFile(cache, stamped, 0o644); err != nil {
			b.Fatal(err)
		}
		syscall.Sync()
		return dir
	}
}

// benchCopy copies the project src into a new folder loja of a new
// folder below scratch, syncs the disk, and returns the copy.
func benchCopy(b *testing.B, scratch, src string) string {
	dir, err := os.MkdirTemp(scratch, "")
	if err != nil {
		b.Fatal(err)
	}
	dir = filepath.Join(dir, "loja")
	testtree.Copy(b, src, dir)
	syscall.Sync()
	return dir
}

// benchRestore puts the tree under dir back as snapshot holds it: files
// and folders it lacks are removed, files that differ written again, and
// the others left alone, so that their stamps hold.
func benchRestore(b *testing.B, dir string, snapshot map[string][]byte) {
	dirs := map[string]bool{}
	for f := range snapshot {
		for d := path.Dir(f); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	var extra []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel := filepath.ToSlash(p[len(dir)+1:])
		if rel == ".modgen" {
			return filepath.SkipDir // the lock and the cache, put back by the caller
		}
		if d.IsDir() {
			if !dirs[rel] {
				extra = append(extra, p)
				return filepath.SkipDir
			}
			return nil
		}
		want, ok := snapshot[rel]
		if !ok {
			extra = append(extra, p)
			return nil
		}
		if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, want) {
			return os.WriteFile(p, want, 0o644)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range extra {
		if err := os.RemoveAll(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommands measures each command in this process.
func BenchmarkCommands(b *testing.B) {
	offlineBench(b)
	modgen := func(dir string, args ...string) {
		if code := run(append([]string{"-C", dir}, args...), io.Discard, io.Discard); code != 0 {
			b.Fatalf("modgen %v: exit %d", args, code)
		}
	}
	for _, c := range benchCommands(b) {
		b.Run(c.name, func(b *testing.B) {
			next := benchDir(b, c, modgen)
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				dir := next()
				b.StartTimer()
				modgen(dir, c.args(i)...)
			}
		})
	}
}

// BenchmarkProcesses measures each command as a process of the built
// binary. The peak RSS comes from one more run of each, untimed, under GNU
// time (/usr/bin/time, Debian package time; without it maxrss-MB is not
// reported): the kernel's figure for a child of this process would count
// this process's own memory, which a child started with vfork inherits as
// its high-water mark.
func BenchmarkProcesses(b *testing.B) {
	offlineBench(b)
	bin := filepath.Join(b.TempDir(), "modgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	timeBin, _ := exec.LookPath("/usr/bin/time")
	modgen := func(dir string, args ...string) {
		if out, err := exec.Command(bin, append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			b.Fatalf("modgen %v: %v\n%s", args, err, out)
		}
	}
	for _, c := range benchCommands(b) {
		b.Run(c.name, func(b *testing.B) {
			next := benchDir(b, c, modgen)
			var user, sys time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				dir := next()
				cmd := exec.Command(bin, append([]string{"-C", dir}, c.args(i)...)...)
				b.StartTimer()
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("modgen %v: %v\n%s", c.args(i), err, out)
				}
				// The CPU time of the process and of the children it waited
				// for: the go command, for extract module.
				user += cmd.ProcessState.UserTime()
				sys += cmd.ProcessState.SystemTime()
			}
			b.ReportMetric(float64(user.Microseconds())/1000/float64(b.N), "user-ms/op")
			b.ReportMetric(float64(sys.Microseconds())/1000/float64(b.N), "sys-ms/op")
			if timeBin != "" {
				b.ReportMetric(peakRSS(b, timeBin, append([]string{bin, "-C", next()}, c.args(b.N)...)), "maxrss-MB")
			}
		})
	}
}

// peakRSS runs args under GNU time and returns the peak resident memory of
// the process in MiB (the largest of it and the children it waited for).
func peakRSS(b *testing.B, timeBin string, args []string) float64 {
	out := filepath.Join(b.TempDir(), "rss")
	if msg, err := exec.Command(timeBin, append([]string{"-f", "%M", "-o", out}, args...)...).CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", args, err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	kib, err := strconv.ParseFloat(strings.TrimSpace(string(data)), 64)
	if err != nil {
		b.Fatalf("GNU time wrote %q: %v", data, err)
	}
	return kib / 1024
}
