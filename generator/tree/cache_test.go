package tree

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// later moves the cache's clock on by d for the rest of the test, as if
// the next command ran d later.
func later(t *testing.T, d time.Duration) {
	t.Helper()
	now := cacheNow
	cacheNow = func() time.Time { return now().Add(d) }
	t.Cleanup(func() { cacheNow = now })
}

func writeFile(t *testing.T, root, rel, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, rel), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// saveAndLoad ends a command: it saves c and loads the cache the next
// command sees.
func saveAndLoad(t *testing.T, root string, c *Cache) *Cache {
	t.Helper()
	if err := c.Save(root); err != nil {
		t.Fatal(err)
	}
	return LoadCache(root)
}

// TestCacheStamps follows one generated file and one input through
// commands: written, then found by reading (too recent to be stamped),
// then by reading once it is old enough, stamped, then unread on the
// stamp's word; and a change that keeps the size and the modification
// time is seen all the same.
func TestCacheStamps(t *testing.T) {
	if _, ok := stampFields(os.DevNull); !ok {
		t.Skip("no stamps on " + runtime.GOOS + ": every file is read")
	}
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, StateDir), 0o755); err != nil {
		t.Fatal(err)
	}
	const gen, api = "gen.go", "api.go"
	writeFile(t, root, gen, "package gen // v1\n")
	writeFile(t, root, api, "package api\n")

	// Command 1 renders gen.go and reads api.go, both just written.
	c := LoadCache(root)
	if _, content, err := c.Read(root, api); err != nil || string(content) != "package api\n" {
		t.Fatalf("Read = %q, %v", content, err)
	}
	c.Put(gen, "k1", []byte("package gen // v1\n"))
	c = saveAndLoad(t, root, c)
	if e := c.old[gen]; e.stamp != "" || c.old[api].stamp != "" {
		t.Fatalf("files changed just now were stamped: %+v %+v", e, c.old[api])
	}

	// Command 2, three seconds on: both are read, found, and stamped.
	later(t, 3*time.Second)
	if content, ok := c.Lookup(root, gen, "k1"); !ok || content == nil {
		t.Fatalf("Lookup = %q, %v; want the file, read", content, ok)
	}
	if _, content, err := c.Read(root, api); err != nil || content == nil {
		t.Fatalf("Read = %q, %v; want the file, read", content, err)
	}
	c = saveAndLoad(t, root, c)
	if c.old[gen].stamp == "" || c.old[api].stamp == "" {
		t.Fatalf("files found unchanged were not stamped: %+v", c.old)
	}

	// Command 3: the stamps vouch for both; nothing is read.
	if content, ok := c.Lookup(root, gen, "k1"); !ok || content != nil {
		t.Fatalf("Lookup = %q, %v; want a hit on the stamp's word, unread", content, ok)
	}
	if hash, content, err := c.Read(root, api); err != nil || content != nil || hash != Hash([]byte("package api\n")) {
		t.Fatalf("Read = %s, %q, %v; want the recorded hash, unread", hash, content, err)
	}
	if _, ok := c.Lookup(root, gen, "k2"); ok {
		t.Fatal("Lookup hit with another key")
	}

	// The user edits both files without changing their size, and puts
	// their modification times back.
	for _, f := range []struct{ rel, content string }{{gen, "package gen // v2\n"}, {api, "package apx\n"}} {
		info, err := os.Stat(filepath.Join(root, f.rel))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, root, f.rel, f.content)
		if err := os.Chtimes(filepath.Join(root, f.rel), info.ModTime(), info.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	if content, ok := c.Lookup(root, gen, "k1"); ok {
		t.Fatalf("Lookup hit an edited file: %q", content)
	}
	if hash, content, err := c.Read(root, api); err != nil || string(content) != "package apx\n" || hash != Hash(content) {
		t.Fatalf("Read = %s, %q, %v; want the edited file, read", hash, content, err)
	}
}

// TestCacheDeletedFile: a stamped file that is deleted, or replaced by
// another file, misses.
func TestCacheDeletedFile(t *testing.T) {
	if _, ok := stampFields(os.DevNull); !ok {
		t.Skip("no stamps on " + runtime.GOOS)
	}
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, StateDir), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "a.go", "package a\n")
	later(t, 3*time.Second)
	c := LoadCache(root)
	c.Put("a.go", "k", []byte("package a\n"))
	c = saveAndLoad(t, root, c)
	if _, ok := c.Lookup(root, "a.go", "k"); !ok {
		t.Fatal("miss")
	}
	c = saveAndLoad(t, root, c)
	if c.old["a.go"].stamp == "" {
		t.Fatal("not stamped")
	}
	// Replaced through a rename by a file of the same size and times.
	info, _ := os.Stat(filepath.Join(root, "a.go"))
	writeFile(t, root, "b.go", "package b\n")
	os.Chtimes(filepath.Join(root, "b.go"), info.ModTime(), info.ModTime())
	if err := os.Rename(filepath.Join(root, "b.go"), filepath.Join(root, "a.go")); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Lookup(root, "a.go", "k"); ok {
		t.Fatal("Lookup hit a replaced file")
	}
	os.Remove(filepath.Join(root, "a.go"))
	if _, ok := c.Lookup(root, "a.go", "k"); ok {
		t.Fatal("Lookup hit a deleted file")
	}
}

