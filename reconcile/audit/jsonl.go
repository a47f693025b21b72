// JSON-lines files on disk, shared by the journal and the webhook's delivery
// state: durable append (directory synced on create, torn tail terminated)
// and reading line by line.

package audit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// openAppend opens path for appending, creating it and its directory. A new
// file's directory entry is synced too, so the file survives a crash.
func openAppend(path string) (*os.File, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("audit log: create directory %s: %w (check settings audit.log)", dir, err)
	}
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: open %s: %w (check settings audit.log)", path, err)
	}
	if errors.Is(statErr, os.ErrNotExist) {
		if err := syncDir(dir); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("audit log: sync directory %s: %w", dir, err)
	}
	return nil
}

// terminateTail ends a torn last line (a crash mid-write) so the next record
// starts on a line of its own, and reports whether it had to.
func terminateTail(f *os.File) (bool, error) {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false, err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return false, err
	}
	if last[0] == '\n' {
		return false, nil
	}
	if _, err := f.Write([]byte{'\n'}); err != nil {
		return true, err
	}
	return true, f.Sync()
}

// MaxLine bounds one line of the log or of the delivery state. A longer line
// is not an event retainctl wrote (the largest, a hold's batch with its
// policies, is far smaller): it is skipped, unread, with a warning, so a
// hostile file cannot make a reader hold it in memory.
const MaxLine = 4 << 20

// scanLines calls fn with every non-blank line of r, trimmed, and its 1-based
// line number; fn may keep line. A line longer than MaxLine is passed as nil
// with tooLong set, its bytes discarded. The last line need not end in a
// newline. Only a read error fails.
func scanLines(r io.Reader, fn func(n int, line []byte, tooLong bool)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br)
		if tooLong {
			fn(n, nil, true)
		} else if line = bytes.TrimSpace(line); len(line) > 0 {
			fn(n, line, false)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readLine reads up to and including the next newline, keeping at most
// MaxLine bytes: past that it discards the rest of the line and reports it
// too long.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > MaxLine+1 { // +1: the newline
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, tooLong, err
		}
	}
}

// readLines is scanLines over the file at path. A missing file has no lines.
func readLines(path string, fn func(n int, line []byte, tooLong bool)) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := scanLines(f, fn); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}
