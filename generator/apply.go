package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/diff"
)

// Action is what applying a plan does to one file.
type Action uint8

const (
	Unchanged Action = iota
	Create
	Update
)

func (a Action) String() string {
	return [...]string{"unchanged", "create", "update"}[a]
}

// Change is one file of a plan compared with the disk.
type Change struct {
	File
	Action Action
	Old    []byte // content on disk before, for updates
}

// Plan is the complete, formatted output of one command, ready to compare
// with the disk and apply.
type Plan struct {
	Files []File
}

// Add appends files to the plan.
func (p *Plan) Add(files ...File) { p.Files = append(p.Files, files...) }

// Compare reads the disk under root and returns what applying the plan would
// do to each file. It fails, naming every path, when the plan would overwrite
// a file the user owns or edited, unless force is set. hashes are the
// manifest's records of scaffolded files as modgen wrote them.
func (p *Plan) Compare(root string, hashes map[string]string, force bool) ([]Change, error) {
	files := slices.Clone(p.Files)
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	var changes []Change
	var edited []string
	for i, f := range files {
		if i > 0 && files[i-1].Path == f.Path {
			return nil, fmt.Errorf("internal error: %s planned twice (from %s and %s)", f.Path, files[i-1].Template, f.Template)
		}
		old, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Path)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			changes = append(changes, Change{File: f, Action: Create})
			continue
		case err != nil:
			return nil, err
		case bytes.Equal(old, f.Content):
			changes = append(changes, Change{File: f, Action: Unchanged, Old: old})
			continue
		}
		switch f.Owner {
		case Generated:
			if !IsGenerated(old) && !force {
				edited = append(edited, f.Path)
			}
		case Scaffolded:
			if hashes[f.Path] != Hash(old) && !force {
				edited = append(edited, f.Path)
			}
		}
		changes = append(changes, Change{File: f, Action: Update, Old: old})
	}
	if len(edited) > 0 {
		return nil, &ConflictError{Paths: edited}
	}
	return changes, nil
}

// ConflictError lists files the user edited that a plan would overwrite.
type ConflictError struct{ Paths []string }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("refusing to overwrite %d file(s) you edited: %s; re-run with --force to overwrite them (commit or move your changes first)",
		len(e.Paths), strings.Join(e.Paths, ", "))
}

// Write applies changes under root: every new content is first written to a
// temporary file beside its target, then all are renamed into place, so a
// failure leaves no half-written file. Unchanged files are not touched.
func Write(root string, changes []Change) error {
	type pending struct{ tmp, dst string }
	var done []pending
	cleanup := func() {
		for _, p := range done {
			os.Remove(p.tmp)
		}
	}
	for _, c := range changes {
		if c.Action == Unchanged {
			continue
		}
		dst := filepath.Join(root, filepath.FromSlash(c.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			cleanup()
			return err
		}
		tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".modgen-*")
		if err != nil {
			cleanup()
			return err
		}
		done = append(done, pending{tmp.Name(), dst})
		_, err = tmp.Write(c.Content)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(tmp.Name(), 0o644)
		}
		if err != nil {
			cleanup()
			return err
		}
	}
	for i, p := range done {
		if err := os.Rename(p.tmp, p.dst); err != nil {
			for _, q := range done[i:] {
				os.Remove(q.tmp)
			}
			return err
		}
	}
	return nil
}

// Summarize prints one line per created or updated file ("create path"), and
// with verbose also unchanged files and a unified diff for every update.
func Summarize(w io.Writer, changes []Change, verbose bool) {
	for _, c := range changes {
		if c.Action == Unchanged && !verbose {
			continue
		}
		fmt.Fprintf(w, "%-9s %s\n", c.Action, c.Path)
		if verbose && c.Action == Update {
			w.Write(diff.Diff("a/"+c.Path, c.Old, "b/"+c.Path, c.Content))
		}
	}
}

// Count returns how many changes have the given action.
func Count(changes []Change, a Action) int {
	n := 0
	for _, c := range changes {
		if c.Action == a {
			n++
		}
	}
	return n
}
