package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"berth.dev/terraform-provider-berth/internal/client"
)

// pollInterval is how often an operation is read while waiting: its progress moves in
// seconds, and every poll is two small GETs.
const pollInterval = time.Second

// Default limits for the timeouts block: creating a cluster on the local provider takes
// seconds to minutes (docs/benchmarks.md); these leave room for a loaded host.
const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

// waitOperation follows op (nil: nothing to wait for) until it ends, within `timeout`, logging
// its progress and the events it produces (TF_LOG=info shows them).
func waitOperation(ctx context.Context, c *client.Client, op *client.Operation, timeout time.Duration) error {
	if op == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	lastProgress := int64(-1)
	lastPhase := ""
	_, err := c.WaitOperation(ctx, op, pollInterval, func(current *client.Operation, events []client.Event) {
		if current.Progress != lastProgress || current.Phase != lastPhase {
			lastProgress, lastPhase = current.Progress, current.Phase
			tflog.Info(ctx, "operation progress", map[string]any{
				"operation": current.ID, "kind": current.Kind, "phase": current.Phase,
				"progress": current.Progress, "message": current.Message,
			})
		}
		for _, ev := range events {
			tflog.Info(ctx, "cluster event", map[string]any{
				"operation": op.ID, "type": ev.Type, "reason": ev.Reason, "message": ev.Message,
			})
		}
	})
	return err
}

// timeoutGetter is one limit of a timeouts block (Create, Update, Delete), with its default.
type timeoutGetter func(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics)

func limit(ctx context.Context, get timeoutGetter, def time.Duration, diags *diag.Diagnostics) time.Duration {
	d, more := get(ctx, def)
	diags.Append(more...)
	return d
}

// configuredClient is the client a resource got from the provider, or an error diagnostic
// when the provider could not be configured (its settings were unknown at plan time).
func configuredClient(data *providerData, diags *diag.Diagnostics) *client.Client {
	if data == nil || data.client == nil {
		diags.AddError("Berth provider not configured",
			"The provider has no endpoint yet (its settings are unknown until another resource is applied). Apply again.")
		return nil
	}
	return data.client
}

// providerDataFrom is the Configure step every resource and data source shares.
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", "internal error: provider data has the wrong type")
		return nil
	}
	return data
}

// removeWhenGone drops a resource from state when the API says it no longer exists, so the
// next plan creates it again: drift made outside Terraform (a delete) shows up as a create.
func removeWhenGone(ctx context.Context, err error, state *resource.ReadResponse) bool {
	if client.IsNotFound(err) {
		tflog.Info(ctx, "object gone from Berth; removing it from state")
		state.State.RemoveResource(ctx)
		return true
	}
	return false
}
