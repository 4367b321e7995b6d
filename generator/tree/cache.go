package tree

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// CacheFile, in StateDir, records for each generated file that modgen
// renders from a few inputs alone (the wiring of one module, the tracing
// decorator of one module's API) a key of those inputs and the hash of the
// content it wrote. A command that would render such a file from the same
// key takes it from the disk instead, if it is still what modgen wrote:
// rendering and formatting every module's files on every command would
// make each command as slow as the project is big. It is a cache: a
// missing, stale or damaged one only costs the next command the rendering.
const CacheFile = "cache"

// Cache is the cache of one command: the entries the last successful
// command left, and those of this command's plan.
type Cache struct {
	mu   sync.Mutex
	old  map[string]cacheEntry // by path
	next map[string]cacheEntry
}

type cacheEntry struct{ key, hash string }

// LoadCache reads root's cache. A cache that cannot be read is empty.
func LoadCache(root string) *Cache {
	c := &Cache{old: map[string]cacheEntry{}, next: map[string]cacheEntry{}}
	data, err := os.ReadFile(filepath.Join(root, StateDir, CacheFile))
	if err != nil {
		return c
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		f := strings.Split(line, "\t")
		if len(f) == 3 {
			c.old[f[0]] = cacheEntry{f[1], f[2]}
		}
	}
	return c
}

// Key is the cache key of a file rendered from the given inputs.
func Key(inputs ...[]byte) string {
	h := sha256.New()
	for _, in := range inputs {
		var n [8]byte
		for i, l := 0, len(in); i < 8; i, l = i+1, l>>8 {
			n[i] = byte(l)
		}
		h.Write(n[:])
		h.Write(in)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Lookup returns the content of the file rel under root if the last
// command rendered it from key and the disk still holds what it wrote; the
// caller plans it as a File with OnDisk and Final set.
func (c *Cache) Lookup(root, rel, key string) ([]byte, bool) {
	c.mu.Lock()
	e, ok := c.old[rel]
	c.mu.Unlock()
	if !ok || e.key != key {
		return nil, false
	}
	// Read, not confined: a file taken from the disk is never written
	// (Compare takes it as unchanged), and one that is not what modgen
	// wrote, wherever a link leads, misses.
	content, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil || Hash(content) != e.hash {
		return nil, false
	}
	return content, true
}

// Put records that this command plans the file rel, rendered from key (or
// taken from the disk by Lookup), with content (formatted).
func (c *Cache) Put(rel, key string, content []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next[rel] = cacheEntry{key, Hash(content)}
}

// Save writes the cache this command leaves, once its plan is on disk: the
// entries it put. It writes nothing when they are the last command's. The
// cache is replaced by a rename, not synced: after a crash, a lost or
// half-written cache only misses.
func (c *Cache) Save(root string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if maps.Equal(c.old, c.next) {
		return nil
	}
	paths := make([]string, 0, len(c.next))
	for p := range c.next {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	for _, p := range paths {
		e := c.next[p]
		w.WriteString(p + "\t" + e.key + "\t" + e.hash + "\n")
	}
	w.Flush()
	// One name for the new cache: commands that save it hold the project
	// lock, and one killed while saving leaves a file the next save
	// replaces.
	dir := filepath.Join(root, StateDir)
	tmp := filepath.Join(dir, CacheFile+".tmp")
	err := os.WriteFile(tmp, b.Bytes(), 0o644)
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, CacheFile))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	c.old = c.next
	c.next = map[string]cacheEntry{}
	return nil
}
