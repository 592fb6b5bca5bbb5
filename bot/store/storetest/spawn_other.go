//go:build !linux

package storetest

import "os/exec"

// spawn starts cmd. Outside Linux there is no Pdeathsig: a server outlives a
// test binary that is killed, or whose TestMain does not call Main.
func spawn(cmd *exec.Cmd) error { return cmd.Start() }
