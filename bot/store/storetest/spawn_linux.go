package storetest

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// Linux sends Pdeathsig when the *thread* that started the child exits, not
// the process, and Go may end threads. So every server is started from one
// goroutine locked to its thread that never returns: the signal then comes
// only when the test binary dies, and the server dies with it even when
// TestMain does not call Main or the binary is killed.
var (
	spawnOnce sync.Once
	spawnReqs chan spawnReq
)

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

func spawn(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawnReqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread()
			for r := range spawnReqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	done := make(chan error, 1)
	spawnReqs <- spawnReq{cmd: cmd, done: done}
	return <-done
}
