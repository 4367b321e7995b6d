package tree

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// CacheFile, in StateDir, records for each generated file that modgen
// renders from a few inputs alone (the wiring of one module, the tracing
// decorator of one module's API) a key of those inputs and the hash of the
// content it wrote. A command that would render such a file from the same
// key takes it from the disk instead, if it is still what modgen wrote:
// rendering and formatting every module's files on every command would
// make each command as slow as the project is big. It is a cache: a
// missing, stale or damaged one only costs the next command the rendering.
//
// It also records the hash of the files those inputs are read from (a
// module's api.go), and for both kinds a stamp of the file as the disk
// last showed it (see appendStamp): a file whose stamp is unchanged is taken
// to hold the recorded hash without being read, as git's index does, so
// that a command in a big project reads only the files it changes.
const CacheFile = "cache"

// Cache is the cache of one command: the entries the last successful
// command left, and those of this command's plan.
type Cache struct {
	mu   sync.Mutex
	old  map[string]cacheEntry // by path
	next map[string]cacheEntry

	// The project root, open: files are stamped relative to it, which
	// spares the kernel a walk of the root's own path for each of the
	// hundreds of files a command stamps. Closed when the cache is
	// garbage (os.File's finalizer), after the command in modgen.
	rootName string
	root     *os.File

	// ready is closed once the cache is loaded (and, for LoadCacheAhead,
	// its files stamped); every method waits for it.
	ready chan struct{}
	// ahead holds, for LoadCacheAhead, a stamp of each file in old taken
	// in the background (see appendStamp; "" for a file it could not
	// stamp), used in place of stamping the file again. Written before
	// ready is closed, only read after.
	ahead     map[string]string
	aheadRoot string
}

// cacheEntry is one line of the cache. key is empty for a file read as an
// input; stamp is empty when the file was not stamped (see appendStamp).
type cacheEntry struct{ key, hash, stamp string }

// LoadCache reads root's cache. A cache that cannot be read is empty.
func LoadCache(root string) *Cache {
	c := &Cache{ready: make(chan struct{})}
	c.load(root)
	close(c.ready)
	return c
}

// LoadCacheAhead is LoadCache in the background, for a command that will
// use the cache once it has planned what it changes: it reads root's cache
// and stamps every file the cache names meanwhile, so that the hundreds of
// stamps a big project needs are taken while the command renders, not
// after. A stamp taken ahead is as good as one taken when the file is
// looked up, since it is still taken before the file is read (see hashOf).
// The caller holds the project lock, and writes nothing under root until
// it has done with the cache's Lookup and Read.
func LoadCacheAhead(root string) *Cache {
	c := &Cache{ready: make(chan struct{})}
	go func() {
		defer close(c.ready)
		c.load(root)
		dir := c.openRoot(root)
		if dir == nil {
			return
		}
		now := cacheNow()
		c.ahead = make(map[string]string, len(c.old))
		c.aheadRoot = root
		var buf [96]byte
		for rel, e := range c.old {
			if b := appendStampAt(buf[:0], dir, rel, now); string(b) == e.stamp {
				c.ahead[rel] = e.stamp
			} else {
				c.ahead[rel] = string(b)
			}
		}
	}()
	return c
}

func (c *Cache) load(root string) {
	data, _ := readFileString(filepath.Join(root, StateDir, CacheFile)) // unreadable: empty
	n := strings.Count(data, "\n")
	c.old, c.next = make(map[string]cacheEntry, n), make(map[string]cacheEntry, n)
	for line := range strings.SplitSeq(data, "\n") {
		path, rest, ok1 := strings.Cut(line, "\t")
		key, rest, ok2 := strings.Cut(rest, "\t")
		hash, stamp, _ := strings.Cut(rest, "\t") // no stamp: written before stamps
		if ok1 && ok2 && !strings.Contains(stamp, "\t") {
			c.old[path] = cacheEntry{key, hash, stamp}
		}
	}
}

