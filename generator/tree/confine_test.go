package tree

import (
	"runtime"
	"testing"
)

// relPathCases are paths CheckRelPath must judge: good ones, and each way
// of being bad.
var relPathCases = []string{
	"a", "a/b.go", "internal/estoque/api.go", ".modgen/cache", "a/.b", "a/..b", "a/b..", "...", "a/.../b", "a-b_c/d~1.go",
	"", ".", "..", "/", "/a", "a/", "a//b", "./a", "a/./b", "a/.", "../a", "a/../b", "a/..", `a\b`, `C:\a`, "C:/a", "c:", "a:b", "NUL", "nul.txt", "a/COM1",
}

// TestPlainRelPath: the quick yes holds of the good paths, and of none
// that the full check refuses.
func TestPlainRelPath(t *testing.T) {
	good := 0
	for _, p := range relPathCases {
		quick, full := plainRelPath(p), checkRelPath(p)
		if quick && full != nil {
			t.Errorf("%q: quick yes, but the full check says %v", p, full)
		}
		if full == nil && !quick && runtime.GOOS != "windows" {
			t.Errorf("%q: no quick yes for a good path", p)
		}
		if full == nil {
			good++
		}
	}
	if good < 10 {
		t.Fatalf("only %d good paths", good)
	}
}

// FuzzCheckRelPath: whatever the path, the quick yes agrees with the full
// check, and CheckRelPath is the full check's verdict.
func FuzzCheckRelPath(f *testing.F) {
	for _, p := range relPathCases {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		full := checkRelPath(p)
		if plainRelPath(p) && full != nil {
			t.Fatalf("%q: quick yes, but the full check says %v", p, full)
		}
		if (CheckRelPath(p) == nil) != (full == nil) {
			t.Fatalf("%q: CheckRelPath %v, full check %v", p, CheckRelPath(p), full)
		}
	})
}
