//go:build tools

// Package tools pins cluster-autoscaler's main package so `go mod tidy` keeps its dependencies.
package tools

import _ "k8s.io/autoscaler/cluster-autoscaler"
