// Package remindtest lets a test wait until the reminder queue has nothing
// left to do at the test's clock, instead of sleeping and hoping a wrong
// second delivery would have shown up by then.
package remindtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"tiendo/bot/remind"
)

// Idle reports whether queue has no task that could run at now: none
// pending, active or waiting to be folded, and every task waiting for a
// retry is one that came up before its time on the clock (a reminder whose
// time now has not reached). A queue that does not exist is idle. The
// second result says what is left when it is not.
func Idle(insp *asynq.Inspector, queue string, now time.Time) (bool, string, error) {
	info, err := insp.GetQueueInfo(queue)
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return true, "", nil
	}
	if err != nil {
		return false, "", err
	}
	if info.Pending+info.Active+info.Aggregating > 0 {
		return false, fmt.Sprintf("%d pending, %d active, %d to fold", info.Pending, info.Active, info.Aggregating), nil
	}
	if info.Retry == 0 {
		return true, "", nil
	}
	retry, err := insp.ListRetryTasks(queue, asynq.PageSize(1000))
	if err != nil {
		return false, "", err
	}
	for _, t := range retry {
		at, ok := dueAt(t)
		if !ok || !now.Before(at.Add(-remind.EarlySlack)) {
			return false, "task " + t.ID + " (" + t.Type + ") is due and retrying: " + t.LastErr, nil
		}
	}
	return true, "", nil
}

// dueAt is when a task may run on the bot's clock, for the tasks that wait
// for it: a reminder's time, or the summary's and digest's.
func dueAt(t *asynq.TaskInfo) (time.Time, bool) {
	if strings.HasPrefix(t.ID, "held:") { // held past quiet hours until the id's last part
		sec, err := strconv.ParseInt(t.ID[strings.LastIndex(t.ID, ":")+1:], 10, 64)
		return time.Unix(sec, 0), err == nil
	}
	switch t.Type {
	case remind.TypeRemind:
		var o remind.Occurrence
		if json.Unmarshal(t.Payload, &o) != nil {
			return time.Time{}, false
		}
		return o.At, true
	case remind.TypeSummary, remind.TypeDigest:
		sec, err := strconv.ParseInt(string(t.Payload), 10, 64)
		return time.Unix(sec, 0), err == nil
	}
	return time.Time{}, false
}

// IdleFor is Idle for the reminders of one deadline only: none of its
// tasks pending, active, or retrying once due. Other tasks (a plan's
// backlog of reporting reminders, held back by Telegram's rate per chat)
// are not waited for.
func IdleFor(insp *asynq.Inspector, queue, deadlineID string, now time.Time) (bool, string, error) {
	mine := func(t *asynq.TaskInfo) bool {
		var o remind.Occurrence
		return t.Type == remind.TypeRemind && json.Unmarshal(t.Payload, &o) == nil && o.DeadlineID == deadlineID
	}
	lists := []struct {
		name string
		list func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	}{{"pending", insp.ListPendingTasks}, {"active", insp.ListActiveTasks}, {"retry", insp.ListRetryTasks}}
	for _, l := range lists {
		tasks, err := l.list(queue, asynq.PageSize(1000))
		if errors.Is(err, asynq.ErrQueueNotFound) {
			return true, "", nil
		}
		if err != nil {
			return false, "", err
		}
		for _, t := range tasks {
			if !mine(t) {
				continue
			}
			if at, ok := dueAt(t); l.name == "retry" && ok && now.Before(at.Add(-remind.EarlySlack)) {
				continue // waits for the clock
			}
			return false, "task " + t.ID + " is " + l.name, nil
		}
	}
	return true, "", nil
}

// WaitIdleFor waits, at most timeout, until IdleFor holds for deadlineID's
// reminders, and fails t otherwise.
func WaitIdleFor(t testing.TB, rdb redis.UniversalClient, queue, deadlineID string, now func() time.Time, timeout time.Duration) {
	t.Helper()
	insp := asynq.NewInspectorFromRedisClient(rdb)
	end := time.Now().Add(timeout)
	for {
		idle, left, err := IdleFor(insp, queue, deadlineID, now())
		switch {
		case err != nil:
			t.Fatalf("reminder queue %s: %v", queue, err)
		case idle:
			return
		case time.Now().After(end):
			t.Fatalf("reminders of deadline %s in queue %s still busy after %v: %s", deadlineID, queue, timeout, left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitIdle waits, at most timeout, until Idle holds for queue on rdb at
// now(), and fails t otherwise.
func WaitIdle(t testing.TB, rdb redis.UniversalClient, queue string, now func() time.Time, timeout time.Duration) {
	t.Helper()
	insp := asynq.NewInspectorFromRedisClient(rdb)
	end := time.Now().Add(timeout)
	for {
		idle, left, err := Idle(insp, queue, now())
		switch {
		case err != nil:
			t.Fatalf("reminder queue %s: %v", queue, err)
		case idle:
			return
		case time.Now().After(end):
			t.Fatalf("reminder queue %s still busy after %v: %s", queue, timeout, left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
