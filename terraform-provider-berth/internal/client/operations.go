package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxFailureEvents bounds the events a failure carries: the last ones explain it.
const maxFailureEvents = 20

// OperationFailed is an operation that ended Failed: its problem and the cluster's events since
// it was requested (at most the last 20), oldest first.
type OperationFailed struct {
	Operation *Operation
	Events    []Event
}

func (e *OperationFailed) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "operation %s (%s) failed", e.Operation.ID, e.Operation.Kind)
	if e.Operation.Error != nil {
		fmt.Fprintf(&b, ": %s", e.Operation.Error.Error())
	} else if e.Operation.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Operation.Message)
	}
	if len(e.Events) > 0 {
		b.WriteString("\n\nEvents since it was requested:")
		for _, ev := range e.Events {
			fmt.Fprintf(&b, "\n  %s  %-7s  %s: %s", ev.Time, ev.Type, ev.Reason, ev.Message)
		}
	}
	return b.String()
}

// OperationTimeout is a wait that ran out of time; the operation carries on in Berth.
type OperationTimeout struct {
	Operation *Operation
	After     time.Duration
}

func (e *OperationTimeout) Error() string {
	after := e.After.Round(time.Second)
	if e.After < 10*time.Second {
		after = e.After.Round(time.Millisecond)
	}
	return fmt.Sprintf("timed out after %s waiting for operation %s (%s, %s %d%%: %s); it carries on in Berth: follow it with `berth wait %s`",
		after, e.Operation.ID, e.Operation.Kind, e.Operation.Phase, e.Operation.Progress, e.Operation.Message, e.Operation.ID)
}

// GetOperation reads an operation's progress.
func (c *Client) GetOperation(ctx context.Context, id string) (*Operation, error) {
	var out Operation
	if err := c.do(ctx, request{method: http.MethodGet, path: "/v1/operations/" + escape(id)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ClusterEvents returns the cluster's events after `since` (0: from the start), oldest first,
// following pages to the end.
func (c *Client) ClusterEvents(ctx context.Context, project, cluster string, since int64) ([]Event, error) {
	var all []Event
	for page := 0; page < 100; page++ {
		query := url.Values{"limit": {"500"}, "since": {strconv.FormatInt(since, 10)}}
		var out struct {
			Items []Event `json:"items"`
		}
		if err := c.do(ctx, request{method: http.MethodGet, path: clusterPath(project, cluster) + "/events", query: query}, &out); err != nil {
			return all, err
		}
		all = append(all, out.Items...)
		if len(out.Items) < 500 {
			break
		}
		since = out.Items[len(out.Items)-1].ID
	}
	return all, nil
}

// Progress hears about an operation while it runs: its latest state and the cluster events
// (from the operation's request on) that arrived since the previous call.
type Progress func(op *Operation, events []Event)

// WaitOperation polls op every `poll` until it finishes or ctx ends. It returns the finished
// operation, *OperationFailed when it ended Failed, or *OperationTimeout when ctx's deadline
// passed first.
func (c *Client) WaitOperation(ctx context.Context, op *Operation, poll time.Duration, progress Progress) (*Operation, error) {
	started := time.Now()
	project, cluster := op.Target.Project, op.Target.Cluster
	var seen int64
	// Controllers tag only the request's event with the operation; what they report while
	// acting follows it. So the operation's events are those from its request event on.
	var since []Event
	current := op
	for {
		events, _ := c.ClusterEvents(ctx, project, cluster, seen) // history is best effort; the operation is the truth
		var fresh []Event
		for _, ev := range events {
			seen = ev.ID
			if ev.Operation == op.ID || len(since) > 0 {
				since = append(since, ev)
				fresh = append(fresh, ev)
			}
		}
		if progress != nil {
			progress(current, fresh)
		}
		if current.Finished() {
			break
		}
		if err := sleep(ctx, poll); err != nil {
			return current, waitError(err, current, time.Since(started))
		}
		next, err := c.GetOperation(ctx, op.ID)
		if err != nil {
			if ctx.Err() != nil {
				return current, waitError(ctx.Err(), current, time.Since(started))
			}
			return current, err
		}
		current = next
	}
	if current.Phase == "Failed" {
		if len(since) > maxFailureEvents {
			since = since[len(since)-maxFailureEvents:]
		}
		return current, &OperationFailed{Operation: current, Events: since}
	}
	return current, nil
}

func waitError(err error, op *Operation, after time.Duration) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &OperationTimeout{Operation: op, After: after}
	}
	return err
}
