package tree

import (
	"io/fs"
	"os"
	"runtime"
	"unsafe"
)

// FS is the small set of filesystem operations through which modgen changes
// a project. The commit protocol (journal.go) calls nothing else to write,
// so a test can make any single step fail, or stop the world at any step as
// a crash would, by wrapping it.
type FS interface {
	// WriteFile creates or truncates name and writes data; Sync makes it
	// durable.
	WriteFile(name string, data []byte, perm fs.FileMode) error
	// Mkdir creates one directory.
	Mkdir(name string) error
	// Rename replaces newpath by oldpath atomically.
	Rename(oldpath, newpath string) error
	// Link makes newname a second name of the file oldname (a hard link).
	Link(oldname, newname string) error
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// Sync makes the content of the named files, and the entries of the
	// named directories, durable: written to stable storage, so that they
	// survive a power loss.
	Sync(names []string) error
}

// OS is the real filesystem.
var OS FS = osFS{}

type osFS struct{}

func (osFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// OpenFile applies the umask to a new file; the mode is part of what
		// a backup restores, so set it exactly.
		err = os.Chmod(name, perm)
	}
	return err
}

func (osFS) Mkdir(name string) error              { return os.Mkdir(name, 0o755) }
func (osFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
func (osFS) Link(oldname, newname string) error   { return os.Link(oldname, newname) }
func (osFS) Remove(name string) error             { return os.Remove(name) }

func (osFS) Sync(names []string) error {
	if len(names) == 0 {
		return nil
	}
	if syncFilesystem != nil {
		// One flush of the whole filesystem costs less than one per file:
		// a command syncs dozens of files and folders at each step.
		return syncFilesystem(names[0])
	}
	for _, name := range names {
		if err := syncOne(name); err != nil {
			return err
		}
	}
	return nil
}

// syncFilesystem, where the system has it (Linux's syncfs), makes every
// file and folder of the filesystem holding name durable in one call.
var syncFilesystem func(name string) error

func syncOne(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() && runtime.GOOS == "windows" {
		return nil // folders cannot be synced there; NTFS journals their entries
	}
	return f.Sync()
}

// readFileString reads the file name whole into a string, without the
// copy of string(data): modgen.sum and the render cache are read whole on
// every command and kept as slices of what was read. os.ReadFile reads
// the file in one call where strings.Builder would take it 32 KB at a
// time, through a buffer (338 KB of modgen.sum at 200 modules).
func readFileString(name string) (string, error) {
	data, err := os.ReadFile(name)
	return bytesString(data), err
}

// bytesString returns data as a string that shares its bytes, which
// nothing may change afterwards (as strings.Builder's String does).
func bytesString(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	return unsafe.String(&data[0], len(data))
}
