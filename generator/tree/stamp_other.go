//go:build !linux && !darwin

package tree

// stampFields says that no file can be stamped: where modgen does not
// know how to read a file's change time, every file is read.
func stampFields(string) (fileStamp, bool) { return fileStamp{}, false }

func stampFieldsAt(int, string) (fileStamp, bool) { return fileStamp{}, false }
