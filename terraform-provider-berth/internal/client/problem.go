package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Problem is an API error (RFC 9457 problem+json). Code is Berth's stable BERTH_ERR_… code;
// Field, when set, is the offending input as a dotted path into the request body
// (e.g. "spec.controlPlane.count").
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Code     string         `json:"code"`
	Detail   string         `json:"detail"`
	Instance string         `json:"instance,omitempty"`
	Field    string         `json:"field,omitempty"`
	Details  map[string]any `json:"details,omitempty"`
}

// Stable codes the provider branches on.
const (
	CodeValidation     = "BERTH_ERR_VALIDATION"
	CodeNotImplemented = "BERTH_ERR_NOT_IMPLEMENTED"
	CodeInvalidState   = "BERTH_ERR_INVALID_STATE"
	CodeAlreadyExists  = "BERTH_ERR_ALREADY_EXISTS"
)

func (p *Problem) Error() string {
	var b strings.Builder
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Detail)
	if p.Code != "" {
		b.WriteString(" (" + p.Code + ")")
	}
	return b.String()
}

// parseProblem turns a non-2xx answer into a *Problem, whatever the body holds.
func parseProblem(status int, what string, body []byte) *Problem {
	p := &Problem{}
	if err := json.Unmarshal(body, p); err != nil || p.Code == "" {
		text := strings.TrimSpace(string(body))
		if len(text) > 300 {
			text = text[:300] + "…"
		}
		if text == "" {
			text = http.StatusText(status)
		}
		p = &Problem{Title: http.StatusText(status), Detail: fmt.Sprintf("%s: %s", what, text)}
	}
	p.Status = status
	return p
}

// AsProblem returns the API problem inside err, if any.
func AsProblem(err error) (*Problem, bool) {
	var p *Problem
	ok := errors.As(err, &p)
	return p, ok
}

// IsNotFound reports a 404: the object does not exist (or this token cannot see it).
func IsNotFound(err error) bool {
	p, ok := AsProblem(err)
	return ok && p.Status == http.StatusNotFound
}

// HasCode reports an API problem with the given BERTH_ERR_… code.
func HasCode(err error, code string) bool {
	p, ok := AsProblem(err)
	return ok && p.Code == code
}
