package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// CreateProject creates a project (platform admin token only).
func (c *Client) CreateProject(ctx context.Context, name, description string, labels map[string]string) (*Project, error) {
	body := map[string]any{
		"metadata": map[string]any{"name": name, "labels": nonNilMap(labels)},
		"spec":     map[string]any{"description": description},
	}
	var out Project
	if err := c.do(ctx, request{method: http.MethodPost, path: "/v1/projects", body: body, idempotent: true}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetProject reads a project.
func (c *Client) GetProject(ctx context.Context, name string) (*Project, error) {
	var out Project
	if err := c.do(ctx, request{method: http.MethodGet, path: "/v1/projects/" + escape(name)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteProject deletes an empty project and its tokens (409 while it has clusters).
func (c *Client) DeleteProject(ctx context.Context, name string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/v1/projects/" + escape(name)}, nil)
}

// CreateToken creates a token in a project; the answer carries its secret, shown this once.
// It is not retried: the API never stores a secret, so a retry could only answer 409.
func (c *Client) CreateToken(ctx context.Context, project, name, role, expiresAt string) (*Token, error) {
	body := map[string]any{"name": name, "role": role}
	if expiresAt != "" {
		body["expiresAt"] = expiresAt
	}
	var out Token
	if err := c.do(ctx, request{method: http.MethodPost, path: "/v1/projects/" + escape(project) + "/tokens", body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// FindToken looks a token up by id in its project's list; nil when it is gone (revoked).
func (c *Client) FindToken(ctx context.Context, project, id string) (*Token, error) {
	cont := ""
	for {
		query := url.Values{"limit": {strconv.Itoa(500)}}
		if cont != "" {
			query.Set("continue", cont)
		}
		var page struct {
			Metadata listMeta `json:"metadata"`
			Items    []Token  `json:"items"`
		}
		if err := c.do(ctx, request{method: http.MethodGet, path: "/v1/projects/" + escape(project) + "/tokens", query: query}, &page); err != nil {
			return nil, err
		}
		for i := range page.Items {
			if page.Items[i].ID == id {
				return &page.Items[i], nil
			}
		}
		if page.Metadata.Continue == "" {
			return nil, nil
		}
		cont = page.Metadata.Continue
	}
}

// DeleteToken revokes a token.
func (c *Client) DeleteToken(ctx context.Context, project, id string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/v1/projects/" + escape(project) + "/tokens/" + escape(id)}, nil)
}
