package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTuneGC checks that modgen replaces the proportional collector by its
// memory limit, and leaves both alone when the user set GOGC or GOMEMLIMIT.
func TestTuneGC(t *testing.T) {
	restore := func(percent int, limit int64) {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { restore(percent, limit) })

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run("with "+env, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "100")
			restore(100, math.MaxInt64)
			tuneGC()
			if p := debug.SetGCPercent(100); p != 100 {
				t.Errorf("GC percent %d after tuneGC with %s set; want it untouched (100)", p, env)
			}
			if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
				t.Errorf("memory limit %d after tuneGC with %s set; want it untouched", l, env)
			}
		})
	}
	t.Run("unset", func(t *testing.T) {
		t.Setenv("GOGC", "")
		t.Setenv("GOMEMLIMIT", "")
		restore(100, math.MaxInt64)
		tuneGC()
		if p := debug.SetGCPercent(100); p != -1 {
			t.Errorf("GC percent %d after tuneGC; want -1 (off)", p)
		}
		if l := debug.SetMemoryLimit(-1); l != gcMemoryLimit {
			t.Errorf("memory limit %d after tuneGC; want %d", l, gcMemoryLimit)
		}
	})
}
