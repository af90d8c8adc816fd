package client

import (
	"context"
	"net/http"
)

// Catalog is everything a spec may name.
type Catalog struct {
	Versions    []Version
	Flavors     []Flavor
	Zones       []Zone
	VolumeTypes []VolumeType
	Addons      []AddonItem
}

func catalogList[T any](ctx context.Context, c *Client, path string) ([]T, error) {
	var out struct {
		Items []T `json:"items"`
	}
	if err := c.do(ctx, request{method: http.MethodGet, path: path}, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// Versions lists the Kubernetes versions the server offers.
func (c *Client) Versions(ctx context.Context) ([]Version, error) {
	return catalogList[Version](ctx, c, "/v1/versions")
}

// Flavors lists server flavors.
func (c *Client) Flavors(ctx context.Context) ([]Flavor, error) {
	return catalogList[Flavor](ctx, c, "/v1/flavors")
}

// Zones lists availability zones.
func (c *Client) Zones(ctx context.Context) ([]Zone, error) {
	return catalogList[Zone](ctx, c, "/v1/zones")
}

// FetchCatalog reads the five catalogs.
func (c *Client) FetchCatalog(ctx context.Context) (*Catalog, error) {
	var cat Catalog
	var err error
	if cat.Versions, err = c.Versions(ctx); err != nil {
		return nil, err
	}
	if cat.Flavors, err = c.Flavors(ctx); err != nil {
		return nil, err
	}
	if cat.Zones, err = c.Zones(ctx); err != nil {
		return nil, err
	}
	if cat.VolumeTypes, err = catalogList[VolumeType](ctx, c, "/v1/volume-types"); err != nil {
		return nil, err
	}
	if cat.Addons, err = catalogList[AddonItem](ctx, c, "/v1/addons"); err != nil {
		return nil, err
	}
	return &cat, nil
}