// Key is the cache key of a file rendered from the given inputs: the
// SHA-256 of each input's length (8 bytes, little-endian) and bytes, in
// hexadecimal. Every cached file asks for one on every command, so it is
// computed on the stack.
func Key(inputs ...string) string {
	var buf [512]byte
	b := buf[:0]
	for _, in := range inputs {
		b = binary.LittleEndian.AppendUint64(b, uint64(len(in)))
		b = append(b, in...)
	}
	sum := sha256.Sum256(b)
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// Lookup reports whether the last command rendered the file rel under
// root from key and the disk still holds what it wrote, and then records
// it again; the caller plans it as a File with OnDisk and Final set.
// content is the file's, or nil when its stamp vouched for it unread.
func (c *Cache) Lookup(root, rel, key string) (content []byte, ok bool) {
	<-c.ready
	c.mu.Lock()
	e, ok := c.old[rel]
	c.mu.Unlock()
	if !ok || e.key != key {
		return nil, false
	}
	// Read, not confined: a file taken from the disk is never written
	// (Compare takes it as unchanged), and one that is not what modgen
	// wrote, wherever a link leads, misses.
	hash, content, stamp, err := c.hashOf(root, rel, e)
	if err != nil || hash != e.hash {
		return nil, false
	}
	c.mu.Lock()
	e.stamp = stamp
	c.next[rel] = e
	c.mu.Unlock()
	return content, true
}

// Put records that this command plans the file rel, rendered from key,
// with content (formatted). The file is stamped by the next command that
// finds it unchanged.
func (c *Cache) Put(rel, key string, content []byte) {
	<-c.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next[rel] = cacheEntry{key, Hash(content), ""}
}

// Read returns the hash of the file rel under root, an input of rendering,
// and its content, which is nil when the file's stamp is the one recorded
// with its hash: then the file is not read. The cache records the hash.
func (c *Cache) Read(root, rel string) (hash string, content []byte, err error) {
	<-c.ready
	c.mu.Lock()
	e, known := c.old[rel]
	c.mu.Unlock()
	if !known || e.key != "" {
		e = cacheEntry{}
	}
	hash, content, stamp, err := c.hashOf(root, rel, e)
	if err != nil {
		return "", nil, err
	}
	c.mu.Lock()
	c.next[rel] = cacheEntry{"", hash, stamp}
	c.mu.Unlock()
	return hash, content, nil
}

// hashOf returns the hash of the file rel and the stamp to record for it:
// e's hash without reading when e's stamp is the file's, or else the hash
// of the content, read, and returned.
func (c *Cache) hashOf(root, rel string, e cacheEntry) (hash string, content []byte, stamp string, err error) {
	name := func() string { return filepath.Join(root, filepath.FromSlash(rel)) }
	// The stamp is taken before the read: a change after it changes the
	// stamp, so the next command reads the file again.
	var buf [96]byte
	var b []byte
	if s, ok := c.ahead[rel]; ok && root == c.aheadRoot {
		b = append(buf[:0], s...)
	} else if dir := c.openRoot(root); dir != nil {
		b = appendStampAt(buf[:0], dir, rel, cacheNow())
	} else {
		b = appendStamp(buf[:0], name(), cacheNow())
	}
	if len(b) > 0 && string(b) == e.stamp {
		return e.hash, nil, e.stamp, nil
	}
	stamp = string(b)
	content, err = os.ReadFile(name())
	if err != nil {
		return "", nil, "", err
	}
	return Hash(content), content, stamp, nil
}

// openRoot returns root, open (see Cache.root), or nil if it cannot be
// opened.
func (c *Cache) openRoot(root string) *os.File {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.root == nil || c.rootName != root {
		f, err := os.Open(root)
		if err != nil {
			return nil
		}
		c.root, c.rootName = f, root
	}
	return c.root
}

// cacheNow is the clock stamps are judged by; tests move it on.
var cacheNow = time.Now

// Save writes the cache this command leaves, once its plan is on disk: the
// entries it put. It writes nothing when they are the last command's. The
// cache is replaced by a rename, not synced: after a crash, a lost or
// half-written cache only misses.
func (c *Cache) Save(root string) error {
	<-c.ready
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
	size := 0
	for _, p := range paths {
		e := c.next[p]
		size += len(p) + len(e.key) + len(e.hash) + len(e.stamp) + 4
	}
	var b bytes.Buffer
	b.Grow(size)
	for _, p := range paths {
		e := c.next[p]
		for _, s := range [...]string{p, "\t", e.key, "\t", e.hash, "\t", e.stamp, "\n"} {
			b.WriteString(s)
		}
	}
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
