//go:build tools

// Package tools pins the upstream command this module builds; it is never compiled.
package tools

import _ "github.com/kubernetes-csi/csi-test/v5/cmd/csi-sanity"
