package tree

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// recordedHash is the hash s records for path, or "".
func recordedHash(s *Sums, path string) string {
	h, _ := s.Get(path)
	return h
}

// marshalMap is modgen.sum for files, as MarshalSums wrote it before Sums:
// the oracle of Sums.Marshal.
func marshalMap(files map[string]string) []byte {
	var b bytes.Buffer
	for _, p := range slices.Sorted(maps.Keys(files)) {
		b.WriteString(p + " " + files[p] + "\n")
	}
	return b.Bytes()
}

// checkSums fails t unless s records exactly files.
func checkSums(t *testing.T, s *Sums, files map[string]string) {
	t.Helper()
	if got := maps.Collect(s.All()); !reflect.DeepEqual(got, files) && len(got)+len(files) > 0 {
		t.Fatalf("All = %v; want %v", got, files)
	}
	if !slices.IsSorted(slices.Collect(func(yield func(string) bool) {
		for p := range s.All() {
			if !yield(p) {
				return
			}
		}
	})) {
		t.Fatal("All is not sorted")
	}
	if s.Len() != len(files) {
		t.Fatalf("Len = %d; want %d", s.Len(), len(files))
	}
	for p, h := range files {
		if got, ok := s.Get(p); !ok || got != h {
			t.Fatalf("Get(%q) = %q, %v; want %q", p, got, ok, h)
		}
		for _, q := range []string{p + "x", p[:len(p)-1], "0" + p, p + "/a"} {
			if _, known := files[q]; !known {
				if got, ok := s.Get(q); ok {
					t.Fatalf("Get(%q) = %q for a path not recorded", q, got)
				}
			}
		}
	}
	if got, want := s.Marshal(), marshalMap(files); !bytes.Equal(got, want) {
		t.Fatalf("Marshal:\n%s\nwant:\n%s", got, want)
	}
}

// TestSums: sums read from a file in modgen's form, then records made on
// top of them (new paths before, between and after the lines read, and
// paths recorded again), behave as a map of the same records.
func TestSums(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 28))
	randomPath := func() string {
		return fmt.Sprintf("internal/m%d/%c%d.go", r.IntN(30), 'a'+rune(r.IntN(26)), r.IntN(50))
	}
	for round := range 200 {
		files := map[string]string{}
		for range r.IntN(60) {
			files[randomPath()] = Hash([]byte{byte(r.IntN(256))})
		}
		s, problems := ReadSums(marshalMap(files))
		if len(problems) > 0 {
			t.Fatal(problems)
		}
		if len(files) > 0 && len(s.starts) != len(files) {
			t.Fatalf("round %d: a file in modgen's form was not kept as read", round)
		}
		checkSums(t, s, files)
		before := maps.Clone(files)
		c := s.Clone()
		for range r.IntN(20) {
			p := randomPath()
			if len(files) > 0 && r.IntN(3) == 0 {
				p = slices.Sorted(maps.Keys(files))[r.IntN(len(files))] // recorded again
			}
			h := Hash([]byte(p + fmt.Sprint(round)))
			c.Set(p, h)
			files[p] = h
		}
		checkSums(t, c, files)
		checkSums(t, s, before) // the clone's records are its own
	}
	var zero *Sums
	checkSums(t, zero, nil)
	checkSums(t, &Sums{}, nil)
	checkSums(t, NewSums(map[string]string{"a.go": Hash(nil)}), map[string]string{"a.go": Hash(nil)})
}

// TestReadSumsForms: a modgen.sum not in modgen's form (edited, merged)
// reads as ParseSums reads it, with the same problems.
func TestReadSumsForms(t *testing.T) {
	h, g := Hash([]byte("x")), Hash([]byte("y"))
	for _, data := range []string{
		"",
		"a.go " + h + "\n",
		"a.go " + h,                        // no final newline
		"b.go " + h + "\na.go " + g + "\n", // not sorted
		"a.go " + h + "\r\nb.go " + g + "\r\n",
		"a.go " + h + "\n\nb.go " + g + "\n",
		"a.go " + h + "\na.go " + g + "\n",
		"b/c d.go " + h + "\n",
		"a.go  " + h + "\n",
		"../x " + h + "\n",
		"a.go sha256:xyz\n",
		"nohash\n",
		" " + h + "\n",
		"a.go " + strings.ToUpper(h) + "\n",
	} {
		files := map[string]string{}
		want := ParseSums(data, files)
		s, got := ReadSums([]byte(data))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: problems %v; ParseSums %v", data, got, want)
			continue
		}
		if len(want) == 0 {
			checkSums(t, s, files)
		}
	}
}

// FuzzReadSums: whatever the bytes, ReadSums finds the problems ParseSums
// finds and, when there are none, the same records.
func FuzzReadSums(f *testing.F) {
	h := Hash([]byte("x"))
	f.Add([]byte("a.go " + h + "\nb/c.go " + h + "\n"))
	f.Add([]byte("b.go " + h + "\na.go " + h + "\r\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files := map[string]string{}
		want := ParseSums(string(data), files)
		s, got := ReadSums(data)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: problems %v; ParseSums %v", data, got, want)
		}
		if len(want) == 0 {
			checkSums(t, s, files)
		}
	})
}

// TestReadSumsHalves: a modgen.sum big enough to be checked in two halves
// is kept as read when in modgen's form, and read as ParseSums reads it
// when any line near where the halves meet, or at either end, breaks the
// form: out of order, repeated, or not a record.
func TestReadSumsHalves(t *testing.T) {
	const n = 2000
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("internal/m%04d/handler_test.go %s\n", i, Hash([]byte{byte(i)}))
	}
	data := strings.Join(lines, "")
	if len(data) < 64<<10 {
		t.Fatalf("%d bytes: too small to be checked in halves", len(data))
	}
	s, problems := ReadSums([]byte(data))
	if len(problems) > 0 || len(s.starts) != n || len(s.set) != 0 {
		t.Fatalf("modgen's form not kept as read: %d lines kept, %d on the side, problems %v", len(s.starts), len(s.set), problems)
	}
	mid := strings.Count(data[:len(data)/2], "\n")
	for _, i := range []int{0, mid - 2, mid - 1, mid, mid + 1, n - 2} {
		broken := map[string][]string{
			"swapped":  slices.Concat(lines[:i], []string{lines[i+1], lines[i]}, lines[i+2:]),
			"repeated": slices.Concat(lines[:i+1], []string{lines[i]}, lines[i+1:]),
			"no hash":  slices.Concat(lines[:i], []string{"internal/x.go\n"}, lines[i+1:]),
		}
		for how, ls := range broken {
			data := strings.Join(ls, "")
			if _, ok := sortedSums(data); ok {
				t.Errorf("line %d %s: taken as in modgen's form", i, how)
			}
			files := map[string]string{}
			want := ParseSums(data, files)
			s, got := ReadSums([]byte(data))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("line %d %s: problems %v; ParseSums %v", i, how, got, want)
			} else if len(want) == 0 {
				checkSums(t, s, files)
			}
		}
	}
}
