// Package client talks to Berth's public REST API (/v1): JSON over HTTP with a bearer token,
// errors as application/problem+json, long actions as operations. It is the provider's only
// way to reach Berth; it knows nothing about Terraform.
package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config says where Berth is and how to reach it.
type Config struct {
	// Endpoint is the API's base address, e.g. http://127.0.0.1:8080 (the /v1 prefix is added).
	Endpoint string
	Token    string
	// CACertificatePEM, when set, is the only CA trusted for an https endpoint.
	CACertificatePEM string
	// Insecure skips verification of the server's certificate (development only).
	Insecure  bool
	UserAgent string
	// Timeout bounds one HTTP request (not a whole operation); default 60 s.
	Timeout time.Duration
}

// ErrCACertificate is New's answer to a CA certificate that holds no PEM certificate.
var ErrCACertificate = errors.New("ca_certificate holds no PEM certificate")

// Client is safe for concurrent use.
type Client struct {
	base      *url.URL
	token     string
	userAgent string
	http      *http.Client
}

// New checks the configuration and builds a client; it makes no request.
func New(cfg Config) (*Client, error) {
	base, err := url.Parse(strings.TrimRight(cfg.Endpoint, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("endpoint %q is not an http(s) URL like http://127.0.0.1:8080", cfg.Endpoint)
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.Insecure} //nolint:gosec // opt-in, documented as development only
	if cfg.CACertificatePEM != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(cfg.CACertificatePEM)) {
			return nil, ErrCACertificate
		}
		tlsConfig.RootCAs = pool
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsConfig
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	return &Client{
		base:      base,
		token:     cfg.Token,
		userAgent: cfg.UserAgent,
		http:      &http.Client{Transport: transport, Timeout: timeout},
	}, nil
}

// Endpoint is the configured base address.
func (c *Client) Endpoint() string { return c.base.String() }

// request is one API call. Body is JSON-encoded unless it is a []byte.
type request struct {
	method      string
	path        string
	query       url.Values
	body        any
	contentType string
	accept      string
	// idempotent POSTs carry an Idempotency-Key and may be retried with it.
	idempotent bool
}

// do sends req and decodes a 2xx JSON answer into out (when non-nil). A non-2xx answer is a
// *Problem. Transport errors and 503 are retried (GETs always, POSTs only with an
// Idempotency-Key, which makes the server answer a retry from its record instead of acting twice).
func (c *Client) do(ctx context.Context, req request, out any) error {
	var payload []byte
	if req.body != nil {
		if raw, ok := req.body.([]byte); ok {
			payload = raw
		} else {
			encoded, err := json.Marshal(req.body)
			if err != nil {
				return fmt.Errorf("encoding %s %s: %w", req.method, req.path, err)
			}
			payload = encoded
		}
	}
	key := ""
	if req.idempotent {
		key = newIdempotencyKey()
	}
	retryable := req.method == http.MethodGet || key != ""
	var lastErr error
	for attempt := 0; attempt < 4; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, time.Duration(attempt)*500*time.Millisecond); err != nil {
				return lastErr
			}
		}
		raw, err := c.send(ctx, req, payload, key)
		if err == nil {
			if out == nil || len(raw) == 0 {
				return nil
			}
			if s, ok := out.(*string); ok {
				*s = string(raw)
				return nil
			}
			if err := json.Unmarshal(raw, out); err != nil {
				return fmt.Errorf("decoding the answer to %s %s: %w", req.method, req.path, err)
			}
			return nil
		}
		lastErr = err
		var problem *Problem
		transient := !errors.As(err, &problem) || problem.Status == http.StatusServiceUnavailable
		if !retryable || !transient || ctx.Err() != nil {
			return err
		}
	}
	return lastErr
}

func (c *Client) send(ctx context.Context, req request, payload []byte, key string) ([]byte, error) {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + req.path
	u.RawQuery = req.query.Encode()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, u.String(), body)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		httpReq.Header.Set("Authorization", "Bearer "+c.token)
	}
	if payload != nil {
		contentType := req.contentType
		if contentType == "" {
			contentType = "application/json"
		}
		httpReq.Header.Set("Content-Type", contentType)
	}
	accept := req.accept
	if accept == "" {
		accept = "application/json"
	}
	httpReq.Header.Set("Accept", accept)
	if c.userAgent != "" {
		httpReq.Header.Set("User-Agent", c.userAgent)
	}
	if key != "" {
		httpReq.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.http.Do(httpReq)
	if err != nil {
		// The URL names only the endpoint; the token travels in a header and never appears here.
		return nil, fmt.Errorf("%s %s: %w", req.method, req.path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", req.method, req.path, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return raw, nil
	}
	return nil, parseProblem(resp.StatusCode, req.method+" "+req.path, raw)
}

func newIdempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "tf-" + hex.EncodeToString(b)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func escape(segment string) string { return url.PathEscape(segment) }