// TestKey: the key is the SHA-256 of each input's length and bytes, as
// written by a streaming hash, for inputs short and longer than Key's
// stack buffer.
func TestKey(t *testing.T) {
	want := func(inputs ...string) string {
		h := sha256.New()
		for _, in := range inputs {
			var n [8]byte
			binary.LittleEndian.PutUint64(n[:], uint64(len(in)))
			h.Write(n[:])
			h.Write([]byte(in))
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	long := strings.Repeat("modgen ", 200)
	for _, inputs := range [][]string{nil, {""}, {"", ""}, {"a"}, {"ab", "c"}, {"a", "bc"}, {long}, {"id", long, "x"}} {
		if got := Key(inputs...); got != want(inputs...) {
			t.Errorf("Key(%q) = %s; want %s", inputs, got, want(inputs...))
		}
	}
	if Key("ab", "c") == Key("a", "bc") {
		t.Error("inputs split differently give the same key")
	}
}

// TestLoadCacheAhead: a cache loaded ahead vouches, as LoadCache's does,
// for the files whose stamps it took, misses those changed before, and a
// change made after it took a stamp (while the command plans) is found by
// the next command: the stamp it records is the one taken before.
func TestLoadCacheAhead(t *testing.T) {
	if _, ok := stampFields(os.DevNull); !ok {
		t.Skip("no stamps on " + runtime.GOOS)
	}
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, StateDir), 0o755); err != nil {
		t.Fatal(err)
	}
	const gen, api, other = "gen.go", "api.go", "other.go"
	writeFile(t, root, gen, "package gen // v1\n")
	writeFile(t, root, api, "package api\n")
	writeFile(t, root, other, "package other // v1\n")
	later(t, 3*time.Second)
	// Two commands record the three files and stamp them.
	c := LoadCache(root)
	c.Read(root, api)
	c.Put(gen, "k", []byte("package gen // v1\n"))
	c.Put(other, "k", []byte("package other // v1\n"))
	c = saveAndLoad(t, root, c)
	c.Read(root, api)
	c.Lookup(root, gen, "k")
	c.Lookup(root, other, "k")
	c = saveAndLoad(t, root, c)
	if c.old[gen].stamp == "" || c.old[api].stamp == "" || c.old[other].stamp == "" {
		t.Fatalf("not stamped: %+v", c.old)
	}

	// other.go changes before the next command starts.
	writeFile(t, root, other, "package other // v2, longer\n")
	later(t, 3*time.Second)
	c = LoadCacheAhead(root)
	<-c.ready
	if len(c.ahead) != 3 {
		t.Fatalf("stamped ahead %d files; want 3", len(c.ahead))
	}
	// gen.go changes after its stamp was taken ahead.
	writeFile(t, root, gen, "package gen // v2, longer\n")
	if content, ok := c.Lookup(root, gen, "k"); !ok || content != nil {
		t.Fatalf("Lookup(gen) = %q, %v; want a hit on the stamp taken ahead, unread", content, ok)
	}
	if hash, content, err := c.Read(root, api); err != nil || content != nil || hash != Hash([]byte("package api\n")) {
		t.Fatalf("Read(api) = %s, %q, %v; want the recorded hash, unread", hash, content, err)
	}
	if content, ok := c.Lookup(root, other, "k"); ok {
		t.Fatalf("Lookup(other) hit a file changed before the command: %q", content)
	}
	// A file the cache did not name is stamped when asked about.
	writeFile(t, root, "new.go", "package new\n")
	if _, content, err := c.Read(root, "new.go"); err != nil || string(content) != "package new\n" {
		t.Fatalf("Read(new.go) = %q, %v", content, err)
	}

	// The next command sees the change to gen.go.
	c = saveAndLoad(t, root, c)
	if content, ok := c.Lookup(root, gen, "k"); ok {
		t.Fatalf("the next command's Lookup hit gen.go, changed since it was written: %q", content)
	}
}

// TestLoadCacheAheadConcurrent: the cache's methods, called from several
// goroutines as Finish does, wait for the stamps taken ahead (run with
// -race).
func TestLoadCacheAheadConcurrent(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, StateDir), 0o755); err != nil {
		t.Fatal(err)
	}
	c := LoadCache(root)
	for i := range 50 {
		rel := "f" + strings.Repeat("x", i) + ".go"
		writeFile(t, root, rel, "package f\n")
		c.Put(rel, "k", []byte("package f\n"))
	}
	if err := c.Save(root); err != nil {
		t.Fatal(err)
	}
	c = LoadCacheAhead(root)
	err := ForEach(50, func(i int) error {
		rel := "f" + strings.Repeat("x", i) + ".go"
		if _, ok := c.Lookup(root, rel, "k"); !ok {
			return os.ErrNotExist
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(root); err != nil {
		t.Fatal(err)
	}
}
