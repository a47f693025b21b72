//go:build windows

package sim

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockedOffsetHigh places the locked byte: past any content, since Windows
// locks are mandatory and the holder's line must stay readable.
const lockedOffsetHigh = 1 // at 4 GiB

// tryLock takes an exclusive lock on f without waiting; false when another
// process holds it. Windows drops it when its holder exits.
func tryLock(f *os.File) (bool, error) {
	ol := windows.Overlapped{OffsetHigh: lockedOffsetHigh}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return false, nil
	}
	return err == nil, err
}

func unlock(f *os.File) error {
	ol := windows.Overlapped{OffsetHigh: lockedOffsetHigh}
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
}
