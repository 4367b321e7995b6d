package generator

import (
	"io/fs"
	"os"
	"runtime"
)

// FS is the small set of filesystem operations through which modgen changes
// a project. The commit protocol (journal.go) calls nothing else to write,
// so a test can make any single step fail, or stop the world at any step as
// a crash would, by wrapping it.
type FS interface {
	// WriteFile creates or truncates name, writes data and syncs it to
	// stable storage before closing it.
	WriteFile(name string, data []byte, perm fs.FileMode) error
	// Mkdir creates one directory.
	Mkdir(name string) error
	// Rename replaces newpath by oldpath atomically.
	Rename(oldpath, newpath string) error
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// SyncDir makes the entries of directory name (creations, renames,
	// removals) durable.
	SyncDir(name string) error
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
	if err == nil {
		err = f.Sync()
	}
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
func (osFS) Remove(name string) error             { return os.Remove(name) }

func (osFS) SyncDir(name string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be opened for syncing there; NTFS journals renames itself
	}
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
