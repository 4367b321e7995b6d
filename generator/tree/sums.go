package tree

import (
	"iter"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Sums is modgen.sum: the hash of every scaffolded file as modgen wrote
// it, by path. It keeps the file as read when it is in the form modgen
// writes (each line valid, sorted by path, each path once), and the
// records made since on the side: at 200 modules modgen.sum holds 3,400
// lines, which a command that adds a module would otherwise load into a
// map, copy twice and sort again, to write 17 more.
//
// The zero Sums, and a nil *Sums, record nothing.
type Sums struct {
	sorted string            // "path hash\n" lines in the form modgen writes
	starts []int             // where each line of sorted starts
	set    map[string]string // recorded since, or all when the file was not in that form
}

// hashLen is the length of a hash as modgen writes it (see validHash).
const hashLen = len("sha256:") + 64

// NewSums returns sums recording the hashes of files.
func NewSums(files map[string]string) *Sums {
	return &Sums{set: maps.Clone(files)}
}

// ReadSums parses and checks modgen.sum: one "path hash" line per file.
func ReadSums(data []byte) (*Sums, []ManifestProblem) { return readSums(string(data)) }

func readSums(data string) (*Sums, []ManifestProblem) {
	if s, ok := sortedSums(data); ok {
		return s, nil
	}
	files := map[string]string{}
	problems := ParseSums(data, files)
	return &Sums{set: files}, problems
}

// sortedSums reads data if it is in the form modgen writes, checking each
// line as ParseSums does, and reports whether it was. A big file is
// checked in two halves at once (3,400 lines at 200 modules).
func sortedSums(data string) (*Sums, bool) {
	half := len(data) // no second half
	if len(data) >= 64<<10 {
		if i := strings.IndexByte(data[len(data)/2:], '\n'); i >= 0 {
			half = len(data)/2 + i + 1 // the first half ends with a line
		}
	}
	var second []int
	ok2 := true
	done := make(chan struct{})
	if half < len(data) {
		go func() {
			defer close(done)
			second, ok2 = sortedLines(data, half, len(data))
		}()
	} else {
		close(done)
	}
	starts, ok := sortedLines(data, 0, half)
	<-done
	if !ok || !ok2 {
		return nil, false
	}
	if len(starts) > 0 && len(second) > 0 {
		// The last path of the first half must come before the first of
		// the second.
		if pathAt(data, starts[len(starts)-1]) >= pathAt(data, second[0]) {
			return nil, false
		}
	}
	return &Sums{sorted: data, starts: append(starts, second...)}, true
}

// pathAt returns the path of the line of data that starts at off.
func pathAt(data string, off int) string {
	l := data[off:]
	l = l[:strings.IndexByte(l, '\n')]
	return l[:len(l)-hashLen-1]
}

// sortedLines checks the lines of data[from:to], which starts a line and
// is empty or ends one, as sortedSums does, and returns where each starts.
func sortedLines(data string, from, to int) ([]int, bool) {
	starts := make([]int, 0, strings.Count(data[from:to], "\n"))
	prev := ""
	for off := from; off < to; {
		end := strings.IndexByte(data[off:to], '\n')
		if end < 0 {
			return nil, false
		}
		line := data[off : off+end]
		if len(line) < hashLen+2 || line[len(line)-hashLen-1] != ' ' {
			return nil, false
		}
		path, hash := line[:len(line)-hashLen-1], line[len(line)-hashLen:]
		// A path with a space is checked by ParseSums, which cuts at the
		// last one as this does.
		if !plainRelPath(path) || !validHash(hash) || path <= prev {
			return nil, false
		}
		starts = append(starts, off)
		prev = path
		off += end + 1
	}
	return starts, true
}

// line returns the path and hash of line i of s.sorted.
func (s *Sums) line(i int) (path, hash string) {
	end := len(s.sorted)
	if i+1 < len(s.starts) {
		end = s.starts[i+1]
	}
	l := s.sorted[s.starts[i] : end-1]
	return l[:len(l)-hashLen-1], l[len(l)-hashLen:]
}

// search returns the index of the first line of s.sorted whose path is not
// before path.
func (s *Sums) search(path string) int {
	return sort.Search(len(s.starts), func(i int) bool {
		p, _ := s.line(i)
		return p >= path
	})
}

// offset is where line i of s.sorted starts, or its end.
func (s *Sums) offset(i int) int {
	if i < len(s.starts) {
		return s.starts[i]
	}
	return len(s.sorted)
}

// Get returns the hash recorded for path.
func (s *Sums) Get(path string) (hash string, ok bool) {
	if s == nil {
		return "", false
	}
	if h, ok := s.set[path]; ok {
		return h, true
	}
	if i := s.search(path); i < len(s.starts) {
		if p, h := s.line(i); p == path {
			return h, true
		}
	}
	return "", false
}

// Set records hash for path.
func (s *Sums) Set(path, hash string) {
	if s.set == nil {
		s.set = map[string]string{}
	}
	s.set[path] = hash
}

// Len returns the number of paths recorded.
func (s *Sums) Len() int {
	if s == nil {
		return 0
	}
	n := len(s.starts)
	for p := range s.set {
		if i := s.search(p); i == len(s.starts) {
			n++
		} else if q, _ := s.line(i); q != p {
			n++
		}
	}
	return n
}

// All yields the paths and hashes, sorted by path.
func (s *Sums) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		if s == nil {
			return
		}
		keys := slices.Sorted(maps.Keys(s.set))
		i := 0
		for _, k := range keys {
			for ; i < len(s.starts); i++ {
				p, h := s.line(i)
				if p >= k {
					if p == k {
						i++ // replaced
					}
					break
				}
				if !yield(p, h) {
					return
				}
			}
			if !yield(k, s.set[k]) {
				return
			}
		}
		for ; i < len(s.starts); i++ {
			if !yield(s.line(i)) {
				return
			}
		}
	}
}

// Clone returns a copy of s: records made in either are not in the other.
func (s *Sums) Clone() *Sums {
	if s == nil {
		return &Sums{}
	}
	return &Sums{sorted: s.sorted, starts: s.starts, set: maps.Clone(s.set)}
}

// Marshal renders modgen.sum: one "path hash" line per file, sorted. The
// lines read are copied as runs, between the records made since.
func (s *Sums) Marshal() []byte {
	if s == nil {
		return []byte{}
	}
	keys := slices.Sorted(maps.Keys(s.set))
	b := make([]byte, 0, len(s.sorted)+len(keys)*(len("internal/x/x.go ")+hashLen+32))
	from := 0 // the first line of s.sorted not yet copied
	for _, k := range keys {
		i := max(s.search(k), from)
		b = append(b, s.sorted[s.offset(from):s.offset(i)]...)
		if i < len(s.starts) {
			if p, _ := s.line(i); p == k {
				i++ // replaced
			}
		}
		from = i
		b = append(b, k...)
		b = append(b, ' ')
		b = append(b, s.set[k]...)
		b = append(b, '\n')
	}
	return append(b, s.sorted[s.offset(from):]...)
}
