//go:build tools

// Package tools pins the upstream command this module builds; it is never compiled.
package tools

import _ "github.com/google/go-containerregistry/cmd/crane"
