package client

import (
	"context"
	"net/http"
)

// NodeGroupSpecInput is the spec of a node group create request; empty fields are omitted so
// the API applies its defaults. Autoscaling stays nil unless set: the API refuses it (501) until
// the cluster autoscaler lands, and the default must never trigger that. Volume is nil at its
// default, which the API applies itself; Runtime is empty unless set, so the API picks its
// default runtime.
type NodeGroupSpecInput struct {
	Flavor         string            `json:"flavor,omitempty"`
	Zone           string            `json:"zone,omitempty"`
	Count          *int64            `json:"count,omitempty"`
	Autoscaling    *Autoscaling      `json:"autoscaling,omitempty"`
	Labels         map[string]string `json:"labels,omitempty"`
	Taints         []Taint           `json:"taints,omitempty"`
	MaxUnavailable string            `json:"maxUnavailable,omitempty"`
	Volume         *Volume           `json:"volume,omitempty"`
	Runtime        string            `json:"runtime,omitempty"`
	Version        string            `json:"version,omitempty"`
}

type nodeGroupAnswer struct {
	NodeGroup NodeGroup  `json:"nodeGroup"`
	Operation *Operation `json:"operation"`
}

func nodeGroupsPath(project, cluster string) string {
	return clusterPath(project, cluster) + "/nodegroups"
}

// CreateNodeGroup starts creating a node group in a cluster (202 + operation).
func (c *Client) CreateNodeGroup(ctx context.Context, project, cluster, name string, spec NodeGroupSpecInput) (Accepted[NodeGroup], error) {
	body := map[string]any{"metadata": map[string]any{"name": name}, "spec": spec}
	var out nodeGroupAnswer
	err := c.do(ctx, request{method: http.MethodPost, path: nodeGroupsPath(project, cluster), body: body, idempotent: true}, &out)
	return Accepted[NodeGroup]{out.NodeGroup, out.Operation}, err
}

// GetNodeGroup reads a node group; a 404 (group or cluster gone) is reported by IsNotFound.
func (c *Client) GetNodeGroup(ctx context.Context, project, cluster, name string) (*NodeGroup, error) {
	var out NodeGroup
	if err := c.do(ctx, request{method: http.MethodGet, path: nodeGroupsPath(project, cluster) + "/" + escape(name)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PatchNodeGroup sends a JSON merge patch of spec and metadata.labels.
func (c *Client) PatchNodeGroup(ctx context.Context, project, cluster, name string, patch map[string]any) (Accepted[NodeGroup], error) {
	var out nodeGroupAnswer
	err := c.do(ctx, request{method: http.MethodPatch, path: nodeGroupsPath(project, cluster) + "/" + escape(name), body: patch, contentType: "application/merge-patch+json"}, &out)
	return Accepted[NodeGroup]{out.NodeGroup, out.Operation}, err
}

// DeleteNodeGroup requests deletion of a node group.
func (c *Client) DeleteNodeGroup(ctx context.Context, project, cluster, name string) (Accepted[NodeGroup], error) {
	var out nodeGroupAnswer
	err := c.do(ctx, request{method: http.MethodDelete, path: nodeGroupsPath(project, cluster) + "/" + escape(name)}, &out)
	return Accepted[NodeGroup]{out.NodeGroup, out.Operation}, err
}
