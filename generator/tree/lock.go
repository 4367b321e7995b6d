package tree

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockWait is how long a command waits for another modgen command in the
// same project to finish before it gives up.
var LockWait = 3 * time.Second

const LockFile = "lock"

// Lock is the project lock: an advisory lock of the operating system on
// .modgen/lock, held for a whole command, so that two modgen commands never
// plan or write one project at the same time. The operating system releases
// it when the process dies, however it dies: a killed command never leaves a
// stale lock. While held, the file names the holder; it is emptied on
// release.
type Lock struct {
	f *os.File
}

// LockProject takes the lock of the project whose real root is root,
// creating .modgen if needed. It waits up to LockWait for another command,
// then fails naming it.
func LockProject(root string) (*Lock, error) {
	state := filepath.Join(root, StateDir)
	if err := os.Mkdir(state, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("creating %s: %w", state, err)
	}
	if info, err := os.Lstat(state); err != nil {
		return nil, err
	} else if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a folder (a symbolic link or a file); remove it, modgen keeps its lock and journal there", state)
	}
	path := filepath.Join(state, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the project lock: %w", err)
	}
	deadline := time.Now().Add(LockWait)
	for {
		locked, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if locked {
			break
		}
		if time.Now().After(deadline) {
			holder, _ := io.ReadAll(io.LimitReader(f, 512))
			f.Close()
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "another process"
			}
			return nil, fmt.Errorf("another modgen command is working in this project (%s) and did not finish within %s; wait for it, then run this again", who, LockWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
	l := &Lock{f: f}
	if err := l.note(fmt.Sprintf("pid %d: %s", os.Getpid(), CommandLine())); err != nil {
		l.Release()
		return nil, fmt.Errorf("writing the project lock: %w", err)
	}
	return l, nil
}

func (l *Lock) note(s string) error {
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt([]byte(s), 0)
	return err
}

// Release empties the lock file and releases the lock.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	l.f.Truncate(0)
	unlock(l.f)
	l.f.Close()
	l.f = nil
}

// commandLine is how the lock and the journal name the running command.
func CommandLine() string {
	args := []string{"modgen"}
	if len(os.Args) > 1 {
		args = append(args, os.Args[1:]...)
	}
	return strings.Join(args, " ")
}
