package tree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
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
	// Restore creates a scaffolded file that modgen wrote before and the
	// user has since deleted.
	Restore
)

func (a Action) String() string {
	return [...]string{"unchanged", "create", "update", "restore"}[a]
}

// Change is one file of a plan compared with the disk.
type Change struct {
	File
	Action Action
	Old    []byte // content on disk before, for updates

	target confined    // where the file is really written
	perm   fs.FileMode // the mode of the file replaced, kept
}

func (c Change) mode() fs.FileMode {
	if c.perm != 0 {
		return c.perm
	}
	return 0o644
}

// Plan is the complete, formatted output of one command, ready to compare
// with the disk and apply.
type Plan struct {
	Files []File
	// Manifest is the manifest as the command leaves it, applied with the
	// files (Finish renders it); nil when the command does not change it.
	Manifest *Manifest
	// Warnings are things the user should know that do not stop the
	// command, one line each.
	Warnings []string
}

// Add appends files to the plan.
func (p *Plan) Add(files ...File) { p.Files = append(p.Files, files...) }

// Compare reads the disk under root and returns what applying the plan would
// do to each file. It fails, naming every path, when the plan would overwrite
// a file the user owns or edited, unless force is set. hashes are the
// manifest's records of scaffolded files as modgen wrote them. A file that
// differs from the plan only in its line endings (a checkout with
// core.autocrlf) is neither edited nor rewritten. Every path is confined to
// root (see confine) before anything is read; root must be absolute and free
// of symbolic links.
func (p *Plan) Compare(root string, hashes *Sums, force bool) ([]Change, error) {
	// Sorted by path through pointers: a plan lists every module's files,
	// a thousand at 200 modules, and a File is a dozen words to move.
	files := make([]*File, len(p.Files))
	for i := range p.Files {
		files[i] = &p.Files[i]
	}
	slices.SortFunc(files, func(a, b *File) int { return strings.Compare(a.Path, b.Path) })
	changes := make([]Change, 0, len(files))
	var edited []string
	for i, f := range files {
		if i > 0 && files[i-1].Path == f.Path {
			return nil, fmt.Errorf("internal error: %s planned twice (from %s and %s)", f.Path, files[i-1].Template, f.Template)
		}
		if f.OnDisk {
			changes = append(changes, Change{File: *f, Action: Unchanged, Old: f.Content})
			continue
		}
		target, err := confine(root, f.Path)
		if err != nil {
			return nil, err
		}
		c := Change{File: *f, target: target}
		old, err := f.Disk, error(nil)
		if old == nil {
			old, err = os.ReadFile(target.Real)
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			c.Action = Create
			if _, ok := hashes.Get(f.Path); ok && f.Owner == Scaffolded {
				c.Action = Restore
			}
			changes = append(changes, c)
			continue
		case err != nil:
			return nil, err
		}
		c.Old = old
		if info, err := os.Stat(target.Real); err == nil {
			c.perm = info.Mode().Perm()
		}
		if bytes.Equal(old, f.Content) || bytes.Equal(normalizeEOL(old), f.Content) {
			changes = append(changes, c) // Unchanged
			continue
		}
		switch f.Owner {
		case Generated:
			if !IsGenerated(old) && !force {
				edited = append(edited, f.Path)
			}
		case Scaffolded:
			if h, _ := hashes.Get(f.Path); h != Hash(old) && h != Hash(normalizeEOL(old)) && !force {
				edited = append(edited, f.Path)
			}
		}
		c.Action = Update
		changes = append(changes, c)
	}
	if len(edited) > 0 {
		return nil, &ConflictError{Paths: edited}
	}
	return changes, nil
}

// normalizeEOL turns CRLF line endings into LF.
func normalizeEOL(b []byte) []byte {
	if !bytes.Contains(b, []byte("\r\n")) {
		return b
	}
	return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
}

// ConflictError lists files the user edited that a plan would overwrite.
type ConflictError struct{ Paths []string }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("refusing to overwrite %d file(s) you edited: %s; re-run with --force to overwrite them (commit or move your changes first)",
		len(e.Paths), strings.Join(e.Paths, ", "))
}

// Summarize prints one line per created or updated file ("create path"), and
// with verbose also unchanged files and a unified diff for every update.
func Summarize(w io.Writer, changes []Change, verbose bool) {
	for _, c := range changes {
		if c.Action == Unchanged && !verbose {
			continue
		}
		if c.Action == Restore {
			fmt.Fprintf(w, "%-9s %s (you deleted it after modgen wrote it)\n", c.Action, c.Path)
		} else {
			fmt.Fprintf(w, "%-9s %s\n", c.Action, c.Path)
		}
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
