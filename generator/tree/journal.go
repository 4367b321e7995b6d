package tree

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// StateDir is modgen's own folder in a project: the lock, and while a
// command writes, its staging area and journal. The generated .gitignore
// lists it; nothing in it is part of the project.
const StateDir = ".modgen"

const (
	JournalFile = "journal.json"
	stagingDir  = "staging"
)

// journal is the record of one write in progress, written (and synced)
// before the first file of the project changes and removed once the last
// has. While it exists the project may be a mix of before and after; the
// journal holds what is needed to restore before.
type journal struct {
	Command string `json:"command"`
	PID     int    `json:"pid"`
	// Dirs are the folders the write creates, parents first, relative to
	// the root.
	Dirs  []string       `json:"dirs"`
	Files []journalEntry `json:"files"`
}

// journalEntry is one file the write puts in place. Paths are relative to
// the root and slash-separated.
type journalEntry struct {
	Path string `json:"path"`
	// New is the staged content, renamed onto Path.
	New string `json:"new"`
	// Old is a backup of the content Path had, for a file the write
	// replaces (a hard link to it, or a copy); empty for a file it creates.
	Old string `json:"old,omitempty"`
}

// Writer applies the changes of a plan to a project, all or nothing.
type Writer struct {
	FS   FS
	Root string // absolute, free of symbolic links
	// Command is the command line, recorded in the journal for the message
	// a later recovery prints.
	Command string
}

// Write applies changes under the root with a commit protocol:
//
//  1. stage every new content, and a backup of every content it replaces
//     (a hard link to the file, or a copy), in .modgen/staging, and sync
//     them;
//  2. write the journal (.modgen/journal.json) and sync it: from here on a
//     crash is undone by Recover;
//  3. create the missing folders and rename every staged file onto its
//     target, then sync the folders;
//  4. remove the journal and sync: the commit point.
//
// An error in any step undoes everything done so far and is returned naming
// the path it happened on; the tree is then as it was before. Unchanged
// files are not touched. Every path was confined to the root by Compare.
func (w Writer) Write(changes []Change) error {
	var todo []Change
	for _, c := range changes {
		if c.Action != Unchanged {
			todo = append(todo, c)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	state := filepath.Join(w.Root, StateDir)
	stage := filepath.Join(state, stagingDir)
	j := journal{Command: w.Command, PID: os.Getpid()}
	seen := map[string]bool{}
	for i, c := range todo {
		// Compare confined the path; what it found missing is still missing
		// under the lock, and other files of this plan share folders.
		for _, d := range c.target.Missing {
			if !seen[d] {
				seen[d] = true
				j.Dirs = append(j.Dirs, w.rel(d))
			}
		}
		e := journalEntry{Path: w.rel(c.target.Real), New: filepath.ToSlash(filepath.Join(StateDir, stagingDir, fmt.Sprintf("%04d", i)))}
		if c.Action == Update {
			e.Old = e.New + ".old"
		}
		j.Files = append(j.Files, e)
	}
	if err := w.ensureState(); err != nil {
		return err
	}
	if err := w.FS.Mkdir(stage); err != nil {
		return w.abort(fmt.Errorf("staging in %s: %w", stage, err))
	}
	for i, c := range todo {
		e := j.Files[i]
		if err := w.FS.WriteFile(w.abs(e.New), c.Content, c.mode()); err != nil {
			return w.abort(fmt.Errorf("staging %s: %w", c.Path, err))
		}
		if e.Old != "" {
			// The backup is a second name of the file being replaced, whose
			// content the rename in step 3 leaves alone, or a copy where the
			// file system has no hard links (or the file is on another).
			err := w.FS.Link(c.target.Real, w.abs(e.Old))
			if noHardLink(err) {
				err = w.FS.WriteFile(w.abs(e.Old), c.Old, c.mode())
			}
			if err != nil {
				return w.abort(fmt.Errorf("backing up %s: %w", c.Path, err))
			}
		}
	}
	staged := []string{stage}
	for _, e := range j.Files {
		staged = append(staged, w.abs(e.New))
		if e.Old != "" {
			staged = append(staged, w.abs(e.Old))
		}
	}
	if err := w.FS.Sync(staged); err != nil {
		return w.abort(fmt.Errorf("syncing the staged files: %w", err))
	}
	data, err := json.MarshalIndent(j, "", "\t")
	if err != nil {
		return w.abort(err)
	}
	tmp := filepath.Join(state, JournalFile+".tmp")
	if err := w.FS.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return w.abort(fmt.Errorf("writing the journal: %w", err))
	}
	if err := w.FS.Rename(tmp, filepath.Join(state, JournalFile)); err != nil {
		return w.abort(fmt.Errorf("writing the journal: %w", err))
	}
	// The journal is in place: from here on, failures are undone from it.
	if err := w.FS.Sync([]string{filepath.Join(state, JournalFile), state}); err != nil {
		return w.undo(&j, fmt.Errorf("syncing the journal: %w", err))
	}
	for _, d := range j.Dirs {
		if err := w.FS.Mkdir(w.abs(d)); err != nil {
			return w.undo(&j, fmt.Errorf("creating folder %s: %w", d, err))
		}
	}
	for _, e := range j.Files {
		if err := w.FS.Rename(w.abs(e.New), w.abs(e.Path)); err != nil {
			return w.undo(&j, fmt.Errorf("writing %s: %w", e.Path, err))
		}
	}
	if err := w.FS.Sync(w.absAll(j.parents())); err != nil {
		return w.undo(&j, fmt.Errorf("syncing the written folders: %w", err))
	}
	if err := w.FS.Remove(filepath.Join(state, JournalFile)); err != nil {
		return w.undo(&j, fmt.Errorf("committing (removing the journal): %w", err))
	}
	// Committed. The backups left in staging are removed once the removal
	// of the journal is durable (a recovery needs them until then): here, or
	// by the next command. A failure now does not make the command fail.
	if err := w.FS.Sync([]string{state}); err == nil {
		w.cleanStaging()
	}
	return nil
}

// noHardLink reports whether a link failed for want of hard links there,
// not for a fault that a copy would meet too (no space, no permission):
// the file is on another file system than .modgen, or its file system has
// no hard links, or no more of them for this file.
func noHardLink(err error) bool {
	return errors.Is(err, syscall.EXDEV) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EMLINK) || errors.Is(err, errors.ErrUnsupported)
}

