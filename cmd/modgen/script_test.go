package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/modgen-dev/modgen/internal/testtree"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"modgen": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scripts in testdata/script. Besides testscript's
// own commands they have:
//
//	snapshot NAME   record a hash of every file under $WORK
//	unchanged NAME  fail unless the tree hashes as it did at snapshot NAME
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("..", "..", "testdata", "script"),
		Setup: func(env *testscript.Env) error {
			for _, k := range []string{"GOMODCACHE", "GOCACHE", "GOPATH", "HOME"} {
				if v := os.Getenv(k); v != "" {
					env.Setenv(k, v)
				}
			}
			env.Setenv("GOFLAGS", "-mod=mod")
			env.Setenv("GOPROXY", "off")
			env.Setenv("GOSUMDB", "off")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"snapshot": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: snapshot NAME")
				}
				ts.Setenv("SNAPSHOT_"+args[0], treeHash(ts, ts.Getenv("WORK")))
			},
			"unchanged": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: unchanged NAME")
				}
				same := treeHash(ts, ts.Getenv("WORK")) == ts.Getenv("SNAPSHOT_"+args[0])
				if same == neg {
					ts.Fatalf("tree changed since snapshot %s: %v", args[0], !same)
				}
			},
		},
	})
}

// treeHash hashes the path, mode and content of every file under root,
// except testscript's own temporary folder and modgen's state between
// commands (testtree.IsState): the cache records when it last found each
// file unchanged, which any command may do.
func treeHash(ts *testscript.TestScript, root string) string {
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if rel == ".tmp" {
				return filepath.SkipDir
			}
			lines = append(lines, "dir "+rel)
			return nil
		}
		if testtree.IsState(filepath.ToSlash(rel)) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		lines = append(lines, "file "+rel+" "+hex.EncodeToString(sum[:]))
		return nil
	})
	ts.Check(err)
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}
