package client

import (
	"context"
	"net/http"
)

// ClusterCreate is a create request. Spec fields left empty are omitted, so the API applies
// its own defaults; NodeGroups is always sent, as `[]` means "none": a cluster created here
// gets its node groups from their own resources.
type ClusterCreate struct {
	Name   string
	Labels map[string]string
	Spec   ClusterSpecInput
}

// ClusterSpecInput is the spec of a create request.
type ClusterSpecInput struct {
	Version      string        `json:"version,omitempty"`
	ControlPlane *ControlPlane `json:"controlPlane,omitempty"`
	Zones        []string      `json:"zones,omitempty"`
	Network      *Network      `json:"network,omitempty"`
	APIAccess    *APIAccess    `json:"apiAccess,omitempty"`
	NodeGroups   []any         `json:"nodeGroups"`
	Addons       []Addon       `json:"addons,omitempty"`
}

// Accepted is the answer to an action: the object as it is now and the operation to follow
// (nil when nothing needed doing, e.g. a labels-only patch).
type Accepted[T any] struct {
	Object    T
	Operation *Operation
}

type clusterAnswer struct {
	Cluster   Cluster    `json:"cluster"`
	Operation *Operation `json:"operation"`
}

func clusterPath(project, name string) string {
	return "/v1/projects/" + escape(project) + "/clusters/" + escape(name)
}

// CreateCluster starts creating a cluster (202 + operation).
func (c *Client) CreateCluster(ctx context.Context, project string, in ClusterCreate) (Accepted[Cluster], error) {
	if in.Spec.NodeGroups == nil {
		in.Spec.NodeGroups = []any{}
	}
	body := map[string]any{
		"metadata": map[string]any{"name": in.Name, "labels": nonNilMap(in.Labels)},
		"spec":     in.Spec,
	}
	var out clusterAnswer
	err := c.do(ctx, request{method: http.MethodPost, path: "/v1/projects/" + escape(project) + "/clusters", body: body, idempotent: true}, &out)
	return Accepted[Cluster]{out.Cluster, out.Operation}, err
}

// GetCluster reads a cluster; a 404 is reported by IsNotFound.
func (c *Client) GetCluster(ctx context.Context, project, name string) (*Cluster, error) {
	var out Cluster
	if err := c.do(ctx, request{method: http.MethodGet, path: clusterPath(project, name)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PatchCluster sends a JSON merge patch of spec and metadata.labels.
func (c *Client) PatchCluster(ctx context.Context, project, name string, patch map[string]any) (Accepted[Cluster], error) {
	var out clusterAnswer
	err := c.do(ctx, request{method: http.MethodPatch, path: clusterPath(project, name), body: patch, contentType: "application/merge-patch+json"}, &out)
	return Accepted[Cluster]{out.Cluster, out.Operation}, err
}

// DeleteCluster requests deletion; the cluster disappears once its infrastructure is gone.
func (c *Client) DeleteCluster(ctx context.Context, project, name string) (Accepted[Cluster], error) {
	var out clusterAnswer
	err := c.do(ctx, request{method: http.MethodDelete, path: clusterPath(project, name)}, &out)
	return Accepted[Cluster]{out.Cluster, out.Operation}, err
}

// ClusterAction runs :stop, :start or :upgrade (body {version}).
func (c *Client) ClusterAction(ctx context.Context, project, name, action string, body any) (Accepted[Cluster], error) {
	var out clusterAnswer
	if body == nil {
		body = map[string]any{}
	}
	err := c.do(ctx, request{method: http.MethodPost, path: clusterPath(project, name) + ":" + action, body: body, idempotent: true}, &out)
	return Accepted[Cluster]{out.Cluster, out.Operation}, err
}

// Kubeconfig is the admin kubeconfig (YAML). The API answers 501 on a server without real
// Kubernetes (memory provider) and 409 until the control plane is up.
func (c *Client) Kubeconfig(ctx context.Context, project, name string) (string, error) {
	var out string
	err := c.do(ctx, request{method: http.MethodGet, path: clusterPath(project, name) + "/kubeconfig", accept: "application/yaml"}, &out)
	return out, err
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
