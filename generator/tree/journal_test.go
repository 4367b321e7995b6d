package tree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/internal/testtree"
)

// stateLeft lists what is in .modgen besides the lock.
func stateLeft(root string) []string {
	entries, _ := os.ReadDir(filepath.Join(root, StateDir))
	var left []string
	for _, e := range entries {
		if e.Name() != LockFile {
			left = append(left, e.Name())
		}
	}
	return left
}

// TestRecoverWithoutJournalRemovesStaging: what a command killed before
// its write or after it (staging, a journal being written, a cache being
// saved) leaves is removed.
func TestRecoverWithoutJournalRemovesStaging(t *testing.T) {
	root := testtree.Root(t)
	testtree.Write(t, root, map[string]string{
		".modgen/staging/0000":     "half",
		".modgen/journal.json.tmp": "{",
		".modgen/cache.tmp":        "cmd/api/wire_gen.go\t", // killed while saving the cache
		"keep.txt":                 "mine\n",
	})
	msg, err := (Writer{FS: OS, Root: root}).Recover()
	if err != nil || msg != "" {
		t.Fatalf("Recover = %q, %v; want nothing to report", msg, err)
	}
	if left := stateLeft(root); len(left) > 0 {
		t.Errorf("left in %s: %v", StateDir, left)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "keep.txt")); string(b) != "mine\n" {
		t.Error("a project file was touched")
	}
}

func TestRecoverRefusesABadJournal(t *testing.T) {
	root := testtree.Root(t)
	testtree.Write(t, root, map[string]string{".modgen/journal.json": `{"files":[{"path":"../../etc/passwd","new":".modgen/staging/0000"}]}`})
	_, err := (Writer{FS: OS, Root: root}).Recover()
	if err == nil || !strings.Contains(err.Error(), `bad path "../../etc/passwd"`) {
		t.Fatalf("Recover = %v; want a refusal naming the bad path", err)
	}
}

func TestWriteKeepsFileModes(t *testing.T) {
	root := testtree.Root(t)
	testtree.Write(t, root, map[string]string{"run.sh": "#!/bin/sh\n"})
	os.Chmod(filepath.Join(root, "run.sh"), 0o755)
	plan := &Plan{Files: []File{{Path: "run.sh", Content: []byte("#!/bin/sh\necho\n"), Owner: Generated}}}
	changes, err := plan.Compare(root, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := (Writer{FS: OS, Root: root}).Write(changes); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(filepath.Join(root, "run.sh")); info.Mode().Perm() != 0o755 {
		t.Errorf("mode %v; want 0755 kept", info.Mode().Perm())
	}
}