// ensureState creates .modgen if it is missing (the lock normally has).
func (w Writer) ensureState() error {
	state := filepath.Join(w.Root, StateDir)
	info, err := os.Lstat(state)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := w.FS.Mkdir(state); err != nil {
			return fmt.Errorf("creating %s: %w", state, err)
		}
		return nil
	case err != nil:
		return err
	case !info.IsDir():
		return fmt.Errorf("%s is not a folder (a symbolic link or a file); remove it, modgen keeps its lock and journal there", state)
	}
	return nil
}

// abort undoes a write that failed before its journal existed: nothing in
// the project changed, only staged files are removed.
func (w Writer) abort(err error) error {
	w.FS.Remove(filepath.Join(w.Root, StateDir, JournalFile+".tmp"))
	w.cleanStaging()
	return fmt.Errorf("%w; nothing was changed", err)
}

// undo rolls back a write that failed after its journal was written.
func (w Writer) undo(j *journal, err error) error {
	if rerr := w.rollback(j); rerr != nil {
		return fmt.Errorf("%w; rolling back failed too (%v): the next modgen command will finish the rollback from %s", err, rerr, filepath.Join(StateDir, JournalFile))
	}
	return fmt.Errorf("%w; every change was rolled back", err)
}

// rollback restores the state before the write that j describes, whatever
// part of it was done: backups are renamed back, created files and folders
// removed, then the journal. It can be interrupted and run again.
func (w Writer) rollback(j *journal) error {
	for _, e := range slices.Backward(j.Files) {
		if e.Old != "" {
			if Exists(w.abs(e.Old)) {
				if err := w.FS.Rename(w.abs(e.Old), w.abs(e.Path)); err != nil {
					return fmt.Errorf("restoring %s: %w", e.Path, err)
				}
			}
			continue
		}
		// A created file is in place exactly when its staged copy was
		// renamed away.
		if !Exists(w.abs(e.New)) {
			if err := w.FS.Remove(w.abs(e.Path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing %s: %w", e.Path, err)
			}
		}
	}
	for _, d := range slices.Backward(j.Dirs) {
		if err := w.FS.Remove(w.abs(d)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing folder %s: %w", d, err)
		}
	}
	var parents []string
	for _, d := range j.parents() {
		if Exists(w.abs(d)) {
			parents = append(parents, w.abs(d))
		}
	}
	if err := w.FS.Sync(parents); err != nil {
		return fmt.Errorf("syncing the restored folders: %w", err)
	}
	state := filepath.Join(w.Root, StateDir)
	if err := w.FS.Remove(filepath.Join(state, JournalFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the journal: %w", err)
	}
	if err := w.FS.Sync([]string{state}); err != nil {
		return fmt.Errorf("syncing %s: %w", state, err)
	}
	w.cleanStaging()
	return nil
}

// cleanStaging removes the staging folder and what is in it, best effort: a
// leftover is removed by the next command.
func (w Writer) cleanStaging() {
	stage := filepath.Join(w.Root, StateDir, stagingDir)
	entries, _ := os.ReadDir(stage)
	for _, e := range entries {
		w.FS.Remove(filepath.Join(stage, e.Name()))
	}
	w.FS.Remove(stage)
}

// Recover looks for a journal left by a modgen command that was killed (or
// lost power) while writing, and undoes that command: afterwards the tree
// is byte-identical to what it was before the interrupted command, which
// can simply be run again. It returns a one-line description of what it did,
// or "" when there was nothing to recover.
func (w Writer) Recover() (string, error) {
	state := filepath.Join(w.Root, StateDir)
	// A command killed while it saved the render cache, after its write:
	// the half-written copy is of no use.
	if tmp := filepath.Join(state, CacheFile+".tmp"); Exists(tmp) {
		w.FS.Remove(tmp)
	}
	data, err := os.ReadFile(filepath.Join(state, JournalFile))
	if errors.Is(err, fs.ErrNotExist) {
		// Staged files without a journal: a command stopped before it changed
		// anything, or after it committed.
		if Exists(filepath.Join(state, stagingDir)) || Exists(filepath.Join(state, JournalFile+".tmp")) {
			w.FS.Remove(filepath.Join(state, JournalFile+".tmp"))
			w.cleanStaging()
		}
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the journal of an interrupted command: %w", err)
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil {
		return "", fmt.Errorf("%s: %v; it records an interrupted modgen command: restore the project from version control, then delete the file", filepath.Join(StateDir, JournalFile), err)
	}
	for _, p := range append(slices.Clone(j.Dirs), j.paths()...) {
		if err := CheckRelPath(p); err != nil {
			return "", fmt.Errorf("%s: bad path %q (%v); restore the project from version control, then delete the file", filepath.Join(StateDir, JournalFile), p, err)
		}
	}
	if err := w.rollback(&j); err != nil {
		return "", fmt.Errorf("recovering from the interrupted `%s`: %w; fix the cause and run modgen again", j.Command, err)
	}
	return fmt.Sprintf("recovered from an interrupted `%s` (pid %d): undid its changes to %d file(s); the project is as it was before that command", j.Command, j.PID, len(j.Files)), nil
}

// paths returns every path the journal names.
func (j *journal) paths() []string {
	var ps []string
	for _, e := range j.Files {
		ps = append(ps, e.Path, e.New)
		if e.Old != "" {
			ps = append(ps, e.Old)
		}
	}
	return ps
}

// parents returns the folders whose entries the write changes, sorted.
func (j *journal) parents() []string {
	var ds []string
	for _, e := range j.Files {
		ds = append(ds, pathDir(e.Path))
	}
	for _, d := range j.Dirs {
		ds = append(ds, pathDir(d))
	}
	slices.Sort(ds)
	return slices.Compact(ds)
}

func pathDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

func (w Writer) rel(abs string) string {
	r, err := filepath.Rel(w.Root, abs)
	if err != nil {
		panic(err) // confined paths are below the root
	}
	return filepath.ToSlash(r)
}

func (w Writer) abs(rel string) string { return filepath.Join(w.Root, filepath.FromSlash(rel)) }

func (w Writer) absAll(rels []string) []string {
	abs := make([]string, len(rels))
	for i, r := range rels {
		abs[i] = w.abs(r)
	}
	return abs
}

func Exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
